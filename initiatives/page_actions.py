"""What a visitor can do from an initiative's page: go there, call, write, share, print.

All links are plain URLs built server-side (no third-party script); the QR code of the print
layout is an SVG drawn by `segno`.
"""

import re
from urllib.parse import quote, urlencode

import segno
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from . import hours
from .models import Initiative

OSM_DIRECTIONS = "https://www.openstreetmap.org/directions"


def directions(initiative: Initiative) -> dict | None:
    """A geo: URI (phones open their map app) and OpenStreetMap's directions to the point."""
    if not initiative.has_point:
        return None
    lat, lon = f"{initiative.latitude:.6f}", f"{initiative.longitude:.6f}"
    label = quote(initiative.name, safe="")
    return {
        "geo": f"geo:{lat},{lon}?q={lat},{lon}({label})",
        "osm": f"{OSM_DIRECTIONS}?{urlencode({'to': f'{lat},{lon}'})}#map=15/{lat}/{lon}",
    }


def tel_href(phone: str) -> str:
    """'04 75 22 33 44' -> 'tel:+33475223344' (E.164 for French numbers)."""
    digits = re.sub(r"[^\d+]", "", phone or "")
    if digits.startswith("0") and len(digits) == 10:
        digits = "+33" + digits[1:]
    return f"tel:{digits}" if digits else ""


def qr_svg(url: str) -> str:
    """An inline SVG QR code of the record's address (for the printed page)."""
    code = segno.make(url, error="m")
    # segno writes its own class attribute: name ours there (a second one is invalid HTML).
    svg = code.svg_inline(
        scale=3, svgclass="qr-code", title=_("Code QR de la fiche : %(url)s") % {"url": url}
    )
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308


def opening_hours(initiative: Initiative) -> dict | None:
    """The week table and the open-now line, or None when there are no (readable) hours."""
    if not initiative.opening_hours:
        return None
    try:
        return {
            "week": hours.week_table(initiative.opening_hours),
            "status": hours.status(initiative.opening_hours),
        }
    except Exception:  # noqa: BLE001 - an unreadable stored value shows as typed, never a 500
        return {"raw": initiative.opening_hours}


def page_actions(request, initiative: Initiative, absolute_url: str) -> dict:
    """Everything the page's action bar, contact block and print layout need."""
    return {
        "directions": directions(initiative),
        "tel_href": tel_href(initiative.phone),
        "share_url": absolute_url,
        "qr_svg": qr_svg(absolute_url),
        "hours": opening_hours(initiative),
        "share_text": format_html("{}", initiative.summary or initiative.name),
    }

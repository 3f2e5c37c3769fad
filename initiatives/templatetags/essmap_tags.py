"""Template helpers for the public pages: staleness, JSON-LD, SVG bar charts, figures."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext as _

from essmap import typography
from initiatives.managers import stale_cutoff

register = template.Library()

# The escapes of django.utils.html.json_script: the JSON can never close the <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def is_stale(initiative) -> bool:
    """Never verified, or verified more than a year ago."""
    verified = getattr(initiative, "verified_at", None)
    return verified is None or verified < stale_cutoff()


@register.filter
def jsonld(data) -> str:
    """A schema.org JSON-LD data block, escaped like json_script (a data block, not a script)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.simple_tag
def figure_value(figure) -> str:
    """'plus de 1 200 emplois', 'environ 11 %', '+6 %' — the figure as the article states it."""
    return typography.format_quantity(
        figure.value,
        figure.unit,
        qualifier=figure.get_qualifier_display() if figure.qualifier else "",
        sign=getattr(figure, "is_change", False),
    )


@register.filter
def number(value, arg: str = "") -> str:
    """{{ n|number }} -> '45 233' (fr) / '45,233' (en); {{ n|number:"sign" }} -> '+6'."""
    return typography.format_number(value, sign=arg == "sign")


@register.filter(is_safe=True)
def typo(value) -> str:
    """French typography for rendered data: {{ initiative.summary|typo }}."""
    if value in (None, ""):
        return value
    return typography.typeset(str(value)) if not isinstance(value, SafeData) else value


@register.inclusion_tag("essmap/_bar_chart.html")
def bar_chart(rows, title: str, chart_id: str = "chart"):
    """A horizontal bar chart drawn server-side as SVG, with a text alternative.

    rows: iterable of (label, value). Values are drawn relative to the largest.
    """
    chart_id = str(chart_id)
    if not chart_id[:1].isalpha():
        chart_id = f"chart-{chart_id}"
    rows = [(str(label), float(value or 0)) for label, value in rows]
    top = max((v for _l, v in rows), default=0) or 1
    bar_height, gap, label_width, width = 22, 8, 230, 640
    bars = []
    for i, (label, value) in enumerate(rows):
        length = max(2.0, (width - label_width - 90) * value / top)
        y = i * (bar_height + gap)
        bars.append(
            {
                "label": label if len(label) <= 34 else label[:33] + "…",
                "full_label": label,
                "value": typography.format_number(round(value, 2)),
                "y": y,
                "text_y": y + bar_height * 0.7,
                "length": round(length, 1),
                "value_x": round(label_width + length + 6, 1),
            }
        )
    height = max(len(rows) * (bar_height + gap), bar_height)
    return {
        "bars": bars,
        "title": title,
        "chart_id": chart_id,
        "width": width,
        "height": height,
        "bar_height": bar_height,
        "label_width": label_width,
        "empty_text": _("Aucune donnée."),
    }

"""Every active filter of the directory as a removable chip, URL-only ones included.

A chip is a label and the link that removes it (the same query string without it).
"""

from dataclasses import dataclass

from django.http import QueryDict
from django.utils.translation import gettext as _

from essmap.typography import elide_in, format_number, punctuation

from .near import DEFAULT_RADIUS_KM

# Removing "near" removes the whole place (its coordinates, radius and kind of match).
GROUPS = {
    "near": ("near", "lat", "lon", "radius", "match"),
    "lat": ("lat", "lon", "radius", "match"),
    "lon": ("lat", "lon", "radius", "match"),
}
NOT_CHIPS = {"page", "ordering", "mode", "radius", "lon"}


@dataclass(frozen=True)
class Chip:
    name: str
    label: str
    url: str


def _without(data: QueryDict, names, value: str | None = None) -> str:
    query = data.copy()
    query.pop("page", None)
    for name in names:
        if value is None:
            query.pop(name, None)
        else:
            query.setlist(name, [v for v in query.getlist(name) if v != value])
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def _choice_label(field, value: str) -> str:
    for key, label in getattr(field, "choices", ()):
        if str(key) == value:
            return str(label)
    return value


def _place_label(filterset, data: QueryDict) -> str:
    place = getattr(filterset, "place", None)
    # The cleaned radius only: the raw parameter may be anything ("abc" is a form error).
    cleaned = getattr(filterset.form, "cleaned_data", None) or {}
    radius = place.radius if place is not None else cleaned.get("radius")
    where = place.label if place is not None else data.get("near") or _("votre position")
    label = _("Près de %(place)s (%(radius)s km)") % {
        "place": where,
        "radius": format_number(float(radius) if radius is not None else DEFAULT_RADIUS_KM),
    }
    return elide_in(label, where)


def active_chips(filterset, data: QueryDict) -> list[Chip]:
    """Chips in the order of the query string; unknown parameters are ignored."""
    form = filterset.form
    cleaned = getattr(form, "cleaned_data", {}) or {}
    chips: list[Chip] = []
    seen_place = False
    for name, values in data.lists():
        if name in NOT_CHIPS or name not in form.fields:
            continue
        field = form.fields[name]
        for value in (v for v in values if v.strip()):
            if name in ("near", "lat"):
                if seen_place:
                    continue
                seen_place = True
                label = _place_label(filterset, data)
                chips.append(Chip(name, label, _without(data, GROUPS[name])))
                continue
            if name == "q":
                label = _("Mots : « %(q)s »") % {"q": value}
            elif name == "bbox":
                label = _("Zone de la carte")
            elif name in ("theme", "interco", "commune", "departement"):
                label = _model_label(field, cleaned.get(name), value)
            elif name == "updated_since":
                label = _("Modifiées depuis le %(date)s") % {"date": value[:10]}
            elif name == "postcode":
                label = _("Code postal %(code)s") % {"code": value}
            else:
                label = _choice_label(field, value)
            multi = name in ("theme", "legal_form")
            url = _without(data, [name], value if multi else None)
            chips.append(Chip(name, label, url))
    return chips


def _model_label(field, cleaned, value: str) -> str:
    objects = cleaned if isinstance(cleaned, list | tuple) else [cleaned] if cleaned else []
    objects = list(objects) if not hasattr(cleaned, "model") else list(cleaned)
    for obj in objects:
        key = getattr(obj, "slug", None) or getattr(obj, "pk", None)
        if str(key) == value or str(obj.pk) == value:
            return str(getattr(obj, "label", None) or getattr(obj, "name", obj))
    return f"{field.label}{punctuation(':')} {value}"

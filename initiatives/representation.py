"""The public representation of an initiative: the ONE place that turns it into public fields.

An initiative is read as a value row (ROW_VALUES, its "themes", and for the detail
DETAIL_VALUES and its related rows), never as a model instance per row: the API's pages
(`api_item`) and detail (`api_detail`, drafts for staff too), the whole-set exports (CSV and
GeoJSON rows: `public_fields`, `csv_row`, `geojson_properties`), the open data files, the
Atom feed and the OpenAPI examples (api/examples.py) all map from these rows, so every
format agrees on each value. The SQL export (api/sql_exports.py) is their one fast twin,
held byte-equal by the tests. `row_of()` adapts a loaded instance where a page already has
one (the page's schema.org JSON-LD, `jsonld`; the data·inclusion records). The DRF
serializers stay the schema, the writes' validation and the tests' reference.

Addresses: `Initiative.get_absolute_url()` / `Interco.get_absolute_url()` (from the URL conf,
essmap/paths.py); `PageLinks(request)` makes them absolute once per request, cheaply per row.
"""

from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from essmap.paths import slug_path

from .models import Initiative
from .near import reason
from .visibility import is_shown

# Multiple values in one CSV cell (themes).
MULTI_SEPARATOR = " | "

# The whole-set CSV: column header -> public field (the published contract, docs/api.md).
CSV_FIELDS = {
    "slug": "slug", "nom": "name", "resume": "summary", "type": "kind",
    "forme_juridique": "legal_form", "themes": "themes", "commune_insee": "commune_insee",
    "commune": "commune", "code_postal": "postal_code", "interco_siren": "interco_siren",
    "interco": "interco", "adresse": "address", "latitude": "latitude",
    "longitude": "longitude", "distance_km": "distance_km", "site_web": "website",
    "courriel": "email", "telephone": "phone", "horaires": "opening_hours", "siret": "siret",
    "rna": "rna", "annee_creation": "founded_year", "salaries": "employees",
    "verifiee_le": "verified_at", "mise_a_jour": "updated_at", "url": "url",
    "origine": "origin", "registre": "register_source", "registre_id": "register_id",
    "finess": "finess", "registre_date": "register_date", "registre_vu_le": "register_seen_at",
}  # fmt: skip
CSV_COLUMNS = list(CSV_FIELDS)

# GeoJSON feature properties (the geometry carries the point).
GEOJSON_PROPERTIES = (
    "slug", "name", "summary", "kind", "legal_form", "themes", "commune_insee", "commune",
    "interco_siren", "interco", "address", "postcode", "approximate_point", "distance_km",
    "match", "reason", "website", "email", "phone", "updated_at", "url", "origin",
    "register_source", "register_id", "finess", "register_date", "register_seen_at",
)  # fmt: skip


class PageLinks:
    """Absolute addresses of public pages for one request (site paths without a request)."""

    def __init__(self, request=None):
        self.request = request
        self.origin = request.build_absolute_uri("/")[:-1] if request is not None else ""

    def absolute(self, path: str) -> str:
        return f"{self.origin}{path}"

    def initiative(self, slug: str) -> str:
        return self.absolute(Initiative.path_for(slug))

    def initiative_api(self, slug: str) -> str:
        return self.absolute(slug_path("api-initiative-detail", "slug", slug))

    def of(self, obj) -> str:
        """Any object with a public page (initiative, interco)."""
        return self.absolute(obj.get_absolute_url())


# The columns of a public row, read with values() by every list (API pages, exports): no
# model instance per row. `row_of()` gives the same mapping for one loaded instance.
ROW_VALUES = (
    "pk", "slug", "name", "summary", "kind", "legal_form", "address", "postcode", "latitude",
    "longitude", "approximate_point", "website", "email", "phone", "opening_hours", "siret",
    "rna", "founded_year", "employees", "verified_at", "updated_at", "commune_id",
    "commune__name", "commune__postcodes", "commune__departement_id", "commune__interco_id",
    "commune__interco__name", "commune__interco__slug", "commune__interco__kind", "origin",
    "register_source", "register_id", "finess", "register_date", "register_seen_at", "created_at",
)  # fmt: skip
# The decisions of a "near" search (near_results.NearResults), when present.
NEAR_VALUES = ("distance_km", "match_rank", "served_interco")
# Theme fields nested in rows (row["themes"]: a list of such mappings, in theme order).
THEME_VALUES = ("slug", "name", "name_en", "icon", "colour")


def row_of(initiative) -> dict:
    """The row of one loaded initiative (commune and interco selected, themes prefetched)."""
    commune = initiative.commune
    interco = commune.interco if commune is not None else None
    row = {name: getattr(initiative, name) for name in ROW_VALUES if "__" not in name}
    row.update(
        {
            "commune__name": commune.name if commune else None,
            "commune__postcodes": commune.postcodes if commune else None,
            "commune__departement_id": commune.departement_id if commune else None,
            "commune__interco_id": interco.siren if interco else None,
            "commune__interco__name": interco.name if interco else None,
            "commune__interco__slug": interco.slug if interco else None,
            "commune__interco__kind": interco.kind if interco else None,
            "themes": [
                {name: getattr(t, name) for name in THEME_VALUES} for t in initiative.themes.all()
            ],
        }
    )
    for name in NEAR_VALUES:
        if hasattr(initiative, name):
            row[name] = getattr(initiative, name)
    return row


def iso_datetime(value) -> str:
    """A timestamp in local time, ISO 8601 (as DRF writes it: 'Z' for UTC)."""
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def rounded_distance(row) -> float | None:
    """The `distance_km` annotation of a "near" search, to the metre; None without one."""
    distance = row.get("distance_km")
    return None if distance is None else round(distance, 3)


def near_field(row, key: str):
    """Why a result of a "near" search is there (initiatives.near.reason), else None."""
    found = reason(row.get("match_rank"), row.get("distance_km"), row.get("served_interco"))
    return found[key] if found else None


def postcodes_of(row) -> list[str]:
    return (row["commune__postcodes"] or "").split()


def postal_code(row) -> str:
    """The address's postcode, else the commune's first one (CSV, JSON-LD), else ''."""
    if row["postcode"]:
        return row["postcode"]
    postcodes = postcodes_of(row)
    return postcodes[0] if postcodes else ""


def public_fields(initiative, links: PageLinks) -> dict:
    """Every public field of an initiative, as JSON values (None when unknown).

    Takes a row (values() with ROW_VALUES and "themes") or a loaded instance (`row_of`).
    """
    row = initiative if isinstance(initiative, dict) else row_of(initiative)
    has_commune = row["commune_id"] is not None
    return {
        "slug": row["slug"],
        "name": row["name"],
        "summary": row["summary"],
        "kind": row["kind"],
        "legal_form": row["legal_form"],
        "themes": [t["slug"] for t in row["themes"]],
        "commune_insee": row["commune_id"],
        "commune": row["commune__name"] if has_commune else None,
        "postcode": row["postcode"],
        "postal_code": postal_code(row),
        "interco_siren": row["commune__interco_id"],
        "interco": row["commune__interco__name"],
        "address": row["address"],
        "latitude": row["latitude"],
        "longitude": row["longitude"],
        "approximate_point": row["approximate_point"],
        "distance_km": rounded_distance(row),
        "match": near_field(row, "match"),
        "reason": near_field(row, "text"),
        "website": row["website"],
        "email": row["email"],
        "phone": row["phone"],
        "opening_hours": row["opening_hours"],
        "siret": row["siret"],
        "rna": row["rna"],
        "founded_year": row["founded_year"],
        "employees": row["employees"],
        "verified_at": row["verified_at"].isoformat() if row["verified_at"] else None,
        "updated_at": timezone.localtime(row["updated_at"]).isoformat(),
        "url": links.initiative(row["slug"]),
        "origin": row["origin"],
        "register_source": row["register_source"],
        "register_id": row["register_id"],
        "finess": row["finess"],
        "register_date": _iso_date(row["register_date"]),
        "register_seen_at": _iso_date(row["register_seen_at"]),
    }


def _iso_date(value) -> str | None:
    return value.isoformat() if value else None


# The fields of one result of the API's list, in InitiativeListSerializer's order.
API_ITEM_FIELDS = (
    "slug", "name", "summary", "kind", "legal_form", "themes", "commune", "interco", "address",
    "postcode", "latitude", "longitude", "approximate_point", "distance_km", "match", "reason",
    "website", "email", "phone", "opening_hours", "siret", "rna", "founded_year", "employees",
    "verified_at", "updated_at", "url", "api_url", "origin", "register_source", "register_id",
    "finess", "register_date", "register_seen_at",
)  # fmt: skip


def api_item(row, links: PageLinks) -> dict:
    """One result of the API's list, exactly as InitiativeListSerializer documents it: the
    public fields, with the commune, the interco and the themes as nested objects."""
    fields = public_fields(row, links)
    nested = {
        "themes": [dict(t) for t in row["themes"]],
        "commune": None,
        "interco": None,
        "updated_at": iso_datetime(row["updated_at"]),
        "api_url": links.initiative_api(row["slug"]),
    }
    if row["commune_id"] is not None:
        nested["commune"] = {
            "insee": row["commune_id"],
            "name": row["commune__name"],
            "postcodes": postcodes_of(row),
            "departement": row["commune__departement_id"],
        }
    if row["commune__interco_id"] is not None:
        nested["interco"] = {
            "siren": row["commune__interco_id"],
            "name": row["commune__interco__name"],
            "slug": row["commune__interco__slug"],
            "kind": row["commune__interco__kind"],
        }
    return {name: nested[name] if name in nested else fields[name] for name in API_ITEM_FIELDS}


# --- the detail: the list's fields, then the record's own and its related rows -----------------
# The detail's columns of the record (besides ROW_VALUES), and of its related rows: a reader
# (initiatives/detail.py) selects them, `api_detail` writes what InitiativeDetailSerializer
# documents (tests/api/test_lean_detail.py).
INTERCO = ("siren", "name", "slug", "kind")
SOURCE = ("id", "title", "publisher", "date", "year", "url", "cited_in", "note")
DETAIL_VALUES = (
    "description", "verified_by", "article_note", "carried_by__slug",
    "carried_by__name", "carried_by__status",
    *(f"carried_by_interco__{name}" for name in INTERCO),
    *(f"source__{name}" for name in SOURCE),
)  # fmt: skip


def interco_brief(row: dict, prefix: str) -> dict | None:
    if row[f"{prefix}siren"] is None:
        return None
    return {name: row[f"{prefix}{name}"] for name in INTERCO}


def source_brief(row: dict, prefix: str) -> dict | None:
    if row[f"{prefix}id"] is None:
        return None
    source = {name: row[f"{prefix}{name}"] for name in SOURCE}
    if source["date"] is not None:
        source["date"] = source["date"].isoformat()
    return source


def initiative_brief(slug: str | None, name: str | None, links: PageLinks) -> dict | None:
    if slug is None:
        return None
    return {"slug": slug, "name": name, "url": links.initiative(slug)}


def _prefixed(prefix: str, names) -> list[str]:
    return [f"{prefix}{name}" for name in names]


PARTNERSHIP_VALUES = (
    "id", "kind", "role", "start_year", "end_year", "description", "initiative__slug",
    "initiative__name", "partner_initiative__slug", "partner_initiative__name",
    *_prefixed("partner_interco__", INTERCO), *_prefixed("source__", SOURCE),
)  # fmt: skip
FIGURE_VALUES = (
    "id", "label", "label_en", "measure", "value", "qualifier", "unit", "unit_en", "year",
    "period", "period_en", "departement", "note", "initiative__slug", "initiative__name",
    *_prefixed("interco__", INTERCO), *_prefixed("source__", SOURCE),
)  # fmt: skip


def partnership_item(row: dict, links: PageLinks) -> dict:
    return {
        "id": row["id"],
        "kind": row["kind"],
        "role": row["role"],
        "initiative": initiative_brief(row["initiative__slug"], row["initiative__name"], links),
        "partner_type": "interco" if row["partner_interco__siren"] else "initiative",
        "partner_interco": interco_brief(row, "partner_interco__"),
        "partner_initiative": initiative_brief(
            row["partner_initiative__slug"], row["partner_initiative__name"], links
        ),
        "start_year": row["start_year"],
        "end_year": row["end_year"],
        "description": row["description"],
        "source": source_brief(row, "source__"),
    }


def figure_item(row: dict, links: PageLinks) -> dict:
    if row["initiative__slug"] is not None:
        scope = "initiative"
    elif row["interco__siren"] is not None:
        scope = "interco"
    elif row["departement"] is not None:
        scope = "departement"
    else:
        scope = "territory"
    plain = ("unit", "unit_en", "year", "period", "period_en")
    return {
        "id": row["id"],
        "label": row["label"],
        "label_en": row["label_en"],
        "measure": row["measure"],
        "value": float(row["value"].quantize(Decimal("0.01"))),  # DRF's DecimalField, as JSON
        "qualifier": row["qualifier"],
        **{name: row[name] for name in plain},
        "scope": scope,
        "initiative": initiative_brief(row["initiative__slug"], row["initiative__name"], links),
        "interco": interco_brief(row, "interco__"),
        "departement": row["departement"],
        "source": source_brief(row, "source__"),
        "note": row["note"],
    }


def api_detail(row: dict, related: dict, links: PageLinks) -> dict:
    """One initiative's detail as the API answers it, from its row (ROW_VALUES, "themes",
    DETAIL_VALUES) and its related rows: `related` holds "coverage" (INTERCO values),
    "partnerships" and "partner_of" (PARTNERSHIP_VALUES), "figures" (FIGURE_VALUES)."""
    data = api_item(row, links)
    carrier = None
    if is_shown(row["carried_by__status"]):
        carrier = initiative_brief(row["carried_by__slug"], row["carried_by__name"], links)
    data.update(
        {
            "description": row["description"],
            "coverage": [{name: c[name] for name in INTERCO} for c in related["coverage"]],
            "carried_by": carrier,
            "carried_by_interco": interco_brief(row, "carried_by_interco__"),
            "verified_by": row["verified_by"],
            "source": source_brief(row, "source__"),
            "article_note": row["article_note"],
            "partnerships": [partnership_item(p, links) for p in related["partnerships"]],
            "partner_of": [partnership_item(p, links) for p in related["partner_of"]],
            "figures": [figure_item(f, links) for f in related["figures"]],
            "created_at": iso_datetime(row["created_at"]),
        }
    )
    return data


def csv_row(initiative, links: PageLinks) -> list:
    fields = public_fields(initiative, links)
    fields["themes"] = MULTI_SEPARATOR.join(fields["themes"])
    return [fields[name] for name in CSV_FIELDS.values()]


def geojson_properties(initiative, links: PageLinks) -> dict:
    fields = public_fields(initiative, links)
    return {name: fields[name] for name in GEOJSON_PROPERTIES}


def marker_feature(
    *,
    slug: str,
    name: str,
    lat: float,
    lon: float,
    commune: str | None,
    theme: str | None = None,
    approximate: bool = False,
) -> dict:
    """One initiative on the map (a GeoJSON Feature; its popup links to the page).

    `theme`: the slug of its first theme (marker colour and icon); `approximate`: the point
    is its commune's centre.
    """
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "kind": "marker",
            "name": name,
            "commune": commune or "",
            "theme": theme or "",
            "approximate": bool(approximate),
            "url": Initiative.path_for(slug),
        },
    }


def area_feature(*, siren: str, name: str, count: int, lat: float, lon: float) -> dict:
    """Initiatives serving an interco, at its centre; links to the list of that territory."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "kind": "area",
            "name": name,
            "siren": siren,
            "count": count,
            "url": f"{reverse('initiatives:directory')}?{urlencode({'interco': siren})}",
        },
    }


def jsonld(initiative, links: PageLinks) -> dict:
    """schema.org description of the initiative (an Organization), for its page."""
    fields = public_fields(initiative, links)
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": fields["name"],
        "url": fields["url"],
    }
    if initiative.summary or initiative.description:
        data["description"] = initiative.summary or initiative.description
    optional = {
        "sameAs": [fields["website"]] if fields["website"] else None,
        "email": fields["email"],
        "telephone": fields["phone"],
        "taxID": fields["siret"],
        "foundingDate": str(fields["founded_year"]) if fields["founded_year"] else None,
    }
    data.update((key, value) for key, value in optional.items() if value)
    if fields["employees"] is not None:
        data["numberOfEmployees"] = {"@type": "QuantitativeValue", "value": fields["employees"]}
    address = {"@type": "PostalAddress", "addressCountry": "FR"}
    if fields["address"]:
        address["streetAddress"] = fields["address"]
    if fields["postal_code"]:
        address["postalCode"] = fields["postal_code"]
    if fields["commune"]:
        address["addressLocality"] = fields["commune"]
    data["address"] = address
    if fields["latitude"] is not None and fields["longitude"] is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": fields["latitude"],
            "longitude": fields["longitude"],
        }
    themes = [t.label for t in initiative.themes.all()]
    if themes:
        data["knowsAbout"] = themes
    areas = [{"@type": "AdministrativeArea", "name": ic.name} for ic in initiative.coverage.all()]
    if areas:
        data["areaServed"] = areas
    return data

"""The public representation of an initiative: the ONE place that turns it into public fields.

Every output starts here: the partner API's read serializers (page and API addresses,
distance), the whole-set exports (CSV and GeoJSON rows: `public_fields`, `csv_row`,
`geojson_properties`), the map's markers (`marker_feature`) and the page's schema.org JSON-LD
(`jsonld`). A new format (open data files, feeds, other schemas) maps from `public_fields()`
instead of reading the model again, so every format agrees on each value.

Addresses: `Initiative.get_absolute_url()` / `Interco.get_absolute_url()` (from the URL conf,
essmap/paths.py); `PageLinks(request)` makes them absolute once per request, cheaply per row.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from essmap.paths import slug_path

from .models import Initiative
from .near import reason

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
}  # fmt: skip
CSV_COLUMNS = list(CSV_FIELDS)

# GeoJSON feature properties (the geometry carries the point).
GEOJSON_PROPERTIES = (
    "slug", "name", "summary", "kind", "legal_form", "themes", "commune_insee", "commune",
    "interco_siren", "interco", "address", "postcode", "approximate_point", "distance_km",
    "match", "reason", "website", "email", "phone", "updated_at", "url",
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


def rounded_distance(initiative) -> float | None:
    """The `distance_km` annotation of a "near" search, to the metre; None without one."""
    distance = getattr(initiative, "distance_km", None)
    return None if distance is None else round(distance, 3)


def near_field(initiative, key: str):
    """Why a result of a "near" search is there (initiatives.near.reason), else None."""
    found = reason(initiative)
    return found[key] if found else None


def postal_code(initiative) -> str:
    """The address's postcode, else the commune's first one (CSV, JSON-LD), else ''."""
    commune = initiative.commune
    if initiative.postcode:
        return initiative.postcode
    if commune is not None and commune.postcode_list:
        return commune.postcode_list[0]
    return ""


def public_fields(initiative, links: PageLinks) -> dict:
    """Every public field of an initiative, as JSON values (None when unknown).

    Needs `commune__interco` selected and `themes` prefetched (initiative_public_list()).
    """
    i = initiative
    commune = i.commune
    interco = commune.interco if commune is not None else None
    return {
        "slug": i.slug,
        "name": i.name,
        "summary": i.summary,
        "kind": i.kind,
        "legal_form": i.legal_form,
        "themes": [t.slug for t in i.themes.all()],
        "commune_insee": commune.insee if commune else None,
        "commune": commune.name if commune else None,
        "postcode": i.postcode,
        "postal_code": postal_code(i),
        "interco_siren": interco.siren if interco else None,
        "interco": interco.name if interco else None,
        "address": i.address,
        "latitude": i.latitude,
        "longitude": i.longitude,
        "approximate_point": i.approximate_point,
        "distance_km": rounded_distance(i),
        "match": near_field(i, "match"),
        "reason": near_field(i, "text"),
        "website": i.website,
        "email": i.email,
        "phone": i.phone,
        "opening_hours": i.opening_hours,
        "siret": i.siret,
        "rna": i.rna,
        "founded_year": i.founded_year,
        "employees": i.employees,
        "verified_at": i.verified_at.isoformat() if i.verified_at else None,
        "updated_at": timezone.localtime(i.updated_at).isoformat(),
        "url": links.initiative(i.slug),
    }


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
    if initiative.has_point:
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

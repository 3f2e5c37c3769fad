"""Whole-set exports of the filtered initiatives: GeoJSON (RFC 7946) and CSV."""

from django.http import StreamingHttpResponse
from django.utils import timezone

from essmap.api.renderers import csv_response, geojson_response, point_feature

CHUNK = 1000
MULTI_SEPARATOR = " | "

CSV_COLUMNS = [
    "slug", "nom", "resume", "type", "forme_juridique", "themes", "commune_insee", "commune",
    "code_postal", "interco_siren", "interco", "adresse", "latitude", "longitude",
    "distance_km", "site_web", "courriel", "telephone", "horaires", "siret", "rna",
    "annee_creation", "salaries", "verifiee_le", "mise_a_jour", "url",
]  # fmt: skip


def _url_prefix(request) -> str:
    """The absolute address of the pages, built once per export (not once per row)."""
    return request.build_absolute_uri("/initiatives/")


def _distance(initiative):
    distance = getattr(initiative, "distance_km", None)
    return None if distance is None else round(distance, 3)


def csv_row(prefix: str, i) -> list:
    commune, interco = i.commune, (i.commune.interco if i.commune else None)
    return [
        i.slug, i.name, i.summary, i.kind, i.legal_form,
        MULTI_SEPARATOR.join(t.slug for t in i.themes.all()),
        commune.insee if commune else "", commune.name if commune else "",
        i.postcode or (commune.postcode_list[0] if commune and commune.postcode_list else ""),
        interco.siren if interco else "", interco.name if interco else "",
        i.address, i.latitude, i.longitude, _distance(i), i.website, i.email, i.phone,
        i.opening_hours, i.siret, i.rna, i.founded_year, i.employees,
        i.verified_at.isoformat() if i.verified_at else "",
        timezone.localtime(i.updated_at).isoformat(), f"{prefix}{i.slug}/",
    ]  # fmt: skip


def feature_properties(prefix: str, i) -> dict:
    commune, interco = i.commune, (i.commune.interco if i.commune else None)
    return {
        "slug": i.slug,
        "name": i.name,
        "summary": i.summary,
        "kind": i.kind,
        "legal_form": i.legal_form,
        "themes": [t.slug for t in i.themes.all()],
        "commune_insee": commune.insee if commune else None,
        "commune": commune.name if commune else None,
        "interco_siren": interco.siren if interco else None,
        "interco": interco.name if interco else None,
        "address": i.address,
        "postcode": i.postcode,
        "distance_km": _distance(i),
        "website": i.website,
        "email": i.email,
        "phone": i.phone,
        "updated_at": timezone.localtime(i.updated_at).isoformat(),
        "url": f"{prefix}{i.slug}/",
    }


def initiatives_csv(request, queryset) -> StreamingHttpResponse:
    prefix = _url_prefix(request)
    rows = (csv_row(prefix, i) for i in queryset.iterator(chunk_size=CHUNK))
    return csv_response("initiatives.csv", CSV_COLUMNS, rows)


def initiatives_geojson(request, queryset) -> StreamingHttpResponse:
    """Only initiatives with a point; coordinates [longitude, latitude] (RFC 7946 §3.1.1)."""
    located = queryset.filter(latitude__isnull=False, longitude__isnull=False)
    prefix = _url_prefix(request)
    features = (
        point_feature(i.longitude, i.latitude, feature_properties(prefix, i), feature_id=i.slug)
        for i in located.iterator(chunk_size=CHUNK)
    )
    return geojson_response(features, filename="initiatives.geojson")

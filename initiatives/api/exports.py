"""Whole-set exports of the filtered initiatives: GeoJSON (RFC 7946) and CSV.

Rows and properties come from initiatives/representation.py (the one public representation).
"""

from django.http import StreamingHttpResponse

from essmap.api.renderers import csv_response, geojson_response, point_feature

from ..representation import CSV_COLUMNS, PageLinks, csv_row, geojson_properties

CHUNK = 1000


def initiatives_csv(request, queryset) -> StreamingHttpResponse:
    links = PageLinks(request)
    rows = (csv_row(i, links) for i in queryset.iterator(chunk_size=CHUNK))
    return csv_response("initiatives.csv", CSV_COLUMNS, rows)


def initiatives_geojson(request, queryset) -> StreamingHttpResponse:
    """Only initiatives with a point; coordinates [longitude, latitude] (RFC 7946 §3.1.1)."""
    located = queryset.filter(latitude__isnull=False, longitude__isnull=False)
    links = PageLinks(request)
    features = (
        point_feature(i.longitude, i.latitude, geojson_properties(i, links), feature_id=i.slug)
        for i in located.iterator(chunk_size=CHUNK)
    )
    return geojson_response(features, filename="initiatives.geojson")

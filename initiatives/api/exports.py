"""Whole-set exports of the filtered initiatives: GeoJSON (RFC 7946) and CSV.

Rows and properties come from initiatives/representation.py (the one public representation).
On PostgreSQL the database writes them (sql_exports.py, its SQL image, about twenty times
faster at 250,000 rows); this streamed Python path (value rows, selectors.iter_rows) serves
SQLite and "near" searches, and is the reference the SQL path is tested against, byte for
byte.
"""

from django.http import StreamingHttpResponse

from essmap.api.renderers import csv_response, geojson_response, point_feature

from ..representation import CSV_COLUMNS, PageLinks, csv_row, geojson_properties
from ..selectors import iter_rows
from . import sql_exports

CHUNK = 1000


def initiatives_csv(request, queryset) -> StreamingHttpResponse:
    links = PageLinks(request)
    if sql_exports.handles(queryset):
        return sql_exports.initiatives_csv(request, queryset, links)
    return python_csv(queryset, links)


def initiatives_geojson(request, queryset) -> StreamingHttpResponse:
    links = PageLinks(request)
    if sql_exports.handles(queryset):
        return sql_exports.initiatives_geojson(request, queryset, links)
    return python_geojson(queryset, links)


def python_csv(queryset, links: PageLinks) -> StreamingHttpResponse:
    rows = (csv_row(row, links) for row in iter_rows(queryset, CHUNK))
    return csv_response("initiatives.csv", CSV_COLUMNS, rows)


def python_geojson(queryset, links: PageLinks) -> StreamingHttpResponse:
    """Only initiatives with a point; coordinates [longitude, latitude] (RFC 7946 §3.1.1)."""
    located = queryset.filter(latitude__isnull=False, longitude__isnull=False)
    features = (
        point_feature(
            row["longitude"],
            row["latitude"],
            geojson_properties(row, links),
            feature_id=row["slug"],
        )
        for row in iter_rows(located, CHUNK)
    )
    return geojson_response(features, filename="initiatives.geojson")

"""CSV export of the staff list, in the import format (so it round-trips).

The CSV dialect and the formula guard are the partner API's (essmap.api.renderers):
UTF-8 with BOM, `;`, CRLF; the import undoes the guard.
"""

from collections.abc import Iterator

from django.http import StreamingHttpResponse

from essmap.api.renderers import csv_response
from initiatives.imports import COLUMNS

HEADER = [c.header for c in COLUMNS]


def export_rows(queryset) -> Iterator[list[str]]:
    """One row per initiative, in the import's column order."""
    qs = queryset.select_related("commune").prefetch_related("themes").order_by("name", "pk")
    for obj in qs.iterator(chunk_size=500):
        values = {
            "name": obj.name,
            "commune": obj.commune_id or "",
            "commune_name": obj.commune.name if obj.commune_id else "",
            "themes": "|".join(t.slug for t in obj.themes.all()),
        }
        row = []
        for column in COLUMNS:
            if column.field in values:
                value = values[column.field]
            else:
                value = getattr(obj, column.field)
            row.append("" if value is None else str(value))
        yield row


def export_response(queryset, filename: str) -> StreamingHttpResponse:
    return csv_response(filename, HEADER, export_rows(queryset))

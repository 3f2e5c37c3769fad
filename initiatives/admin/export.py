"""CSV export of the staff list, in the import format (so it round-trips)."""

import csv
from collections.abc import Iterator

from initiatives.imports import COLUMNS


def export_rows(queryset) -> Iterator[list[str]]:
    """The header, then one row per initiative, in the import format (round-trips)."""
    yield [c.header for c in COLUMNS]
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


class _Echo:
    def write(self, value):
        return value


def export_csv_lines(queryset) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"  # BOM: spreadsheets then read UTF-8 correctly
    for row in export_rows(queryset):
        yield writer.writerow([_neutralise(v) for v in row])


def _neutralise(value: str) -> str:
    """Keep spreadsheets from running a cell as a formula (CSV injection)."""
    if value and value[0] in "=+@\t\r" or (value[:1] == "-" and not _is_number(value)):
        return "'" + value
    return value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True

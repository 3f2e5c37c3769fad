"""GeoJSON (RFC 7946) and CSV: renderers for content negotiation, streamed bodies for exports.

Exports stream the whole filtered set (never a page) so that QGIS, GDAL or a spreadsheet
opens the file as it is. CSV: UTF-8 with a byte order mark, `;` separator and CRLF line
ends, which a French-locale spreadsheet (Excel, LibreOffice) opens in columns without an
import dialog.
"""

import csv
import json
import re
from collections.abc import Iterable, Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer, JSONRenderer

CSV_DELIMITER = ";"
BOM = "\ufeff"
# Cells a spreadsheet would run as a formula (CSV injection, OWASP).
_FORMULA_START = ("=", "@", "\t", "\r")
# After "+" or "-", a plain signed number (ASCII digits, spaces and dots, one digit at least:
# "-12.5", "+33 4 75 22 33 44") stays as it is, so that numbers stay numbers; anything else
# starting with a sign is escaped. The SQL twin (api/sql_exports.SIGNED) is the same regex.
_PLAIN_NUMBER = re.compile(r"[ .]*[0-9][0-9 .]*")


class GeoJSONRenderer(JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Exports are streamed by the views; this renderer only takes part in negotiation.
        if isinstance(data, bytes):
            return data
        return json.dumps(data, cls=DjangoJSONEncoder).encode()


def safe_cell(value) -> str:
    """A CSV cell a spreadsheet shows as text: a leading apostrophe before "=", "@", tab, CR,
    and before "+" or "-" unless a plain signed number follows (the import drops it again)."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    if text[:1] in ("+", "-") and not _PLAIN_NUMBER.fullmatch(text, 1):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER, lineterminator="\r\n")
    yield BOM + writer.writerow(header)
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(header, rows)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def geojson_chunks(features: Iterable[dict], **members) -> Iterator[str]:
    """A FeatureCollection written feature by feature (foreign members first)."""
    head = {"type": "FeatureCollection", **members}
    yield json.dumps(head, cls=DjangoJSONEncoder)[:-1] + ', "features": ['
    first = True
    for feature in features:
        yield ("" if first else ",\n") + json.dumps(
            feature, cls=DjangoJSONEncoder, ensure_ascii=False
        )
        first = False
    yield "]}\n"


def geojson_response(
    features: Iterable[dict], filename: str | None = None, **members
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in geojson_chunks(features, **members)),
        content_type="application/geo+json",
    )
    if filename:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def point_feature(lon: float, lat: float, properties: dict, feature_id=None) -> dict:
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }
    if feature_id is not None:
        feature["id"] = feature_id
    return feature


def geometry_feature(geometry: dict, properties: dict, feature_id=None) -> dict:
    feature = {"type": "Feature", "geometry": geometry, "properties": properties}
    if feature_id is not None:
        feature["id"] = feature_id
    return feature

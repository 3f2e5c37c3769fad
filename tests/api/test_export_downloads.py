"""HEAD and conditional GET on the API's streamed exports (CSV, GeoJSON), issue 21.

The body is streamed, never held: its weak ETag is made of what makes it (data generation,
newest change, address, parameters, format, language), so a HEAD or a 304 runs no export.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from essmap.cache import data_changed
from initiatives.models import Initiative

pytestmark = pytest.mark.django_db

EXPORTS = [
    ("/api/v1/initiatives/", {"format": "csv"}),
    ("/api/v1/initiatives/", {"format": "geojson"}),
    ("/api/v1/initiatives/", {"format": "csv", "theme": "energie"}),
    ("/api/v1/intercos/", {"format": "geojson"}),
]
HEADERS = ("ETag", "Last-Modified", "Content-Type", "Content-Disposition", "Cache-Control")


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _rows_read(queries, table: str) -> list[str]:
    """Queries reading the exported rows (not the freshness probe MAX(updated_at))."""
    return [q["sql"] for q in queries if f'FROM "{table}"' in q["sql"] and "MAX(" not in q["sql"]]


@pytest.mark.parametrize(("url", "params"), EXPORTS)
def test_head_answers_as_get_without_a_body_and_runs_no_export(api, world, url, params):
    get = api.get(url, params)
    assert get.status_code == 200 and _body(get)
    with CaptureQueriesContext(connection) as queries:
        head = api.head(url, params)
    assert head.status_code == 200
    assert not head.streaming and head.content == b""
    for header in HEADERS:
        if get.has_header(header):
            assert head[header] == get[header], header
    table = "intercos_interco" if "intercos" in url else "initiatives_initiative"
    assert _rows_read(queries.captured_queries, table) == []


@pytest.mark.parametrize(("url", "params"), EXPORTS)
def test_if_none_match_gives_304_until_the_data_changes(
    api, world, url, params, django_capture_on_commit_callbacks
):
    etag = api.get(url, params)["ETag"]
    assert etag.startswith('W/"')
    for method in (api.get, api.head):
        again = method(url, params, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304 and _body(again) == b""
        assert again["ETag"] == etag
    with django_capture_on_commit_callbacks(execute=True):
        Initiative.objects.filter(slug="credit-cooperatif").update(name="Crédit Coopératif 2")
        data_changed()
    changed = api.get(url, params, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag and _body(changed)


def test_the_etag_depends_on_the_format_the_filters_and_the_language(api, world):
    tags = {
        api.get("/api/v1/initiatives/", params, **headers)["ETag"]
        for params, headers in [
            ({"format": "csv"}, {}),
            ({"format": "geojson"}, {}),
            ({"format": "csv", "theme": "energie"}, {}),
            ({"format": "csv"}, {"HTTP_ACCEPT_LANGUAGE": "en"}),
        ]
    }
    assert len(tags) == 4
    assert api.get("/api/v1/initiatives/", {"format": "csv"})["ETag"] in tags  # stable


def test_if_modified_since_gives_304_on_head_too(api, world):
    last = api.get("/api/v1/initiatives/", {"format": "geojson"})["Last-Modified"]
    response = api.head("/api/v1/initiatives/", {"format": "geojson"},
                        HTTP_IF_MODIFIED_SINCE=last)  # fmt: skip
    assert response.status_code == 304

"""The files, the feed and the API's streamed exports read value rows (issue 22): each equals
what the one representation makes of the loaded records (the instance path, `row_of`)."""

import io
from datetime import UTC

import feedparser
import pytest
from django.test import RequestFactory

from essmap.api.renderers import csv_response, geojson_response, point_feature
from essmap.typography import typeset
from initiatives.api import exports
from initiatives.near_results import NearResults
from initiatives.opendata import files, selectors
from initiatives.representation import CSV_COLUMNS, PageLinks, csv_row, geojson_properties
from initiatives.selectors import initiative_public_list
from tests.api.conftest import world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db
BASE = "https://essmap.example"


def _context() -> files.Context:
    return files.Context(BASE)


def _reference_rows(context: files.Context) -> list[list]:
    """The machine CSV's rows from loaded instances (the former reader)."""
    names = [files.CSV_FIELDS.get(column, "coverage_siren") for column in files.COLUMNS]
    rows = []
    for initiative in selectors.export_queryset():
        fields = context.fields(initiative)
        for multi in ("themes", "coverage_siren"):
            fields[multi] = files.MULTI_SEPARATOR.join(fields[multi])
        rows.append([fields[name] for name in names])
    return rows


def test_the_open_data_rows_equal_the_instance_path(world):  # noqa: F811
    context = _context()
    rows = list(files._rows(context))
    assert len(rows) == 3  # the published records, not the draft
    assert rows == _reference_rows(context)
    assert any("200041366" in row for row in rows)  # coverage read with the rows


def test_the_open_data_geojson_equals_the_instance_path(world):  # noqa: F811
    context = _context()
    out = io.StringIO()
    files._write_geojson(out, context)
    text = out.getvalue()
    for initiative in selectors.export_queryset():
        assert f'"id": "{initiative.slug}"' in text or f'"id":"{initiative.slug}"' in text
        assert context.fields(initiative)["url"] in text


def _streamed(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize("near", [False, True], ids=["plain", "near"])
def test_the_streamed_csv_equals_the_instance_path(world, near):  # noqa: F811
    queryset = initiative_public_list().order_by("pk")
    if near:
        queryset = NearResults(
            queryset, 44.94, 4.86, 5.0, home="200041366", reach=(), match=None
        ).queryset()
        queryset = queryset.order_by("pk")
    links = PageLinks(RequestFactory().get("/"))
    text = _streamed(exports.python_csv(queryset, links))
    instances = [csv_row(i, links) for i in queryset]
    reference = _streamed(csv_response("initiatives.csv", CSV_COLUMNS, instances))
    assert text == reference
    assert text.count("\n") == 1 + queryset.count()
    assert CSV_COLUMNS[0] in text.splitlines()[0]


def test_the_streamed_geojson_equals_the_instance_path(world):  # noqa: F811
    queryset = initiative_public_list().order_by("pk")
    links = PageLinks(RequestFactory().get("/"))
    text = _streamed(exports.python_geojson(queryset, links))
    features = [
        point_feature(i.longitude, i.latitude, geojson_properties(i, links), feature_id=i.slug)
        for i in queryset.exclude(latitude=None)
    ]
    assert len(features) == 3
    assert text == _streamed(geojson_response(features, filename="initiatives.geojson"))


def test_the_feed_entries_are_the_records(client, world):  # noqa: F811
    feed = feedparser.parse(client.get("/flux/initiatives.atom").content)
    published = initiative_public_list().order_by("-updated_at", "-pk")
    assert [e.title for e in feed.entries] == [typeset(i.name) for i in published]
    for entry, initiative in zip(feed.entries, published, strict=True):
        assert entry.link.endswith(initiative.get_absolute_url())
        assert [t.term for t in entry.get("tags", [])] == [t.slug for t in initiative.themes.all()]
        assert entry.updated.startswith(initiative.updated_at.astimezone(UTC).isoformat()[:19])

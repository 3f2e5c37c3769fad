"""Queries per request stay constant whatever the page size (no N+1 at national scale)."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.generate_synthetic import Command as GenerateSynthetic
from initiatives.models import Initiative

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(client):
    call_command(GenerateSynthetic(), count=150, seed=5, stdout=open("/dev/null", "w"))
    return Initiative.objects.filter(status="published").count()


def queries(client, path: str) -> int:
    client.get(path)  # warm whatever a first request caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
        assert response.status_code == 200, path
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)  # queries run while streaming count too
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "params",
    ["", "&departement=69", "&theme=alimentation", "&q=atelier", "&lat=45.76&lon=4.83&radius=50"],
)
def test_list_queries_do_not_grow_with_the_page_size(client, many, params):
    small = queries(client, f"/api/v1/initiatives/?page_size=2{params}")
    large = queries(client, f"/api/v1/initiatives/?page_size=100{params}")
    assert small == large


@pytest.mark.parametrize("fmt", ["geojson", "csv"])
def test_exports_queries_do_not_grow_with_the_number_of_rows(client, many, fmt):
    by_size = Counter(
        Initiative.objects.filter(status="published").values_list(
            "commune__departement_id", flat=True
        )
    ).most_common()
    (big, n_big), (small, n_small) = by_size[0], by_size[-1]
    assert n_big > 5 * n_small
    few = queries(client, f"/api/v1/initiatives/?departement={small}&format={fmt}")
    many_rows = queries(client, f"/api/v1/initiatives/?departement={big}&format={fmt}")
    assert few == many_rows


def test_directory_page_queries_do_not_grow_with_results(client, many):
    few = queries(client, "/?q=zzzz-nothing")
    full = queries(client, "/")
    assert full <= few + 3  # the page, its count and prefetches; never one per initiative

"""Throttling, CORS, conditional requests (ETag / Last-Modified → 304) and caching headers."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone
from django.utils.http import http_date
from rest_framework.authtoken.models import Token

from essmap.cache import data_changed
from initiatives.models import Initiative
from tests import factories

pytestmark = pytest.mark.django_db

LIST = "/api/v1/initiatives/"
DETAIL = "/api/v1/initiatives/energie-solidaire/"


def rates(**overrides):
    from django.conf import settings

    merged = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **overrides}
    return override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": merged}
    )


def test_anonymous_rate_comes_from_settings(api, world):
    with rates(anon="3/minute"):
        codes = [api.get(LIST).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        response = api.get(LIST)
    assert response.json()["detail"]
    assert int(response["Retry-After"]) > 0


def test_token_users_have_their_own_rate(api, world):
    user = factories.user()
    token = Token.objects.create(user=user)
    with rates(anon="1/minute", user="5/minute"):
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        codes = [api.get(LIST).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]


def test_exports_have_a_stricter_rate(api, world):
    with rates(anon="100/minute", export="2/minute"):
        codes = [api.get(LIST, {"format": "csv"}).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert api.get(LIST).status_code == 200  # JSON pages are not exports


def test_cors_is_open_for_reads(api, world):
    response = api.get(LIST, HTTP_ORIGIN="https://www.cress-aura.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = api.options(
        LIST,
        HTTP_ORIGIN="https://www.cress-aura.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight.status_code == 200
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]


def test_cors_lets_partner_pages_make_conditional_requests(api, world):
    preflight = api.options(
        LIST,
        HTTP_ORIGIN="https://www.cress-aura.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert "if-none-match" in preflight["Access-Control-Allow-Headers"]
    response = api.get(LIST, HTTP_ORIGIN="https://www.cress-aura.org")
    assert "ETag" in response["Access-Control-Expose-Headers"]


def test_api_root_lists_the_endpoints(api, world):
    body = api.get("/api/v1/").json()
    assert body["initiatives"].endswith("/api/v1/initiatives/")
    assert body["docs"].endswith("/api/v1/docs/")


def test_cors_headers_also_on_exports_and_errors(api, world):
    for url in (LIST + "?format=geojson", LIST + "?bbox=1,2,3"):
        assert api.get(url, HTTP_ORIGIN="https://example.org")["Access-Control-Allow-Origin"]


# Each change is written as the admin and the services write: then the shared read cache
# is invalidated (essmap.cache.data_changed, once the transaction commits).
def _rename_initiative(world):
    Initiative.objects.filter(slug="energie-solidaire").update(name="Énergie Solidaire !")
    data_changed()


def _rename_theme(world):
    world.energie.name = "Énergie (modifié)"
    world.energie.save()
    data_changed()


def _relabel_interco_figure(world):
    world.fig_interco.label = "Habitant·es"
    world.fig_interco.save()
    data_changed()


@pytest.mark.parametrize(
    ("url", "change"),
    [
        (LIST, _rename_initiative),
        (DETAIL, _rename_theme),
        ("/api/v1/intercos/200041366/", _relabel_interco_figure),
        ("/api/v1/themes/", _rename_theme),
    ],
)
def test_etag_gives_304_until_the_data_changes(
    api, world, url, change, django_capture_on_commit_callbacks
):
    first = api.get(url)
    etag = first["ETag"]
    assert etag.startswith('"')
    again = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag and "max-age" in again["Cache-Control"]
    with django_capture_on_commit_callbacks(execute=True):
        change(world)
    changed = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_etag_depends_on_the_query(api, world):
    assert api.get(LIST, {"theme": "energie"})["ETag"] != api.get(LIST)["ETag"]


def test_last_modified_gives_304(api, world):
    response = api.get(DETAIL)
    last = response["Last-Modified"]
    assert api.get(DETAIL, HTTP_IF_MODIFIED_SINCE=last).status_code == 304
    earlier = http_date((timezone.now() - datetime.timedelta(days=2)).timestamp())
    assert api.get(DETAIL, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_list_last_modified_moves_when_an_initiative_is_withdrawn(
    api, world, django_capture_on_commit_callbacks
):
    last = api.get(LIST)["Last-Modified"]
    later = timezone.now() + datetime.timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):  # a write, as services make it
        Initiative.objects.filter(slug="credit-cooperatif").update(
            status="archived", updated_at=later
        )
        data_changed()
    response = api.get(LIST, HTTP_IF_MODIFIED_SINCE=last)
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_exports_answer_304_with_last_modified(api, world):
    response = api.get(LIST, {"format": "csv"})
    again = api.get(LIST, {"format": "csv"}, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304


def test_cache_control(api, world):
    assert api.get(LIST)["Cache-Control"] == "public, max-age=60"
    assert "no-cache" in api.get(LIST, {"bbox": "x"})["Cache-Control"]
    user = factories.user()
    api.force_authenticate(user)
    assert "private" in api.get(LIST)["Cache-Control"]
    vary = api.get(LIST)["Vary"]
    assert "Accept-Language" in vary and "Authorization" in vary


def test_head_is_answered_without_a_body(api, world):
    response = api.head(LIST)
    assert response.status_code == 200
    assert response.content == b""
    assert response["ETag"]


def _initiative_reads(queries) -> list[str]:
    """Queries reading initiatives' rows (not the freshness probe MAX(updated_at))."""
    return [
        q["sql"]
        for q in queries
        if '"initiatives_initiative"' in q["sql"] and 'MAX("initiatives_initiative"' not in q["sql"]
    ]


def test_unknown_parameters_hit_the_same_cached_page(api, world):
    """Issue 18: "?junk=N" made a new cache entry (and a new search) per request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = api.get(LIST, {"ordering": "name", "page_size": 1, "junk": "1"})
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        second = api.get(LIST, {"page_size": 1, "junk": "2", "_": "3", "ordering": "name"})
    assert second.status_code == 200
    assert _initiative_reads(ctx.captured_queries) == []
    assert second.json() == first.json()
    assert second.json()["next"] and "junk" not in second.json()["next"]
    assert "page_size=1" in second.json()["next"]
    # A known parameter is another question, another entry.
    with CaptureQueriesContext(connection) as ctx:
        other = api.get(LIST, {"ordering": "name", "page_size": 2})
    assert _initiative_reads(ctx.captured_queries)
    assert other.json() != first.json()

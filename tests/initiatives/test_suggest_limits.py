"""The suggestion form's limit: per client (behind trusted proxies), valid human posts only."""

import pytest
from django.urls import reverse

from initiatives import suggest_views
from initiatives.models import Initiative
from tests.initiatives.test_suggest import payload, place  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.5"


def post(client, data, ip):
    return client.post(reverse("propose"), data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ip)


def test_bots_and_invalid_posts_do_not_use_a_visitors_quota(client, place, settings):  # noqa: F811
    settings.TRUSTED_PROXY_COUNT = 1
    ip = "198.51.100.7"
    for i in range(suggest_views.RATE_LIMIT * 2):
        # a bot (honeypot filled) and a post with errors, from the same address
        assert post(client, payload(place, name=f"Bot {i}", homepage="x"), ip).status_code == 302
        assert post(client, payload(place, name="", proposer_email="x"), ip).status_code == 200
    assert post(client, payload(place, name="Une vraie"), ip).status_code == 302
    assert Initiative.objects.filter(name="Une vraie").exists()


def test_one_visitor_cannot_exhaust_the_limit_for_everyone_behind_the_proxy(
    client,
    place,  # noqa: F811
    settings,
):
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(suggest_views.RATE_LIMIT):
        response = post(client, payload(place, name=f"Initiative {i}"), "203.0.113.66")
        assert response.status_code == 302
    assert post(client, payload(place, name="De trop"), "203.0.113.66").status_code == 429
    assert post(client, payload(place, name="Autre visiteur"), "198.51.100.8").status_code == 302

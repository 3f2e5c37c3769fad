"""Limits hold per person, not per address: an IPv6 client counts for its whole /64.

Rotating through the addresses of one /64 shares one counter for the login lockout
(django-axes), the failed-logins-per-address guard, the alert, suggestion and error-report
limits and the API throttles; another /64, or another IPv4 address, has its own.
"""

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from essmap import ratelimit
from essmap.client_ip import axes_client_ip, limit_key
from initiatives import suggest_views
from initiatives.opendata.models import AlertSubscription, ChangeReport
from tests import factories

PREFIX = "2001:db8:5:7"  # one /64
ROTATION = [f"{PREFIX}:{n:x}::{n + 1:x}" for n in range(1, 13)]  # 12 addresses in it
NEIGHBOUR = "2001:db8:5:8::1"  # the next /64


def test_rotation_addresses_are_distinct_but_in_one_64():
    assert len(set(ROTATION)) == 12
    assert {limit_key(a) for a in ROTATION} == {f"{PREFIX}::/64"}


@pytest.mark.parametrize(
    ("ident", "key"),
    [
        ("2001:db8:5:7:abcd:1:2:3", "2001:db8:5:7::/64"),
        ("2001:DB8:5:7::1", "2001:db8:5:7::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),  # IPv4-mapped: the IPv4 address
        ("198.51.100.7", "198.51.100.7"),  # IPv4: the address itself
        ("user:5", "user:5"),  # not an address: unchanged
        ("unknown", "unknown"),
    ],
)
def test_limit_key(ident, key):
    assert limit_key(ident) == key


def test_axes_gets_the_64_as_a_valid_address():
    def ip(addr):
        return axes_client_ip(RequestFactory().get("/", REMOTE_ADDR=addr))

    assert {ip(a) for a in ROTATION} == {f"{PREFIX}::"}
    assert ip(NEIGHBOUR) == "2001:db8:5:8::"
    assert ip("192.0.2.7") == "192.0.2.7"


def test_trusted_proxy_rule_is_unchanged_for_ipv6(settings):
    # The client is still taken from X-Forwarded-For only behind a trusted proxy.
    request = RequestFactory().get("/", REMOTE_ADDR=ROTATION[0], HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert axes_client_ip(request) == f"{PREFIX}::"
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=ROTATION[3])
    assert axes_client_ip(request) == f"{PREFIX}::"


def test_the_shared_counter_counts_a_64_once():
    hits = [ratelimit.hit("t", a, limit=5, window=3600).allowed for a in ROTATION[:6]]
    assert hits == [True] * 5 + [False]
    assert ratelimit.peek("t", ROTATION[-1], window=3600) == 6
    assert ratelimit.hit("t", NEIGHBOUR, limit=5, window=3600).allowed
    assert ratelimit.hit("t", "198.51.100.1", limit=1, window=3600).allowed
    assert ratelimit.hit("t", "198.51.100.2", limit=1, window=3600).allowed  # IPv4: per address


# --- login -----------------------------------------------------------------------------------
LOGIN = "/admin/login/"


def _login(client, username, password, ip):
    data = {"username": username, "password": password, "next": "/admin/"}
    return client.post(LOGIN, data, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_password_guesses_rotating_through_a_64_lock_the_user(client):
    factories.user(
        username="alice", password="correct-horse-battery", intercos=[factories.interco()]
    )
    # 48 guesses, 4 from each of 12 addresses of one /64: all but the first few are refused.
    statuses = [
        _login(client, "alice", f"guess-{n}", ROTATION[n % 12]).status_code for n in range(48)
    ]
    limit = settings.AXES_FAILURE_LIMIT
    assert statuses[: limit - 1] == [200] * (limit - 1)
    assert set(statuses[limit:]) == {429}
    # Locked out from every address of that /64, even with the right password...
    assert _login(client, "alice", "correct-horse-battery", f"{PREFIX}::beef").status_code == 429
    assert "_auth_user_id" not in client.session
    # ...while alice still logs in from another /64.
    assert _login(client, "alice", "correct-horse-battery", NEIGHBOUR).status_code == 302


@pytest.mark.django_db
def test_failed_logins_per_address_count_the_whole_64(client, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 6
    factories.user(
        username="carol", password="correct-horse-battery", intercos=[factories.interco()]
    )
    for n in range(settings.LOGIN_FAILURES_PER_ADDRESS):  # many usernames, one per address
        assert _login(client, f"user{n}", "wrong", ROTATION[n]).status_code == 200
    response = _login(client, "carol", "correct-horse-battery", ROTATION[-1])
    assert response.status_code == 429
    assert _login(client, "carol", "correct-horse-battery", NEIGHBOUR).status_code == 302


# --- public forms ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_alert_limit_is_shared_by_a_64(client, settings):
    factories.theme("alimentation", "Alimentation")
    settings.ALERT_RATE_LIMIT = 3

    def post(n, ip):
        data = {"email": f"p{n}@example.org", "frequency": "weekly", "query": "theme=alimentation"}
        return client.post("/alertes/", data, REMOTE_ADDR=ip).status_code

    assert [post(n, ip) for n, ip in enumerate(ROTATION[:5])] == [302, 302, 302, 429, 429]
    assert post(9, NEIGHBOUR) == 302
    assert AlertSubscription.objects.count() == 4


@pytest.mark.django_db
def test_report_limit_is_shared_by_a_64(client):
    place = factories.commune(interco=factories.interco(), name="Dieulefit")
    initiative = factories.initiative(name="Recyclerie", commune=place, phone="04 75 00 00 00")
    url = reverse("opendata:report", args=[initiative.slug])
    data = {"field": "phone", "message": "Le numéro a changé.", "proposed_value": "", "email": ""}
    addresses = [ROTATION[n % 12] for n in range(suggest_views.RATE_LIMIT + 2)]
    statuses = [client.post(url, data, REMOTE_ADDR=ip).status_code for ip in addresses]
    assert statuses == [302] * suggest_views.RATE_LIMIT + [429, 429]
    assert client.post(url, data, REMOTE_ADDR=NEIGHBOUR).status_code == 302
    assert ChangeReport.objects.count() == suggest_views.RATE_LIMIT + 1


@pytest.mark.django_db
def test_api_throttle_is_shared_by_a_64(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "4/minute", "user": "100/minute", "export": "4/minute"},
    }
    codes = [client.get("/api/v1/themes/", REMOTE_ADDR=ip).status_code for ip in ROTATION[:6]]
    assert codes == [200] * 4 + [429] * 2
    assert client.get("/api/v1/themes/", REMOTE_ADDR=NEIGHBOUR).status_code == 200

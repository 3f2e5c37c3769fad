"""One client-address rule (essmap.client_ip) used by throttles, the suggestion limit and axes."""

import pytest
from django.test import RequestFactory

from essmap.client_ip import axes_client_ip, derive
from tests import factories

PROXY = "10.0.0.5"


@pytest.mark.parametrize(
    ("remote", "xff", "count", "trusted", "expected"),
    [
        # No trusted proxy: the header is ignored, whatever it says.
        ("203.0.113.9", "1.2.3.4", 0, (), "203.0.113.9"),
        # One proxy: the address it appended (rightmost) is the client; spoofed ones are left.
        (PROXY, "6.6.6.6, 198.51.100.7", 1, (), "198.51.100.7"),
        (PROXY, "198.51.100.7", 1, (), "198.51.100.7"),
        # Two proxies: the second from the right.
        (PROXY, "6.6.6.6, 198.51.100.7, 10.0.0.4", 2, (), "198.51.100.7"),
        # Fewer hops than proxies: the farthest address there is.
        (PROXY, "", 1, (), PROXY),
        # A malformed hop falls back towards us, never to the header's other text.
        (PROXY, "6.6.6.6, not-an-ip", 1, (), PROXY),
        # Trusted networks: skip trusted hops from the right, the first other is the client.
        (PROXY, "6.6.6.6, 198.51.100.7, 10.0.0.4", 0, ("10.0.0.0/8",), "198.51.100.7"),
        # A peer outside the trusted networks is the client, whatever the header says.
        ("203.0.113.9", "1.2.3.4", 0, ("10.0.0.0/8",), "203.0.113.9"),
        # IPv6 and ports.
        (PROXY, "[2001:db8::1]:4711", 1, (), "2001:db8::1"),
        (PROXY, "198.51.100.7:5555", 1, (), "198.51.100.7"),
        ("", "1.2.3.4", 1, (), "unknown"),
    ],
)
def test_derive(remote, xff, count, trusted, expected):
    assert derive(remote, xff, count=count, trusted=trusted) == expected


@pytest.mark.django_db
def test_api_throttle_cannot_be_lifted_by_varying_the_header(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "5/minute", "user": "100/minute", "export": "5/minute"},
    }
    codes = [
        client.get("/api/v1/themes/", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code
        for i in range(8)
    ]
    assert codes == [200] * 5 + [429] * 3


@pytest.mark.django_db
def test_api_throttle_counts_clients_behind_the_trusted_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "100/minute", "export": "5/minute"},
    }

    def get(ip):
        return client.get("/api/v1/themes/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ip).status_code

    assert [get("198.51.100.1") for _ in range(4)] == [200, 200, 200, 429]
    assert get("198.51.100.2") == 200  # another visitor behind the same proxy
    response = client.get("/api/v1/themes/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert 0 < int(response["Retry-After"]) <= 61


@pytest.mark.django_db
def test_login_lockout_keys_on_the_client_behind_the_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    factories.user(
        username="alice", password="correct-horse-battery", intercos=[factories.interco()]
    )

    def attempt(ip, password="wrong"):  # noqa: S107
        return client.post(
            "/admin/login/",
            {"username": "alice", "password": password, "next": "/admin/"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=ip,
        )

    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("203.0.113.66")
    assert attempt("203.0.113.66", "correct-horse-battery").status_code == 429
    # The attacker's failures do not lock alice out from her own address behind the same proxy.
    assert attempt("198.51.100.20", "correct-horse-battery").status_code == 302


def test_axes_gets_no_address_rather_than_unknown():
    # axes stores the address in an IP column (inet on PostgreSQL): "unknown" would crash a login.
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert axes_client_ip(request) is None
    assert axes_client_ip(RequestFactory().get("/", REMOTE_ADDR="192.0.2.7")) == "192.0.2.7"

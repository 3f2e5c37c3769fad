"""Scale-out: two app servers on one PostgreSQL database and one Redis answer as one site.

Two gunicorn servers (production settings) share the database and the cache: they give the
same answers, see each other's writes (cached answers included), share staff sessions
(cache-backed) and share the API's throttling counters.
"""

import json
import re
from urllib.parse import urlencode

import pytest

from .conftest import app_server, flush_redis, manage, request

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

RATE = 12  # anonymous API requests per minute, for the throttling test


@pytest.fixture(scope="module")
def servers(bench_env):
    extra = {"API_THROTTLE_ANON": f"{RATE}/minute", "SESSIONS_IN_CACHE": "1"}
    with app_server(bench_env, **extra) as (a, _), app_server(bench_env, **extra) as (b, _):
        yield a, b


@pytest.fixture(autouse=True)
def fresh_cache():
    flush_redis()


def get_json(port: int, path: str):
    status, _, body = request(port, path)
    assert status == 200, f"{path}: {status} {body[:300]!r}"
    return json.loads(body)


def test_both_servers_give_the_same_answers(servers):
    a, b = servers
    for path in (
        "/api/v1/initiatives/?departement=69&page_size=5",
        "/api/v1/initiatives/?q=ressourcerie&page_size=5",
        "/api/v1/map/?bbox=4.6,45.6,5.1,45.9&zoom=11",
    ):
        assert get_json(a, path) == get_json(b, path)


def test_a_write_is_seen_by_both_servers_at_once(servers, bench_env):
    a, b = servers
    slug = get_json(a, "/api/v1/initiatives/?page_size=1")["results"][0]["slug"]
    detail = f"/api/v1/initiatives/{slug}/"
    for port in (a, b):  # both read it (and may cache it)
        assert get_json(port, detail)["name"] != "Renamed by the two-server test"
    manage(
        bench_env, "shell", "-c",
        "from initiatives.models import Initiative\n"
        "from initiatives.services import initiative_update\n"
        f"initiative_update(initiative=Initiative.objects.get(slug={slug!r}),"
        " name='Renamed by the two-server test')",
    )  # fmt: skip
    for port in (a, b):
        assert get_json(port, detail)["name"] == "Renamed by the two-server test"


def cookies_of(headers) -> dict:
    jar = {}
    for header in headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def cookie_header(jar: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def test_a_staff_session_opened_on_one_server_works_on_the_other(servers, bench_env):
    a, b = servers
    manage(
        bench_env, "shell", "-c",
        "from django.contrib.auth import get_user_model\n"
        "U = get_user_model()\n"
        "U.objects.filter(username='scaleout').delete()\n"
        "U.objects.create_superuser('scaleout', 'scaleout@example.org', 'a-long-passphrase-9')",
    )  # fmt: skip
    status, headers, body = request(a, "/admin/login/")
    assert status == 200
    jar = cookies_of(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = {"csrfmiddlewaretoken": token, "username": "scaleout",
            "password": "a-long-passphrase-9", "next": "/admin/"}  # fmt: skip
    status, headers, _ = request(
        a, "/admin/login/", method="POST", body=urlencode(form),
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Cookie": cookie_header(jar), "Referer": "http://localhost/admin/login/"},
    )  # fmt: skip
    assert status == 302, "login on server A failed"
    jar.update(cookies_of(headers))
    assert "sessionid" in jar
    status, _, body = request(b, "/admin/", headers={"Cookie": cookie_header(jar)})
    assert status == 200 and b"scaleout" in body  # server B knows the session
    status, _, _ = request(b, "/admin/")
    assert status == 302  # and without the cookie, B sends to the login page


def test_throttling_is_shared_between_servers(servers):
    a, b = servers
    path = "/api/v1/initiatives/?page_size=1"
    answers = [request(port, path)[0] for _ in range(RATE // 2) for port in (a, b)]
    assert answers == [200] * RATE  # RATE requests, half on each server: all served
    assert request(a, path)[0] == 429  # one more on either server is refused:
    assert request(b, path)[0] == 429  # each server counted the other's requests

"""Real outages: a PostgreSQL and a Redis of this test's own, stopped and started under a
production gunicorn (never the shared servers on 5432/6379).

Redis down: pages and the API are served from the database, the staff session survives
(cached_db), API throttling lets requests through (the documented direction), a committed
write answers 200, and the cache error is logged once. PostgreSQL down: 503 with
Retry-After (HTML in French or English, JSON under /api/), /readyz 503, /healthz 200; and
the same server answers 200 again once PostgreSQL is back, without a restart.
"""

import json

import pytest
import requests

from tests.servers import (
    OwnPostgres,
    OwnRedis,
    free_port_in,
    gunicorn,
    manage,
    needs_postgres_binaries,
    needs_redis_server,
    production_env,
)

pytestmark = [needs_postgres_binaries, needs_redis_server]
SLUG = "sud-gresivaudan-en-transition"
PAGES = ["/", f"/initiatives/{SLUG}/", "/intercos/", "/sources/"]
API = ["/api/v1/initiatives/", f"/api/v1/initiatives/{SLUG}/", "/api/v1/themes/"]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("outage")
    pg = OwnPostgres().init()
    pg.start()
    redis = OwnRedis()
    redis.start()
    try:
        pg.psql("CREATE DATABASE essmap")
        env = production_env(
            database_url=pg.url("essmap"),
            redis_url=redis.url,
            static_root=tmp / "static",
            SESSIONS_IN_CACHE="1",
            API_THROTTLE_ANON="30/minute",
            RETRY_AFTER="7",
        )
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_fixtures", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        token = manage(env, "shell", "-c", (
            "from django.contrib.auth import get_user_model;"
            "from rest_framework.authtoken.models import Token;"
            "u = get_user_model().objects.create_superuser('admin', 'a@example.org', 'pw-9f8e7d');"
            "print(Token.objects.create(user=u).key)"
        )).split()[-1]  # fmt: skip
        port = free_port_in(8730, 8739)
        log = tmp / "gunicorn.log"
        with gunicorn(env, port, log=log):
            yield {"pg": pg, "redis": redis, "base": f"http://127.0.0.1:{port}", "log": log,
                   "token": token}  # fmt: skip
    finally:
        redis.stop()
        pg.destroy()


def get(stack, path, session=None, **headers):
    return (session or requests).get(stack["base"] + path, headers=headers, timeout=30)


def staff_session(stack) -> requests.Session:
    session = requests.Session()
    get(stack, "/admin/login/", session)
    response = session.post(
        stack["base"] + "/admin/login/",
        data={"username": "admin", "password": "pw-9f8e7d", "next": "/admin/",
              "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": stack["base"] + "/admin/login/"}, timeout=30,
    )  # fmt: skip
    assert response.status_code == 200 and response.url.endswith("/admin/")
    return session


def test_redis_outage_degrades_without_errors(stack):
    session = staff_session(stack)
    for path in PAGES + API:
        assert get(stack, path).status_code == 200, path
    stack["redis"].stop()
    try:
        for _ in range(2):
            for path in PAGES + API:
                assert get(stack, path).status_code == 200, path
        # The staff session lives in the database too (cached_db): still logged in.
        admin = get(stack, "/admin/", session)
        assert admin.status_code == 200 and "/admin/login/" not in admin.url
        # A committed write is reported as committed (the cache bump after commit is skipped).
        response = requests.patch(
            f"{stack['base']}/api/v1/initiatives/{SLUG}/",
            json={"summary": "Écrit pendant la panne de Redis."},
            headers={"Authorization": f"Token {stack['token']}"}, timeout=30,
        )  # fmt: skip
        assert response.status_code == 200, response.text[:500]
        detail = get(stack, f"/api/v1/initiatives/{SLUG}/").json()
        assert detail["summary"] == "Écrit pendant la panne de Redis."
        # Throttling fails open: more than the 30/minute limit all answered.
        codes = {get(stack, "/api/v1/themes/").status_code for _ in range(35)}
        assert codes == {200}
        ready = get(stack, "/readyz")
        assert ready.status_code == 200
        assert ready.json() == {"status": "ok", "database": "ok", "cache": "unavailable"}
    finally:
        stack["redis"].start()
    # Back: the cache is used again and the log names the outage once, not per request.
    assert get(stack, "/readyz").json()["cache"] == "ok"
    for path in PAGES + API:
        assert get(stack, path).status_code == 200, path
    log = stack["log"].read_text()
    assert log.count("Cache unreachable") == 1, log[-3000:]


def test_database_outage_answers_503_then_recovers_without_restart(stack):
    assert get(stack, "/").status_code == 200
    stack["pg"].stop()
    try:
        page = get(stack, "/sources/", **{"Accept-Language": "fr"})
        assert page.status_code == 503
        assert page.headers["Retry-After"] == "7"
        assert "Service momentanément indisponible" in page.text
        english = get(stack, "/en/")  # the language is in the URL
        assert english.status_code == 503
        assert "Service temporarily unavailable" in english.text
        for path in ["/api/v1/initiatives/?q=panne", "/api/v1/communes/?q=valence"]:
            response = get(stack, path)  # never asked before: not in the cache
            assert response.status_code == 503, path
            assert response.headers["Retry-After"] == "7"
            assert json.loads(response.text)["detail"]
        for path in API:  # answers still in Redis may be served; nothing else than a 503
            response = get(stack, path)
            assert response.status_code in (200, 503), path
        assert get(stack, "/readyz").status_code == 503
        assert get(stack, "/healthz").status_code == 200
    finally:
        stack["pg"].start()
    for path in ["/readyz", *PAGES, *API]:
        assert get(stack, path).status_code == 200, path

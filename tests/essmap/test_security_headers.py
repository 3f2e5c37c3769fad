"""Security headers on an HTML page, the API, a static file and /embed/; templates CSP-clean."""

import re
from pathlib import Path

import pytest
from django.test import Client

from essmap.security import origin_of

ROOT = Path(__file__).resolve().parents[2]


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in policy.split("; ")}


def assert_strict(csp: dict[str, str]):
    assert "unsafe-inline" not in " ".join(csp.values())
    assert "unsafe-eval" not in " ".join(csp.values())
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/api/v1/initiatives/", "/api/v1/docs/", "/sources/"])
def test_pages_and_api_have_the_strict_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = directives(response)
    assert_strict(csp)
    assert csp["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_embed_may_be_framed_by_the_configured_origins(client):
    response = client.get("/embed/")
    assert response.status_code == 200
    csp = directives(response)
    assert_strict(csp)
    assert csp["frame-ancestors"] == "*"
    assert "X-Frame-Options" not in response


@pytest.mark.django_db
def test_tiles_and_geocoder_are_allowed_by_setting(client):
    csp = directives(client.get("/"))
    assert "https://tile.openstreetmap.org" in csp["img-src"].split()
    assert "https://api-adresse.data.gouv.fr" in csp["connect-src"].split()


def test_origin_of_url_templates():
    assert origin_of("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    assert origin_of("https://data.geopf.fr/wmts?x={x}") == "https://data.geopf.fr"
    assert origin_of("") is None


def test_static_files_carry_the_headers(settings):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:3],
        "whitenoise.middleware.WhiteNoiseMiddleware",
        *settings.MIDDLEWARE[3:],
    ]
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get("/static/essmap/site.css")
    assert response.status_code == 200
    assert_strict(directives(response))
    assert "Permissions-Policy" in response


def test_production_sets_hsts_and_https_redirect(monkeypatch):
    import importlib

    monkeypatch.setenv("ALLOW_INSECURE_KEY", "1")
    monkeypatch.setenv("SITE_URL", "https://ess.example.org")
    from essmap.settings import production

    production = importlib.reload(production)
    assert production.SECURE_HSTS_SECONDS >= 31536000
    assert production.SECURE_SSL_REDIRECT is True
    assert production.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.setenv("BEHIND_TLS_PROXY", "0")
    production = importlib.reload(production)
    assert production.SECURE_PROXY_SSL_HEADER is None


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>", re.I),
     "inline <script>"),
    (re.compile(r"<style[\s>]", re.I), "<style> element"),
    (re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I), 'style="" attribute'),
    (re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I), "on*= event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]  # fmt: skip


def test_templates_have_no_inline_script_or_style():
    found = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(ROOT)}:{line}: {what}")
    assert found == []


def test_check_deploy_is_clean_with_the_documented_environment(tmp_path):
    import os
    import secrets
    import subprocess
    import sys

    env = {  # only what the documented environment sets (nothing inherited from the test run)
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DJANGO_SETTINGS_MODULE": "essmap.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "ess.example.org",
        "SITE_URL": "https://ess.example.org",
        "REDIS_URL": "redis://127.0.0.1:6399/0",
        "TRUSTED_PROXY_COUNT": "1",
        "SESSIONS_IN_CACHE": "1",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr + done.stdout
    assert "no issues" in done.stdout

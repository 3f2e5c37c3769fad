"""Production settings refuse to start without the site's public address (SITE_URL)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parent.parent.parent


def start(tmp_path, **extra) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DJANGO_SETTINGS_MODULE": "essmap.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "ess.example.org",
        "STATIC_ROOT": str(tmp_path / "static"),
        **extra,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )


def reload_production(monkeypatch, site_url):
    import importlib

    monkeypatch.setenv("ALLOW_INSECURE_KEY", "1")
    if site_url is None:
        monkeypatch.delenv("SITE_URL", raising=False)
    else:
        monkeypatch.setenv("SITE_URL", site_url)
    from essmap.settings import production

    return importlib.reload(production)


@pytest.mark.parametrize("value", [None, "", "  ", "ess.example.org", "https://", "ftp://e.org"])
def test_production_settings_refuse_a_missing_or_relative_site_url(monkeypatch, value):
    with pytest.raises(ImproperlyConfigured, match="Set SITE_URL in the environment"):
        reload_production(monkeypatch, value)


def test_production_settings_keep_the_site_url_without_its_trailing_slash(monkeypatch):
    assert reload_production(monkeypatch, "https://ess.example.org/").SITE_URL == (
        "https://ess.example.org"
    )


def test_manage_py_refuses_to_start_in_production_without_a_site_url(tmp_path):
    done = start(tmp_path)
    assert done.returncode != 0
    assert "ImproperlyConfigured: Set SITE_URL in the environment for production" in done.stderr
    assert start(tmp_path, SITE_URL="https://ess.example.org").returncode == 0

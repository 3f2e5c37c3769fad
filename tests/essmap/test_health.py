"""/healthz (alive, no I/O) and /readyz (database required, cache reported)."""

import json

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client


def test_healthz_does_no_io(client):
    # No django_db mark: any database access would fail this test.
    response = client.get("/healthz", HTTP_HOST="10.1.2.3")  # balancers probe by address
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_database_and_cache(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_readyz_is_503_without_database(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "unavailable"
    assert "Retry-After" in response


@pytest.mark.django_db
def test_health_is_not_throttled(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/minute", "user": "1/minute", "export": "1/minute"},
    }
    assert {client.get("/readyz").status_code for _ in range(5)} == {200}

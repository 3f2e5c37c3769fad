"""Error pages: project templates for 400/403/404/500, 503 + Retry-After when the DB is down.

Here the database failure is simulated in-process (every cursor refuses); the real outage,
a PostgreSQL of the test's own stopped and started again, is tests/essmap/test_outages.py.
"""

import json

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client


@pytest.fixture
def database_down(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)


@pytest.fixture
def raising_client():
    return Client(raise_request_exception=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"),
    [("fr", "Service momentanément indisponible"), ("en", "Service temporarily unavailable")],
)
def test_database_down_page_is_a_503_with_retry_after(
    raising_client, database_down, language, text
):
    # French pages are unprefixed, English ones under /en/.
    path = "/en/sources/" if language == "en" else "/sources/"
    response = raising_client.get(path)
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    body = response.content.decode()
    assert text in body
    assert f'<html lang="{language}">' in body
    assert "Content-Security-Policy" in response


@pytest.mark.django_db
def test_database_down_api_answers_json_503(raising_client, database_down):
    response = raising_client.get("/api/v1/initiatives/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert int(response["Retry-After"]) > 0
    body = json.loads(response.content)
    assert body["errors"] == {} and body["detail"]


@pytest.mark.django_db
def test_other_errors_are_500_from_the_project_templates(raising_client, monkeypatch):
    from initiatives import site_views as views

    monkeypatch.setattr(views, "sources_public_list", lambda: 1 / 0)
    response = raising_client.get("/en/sources/")
    assert response.status_code == 500
    assert "Server error (error 500)" in response.content.decode()
    assert "Retry-After" not in response


@pytest.mark.django_db
def test_api_500_is_json(raising_client, monkeypatch):
    from initiatives.api import views

    def broken(self):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.InitiativeViewSet, "get_queryset", broken)
    response = raising_client.get("/api/v1/initiatives/")
    assert response.status_code == 500
    assert json.loads(response.content)["errors"] == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"), [("fr", "Page introuvable (erreur 404)"), ("en", "Page not found")]
)
def test_404_page_is_the_projects(client, language, text):
    path = "/en/initiatives/nexiste-pas/" if language == "en" else "/initiatives/nexiste-pas/"
    response = client.get(path)
    assert response.status_code == 404
    assert text in response.content.decode()


@pytest.mark.django_db
def test_csrf_failure_is_the_projects_403(client):
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post("/proposer/", {"name": "x"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 403
    assert "Accès refusé (erreur 403)" in response.content.decode()


def test_bad_request_page(rf):
    from essmap.errors import bad_request

    response = bad_request(rf.get("/"))
    assert response.status_code == 400
    assert "erreur 400" in response.content.decode()
    assert bad_request(rf.get("/api/v1/x/"))["Content-Type"] == "application/json"

"""A ceiling on each statement of an anonymous page (essmap.statement_timeout, issue 18)."""

import pytest
from django.db import OperationalError, connection
from django.test import Client

from essmap.statement_timeout import anonymous_statement_timeout
from tests import factories

POSTGRES = connection.vendor == "postgresql"
pytestmark = [
    pytest.mark.skipif(not POSTGRES, reason="statement_timeout is PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


def _timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def _sleep(seconds: float) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [seconds])


def test_a_statement_past_the_ceiling_is_cancelled_and_the_setting_restored(settings):
    settings.ANONYMOUS_STATEMENT_TIMEOUT_MS = 50
    before = _timeout()
    with pytest.raises(OperationalError, match="statement timeout"):
        with anonymous_statement_timeout():
            assert _timeout() == "50ms"
            _sleep(0.5)
    assert _timeout() == before
    _sleep(0.1)  # outside the block: no ceiling


def test_zero_means_no_ceiling(settings):
    settings.ANONYMOUS_STATEMENT_TIMEOUT_MS = 0
    before = _timeout()
    with anonymous_statement_timeout():
        assert _timeout() == before
        _sleep(0.1)


@pytest.mark.parametrize("path", ["/", "/en/", "/embed/"])
def test_a_directory_page_past_the_ceiling_is_a_503(settings, monkeypatch, path):
    from initiatives import views

    settings.ANONYMOUS_STATEMENT_TIMEOUT_MS = 50
    compute = views.directory_context

    def slow(request):
        _sleep(0.5)
        return compute(request)

    monkeypatch.setattr(views, "directory_context", slow)
    response = Client(raise_request_exception=False).get(path, {"q": "energie"})
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert _timeout() == "0"  # the worker's connection keeps no ceiling
    # Signed-in staff are not bounded (and not served from the anonymous cache).
    staff = Client(raise_request_exception=False)
    staff.force_login(factories.user(superuser=True))
    assert staff.get(path, {"q": "energie"}).status_code == 200


def test_an_api_page_past_the_ceiling_is_a_json_503(settings, monkeypatch):
    from initiatives.api.views import InitiativeViewSet

    settings.ANONYMOUS_STATEMENT_TIMEOUT_MS = 50
    compute = InitiativeViewSet._page_data

    def slow(self):
        _sleep(0.5)
        return compute(self)

    monkeypatch.setattr(InitiativeViewSet, "_page_data", slow)
    response = Client(raise_request_exception=False).get("/api/v1/initiatives/", {"q": "x"})
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert int(response["Retry-After"]) > 0


class RecordingRouter:
    asked: list = []

    def db_for_read(self, model, **hints):
        RecordingRouter.asked.append(model)
        return "default"


def test_the_ceiling_applies_to_the_database_reads_are_routed_to(settings):
    settings.ANONYMOUS_STATEMENT_TIMEOUT_MS = 50
    settings.DATABASE_ROUTERS = [f"{__name__}.RecordingRouter"]
    RecordingRouter.asked.clear()
    with anonymous_statement_timeout():
        assert _timeout() == "50ms"
    # No model named: the shared core imports no feature app (docs/decisions/009-…).
    assert RecordingRouter.asked == [None]

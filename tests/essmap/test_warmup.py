"""Workers warm themselves at boot (essmap/warmup.py, gunicorn's post_worker_init)."""

import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from essmap.warmup import PATHS, warm

pytestmark = pytest.mark.django_db


@pytest.fixture
def keep_test_connection():
    """As django.test.Client does: the WSGI handler must not close the test's connection
    (its transaction) at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_warm_up_request_is_answered(settings, keep_test_connection):
    settings.ALLOWED_HOSTS = [".essmap.example.org", "localhost"]
    statuses = warm(get_wsgi_application())
    assert statuses == [f"{path} 200 OK" for path in PATHS]


def test_a_failing_warm_up_never_stops_the_worker():
    def broken(environ, start_response):
        raise ConnectionError("database down")

    assert warm(broken, paths=["/"]) == ["/ error"]


def test_the_gunicorn_settings_warm_each_worker():
    from essmap import gunicorn_conf

    seen = []

    class Worker:
        wsgi = staticmethod(lambda environ, start_response: seen.append(environ["PATH_INFO"]) or [])

        class log:
            debug = staticmethod(lambda *args: None)

    gunicorn_conf.post_worker_init(Worker())
    assert seen == [path.partition("?")[0] for path in PATHS]

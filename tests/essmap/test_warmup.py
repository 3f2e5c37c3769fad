"""Workers warm themselves at boot (essmap/warmup.py, gunicorn's post_worker_init)."""

import pytest
from django.core.wsgi import get_wsgi_application

from essmap.warmup import PATHS, warm

pytestmark = pytest.mark.django_db


def test_every_warm_up_request_is_answered(settings):
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

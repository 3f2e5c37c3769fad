"""Property-based tests generated from the OpenAPI schema (Schemathesis 3, in process).

Every documented read operation is called with generated parameters, valid and not; no
answer may be a server error, and every answer must match the documented status codes,
content types and response schemas.
"""

import json

import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from initiatives.models import Initiative

pytestmark = pytest.mark.django_db


def media_type_schema_conformance(ctx, response, case):
    """Like response_schema_conformance, against the schema of the response's own media type.

    Schemathesis 3 validates a body against the first documented media type only; the
    list endpoints document JSON first, then GeoJSON (validated here too) and CSV (not
    JSON: parsed back in test_formats.py).
    """
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    definition = case.operation.definition.raw.get("responses", {}).get(str(response.status_code))
    content = (definition or {}).get("content", {})
    if media_type in content:
        definition["content"] = {media_type: content[media_type]} | content
    return response_schema_conformance(ctx, response, case)


CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    media_type_schema_conformance,
)
MAX_EXAMPLES = 60
ROUTES = (
    "/api/v1/initiatives/", "/api/v1/initiatives/{slug}/", "/api/v1/intercos/",
    "/api/v1/intercos/{siren}/", "/api/v1/communes/", "/api/v1/themes/",
    "/api/v1/partnerships/", "/api/v1/key-figures/", "/api/v1/sources/",
    "/api/v1/sources/{id}/",
)  # fmt: skip


def _schema():
    raw = SchemaGenerator().get_schema(request=None, public=True)
    raw = json.loads(json.dumps(raw, default=str))
    # Positive and negative data: valid parameters, and parameters that break the schema.
    return schemathesis.from_dict(
        raw,
        app=get_wsgi_application(),
        data_generation_methods=schemathesis.DataGenerationMethod.all(),
    )


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Like Django's test client: the WSGI app must not close the test's DB connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def generous_rates():
    rates = {"anon": "100000/minute", "user": "100000/minute", "export": "100000/minute"}
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    ):
        yield


@pytest.mark.parametrize("route", ROUTES)
def test_reads_conform_to_the_schema(world, generous_rates, route):
    operation = _schema()[route]["GET"]

    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        response = case.call_wsgi(headers={"Host": "127.0.0.1"})
        case.validate_response(response, checks=CHECKS)

    check()


@pytest.mark.parametrize(
    ("route", "method"),
    [("/api/v1/initiatives/", "POST"), ("/api/v1/initiatives/{slug}/", "PATCH")],
)
def test_anonymous_writes_conform_to_the_schema(world, generous_rates, route, method):
    operation = _schema()[route][method]

    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=10, deadline=None, derandomize=True, database=None,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    def check(case):
        response = case.call_wsgi(headers={"Host": "127.0.0.1"})
        assert response.status_code in (400, 401, 404), response.data[:300]
        case.validate_response(response, checks=CHECKS)

    check()
    assert not Initiative.objects.exclude(
        pk__in=[i.pk for i in (world.es, world.credit, world.ressourcerie, world.draft)]
    ).exists()

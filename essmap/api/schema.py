"""OpenAPI: every operation documents the project's JSON error body; the schema built at deploy."""

import gzip
import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

from .exceptions import ErrorSerializer

ERROR_DESCRIPTIONS = {
    "400": "Invalid parameter or field: `errors` names each one.",
    "401": "Missing (writes) or invalid token.",
    "403": "Not allowed, or initiative outside your territory.",
    "404": "Unknown or unpublished object, or page past the last one.",
    "429": "Too many requests: retry after the delay given by `Retry-After`.",
}
READ_ERRORS = ("400", "401", "404", "429")
WRITE_ERRORS = ("400", "401", "403", "404", "429")


class AutoSchema(SpectacularAutoSchema):
    def get_description(self):
        # Operations are described with extend_schema(description=...) only: a view's or a
        # mixin's docstring is a note for developers, not the published contract.
        return ""

    def _get_filter_parameters(self):
        # Views whose filters are all described by hand (`schema_filters_documented`) skip
        # django-filter's guesses; a test checks that every filter is still documented.
        if getattr(self.view, "schema_filters_documented", False):
            return []
        return super()._get_filter_parameters()

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = READ_ERRORS if self.method in ("GET", "HEAD") else WRITE_ERRORS
        for code in codes:
            if code in responses:
                continue
            body = self._get_response_for_code(
                ErrorSerializer, code, media_types=["application/json"], direction=direction
            )
            body["description"] = ERROR_DESCRIPTIONS[code]
            responses[code] = body
        if self.method in ("GET", "HEAD") and "304" not in responses:
            responses["304"] = {
                "description": "Not Modified: the client's copy (ETag / Last-Modified) is "
                "up to date."
            }
        return responses


# --- The schema built at deploy (`manage.py build_api_schema`, docs/deployment.md) ----------


class BuiltSchema:
    """The schema file written at deploy, read once per process: its JSON, gzipped copy, ETag."""

    def __init__(self, body: bytes):
        self.body = body
        self.gzipped = gzip.compress(body, compresslevel=9, mtime=0)
        self.etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        self._document = None

    @property
    def document(self) -> dict:
        if self._document is None:
            self._document = json.loads(self.body)
        return self._document

    def response(self, request) -> HttpResponse:
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            response = HttpResponse(self.gzipped, content_type=SCHEMA_CONTENT_TYPE)
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(self.body, content_type=SCHEMA_CONTENT_TYPE)
        response["ETag"] = self.etag
        response["Vary"] = "Accept-Encoding"
        patch_cache_control(response, public=True, max_age=SCHEMA_MAX_AGE)
        return get_conditional_response(request, etag=self.etag, response=response)


SCHEMA_CONTENT_TYPE = "application/vnd.oai.openapi+json"
SCHEMA_MAX_AGE = 60 * 60
_built: dict[tuple, BuiltSchema] = {}
_generated: dict[str, dict] = {}


def built_schema() -> BuiltSchema | None:
    """The file at settings.API_SCHEMA_FILE, or None when the deploy did not build it."""
    path = Path(settings.API_SCHEMA_FILE) if settings.API_SCHEMA_FILE else None
    try:
        stat = path.stat() if path else None
    except OSError:
        return None
    if stat is None:
        return None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _built:
        _built.clear()
        _built[key] = BuiltSchema(path.read_bytes())
    return _built[key]


def generate_schema() -> dict:
    """The schema from the code (what /api/v1/schema/ serves), as a dict."""
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def render_schema_json(schema: dict) -> bytes:
    from drf_spectacular.renderers import OpenApiJsonRenderer

    return OpenApiJsonRenderer().render(schema, renderer_context={})


def schema_document() -> dict:
    """The schema as a dict: the deploy's file, else built once by this process."""
    built = built_schema()
    if built is not None:
        return built.document
    if "schema" not in _generated:
        _generated["schema"] = generate_schema()
    return _generated["schema"]

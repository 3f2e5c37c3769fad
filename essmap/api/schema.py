"""OpenAPI: every operation documents the project's JSON error body."""

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

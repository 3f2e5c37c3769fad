"""One JSON error body for every API error: {"errors": {"<param>": [...]}, "detail": "..."}."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD = "non_field_errors"


class ErrorSerializer(serializers.Serializer):
    """The body of every error response (documentation only)."""

    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=(
            "Messages by faulty parameter or field (`page`, `bbox`, `theme`…). "
            "`non_field_errors` holds the errors about no single field. "
            "Empty for errors about no parameter (404, 403, 429…)."
        ),
    )
    detail = serializers.CharField(
        help_text="Readable summary of the error (in the request's language)."
    )


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"param": ["message", ...]} (nested keys dotted)."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = NON_FIELD if key in ("__all__", api_settings.NON_FIELD_ERRORS_KEY) else key
            name = f"{prefix}.{name}" if prefix else str(name)
            for sub_key, messages in _flatten(value, name).items():
                out.setdefault(sub_key, []).extend(messages)
        return out
    if isinstance(detail, list | tuple):
        messages: dict[str, list[str]] = {}
        for index, item in enumerate(detail):
            if isinstance(item, dict):
                for k, v in _flatten(item, f"{prefix}.{index}" if prefix else str(index)).items():
                    messages.setdefault(k, []).extend(v)
            else:
                messages.setdefault(prefix or NON_FIELD, []).append(str(item))
        return messages
    return {prefix or NON_FIELD: [str(detail)]}


def _summary(errors: dict[str, list[str]]) -> str:
    if not errors:
        return _("Requête invalide.")
    names = ", ".join(sorted(errors))
    return _("Paramètre(s) invalide(s) : %(names)s.") % {"names": names}


def api_exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: DRF's handler, then the project's error body."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=serializers.as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = getattr(exc, "detail", None)
    if isinstance(exc, exceptions.ValidationError) or isinstance(detail, dict):
        errors = _flatten(detail)
        summary = _summary(errors)
    else:
        errors = {}
        summary = str(detail) if detail is not None else str(exc)
    body = {"errors": errors, "detail": summary}
    return Response(body, status=response.status_code, headers=_headers(response))


def _headers(response) -> dict[str, str]:
    keep = ("WWW-Authenticate", "Retry-After", "Allow")
    return {name: response[name] for name in keep if response.has_header(name)}

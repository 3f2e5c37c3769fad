"""The base of every partner API view: safe input, JSON errors, validators and caching."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .conditional import cache_headers, conditional

MAX_PARAM_LENGTH = 2000


class FormatNegotiation(DefaultContentNegotiation):
    """An unknown `?format=` is a 400 naming `format` (DRF answers 404)."""

    def filter_renderers(self, renderers, format):
        kept = [r for r in renderers if r.format == format]
        if not kept:
            allowed = ", ".join(r.format for r in renderers)
            raise exceptions.ValidationError(
                {"format": [_("Format inconnu ; formats possibles : %(f)s.") % {"f": allowed}]}
            )
        return kept


class ApiViewMixin:
    """Mixed into every API view (before the DRF view class)."""

    content_negotiation_class = FormatNegotiation
    renderer_classes = [JSONRenderer]
    last_modified = None  # set by views that know when their data last changed

    def initial(self, request, *args, **kwargs):
        self.check_query_params(request)
        super().initial(request, *args, **kwargs)

    @staticmethod
    def check_query_params(request) -> None:
        """Refuse NUL bytes and oversized values in any parameter before any query runs."""
        errors: dict[str, list[str]] = {}
        for key, values in request.query_params.lists():
            name = key.replace("\x00", "\\0")[:100]
            if "\x00" in key or any("\x00" in v for v in values):
                errors.setdefault(name, []).append(_("Caractère nul non autorisé."))
            elif len(key) > MAX_PARAM_LENGTH or any(len(v) > MAX_PARAM_LENGTH for v in values):
                errors.setdefault(name, []).append(
                    _("Valeur trop longue (%(max)d caractères au plus).")
                    % {"max": MAX_PARAM_LENGTH}
                )
        if errors:
            raise exceptions.ValidationError(errors)

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.status_code >= 400:
            # Errors are always JSON, whatever format was asked for.
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        response = super().finalize_response(request, response, *args, **kwargs)
        streaming = getattr(response, "streaming", False)
        if isinstance(response, Response):
            response.render()
        response = conditional(request, response, self.last_modified, streaming=streaming)
        cache_headers(request, response)
        return response


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Unknown API address: a 404 with the API's JSON error body."""
    return JsonResponse(
        {"errors": {}, "detail": _("Adresse inconnue dans l'API.")},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


def api_root(request):
    """/api/v1/: where everything is (the schema documents each endpoint)."""
    paths = {
        "initiatives": "initiatives/", "intercos": "intercos/", "communes": "communes/",
        "themes": "themes/", "partnerships": "partnerships/", "key_figures": "key-figures/",
        "sources": "sources/", "map": "map/", "schema": "schema/", "docs": "docs/",
        "redoc": "redoc/",
        "data_inclusion_structures": "data-inclusion/structures/",
        "data_inclusion_services": "data-inclusion/services/",
    }  # fmt: skip
    base = request.build_absolute_uri()
    return JsonResponse({name: base + path for name, path in paths.items()})

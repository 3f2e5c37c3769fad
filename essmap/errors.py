"""Error pages: the project's templates for 400/403/404/500, and 503 when the database is down.

Django calls `server_error` (handler500) for any uncaught exception, whichever middleware or
view raised it. When that exception is a database connection failure the answer is a 503
with `Retry-After` (the database may be back in seconds; Django reconnects on the next
request, no restart needed), else a 500. Under /api/ both are the API's JSON error body.
These handlers never touch the database.
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger("essmap.errors")


def database_unavailable(exc: BaseException | None) -> bool:
    """A connection-level database failure (not a bad query): worth a retry later."""
    for _depth in range(5):  # the error, or what it was raised from
        if exc is None:
            return False
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _json(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"errors": {}, "detail": detail}, status=status)


def _page(request, template: str, status: int, **context):
    try:
        return render(request, template, {"status": status, **context}, status=status)
    except Exception:  # an error page must not fail: plain text as the last resort
        logger.exception("Error page %s failed to render", template)
        return HttpResponse(f"Error {status}", status=status, content_type="text/plain")


@requires_csrf_token
def server_error(request, *args, **kwargs):
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        return service_unavailable(request)
    if _is_api(request):
        return _json(500, _("Erreur interne du serveur."))
    return _page(request, "essmap/errors/500.html", 500)


def service_unavailable(request):
    logger.warning("Database unavailable: answering 503 for %s", request.path)
    if _is_api(request):
        response = _json(503, _("Service momentanément indisponible. Réessayez plus tard."))
    else:
        response = _page(request, "essmap/errors/503.html", 503)
    response["Retry-After"] = str(settings.RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def bad_request(request, exception=None):
    if _is_api(request):
        return _json(400, _("Requête invalide."))
    return _page(request, "essmap/errors/400.html", 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    if _is_api(request):
        return _json(403, _("Vous n'avez pas le droit de faire cela."))
    return _page(request, "essmap/errors/403.html", 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    if _is_api(request):
        return _json(404, _("Introuvable."))
    return _page(request, "essmap/errors/404.html", 404)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the project's 403 page, telling the visitor what to do."""
    if _is_api(request):
        return _json(403, _("Jeton CSRF manquant ou invalide."))
    return _page(request, "essmap/errors/403.html", 403, csrf=True)

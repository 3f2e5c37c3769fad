"""A rate limit on the HTML pages for anonymous clients, like the API's (issue 18).

The API has its throttles (essmap.api.throttles); without one, a few clients requesting
costly pages in a loop (a search with a parameter that changes every time) queued everyone
else's requests. Each anonymous client may request PAGE_THROTTLE_ANON pages (DRF's rate
syntax, e.g. "120/minute"; empty: no limit); beyond, a 429 page with Retry-After until the
window ends.

Counted with essmap.ratelimit (atomic on Redis, fail open when the cache is down) for the
client key of essmap.client_ip, the same as every other limit. Not counted: the API (its own
throttles), static files, health checks, the admin and any signed-in account (staff).
"""

from django.conf import settings

from .api.throttles import parse_rate
from .client_ip import client_ip
from .errors import _page
from .ratelimit import hit

SCOPE = "throttle:pages"
EXEMPT_PREFIXES = ("/api/", "/admin/", "/healthz", "/readyz", "/favicon.ico")


def _exempt(request) -> bool:
    path = request.path_info
    static = settings.STATIC_URL or "/static/"
    if path.startswith((*EXEMPT_PREFIXES, static)):
        return True
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)


class PageThrottleMiddleware:
    """Answers 429 to an anonymous client past its rate of HTML page requests."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rate = settings.PAGE_THROTTLE_ANON
        if rate and not _exempt(request):
            limit, window = parse_rate(rate)
            result = hit(SCOPE, client_ip(request), limit=limit, window=window)
            if not result.allowed:
                response = _page(
                    request, "essmap/errors/429_pages.html", 429, retry_after=result.retry_after
                )
                response["Retry-After"] = str(result.retry_after)
                response["Cache-Control"] = "no-store"
                return response
        return self.get_response(request)

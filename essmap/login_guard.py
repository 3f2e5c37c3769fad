"""A ceiling on failed logins per client address, across usernames.

django-axes locks a username + address pair after AXES_FAILURE_LIMIT failures, so that
nobody can lock a user out from another address. That lockout is itself rate-limited here:
an address that fails more than LOGIN_FAILURES_PER_ADDRESS logins within
LOGIN_FAILURE_WINDOW seconds (trying many usernames, or locking many users out) gets a 429
for any further login attempt until the window ends, whatever the username.

Counted with `essmap.ratelimit` (atomic on Redis) for the address of `essmap.client_ip`,
keyed like every limit on `client_ip.limit_key` (an IPv6 client counts for its whole /64;
axes' own lockout keys on the same /64 through `axes_client_ip`).
When the cache is unreachable the counter fails open, as every rate limit does; axes' own
records are in the database and still apply.
"""

from django.conf import settings
from django.urls import reverse

from .client_ip import client_ip
from .errors import _page
from .ratelimit import hit, peek

SCOPE = "login-failures"


def login_failed(sender, credentials=None, request=None, **kwargs) -> None:
    """Receiver of `user_login_failed`: one more failure for the client's address."""
    if request is None:
        return
    hit(
        SCOPE,
        client_ip(request),
        limit=settings.LOGIN_FAILURES_PER_ADDRESS,
        window=settings.LOGIN_FAILURE_WINDOW,
    )


def address_refused(request) -> bool:
    """True once the client's address has used up its failed logins for the window."""
    count = peek(SCOPE, client_ip(request), window=settings.LOGIN_FAILURE_WINDOW)
    return count >= settings.LOGIN_FAILURES_PER_ADDRESS


class LoginGuardMiddleware:
    """Answers 429 to a login POST from an address over its ceiling of failed logins."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method == "POST"
            and request.path == reverse("admin:login")
            and address_refused(request)
        ):
            response = _page(request, "essmap/errors/429.html", 429)
            response["Retry-After"] = str(settings.LOGIN_FAILURE_WINDOW)
            return response
        return self.get_response(request)

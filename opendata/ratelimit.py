"""Per-IP submission limits for the public forms of this app (alerts, error reports)."""

from django.conf import settings
from django.core.cache import cache

from essmap.ratelimit import hit
from initiatives.suggest_views import client_ip


def rate_limited(request, scope: str, *, limit: int | None = None, window: int | None = None):
    """Count this submission; True once the IP went over `limit` in `window` seconds.

    Error reports use the scope of public suggestions ("propose") and its settings: the
    same counter, so one rate limit covers both forms. A cache outage (Redis down) lets
    the submission through rather than failing the page.
    """
    limit = settings.ALERT_RATE_LIMIT if limit is None else limit
    window = settings.ALERT_RATE_WINDOW if window is None else window
    key = f"{scope}:ip:{client_ip(request)}"
    try:
        cache.add(key, 0, window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window)
            count = 1
    except Exception:  # noqa: BLE001 - a helper service fault degrades, never breaks
        return False
    return count > limit


def suggestion_rate_limited(request) -> bool:
    """The public suggestions' limit (PROPOSE_RATE_LIMIT per PROPOSE_RATE_WINDOW)."""
    # The same counter as the suggestion form (essmap.ratelimit.hit, scope "propose").
    return not hit(
        "propose",
        client_ip(request),
        limit=settings.PROPOSE_RATE_LIMIT,
        window=settings.PROPOSE_RATE_WINDOW,
    ).allowed

"""Per-IP submission limits for the public forms of this app (alerts, error reports)."""

from django.conf import settings
from django.core.cache import cache

from initiatives.suggest_views import client_ip


def rate_limited(request, scope: str) -> bool:
    """Count this submission; True once the IP went over ALERT_RATE_LIMIT in the window.

    A cache outage (Redis down) lets the submission through rather than failing the page.
    """
    key = f"{scope}:ip:{client_ip(request)}"
    window = settings.ALERT_RATE_WINDOW
    try:
        cache.add(key, 0, window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window)
            count = 1
    except Exception:  # noqa: BLE001 - a helper service fault degrades, never breaks
        return False
    return count > settings.ALERT_RATE_LIMIT

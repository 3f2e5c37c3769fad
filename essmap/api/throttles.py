"""Rate limits read from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] at request time.

DRF's throttles copy the rates when their module is imported; these read the current
settings so a deployment (or a test) can change them. Scopes: `anon`, `user`, and
`export` for whole-set CSV/GeoJSON exports (on top of the others).
"""

from rest_framework import throttling
from rest_framework.settings import api_settings


class _CurrentRatesMixin:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonRateThrottle(_CurrentRatesMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_CurrentRatesMixin, throttling.UserRateThrottle):
    pass


class ExportRateThrottle(_CurrentRatesMixin, throttling.SimpleRateThrottle):
    scope = "export"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            ident = request.user.pk
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

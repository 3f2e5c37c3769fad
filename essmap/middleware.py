"""Language of a request (the URL for pages, Accept-Language for the API); text compression."""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header


class EssmapLocaleMiddleware(LocaleMiddleware):
    """Pages take their language from the URL only (French unprefixed, English under /en/), so a
    link always opens in its language. The API (/api/) is outside the prefixed patterns and
    negotiates with Accept-Language, as HTTP clients expect."""

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            translation.activate(_from_header(request) or settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)


def _from_header(request) -> str | None:
    supported = dict(settings.LANGUAGES)
    for code, _q in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        base = code.split("-")[0].lower()
        if base in supported:
            return base
    return None


class TextCompressionMiddleware(GZipMiddleware):
    """gzip for pages, JSON and other text the app writes, to anonymous visitors only.

    The app compresses (not only the proxy, see docs/deployment.md) so that every deployment
    sends small pages. Static files are compressed ahead of time by whitenoise and file
    downloads stream as they are: streaming responses pass untouched.

    BREACH (guessing a secret in a compressed response from its size, with attacker-chosen
    text reflected beside it): a request carrying a session cookie (staff, or a visitor with a
    pending message) is never compressed, so no page holding a session's data is. What an
    anonymous page holds is public, but for the CSRF token of its forms: Django masks that
    token with fresh random bytes on every response, and its gzip adds random padding to each
    response's length, which defeats the attack.
    """

    def process_response(self, request, response):
        if response.streaming or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return response
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        main, _, sub = content_type.partition("/")
        if main != "text" and not any(kind in sub for kind in _TEXT_SUBTYPES):
            return response
        return super().process_response(request, response)


_TEXT_SUBTYPES = ("json", "xml", "javascript", "yaml")

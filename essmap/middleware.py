"""Language of a request: the URL for pages (/en/…), the Accept-Language header for the API."""

from django.conf import settings
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

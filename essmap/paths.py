"""Page paths from the URL conf, fast enough to write one per row of a 250,000-row export.

`reverse()` costs tens of microseconds; `slug_path()` reverses a view once per URL conf and
script prefix, then fills the slug in. Models' `get_absolute_url` use it, so a page's address
is written in exactly one place: its URL pattern.
"""

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

_MARK = "essmap-slug-mark"


@lru_cache(maxsize=32)
def _template(
    viewname: str, kwarg: str, urlconf, prefix: str, language: str | None
) -> tuple[str, str]:
    head, _, tail = reverse(viewname, urlconf=urlconf, kwargs={kwarg: _MARK}).partition(_MARK)
    return head, tail


def slug_path(viewname: str, kwarg: str, value: str) -> str:
    """reverse(viewname, kwargs={kwarg: value}) for a `<slug:…>` pattern (value is a slug)."""
    # The language is part of the key: pages are under /en/ in English.
    head, tail = _template(viewname, kwarg, get_urlconf(), get_script_prefix(), get_language())
    return f"{head}{value}{tail}"

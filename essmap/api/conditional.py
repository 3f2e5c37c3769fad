"""Conditional GET (ETag, Last-Modified, 304 Not Modified) and Cache-Control for the API.

- ETag: a hash of the rendered body, so it changes whenever the representation does
  (language, filters, related objects included).
- Last-Modified: given by the view (the newest `updated_at` of the dataset or of the object);
  Django's `get_conditional_response` applies RFC 9110's precedence (If-None-Match first).
- Cache-Control: public reads may be cached briefly by browsers and proxies; answers to
  authenticated requests are private; writes and errors are not stored.
"""

import hashlib
from datetime import datetime

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

SAFE = ("GET", "HEAD")


def max_age() -> int:
    return int(settings.API_CACHE_MAX_AGE)


def etag_for(content: bytes) -> str:
    return f'"{hashlib.sha256(content).hexdigest()[:32]}"'


def cache_headers(request, response) -> None:
    if request.method not in SAFE:
        patch_cache_control(response, no_store=True)
    elif response.status_code >= 400:
        patch_cache_control(response, no_cache=True)
    elif request.user and request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=max_age())
    patch_vary_headers(response, ["Accept", "Accept-Language", "Authorization"])


def conditional(request, response, last_modified: datetime | None, *, streaming: bool = False):
    """Add validators to a successful GET/HEAD response; answer 304 when the client is current."""
    if request.method not in SAFE or response.status_code != 200:
        return response
    etag = None
    if not streaming:
        etag = etag_for(response.content)
        response["ETag"] = etag
    timestamp = None
    if last_modified is not None:
        timestamp = int(last_modified.timestamp())
        response["Last-Modified"] = http_date(timestamp)
    return get_conditional_response(request, etag=etag, last_modified=timestamp, response=response)

"""Conditional GET (ETag, Last-Modified, 304 Not Modified) and Cache-Control for the API.

- ETag: a hash of the rendered body, so it changes whenever the representation does
  (language, filters, related objects included). A streamed export (CSV, GeoJSON) is not
  held in memory: its weak ETag hashes what it is made of instead (`streamed_etag`: the
  data generation, the newest change, the address, the parameters, the format, the
  language), so a client that has it gets a 304 without the export being run.
- HEAD: the GET's status and headers, no body; a streamed export is never started.
- Last-Modified: given by the view (the newest `updated_at` of the dataset or of the object);
  Django's `get_conditional_response` applies RFC 9110's precedence (If-None-Match first).
- Cache-Control: public reads may be cached briefly by browsers and proxies; answers to
  authenticated requests are private; writes and errors are not stored.
"""

import hashlib
import json
from datetime import datetime

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

from essmap.cache import generation

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


def streamed_etag(request, last_modified: datetime | None, *extra) -> str:
    """A weak ETag for a body that is streamed, not held: it changes with every write (the
    shared cache's data generation, and the newest change for a write that skipped it) and
    with anything of the request that shapes the body (`extra`: the user, for instance)."""
    renderer = getattr(request, "accepted_renderer", None)
    parts = [
        generation(),
        last_modified.isoformat() if last_modified is not None else "",
        request.build_absolute_uri("/"),
        request.path,
        sorted(request.GET.lists()),
        getattr(renderer, "format", ""),
        get_language(),
        *extra,
    ]
    digest = hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]
    return f'W/"{digest}"'


def without_body(response) -> HttpResponse:
    """The answer to a HEAD: the same status and headers, no body (a streamed one is never
    started, so no query runs). The GET's response is dropped, not closed: closing it would
    send request_finished, which closes the database connection mid-request."""
    head = HttpResponse(status=response.status_code)
    for name, value in response.items():
        head[name] = value
    head.cookies = response.cookies
    return head


def conditional(
    request, response, last_modified: datetime | None, *, streaming: bool = False, vary_on=()
):
    """Add validators to a successful GET/HEAD response; answer 304 when the client is current.

    A small body's ETag is its hash; a streamed one's is weak, from what makes it (`vary_on`:
    e.g. the user whose territory it holds), and it is never run for a HEAD or a 304."""
    if request.method not in SAFE or response.status_code != 200:
        return response
    etag = (
        streamed_etag(request, last_modified, *vary_on) if streaming else etag_for(response.content)
    )
    response["ETag"] = etag
    timestamp = None
    if last_modified is not None:
        timestamp = int(last_modified.timestamp())
        response["Last-Modified"] = http_date(timestamp)
    answer = get_conditional_response(
        request, etag=etag, last_modified=timestamp, response=response
    )
    if answer is response and streaming and request.method == "HEAD":
        return without_body(response)
    return answer

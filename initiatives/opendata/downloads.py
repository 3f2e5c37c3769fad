"""Serving the open data downloads: HEAD, and conditional GET as HTTP caches and `curl -z`,
`wget -N` or a harvester send it (RFC 9110 §13).

- `If-None-Match`: weak comparison (`W/"…"` matches `"…"`), a list, or `*`; 304 on a match;
- `If-Modified-Since`: only when there is no `If-None-Match`; 304 when not modified since;
- `If-Match` / `If-Unmodified-Since` that fail: 412 (Django's `get_conditional_response`);
- HEAD: the GET's status and headers (`Content-Length` included), no body, no file opened.
A 304 keeps the 200's validators and caching headers (`ETag`, `Last-Modified`,
`Cache-Control`, CORS) so that a cache refreshes what it stored.

The staff side's downloads (the admin's CSV export and import template) and the Atom feed go
through `built_download`: the response the view built, given validators (a hash of a small
body; a weak ETag from what makes a streamed one), answered the same way.
"""

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from essmap.api.conditional import conditional, without_body

CACHE_CONTROL = "public, max-age=300"


def _headers(etag: str, last_modified: datetime | None) -> dict[str, str]:
    headers = {
        "ETag": etag,
        "Cache-Control": CACHE_CONTROL,
        "Access-Control-Allow-Origin": "*",
    }
    if last_modified is not None:
        headers["Last-Modified"] = http_date(int(last_modified.timestamp()))
    return headers


def _precondition(request, etag: str, last_modified: datetime | None, headers: dict):
    """A 304 or 412 when the request's conditions say so, with the 200's headers; else None."""
    timestamp = int(last_modified.timestamp()) if last_modified is not None else None
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is not None and response.status_code == 304:
        for name, value in headers.items():
            response[name] = value
    return response


def file_download(
    request, path: Path, *, sha256: str, media_type: str, filename: str
) -> HttpResponse:
    """A whole file with its SHA-256 as strong ETag and its modification time.

    The file is opened first and its size and time read from the open file, so that they
    describe the bytes sent even if `export_opendata` replaces it meanwhile."""
    etag = quote_etag(sha256)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    stat = os.fstat(handle.fileno())
    last_modified = datetime.fromtimestamp(int(stat.st_mtime), tz=UTC)
    headers = _headers(etag, last_modified)
    headers["Content-Disposition"] = f'inline; filename="{filename}"'
    answer = _precondition(request, etag, last_modified, headers)
    if answer is not None or request.method == "HEAD":
        handle.close()
    if answer is not None:
        return answer
    if request.method == "HEAD":
        response = HttpResponse(content_type=media_type)
    else:
        response = FileResponse(handle, content_type=media_type)
    response["Content-Length"] = str(stat.st_size)
    for name, value in headers.items():
        response[name] = value
    return response


def bytes_download(
    request, body: bytes, *, content_type: str, last_modified: datetime | None = None
) -> HttpResponse:
    """A generated document (JSON) with the SHA-256 of its bytes as strong ETag."""
    etag = quote_etag(hashlib.sha256(body).hexdigest())
    headers = _headers(etag, last_modified)
    answer = _precondition(request, etag, last_modified, headers)
    if answer is not None:
        return answer
    response = HttpResponse(b"" if request.method == "HEAD" else body, content_type=content_type)
    response["Content-Length"] = str(len(body))
    for name, value in headers.items():
        response[name] = value
    return response


def built_download(
    request, response, *, last_modified: datetime | None = None, vary_on=()
) -> HttpResponse:
    """A download the view built, through the API's conditional GET (essmap.api.conditional):
    HEAD without a body, 304/412 from the request's conditions, a streamed body never run for
    a HEAD or a 304. The response's own caching headers are kept."""
    if response.status_code != 200:
        return response
    if last_modified is None and response.has_header("Last-Modified"):  # the view's own
        seconds = parse_http_date_safe(response["Last-Modified"])
        last_modified = datetime.fromtimestamp(seconds, tz=UTC) if seconds else None
    if not response.streaming:
        response["Content-Length"] = str(len(response.content))
    answer = conditional(
        request, response, last_modified, streaming=response.streaming, vary_on=vary_on
    )
    return without_body(answer) if answer is response and request.method == "HEAD" else answer

"""Redoc's standalone bundle (drf-spectacular-sidecar) without its one third-party request.

The bundle's sidebar footer ("API docs by Redocly") draws an <img> whose source is on the
vendor's server, with no option to turn it off: the page would ask cdn.redoc.ly for it on
every visit (the CSP blocks it, but the browser still tries, and the vendor's host is named
in the page). This view serves the sidecar's file with that image removed (the footer link
stays, as text) and without its source-map comment; the file is read and patched once per
process. A sidecar upgrade that moves the image makes the patch fail loudly
(tests/api/test_docs_offline.py), never silently request it again.
"""

import hashlib
import re
from functools import cache
from pathlib import Path

import drf_spectacular_sidecar
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django.views.decorators.http import require_safe

BUNDLE = (
    Path(drf_spectacular_sidecar.__file__).parent
    / "static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
)
VENDOR_HOST = "cdn.redoc.ly"
# n.createElement("img",{alt:"redocly logo",onError:…,src:"https://cdn.redoc.ly/…"})
_VENDOR_IMAGE = re.compile(
    r'[\w$]+\.createElement\("img",\{[^{}]*?"https://cdn\.redoc\.ly/[^"]*"[^{}]*\}\)'
)
_SOURCE_MAP = re.compile(rb"\n//# sourceMappingURL=\S+\s*$")


@cache
def patched_bundle() -> bytes:
    text = BUNDLE.read_text(encoding="utf-8")
    text, count = _VENDOR_IMAGE.subn("null", text)
    if count != 1 or VENDOR_HOST in text:
        raise ImproperlyConfigured(
            f"Redoc's bundle changed: its {VENDOR_HOST} image was not found once"
            " (essmap/api/redoc.py)."
        )
    return _SOURCE_MAP.sub(b"\n", text.encode("utf-8"))


@require_safe
def redoc_bundle(request):
    body = patched_bundle()
    etag = quote_etag(hashlib.sha256(body).hexdigest())
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(b"" if request.method == "HEAD" else body)
        response["Content-Length"] = str(len(body))
    response["Content-Type"] = "text/javascript; charset=utf-8"
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=86400"
    return response

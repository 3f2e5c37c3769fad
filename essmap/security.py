"""Security headers on every response: Content-Security-Policy and Permissions-Policy.

The policy is strict: scripts, styles, fonts and frames from this site only, no inline
script or style (`'unsafe-inline'` is never allowed: templates carry no <script> body, no
<style>, no style="" attribute and no on*="" handler; settings reach scripts as JSON data),
`object-src 'none'`, `base-uri 'none'`, and no framing except /embed/ (EMBED_FRAME_ANCESTORS).
Map tiles (MAP_TILES_URL) are allowed as images and the optional geocoder (GEOCODER_URL) for
fetch(), by setting; CSP_EXTRA_IMG_SRC / CSP_EXTRA_CONNECT_SRC add hosts. Placed first in
MIDDLEWARE, so static files served by WhiteNoise get the headers too.
"""

from urllib.parse import urlsplit

from django.conf import settings


def origin_of(url: str) -> str | None:
    """The CSP source for a URL template: scheme and host, `{s}` subdomains as a wildcard."""
    if not url:
        return None
    parts = urlsplit(url.replace("{s}", "*"))
    if not parts.scheme or not parts.netloc:
        return None
    netloc = parts.netloc.split("@")[-1]
    for placeholder in ("{", "}"):
        if placeholder in netloc:
            return None
    return f"{parts.scheme}://{netloc}"


# An empty <style> element: styled-components (Redoc) creates one, then fills it through the
# CSSOM (insertRule), which CSP allows. The hash allows exactly the empty element.
EMPTY_STYLE = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
# The one fixed <style> Redoc's standalone bundle injects (its global rules), by hash: a
# Redoc upgrade that changes it shows as a violation in tests/e2e/test_csp.py.
REDOC_STYLE = "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='"


def build_policy(*, frame_ancestors: str, style_hashes: tuple[str, ...] = ()) -> str:
    images = ["'self'", "data:", origin_of(settings.MAP_TILES_URL), *settings.CSP_EXTRA_IMG_SRC]
    connect = ["'self'", origin_of(settings.GEOCODER_URL), *settings.CSP_EXTRA_CONNECT_SRC]
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", *style_hashes],
        "img-src": images,
        "connect-src": connect,
        "font-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],  # Redoc parses the schema in a worker
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": [frame_ancestors],
    }
    return "; ".join(
        f"{name} {' '.join(dict.fromkeys(v for v in values if v))}"
        for name, values in directives.items()
    )


PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), microphone=(), payment=(), usb=(), gyroscope=(), "
    "magnetometer=(), geolocation=(self)"  # "near me" uses geolocation
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = build_policy(frame_ancestors="'none'")
        self.embed_policy = build_policy(frame_ancestors=settings.EMBED_FRAME_ANCESTORS)
        self.docs_policy = build_policy(
            frame_ancestors="'none'", style_hashes=(EMPTY_STYLE, REDOC_STYLE)
        )

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(settings.EMBED_PATH_PREFIX):
            policy = self.embed_policy
        elif request.path == settings.API_REDOC_PATH:
            policy = self.docs_policy
        else:
            policy = self.policy
        response.setdefault("Content-Security-Policy", policy)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

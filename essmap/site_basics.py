"""What a public site needs besides its pages: robots.txt, favicon, head links, and the base of
the apps' sitemaps (sitemap.xml itself: initiatives.sitemaps)."""

import os
from datetime import UTC, datetime

from django.conf import settings
from django.contrib import sitemaps
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse, translate_url
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_safe

# Never crawled: the staff side, the API and the framed copies of the directory.
ROBOTS_DISALLOW = ("/admin/", "/api/", "/embed/", "/en/embed/")
# ...except the API's reference page, which people search for (the longest rule wins).
ROBOTS_ALLOW = ("/api/v1/docs/",)


def site_root(request) -> str:
    """'https://essmap.example' (SITE_URL when set, else the request's own host)."""
    return (settings.SITE_URL or request.build_absolute_uri("/")).rstrip("/")


@require_safe
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        *(f"Allow: {path}" for path in ROBOTS_ALLOW),
        *(f"Disallow: {path}" for path in ROBOTS_DISALLOW),
    ]
    lines.append(f"Sitemap: {site_root(request)}{reverse('django.contrib.sitemaps.views.sitemap')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def _favicon_path() -> str | None:
    return finders.find("essmap/icons/favicon.ico")


def _favicon_modified(request) -> datetime | None:
    path = _favicon_path()
    return datetime.fromtimestamp(os.stat(path).st_mtime, tz=UTC) if path else None


@require_safe  # HEAD too; If-Modified-Since answered with a 304
@condition(last_modified_func=_favicon_modified)
@cache_control(max_age=86400 * 7, public=True)
def favicon(request):
    path = _favicon_path()
    if not path:
        raise Http404
    return FileResponse(open(path, "rb"), content_type="image/x-icon")  # noqa: SIM115


class I18nSitemap(sitemaps.Sitemap):
    """A sitemap listing each page in every language; the apps' sitemaps (initiatives.sitemaps,
    intercos.sitemaps) derive from it."""

    i18n = True
    alternates = True
    x_default = True


def head_links(request) -> dict:
    """Canonical URL and the page in each language (hreflang), absolute, without the query."""
    root = site_root(request)
    current = translation.get_language()
    alternates = []
    for code, _name in settings.LANGUAGES:
        alternates.append(
            {
                "code": code,
                "url": root + translate_url(request.path, code),
                # The language switcher keeps the query (filters) too.
                "full_path": translate_url(request.get_full_path(), code),
                "current": code == current,
            }
        )
    return {"canonical_url": root + request.path, "alternates": alternates, "site_root": root}

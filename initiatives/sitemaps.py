"""sitemap.xml: published initiatives, intercos and the site's pages, in both languages.

Here rather than in essmap (the shared core imports no feature app): initiatives is the app
that may see both feature apps. Served by initiatives/sitemap_urls.py, included unprefixed by
essmap/urls.py; robots.txt (essmap.site_basics) points to it by URL name.
"""

from django.urls import reverse

from essmap.site_basics import I18nSitemap
from intercos.sitemaps import IntercoSitemap

from .models import Initiative


class InitiativeSitemap(I18nSitemap):
    changefreq = "weekly"

    def items(self):
        return Initiative.objects.published().order_by("pk").only("slug", "updated_at")

    def location(self, item):
        return reverse("initiatives:detail", args=[item.slug])

    def lastmod(self, item):
        return item.updated_at


class PageSitemap(I18nSitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "initiatives:directory",
            "intercos:list",
            "site:territory",
            "site:sources",
            "propose",
        ]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"pages": PageSitemap, "initiatives": InitiativeSitemap, "intercos": IntercoSitemap}

"""The intercos' pages in sitemap.xml (assembled by initiatives.sitemaps)."""

from django.urls import reverse

from essmap.site_basics import I18nSitemap

from .models import Interco


class IntercoSitemap(I18nSitemap):
    changefreq = "monthly"

    def items(self):
        return Interco.objects.order_by("pk").only("slug")

    def location(self, item):
        return reverse("intercos:detail", args=[item.slug])

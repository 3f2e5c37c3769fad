"""Atom feed of any directory search: the same FilterSet as the page, newest changes first."""

from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from essmap.typography import punctuation, typeset
from initiatives.models import Initiative
from initiatives.selectors import initiative_filter, rows_for_keys

from .downloads import built_download

FEED_SIZE = 50
# Parameters of the page that do not change which initiatives match.
IGNORED = {"page", "ordering", "mode", "bbox"}


def search_params(data) -> list[tuple[str, str]]:
    """The search's filtering parameters, in a stable order (for links and alerts)."""
    return sorted((k, v) for k, values in data.lists() if k not in IGNORED for v in values if v)


def feed_query(data) -> str:
    return urlencode(search_params(data))


class InvalidSearch(Exception):
    pass


class FrenchEntriesFeed(Atom1Feed):
    """Entries carry xml:lang="fr" when the feed is English: their texts are the records'
    French originals (same rule as lang="fr" on the pages)."""

    def item_attributes(self, item):
        attributes = super().item_attributes(item)
        if not str(self.feed["language"] or "").startswith("fr"):
            attributes["xml:lang"] = "fr"
        return attributes


class SearchFeed(Feed):
    feed_type = FrenchEntriesFeed

    def __call__(self, request, *args, **kwargs):
        try:
            return built_download(request, super().__call__(request, *args, **kwargs))
        except InvalidSearch as exc:
            return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")

    def get_object(self, request, *args, **kwargs):
        filterset = initiative_filter(data=request.GET, request=request)
        if not filterset.is_valid():
            errors = f"{punctuation(';')} ".join(
                f"{field}{punctuation(':')} {' '.join(messages)}"
                for field, messages in filterset.errors.items()
            )
            raise InvalidSearch(_("Recherche invalide : %(errors)s") % {"errors": errors})
        return {"filterset": filterset, "query": feed_query(request.GET)}

    def title(self, obj):
        return _("Initiatives de l'ESS : nouveautés de votre recherche")

    def subtitle(self, obj):
        return _("Initiatives publiées ou mises à jour correspondant à la recherche.")

    def link(self, obj):
        query = obj["query"]
        return reverse("initiatives:directory") + (f"?{query}" if query else "")

    def feed_url(self, obj):
        query = obj["query"]
        return reverse("opendata:feed") + (f"?{query}" if query else "")

    def items(self, obj):
        """The newest changes as value rows (representation.ROW_VALUES, themed)."""
        keys = obj["filterset"].qs.order_by("-updated_at", "-pk").values("pk")[:FEED_SIZE]
        return rows_for_keys(list(keys))

    # A record's name and summary are French (they have no English version): French typography.
    def item_title(self, item: dict):
        return typeset(item["name"])

    def item_description(self, item: dict):
        place = item["commune__name"] if item["commune_id"] is not None else ""
        return typeset(" — ".join(part for part in (item["summary"], place) if part))

    def item_link(self, item: dict):
        return Initiative.path_for(item["slug"])

    def item_guid(self, item: dict):
        return f"essmap:initiative:{item['slug']}"

    def item_guid_is_permalink(self, item):
        return False

    def item_pubdate(self, item: dict):
        return item["created_at"]

    def item_updateddate(self, item: dict):
        return item["updated_at"]

    def item_categories(self, item: dict):
        return [t["slug"] for t in item["themes"]]

"""Published only, unless staff: the one rule of what a read may show (issue 22).

Every read of initiatives goes through these functions: public lists, the detail (the API's
and the page's), "near", the map, the exports and open data files, the feeds, the search,
the sitemap, and the related records (partners, carriers, figures, coverage counts). Staff
see a draft only where they ask for it (`include_drafts=True`: the answer to their own
write); the records related to it stay published only, since they may be another
territory's drafts. tests/initiatives/test_visibility.py holds every read path to it.
"""

from django.db.models import Q

# Initiative.Status.PUBLISHED (a plain string here: the manager imports this module).
PUBLISHED = "published"


def shown(path: str = "", *, include_drafts: bool = False) -> Q:
    """The condition on an initiative, reached through `path` ("" or e.g. "initiative__")."""
    return Q() if include_drafts else Q(**{f"{path}status": PUBLISHED})


def shown_or_none(path: str) -> Q:
    """The condition on an optional related initiative (`path` ends with "__"): none, or shown."""
    return Q(**{f"{path}isnull": True}) | shown(path)


def readable(queryset, *, include_drafts: bool = False):
    """The initiatives of the queryset that this read may show."""
    return queryset.filter(shown(include_drafts=include_drafts))


def is_shown(status: str | None) -> bool:
    """Whether a related initiative with this status may be shown (e.g. a carrier)."""
    return status == PUBLISHED

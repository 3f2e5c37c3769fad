"""Public pages: the list of intercos and one page per interco (with their initiatives).

On the directory side because they show initiatives; `intercos` knows nothing of them.
"""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language

from essmap.cache import cached
from essmap.geo import map_config
from intercos.models import Interco
from intercos.selectors import interco_communes, interco_public_detail

from .interco_selectors import (
    interco_directory,
    interco_figures,
    interco_initiatives,
    interco_partnerships,
)
from .models import Initiative
from .selectors import legal_form_breakdown, theme_breakdown

# The interco page lists this many initiatives; the directory link shows them all.
INITIATIVES_SHOWN = 50


def interco_list(request):
    return render(request, "intercos/list.html", {"intercos": interco_directory()})


def interco_detail(request, slug: str):
    try:
        interco = interco_public_detail(slug=slug)
    except Interco.DoesNotExist:
        raise Http404 from None
    initiatives = interco_initiatives(interco)

    def summary() -> dict:
        total = initiatives.count()
        return {
            "total": total,
            "themes": [(t.label, n) for t, n in theme_breakdown(initiatives)] if total else [],
            "legal_forms": legal_form_breakdown(initiatives) if total else [],
        }

    # Counts over the whole territory (hundreds of ms for a large interco): in the shared
    # cache, invalidated by every write; labels are translated, hence the language.
    key = {"siren": interco.siren, "lang": get_language()}
    stats = cached("interco-summary", key, summary)
    # The first names in alphabetical order: tens of ms to sort thousands of rows, so kept
    # in the shared cache too (page addresses depend on the language).
    shown = cached(
        "interco-initiatives",
        key,
        lambda: [
            {"url": Initiative.path_for(slug), "name": name, "commune": commune}
            for slug, name, commune in initiatives.values_list("slug", "name", "commune__name")[
                :INITIATIVES_SHOWN
            ]
        ],
    )
    query = urlencode({"interco": interco.siren})
    embed_url = request.build_absolute_uri(reverse("initiatives:embed"))
    centre = (
        [interco.centre_lat, interco.centre_lon]
        if interco.centre_lat is not None and interco.centre_lon is not None
        else None
    )
    extra = {"center": centre, "zoom": 10} if centre else {}
    return render(
        request,
        "intercos/detail.html",
        {
            "interco": interco,
            "communes": list(interco_communes(interco)),
            "initiatives": shown,
            "initiatives_total": stats["total"],
            "directory_url": f"{reverse('initiatives:directory')}?{query}",
            "partnerships": interco_partnerships(interco),
            "figures": interco_figures(interco),
            "themes": stats["themes"],
            "legal_forms": stats["legal_forms"],
            "embed_map": f"{embed_url}?{query}&mode=map",
            "embed_list": f"{embed_url}?{query}&mode=list",
            "map_config": map_config(
                mode="interco",
                contour=interco.contour,
                filters=[["interco", interco.siren]],
                **extra,
            ),
        },
    )

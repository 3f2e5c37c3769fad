"""Public pages: the directory (list + map), one initiative, the embeddable map."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_exempt

from essmap.api.pagination import CachedCountPaginator
from essmap.cache import cached
from essmap.geo import BBox, map_config
from essmap.site_basics import site_root
from essmap.statement_timeout import anonymous_statement_timeout

from .chips import active_chips
from .filters import known_parameters
from .map import theme_legend
from .models import Initiative, Partnership
from .near import distance_text, reason
from .page_actions import page_actions
from .representation import PageLinks, jsonld
from .selectors import (
    initiative_carrier,
    initiative_filter,
    initiative_public_detail,
    initiatives_bounds,
)

PAGE_SIZE = 20
MAX_PAGES = 500
# Parameters that do not narrow the set: no need to fit the map to the results for them.
NON_FILTERING = {"page", "ordering", "mode", "bbox"}
# Parameters a directory page reads besides the FilterSet's.
PAGE_PARAMETERS = ("page", "mode")
FRAGMENT_HEADER = "X-Essmap-Fragment"


def _page(results, number):
    """A page of results; bad numbers give page 1, numbers past the end the last reachable page.

    Pages stop at MAX_PAGES: past that, OFFSET scans cost more than anyone reads (narrow the
    search instead).
    """
    paginator = CachedCountPaginator(results, PAGE_SIZE)
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    number = max(1, min(number, paginator.num_pages, MAX_PAGES))
    page = paginator.page(number)
    page.is_capped = number == MAX_PAGES and paginator.num_pages > MAX_PAGES
    return page


def _active_filters(data) -> dict:
    return {k: v for k, v in data.lists() if k not in NON_FILTERING and any(x for x in v)}


def _decorate(form) -> None:
    """HTML hints for the page's form (the API ignores widgets)."""
    form.fields["q"].widget.input_type = "search"
    form.fields["near"].widget.attrs.update(autocomplete="off", list="commune-options")
    for name in ("lat", "lon", "radius"):
        form.fields[name].widget.attrs.update(step="any", inputmode="decimal")
    form.fields["interco"].empty_label = _("Toutes")


def directory_context(request) -> dict:
    """Filters, one page of results and map settings, shared by the directory and the embed."""
    filterset = initiative_filter(data=request.GET, request=request)
    _decorate(filterset.form)
    valid = filterset.is_valid()
    results = filterset.qs if valid else filterset.queryset.none()
    page = _page(results, request.GET.get("page"))
    place = filterset.place if valid else None
    for initiative in page.object_list:
        initiative.reason = reason(
            getattr(initiative, "match_rank", None),
            getattr(initiative, "distance_km", None),
            getattr(initiative, "served_interco", None),
        )
    point = bounds = None
    nearest = []
    if place is not None:
        point = {"lat": place.lat, "lon": place.lon, "radius": place.radius, "label": place.label}
        bounds = BBox.around(place.lat, place.lon, place.radius)
        if not page.paginator.count:
            nearest = filterset.nearest_beyond()
            for initiative in nearest:
                initiative.distance_text = distance_text(initiative)
    elif valid and filterset.form.cleaned_data.get("bbox"):
        bounds = filterset.form.cleaned_data["bbox"]  # following the map
    elif valid and _active_filters(request.GET) and page.paginator.count:
        bounds = initiatives_bounds(results)
    without_point = results.filter(latitude__isnull=True).count() if page.paginator.count else 0
    # The map asks the API with the same filters, without pagination or its own bbox.
    map_filters = [
        (k, v) for k, values in request.GET.lists() if k not in NON_FILTERING for v in values
    ]
    return {
        "filterset": filterset,
        "form": filterset.form,
        "page": page,
        "is_valid": valid,
        "point": point,
        "place": place,
        "notices": filterset.notices if valid else [],
        "nearest": nearest,
        "without_point": without_point,
        "chips": active_chips(filterset, request.GET),
        "map_config": map_config(
            mode="directory",
            bounds=bounds,
            filters=map_filters,
            geocoder=settings.GEOCODER_URL or None,
            place=point,
            themes=theme_legend(),
        ),
    }


def _known_parameters_only(request) -> None:
    """Drop the parameters neither the FilterSet nor the page reads, before anything else.

    The page, its links (which copy the query string) and its cache key then depend on the
    known parameters only: "?junk=1" is the same page and the same cache entry.
    """
    known = known_parameters(request.GET, PAGE_PARAMETERS)
    request.GET = known
    request.META["QUERY_STRING"] = known.urlencode()


def _cached_page(request, name: str, render_page) -> HttpResponse:
    """An anonymous GET's page from the shared cache (every write invalidates it).

    The key: the page (path, hence language), the site root (absolute links), the known
    parameters (see _known_parameters_only) and whether JavaScript asked for the fragment.
    Nothing on these pages depends on the visitor; signed-in staff are served uncached.
    """
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return render_page()
    key = {
        "page": name, "path": request.path, "root": site_root(request), "lang": get_language(),
        "query": sorted(request.GET.lists()),
        "fragment": request.headers.get(FRAGMENT_HEADER) == "results",
    }  # fmt: skip

    def compute() -> dict:
        with anonymous_statement_timeout():
            response = render_page()
        return {
            "status": response.status_code,
            "type": response["Content-Type"],
            "content": response.content,
        }

    page = cached("directory-page", key, compute)
    return HttpResponse(page["content"], status=page["status"], content_type=page["type"])


def directory(request):
    _known_parameters_only(request)

    def render_page():
        context = directory_context(request)
        if request.headers.get(FRAGMENT_HEADER) == "results":
            return render(request, "initiatives/_results.html", context)
        return render(request, "initiatives/directory.html", context)

    response = _cached_page(request, "directory", render_page)
    patch_vary_headers(response, [FRAGMENT_HEADER])
    return response


@xframe_options_exempt
def embed(request):
    """The only page that may be framed: the directory's list or map, filters locked."""
    _known_parameters_only(request)

    def render_page():
        context = directory_context(request)
        context["mode"] = "list" if request.GET.get("mode") == "list" else "map"
        context["map_config"]["mode"] = "embed"
        return render(request, "initiatives/embed.html", context)

    return _cached_page(request, "embed", render_page)


def detail(request, slug: str):
    try:
        initiative = initiative_public_detail(slug=slug)
    except Initiative.DoesNotExist:
        raise Http404 from None
    config = None
    if initiative.has_point:
        config = map_config(
            mode="point",
            center=[initiative.latitude, initiative.longitude],
            zoom=11 if initiative.approximate_point else 13,
            point={"lat": initiative.latitude, "lon": initiative.longitude},
            label=initiative.name,
        )
    partnerships = list(initiative.partnerships.all())
    absolute_url = site_root(request) + request.path
    return render(
        request,
        "initiatives/detail.html",
        {
            "initiative": initiative,
            "carrier": initiative_carrier(initiative),
            "supporters": [p for p in partnerships if p.role == Partnership.Role.SUPPORTER],
            "partners": [p for p in partnerships if p.role != Partnership.Role.SUPPORTER],
            "partner_of": list(initiative.partner_of.all()),
            "has_contact": any(
                getattr(initiative, name)
                for name in ("address", "commune", "website", "email", "phone", "siret", "rna")
            )
            or initiative.founded_year
            or initiative.employees is not None,
            "actions": page_actions(request, initiative, absolute_url),
            "map_config": config,
            "jsonld": jsonld(initiative, PageLinks(request)),
        },
    )

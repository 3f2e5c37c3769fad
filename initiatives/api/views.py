"""Partner API for initiatives, themes, partnerships, key figures and sources."""

from django.db import transaction
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from essmap.api.conditional import etag_for
from essmap.api.pagination import EnvelopePagination, SwitchablePaginationMixin
from essmap.api.renderers import CSVRenderer, GeoJSONRenderer
from essmap.api.throttles import ExportRateThrottle
from essmap.api.views import ApiViewMixin
from essmap.cache import cached
from essmap.statement_timeout import anonymous_statement_timeout

from .. import rules, services
from ..detail import initiative_detail_data
from ..filters import InitiativeFilterSet, known_parameters
from ..models import Initiative, Source
from ..representation import PageLinks, api_item
from ..selectors import (
    initiative_keys,
    initiative_public_list,
    initiatives_last_modified,
    rows_for_keys,
)
from ..staff_scope import initiatives_for_user
from . import exports
from .examples import DETAIL_EXAMPLE, LIST_EXAMPLE
from .openapi import FILTER_PARAMETERS, WRITE_EXAMPLE, InitiativeFeatureCollectionSerializer
from .permissions import CanWritePermission
from .selectors import key_figure_public_list, partnership_public_list, theme_public_list
from .serializers import (
    InitiativeDetailSerializer,
    InitiativeListSerializer,
    InitiativeWriteSerializer,
    KeyFigureSerializer,
    PartnershipSerializer,
    SourceSerializer,
    ThemeSerializer,
)
from .subfilters import KeyFigureFilterSet, PartnershipFilterSet

# Parameters of a list page besides the FilterSet's (pagination, counting, format).
PAGE_PARAMETERS = ("page", "page_size", "pagination", "cursor", "count", "format")
SLUG = OpenApiParameter(
    "slug", OpenApiTypes.STR, OpenApiParameter.PATH,
    description="Slug of the initiative.", examples=[],
)  # fmt: skip
LIST_RESPONSES = {
    (200, "application/json"): InitiativeListSerializer(many=True),
    (200, "application/geo+json"): OpenApiResponse(
        InitiativeFeatureCollectionSerializer, description="FeatureCollection RFC 7946."
    ),
    (200, "text/csv"): OpenApiResponse(
        OpenApiTypes.STR, description="CSV, UTF-8 with BOM, `;` separator, header line."
    ),
}

WRITE_RULES = (
    "The admin site's rules apply (one write authority). The initiative must stay in your "
    "territory (a commune of your interco, or a covered interco); `commune`, `coverage` "
    "and `carried_by` are chosen in your territory or among those already linked to the "
    "record (`carried_by`: also any published initiative): else 403, and `errors` names "
    "the field. Another territory's record answers 404, exactly like a missing one. "
    "Postcode and point consistent with the commune, website in http(s): else 400. "
    "`status`: editors set `draft` or `pending`, the territory's moderators publish and "
    "archive; a new record is never archived; a rejection (`pending` → `archived`) needs "
    "`rejection_reason`. Concurrency: send `If-Match` with the ETag you read (GET of the "
    "record, or the answer to your last write); if the record changed meanwhile, the "
    "answer is 412 and nothing is written."
)


def _write_schema(summary: str, **kwargs):
    return extend_schema(
        tags=["initiatives (écriture)"],
        summary=summary,
        description=WRITE_RULES,
        request=InitiativeWriteSerializer,
        **kwargs,
    )


@extend_schema_view(
    list=extend_schema(
        tags=["initiatives"],
        summary="Published initiatives (filters, pagination, JSON/GeoJSON/CSV)",
        parameters=FILTER_PARAMETERS,
        responses=LIST_RESPONSES,
        examples=[LIST_EXAMPLE],
    ),
    retrieve=extend_schema(
        tags=["initiatives"],
        summary="One published initiative, with partners and key figures",
        parameters=[SLUG],
        responses=InitiativeDetailSerializer,
        examples=[DETAIL_EXAMPLE],
    ),
    create=_write_schema(
        "Create an initiative in your territory (interco staff token)",
        responses={201: InitiativeDetailSerializer},
        examples=[WRITE_EXAMPLE],
    ),
    update=_write_schema(
        "Replace an initiative of your territory",
        parameters=[SLUG],
        responses=InitiativeDetailSerializer,
    ),
    partial_update=_write_schema(
        "Update part of an initiative of your territory",
        parameters=[SLUG],
        responses=InitiativeDetailSerializer,
    ),
)
class InitiativeViewSet(
    ApiViewMixin,
    SwitchablePaginationMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Only published initiatives are readable; staff write their territory's with a token."""

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    queryset = Initiative.objects.none()
    filter_backends = [DjangoFilterBackend]
    filterset_class = InitiativeFilterSet
    schema_filters_documented = True  # openapi.FILTER_PARAMETERS
    permission_classes = [CanWritePermission]

    def get_renderers(self):
        if getattr(self, "action", None) == "list":
            return [JSONRenderer(), GeoJSONRenderer(), CSVRenderer()]
        return [JSONRenderer()]

    def get_throttles(self):
        throttles = super().get_throttles()
        renderer = getattr(self.request, "accepted_renderer", None)
        if renderer is not None and renderer.format in ("csv", "geojson"):
            throttles.append(ExportRateThrottle())
        return throttles

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return InitiativeWriteSerializer
        if self.action == "retrieve":
            return InitiativeDetailSerializer
        return InitiativeListSerializer

    def get_queryset(self):
        if self.request is not None and self.request.method not in ("GET", "HEAD", "OPTIONS"):
            return initiatives_for_user(self.request.user)
        return initiative_public_list()

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    # --- reads ----------------------------------------------------------------------------
    def list(self, request, *args, **kwargs):
        self.last_modified = initiatives_last_modified()
        fmt = request.accepted_renderer.format
        if fmt == "csv":
            return exports.initiatives_csv(request, self.filter_queryset(self.get_queryset()))
        if fmt == "geojson":
            return exports.initiatives_geojson(request, self.filter_queryset(self.get_queryset()))
        # One page of JSON, kept in the shared cache (every write invalidates it): the same
        # question from any client is answered with no query but the freshness probe. Only
        # answers are kept: invalid parameters raise (400) before anything is stored. The
        # key, and the page's links, hold the known parameters only: "?junk=1" is the same
        # entry.
        known = known_parameters(request.query_params, PAGE_PARAMETERS)
        request._request.GET = known
        request._request.META["QUERY_STRING"] = known.urlencode()
        key = {"path": request.path, "query": sorted(known.lists()),
               "base": request.build_absolute_uri("/"), "lang": get_language()}  # fmt: skip
        return Response(cached("initiative-page", key, self._bounded_page_data))

    def _bounded_page_data(self) -> dict:
        if self.request.user and self.request.user.is_authenticated:
            return self._page_data()
        with anonymous_statement_timeout():  # a safety net on every statement of the page
            return self._page_data()

    def _page_data(self) -> dict:
        """The page's envelope: keys ordered first, then the page's rows (no model instance);
        the representation writes what InitiativeListSerializer documents."""
        filterset = self.filter_backends[0]().get_filterset(self.request, self.get_queryset(), self)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        if filterset.ordered_by_distance() and isinstance(self.paginator, EnvelopePagination):
            keys = filterset.near_results()  # read from indexes, in the same order
        else:
            keys = initiative_keys(filterset.qs)
        rows = rows_for_keys(self.paginate_queryset(keys))
        links = PageLinks(self.request)
        return self.get_paginated_response([api_item(row, links) for row in rows]).data

    def retrieve(self, request, *args, **kwargs):
        """Served from the shared cache (invalidated by every write) once serialised."""
        slug = kwargs["slug"]

        def serialised():
            # Rows, not instances (initiatives/detail.py); None for a missing slug is not
            # cached: a 404 costs one indexed query.
            return initiative_detail_data(slug=slug, links=PageLinks(request))

        # Absolute URLs depend on the host and scheme, and answers may on the language.
        key = {"slug": slug, "base": request.build_absolute_uri("/"), "lang": get_language()}
        answer = cached("initiative-detail", key, serialised)
        if answer is None:
            raise exceptions.NotFound(_("Aucune initiative publiée avec ce slug."))
        self.last_modified = answer["updated_at"]
        return Response(answer["data"])

    # --- writes: decided by the write authority (initiatives.rules) -----------------------
    def _written(self, initiative, status):
        """The record as a detail GET answers it (same bytes, so the same ETag); a draft,
        which no GET serves, in the same representation (its author is staff of its
        territory: initiatives.visibility)."""
        links = PageLinks(self.request)
        answer = initiative_detail_data(slug=initiative.slug, links=links, include_drafts=True)
        return Response(answer["data"], status=status)

    def _etag(self, initiative) -> str:
        """The ETag of the record's representation (a detail GET's, or a write's answer)."""
        data = self._written(initiative, 200).data
        return etag_for(JSONRenderer().render(data, JSONRenderer.media_type))

    def _check_if_match(self, request, initiative) -> None:
        """`If-Match`: write only if the record is still the version the client has (412)."""
        header = request.headers.get("If-Match")
        if not header:
            return
        tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
        if "*" not in tags and self._etag(initiative) not in tags:
            raise PreconditionFailed

    def create(self, request, *args, **kwargs):
        return self._write(request, None, partial=False, status=201)

    def update(self, request, *args, **kwargs):
        initiative = self.get_object()  # 404 when missing, and outside the user's territory
        return self._write(request, initiative, partial=kwargs.pop("partial", False), status=200)

    def _write(self, request, initiative, *, partial, status):
        serializer = self.get_serializer(initiative, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                if initiative is not None:
                    initiative = rules.current_record(initiative.pk, lock=True)
                    if initiative is None:
                        raise Initiative.DoesNotExist
                    self._check_if_match(request, initiative)
                initiative = services.staff_write(
                    by=request.user, initiative=initiative, values=serializer.validated_data
                )
        except rules.WriteForbidden as exc:
            raise exceptions.PermissionDenied(exc.message_dict) from None
        except Initiative.DoesNotExist:
            raise exceptions.NotFound from None
        return self._written(initiative, status)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("POST", "PUT", "PATCH") and response.status_code in (200, 201):
            response["ETag"] = etag_for(response.content)  # for the next write's If-Match
        return response


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = gettext_lazy(
        "La fiche a changé depuis votre lecture (If-Match) : relisez-la, puis renvoyez."
    )
    default_code = "precondition_failed"


class _ReadOnlyListViewSet(
    ApiViewMixin, SwitchablePaginationMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    filter_backends = [DjangoFilterBackend]


@extend_schema_view(
    list=extend_schema(
        tags=["référentiels"], summary="Themes (with the number of published initiatives)"
    )
)
class ThemeViewSet(_ReadOnlyListViewSet):
    serializer_class = ThemeSerializer
    filter_backends: list = []

    def get_queryset(self):
        return theme_public_list()


@extend_schema_view(
    list=extend_schema(
        tags=["partenariats"], summary="Partnerships between published initiatives and intercos"
    )
)
class PartnershipViewSet(_ReadOnlyListViewSet):
    serializer_class = PartnershipSerializer
    filterset_class = PartnershipFilterSet

    def get_queryset(self):
        return partnership_public_list()


@extend_schema_view(list=extend_schema(tags=["chiffres clés"], summary="Sourced key figures"))
class KeyFigureViewSet(_ReadOnlyListViewSet):
    serializer_class = KeyFigureSerializer
    filterset_class = KeyFigureFilterSet

    def get_queryset(self):
        return key_figure_public_list()


@extend_schema_view(
    list=extend_schema(tags=["sources"], summary="Sources of the information and figures"),
    retrieve=extend_schema(
        tags=["sources"],
        summary="One source",
        parameters=[
            OpenApiParameter(
                "id",
                OpenApiTypes.INT,
                OpenApiParameter.PATH,
                description="Identifier of the source.",
            )
        ],
    ),
)
class SourceViewSet(_ReadOnlyListViewSet, mixins.RetrieveModelMixin):
    serializer_class = SourceSerializer
    filter_backends: list = []
    queryset = Source.objects.order_by("id")
    lookup_value_regex = r"[0-9]+"

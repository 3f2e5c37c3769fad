"""Partner API for intercommunalités: JSON (with initiative counts and figures) or contours.

On the directory side because each interco carries its initiative count and key figures;
the territorial reference itself (`intercos`) knows nothing of initiatives.
"""

from django.db.models import Max
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from essmap.api.pagination import SwitchablePaginationMixin
from essmap.api.renderers import GeoJSONRenderer, geojson_response, geometry_feature
from essmap.api.views import ApiViewMixin
from intercos.api.filters import IntercoFilterSet
from intercos.models import Interco

from ..interco_selectors import interco_public_list
from ..representation import PageLinks
from .interco_serializers import (
    IntercoDetailSerializer,
    IntercoFeatureCollectionSerializer,
    IntercoListSerializer,
)
from .selectors import interco_api_detail


def _interco_last_modified():
    return Interco.objects.aggregate(last=Max("updated_at"))["last"]


@extend_schema_view(
    list=extend_schema(
        tags=["territoires"],
        summary="Intercommunalités (JSON, or outlines as GeoJSON)",
        parameters=[
            OpenApiParameter(
                "departement",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                description="Code of a département the interco covers (`26`, `07`).",
                examples=[OpenApiExample("Ardèche", value="07")],
            ),
            OpenApiParameter(
                "format",
                {"type": "string", "enum": ["json", "geojson"]},
                OpenApiParameter.QUERY,
                description="`json` (default, paginated) or `geojson`: FeatureCollection of the "
                "outlines of every filtered interco (no pagination).",
            ),
        ],  # fmt: skip
        responses={
            (200, "application/json"): IntercoListSerializer(many=True),
            (200, "application/geo+json"): OpenApiResponse(
                IntercoFeatureCollectionSerializer,
                description="RFC 7946 FeatureCollection of the outlines (intercos without an "
                "outline left out).",
            ),
        },
    ),
    retrieve=extend_schema(
        tags=["territoires"],
        summary="One intercommunalité, with its communes and key figures",
        parameters=[
            OpenApiParameter(
                "siren",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="SIREN of the intercommunalité (9 digits).",
                examples=[OpenApiExample("CC Rhône Crussol", value="200041366")],
            )
        ],  # fmt: skip
    ),
)
class IntercoViewSet(
    ApiViewMixin,
    SwitchablePaginationMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    lookup_field = "siren"
    lookup_value_regex = r"[0-9]{9}"  # anything else is the JSON 404 of api_urls
    filter_backends = [DjangoFilterBackend]
    filterset_class = IntercoFilterSet

    def get_renderers(self):
        if getattr(self, "action", None) == "list":
            return [JSONRenderer(), GeoJSONRenderer()]
        return [JSONRenderer()]

    def get_queryset(self):
        return interco_public_list().order_by("name", "siren")

    def get_serializer_class(self):
        return IntercoDetailSerializer if self.action == "retrieve" else IntercoListSerializer

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        self.last_modified = _interco_last_modified()
        if request.accepted_renderer.format == "geojson":
            return self._contours(request, queryset)
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        try:
            interco = interco_api_detail(siren=kwargs["siren"])
        except Interco.DoesNotExist:
            raise exceptions.NotFound(_("Aucune intercommunalité avec ce SIREN.")) from None
        self.last_modified = interco.updated_at
        return Response(self.get_serializer(interco).data)

    def _contours(self, request, queryset):
        links = PageLinks(request)

        def features():
            for ic in queryset.filter(contour__isnull=False).iterator(chunk_size=100):
                if not ic.contour:
                    continue
                yield geometry_feature(
                    ic.contour,
                    {
                        "siren": ic.siren,
                        "name": ic.name,
                        "slug": ic.slug,
                        "kind": ic.kind,
                        "population": ic.population,
                        "departements": [d.code for d in ic.departements.all()],
                        "initiative_count": ic.n_initiatives,
                        "url": links.of(ic),
                    },
                    feature_id=ic.siren,
                )

        return geojson_response(features(), filename="intercos.geojson")

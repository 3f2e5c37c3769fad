"""Partner API for communes (autocomplete). Intercos, with their initiative counts and figures,
are served from the directory side: initiatives/api/interco_views.py."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, viewsets

from essmap.api.pagination import SwitchablePaginationMixin
from essmap.api.views import ApiViewMixin

from ..models import Commune
from .filters import CommuneFilterSet
from .serializers import (
    CommuneSerializer,
)


@extend_schema_view(
    list=extend_schema(
        tags=["territoires"],
        summary="Communes: search by name or postcode (autocomplete)",
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "maxLength": 100},
                OpenApiParameter.QUERY,
                description="Part of the name, accents ignored (names starting with the term "
                "first, then the most populated), or the start of a postcode.",
                examples=[
                    OpenApiExample("Nom", value="guilherand"),
                    OpenApiExample("Code postal", value="075"),
                ],
            ),
            OpenApiParameter(
                "departement",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                description="Code of the département.",
            ),
            OpenApiParameter(
                "interco",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                description="SIREN of the intercommunalité.",
                examples=[OpenApiExample("CC Rhône Crussol", value="200041366")],
            ),
        ],  # fmt: skip
    )
)
class CommuneViewSet(
    ApiViewMixin, SwitchablePaginationMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    serializer_class = CommuneSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CommuneFilterSet

    def get_queryset(self):
        return Commune.objects.select_related("interco").order_by("name", "insee")

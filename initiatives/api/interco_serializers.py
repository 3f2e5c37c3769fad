"""Read serializers for intercommunalités (field names are the contract).

On the directory side: an interco carries its initiative count and key figures.
"""

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from essmap.api.docs import described, doc
from intercos.api.brief_serializers import IntercoBriefSerializer
from intercos.api.serializers import GEOMETRY_SCHEMA, MemberCommuneSerializer
from intercos.models import Interco

from .serializers import KeyFigureSerializer, page_links


@extend_schema_serializer(component_name="Interco")
class IntercoListSerializer(IntercoBriefSerializer):
    departements = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, **doc("departements")
    )
    seat = serializers.CharField(source="seat_id", read_only=True, allow_null=True, **doc("seat"))
    website = serializers.CharField(
        read_only=True, help_text="Website of the intercommunalité (URL, or empty)."
    )
    initiative_count = serializers.IntegerField(
        source="n_initiatives", read_only=True,
        help_text="Number of published initiatives located in the interco or serving it.",
    )  # fmt: skip
    url = serializers.SerializerMethodField(help_text="Address of the interco's page on the site.")

    class Meta(IntercoBriefSerializer.Meta):
        fields = [
            *IntercoBriefSerializer.Meta.fields, "population", "departements", "seat",
            "website", "centre_lat", "centre_lon", "initiative_count", "updated_at", "url",
        ]  # fmt: skip
        extra_kwargs = {
            **IntercoBriefSerializer.Meta.extra_kwargs,
            **described("population", "centre_lat", "centre_lon", "updated_at"),
        }

    def get_url(self, obj) -> str:
        return page_links(self).of(obj)


@extend_schema_serializer(component_name="IntercoDetail")
class IntercoDetailSerializer(IntercoListSerializer):
    communes = MemberCommuneSerializer(many=True, read_only=True, **doc("communes"))
    figures = KeyFigureSerializer(many=True, read_only=True, **doc("interco_figures"))
    contour = serializers.SerializerMethodField(**doc("contour"))

    class Meta(IntercoListSerializer.Meta):
        model = Interco
        fields = [*IntercoListSerializer.Meta.fields, "communes", "figures", "contour"]

    @extend_schema_field(GEOMETRY_SCHEMA)
    def get_contour(self, obj):
        return obj.contour or None


# --- GeoJSON documentation (the contours themselves are written by views.py) --------------
class IntercoFeaturePropertiesSerializer(serializers.Serializer):
    siren = serializers.CharField(**doc("siren"))
    name = serializers.CharField(**doc("interco_name"))
    slug = serializers.CharField(**doc("interco_slug"))
    kind = serializers.CharField(**doc("interco_kind"))
    population = serializers.IntegerField(allow_null=True, **doc("population"))
    departements = serializers.ListField(child=serializers.CharField(), **doc("departements"))
    initiative_count = serializers.IntegerField(
        help_text="Number of published initiatives located in the interco or serving it."
    )
    url = serializers.URLField(help_text="Address of the interco's page on the site.")


class IntercoFeatureSerializer(serializers.Serializer):
    type = serializers.ChoiceField(["Feature"], help_text="Toujours `Feature`.")
    id = serializers.CharField(help_text="SIREN of the intercommunalité.")
    geometry = serializers.SerializerMethodField(**doc("contour"))
    properties = IntercoFeaturePropertiesSerializer(help_text="The interco's attributes.")

    @extend_schema_field({**GEOMETRY_SCHEMA, "nullable": False})
    def get_geometry(self, obj):  # pragma: no cover - documentation only
        return obj


@extend_schema_serializer(many=False)
class IntercoFeatureCollectionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(["FeatureCollection"], help_text="Toujours `FeatureCollection`.")
    features = IntercoFeatureSerializer(
        many=True, help_text="One feature per interco with an outline."
    )

"""Read serializers for communes (field names are the contract); GeoJSON geometry schema.

The interco serializers (initiative counts, figures) are in initiatives/api/interco_serializers.py.
"""

from essmap.api.docs import described, doc
from intercos.api.brief_serializers import CommuneBriefSerializer, IntercoBriefSerializer

GEOMETRY_SCHEMA = {
    "type": "object",
    "nullable": True,
    "description": "Géométrie GeoJSON (Polygon ou MultiPolygon), coordonnées [lon, lat].",
    "properties": {
        "type": {"type": "string", "enum": ["Polygon", "MultiPolygon"]},
        "coordinates": {"type": "array", "items": {}},
    },
}


class CommuneSerializer(CommuneBriefSerializer):
    interco = IntercoBriefSerializer(read_only=True, allow_null=True, **doc("interco"))

    class Meta(CommuneBriefSerializer.Meta):
        fields = [
            *CommuneBriefSerializer.Meta.fields, "population", "centre_lat", "centre_lon",
            "interco",
        ]  # fmt: skip
        extra_kwargs = {
            **CommuneBriefSerializer.Meta.extra_kwargs,
            **described("population", "centre_lat", "centre_lon"),
        }


class MemberCommuneSerializer(CommuneBriefSerializer):
    class Meta(CommuneBriefSerializer.Meta):
        fields = [*CommuneBriefSerializer.Meta.fields, "population", "centre_lat", "centre_lon"]
        extra_kwargs = {
            **CommuneBriefSerializer.Meta.extra_kwargs,
            **described("population", "centre_lat", "centre_lon"),
        }

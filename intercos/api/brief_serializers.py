"""Brief serializers of the territories, nested by every API representation of both apps
(moved from essmap.api: the shared core imports no feature app)."""

from rest_framework import serializers

from essmap.api.docs import described, doc
from intercos.models import Commune, Interco


class CommuneBriefSerializer(serializers.ModelSerializer):
    postcodes = serializers.ListField(
        source="postcode_list", child=serializers.CharField(), read_only=True, **doc("postcodes")
    )
    departement = serializers.CharField(
        source="departement_id", read_only=True, **doc("departement")
    )

    class Meta:
        model = Commune
        fields = ["insee", "name", "postcodes", "departement"]
        extra_kwargs = described("insee", name="commune_name")


class IntercoBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Interco
        fields = ["siren", "name", "slug", "kind"]
        extra_kwargs = described(
            "siren", name="interco_name", slug="interco_slug", kind="interco_kind"
        )

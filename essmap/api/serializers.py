"""Brief serializers of the territories, nested by every API representation of both apps."""

from rest_framework import serializers

from intercos.models import Commune, Interco

from .docs import described, doc


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

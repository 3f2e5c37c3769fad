"""OpenAPI descriptions of the initiatives endpoints: parameters and the write example (the
read examples are written by the representation: examples.py)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema_serializer
from rest_framework import serializers

from essmap.api.docs import doc
from essmap.filters import MAX_TEXT

from ..filters import MAX_RADIUS_KM
from ..models import Initiative

Q = OpenApiParameter.QUERY

FILTER_PARAMETERS = [
    OpenApiParameter(
        "q", {"type": "string", "maxLength": MAX_TEXT}, Q,
        description="Words searched in the name, summary and description, ignoring accents "
        "and case. Every word must be found; when none is, misspelled words are corrected "
        "(up to 1,000 matches ranked). Text without any letter or digit (punctuation, "
        "symbols) searches nothing: the whole list.",
        examples=[OpenApiExample("Énergie", value="énergie solidaire")],
    ),
    OpenApiParameter(
        "theme", {"type": "array", "items": {"type": "string"}}, Q, explode=True,
        description="Slug of a theme (see `/api/v1/themes/`). Repeat the parameter for "
        "several themes: an initiative with any of them matches. An unknown theme is a 400 "
        "error.",
        examples=[OpenApiExample("Énergie", value=["energie"])],
    ),
    OpenApiParameter(
        "legal_form",
        {"type": "array", "items": {"type": "string", "enum": Initiative.LegalForm.values}},
        Q, explode=True,
        description="Legal form; repeat the parameter to accept several.",
    ),
    OpenApiParameter(
        "interco", OpenApiTypes.STR, Q,
        description="SIREN of an intercommunalité: initiatives located in one of its "
        "communes or serving it.",
        examples=[OpenApiExample("CC Rhône Crussol", value="200041366")],
    ),
    OpenApiParameter(
        "commune", OpenApiTypes.STR, Q,
        description="INSEE code of the commune where the initiative is located.",
        examples=[OpenApiExample("Guilherand-Granges", value="07102")],
    ),
    OpenApiParameter(
        "postcode", {"type": "string", "maxLength": 5}, Q,
        description="Postcode of the initiative's commune.",
        examples=[OpenApiExample("Guilherand-Granges", value="07500")],
    ),
    OpenApiParameter(
        "departement", OpenApiTypes.STR, Q,
        description="Code of the département of the initiative's commune (`26`, `07`).",
        examples=[OpenApiExample("Ardèche", value="07")],
    ),
    OpenApiParameter(
        "origin", {"type": "string", "enum": Initiative.Origin.values}, Q,
        description="Who recorded it: `interco` (the intercommunalité's staff) or `register` "
        "(imported from a national register).",
    ),
    OpenApiParameter(
        "siret", {"type": "string", "pattern": "^[0-9]{14}$"}, Q,
        description="SIRET of the organisation (14 digits, valid check digit; else a 400 "
        "error).",
        examples=[OpenApiExample("ESAT Les Amandiers", value="39066239300086")],
    ),
    OpenApiParameter(
        "near", {"type": "string", "maxLength": 100}, Q,
        description="Commune name (articles, hyphens, « St », accents and one typo are "
        "tolerated) or a 5-digit postcode: same as `lat`/`lon` at the centre of that commune "
        "(ignored when `lat`/`lon` are given). Unknown, or a lone département number: 400 "
        "error. Finds the initiatives whose point is within the radius and those serving the "
        "place's intercommunalité or an intercommunalité with a commune centre within the "
        "radius (`match`, `reason`).",
        examples=[OpenApiExample("Crest", value="Crest")],
    ),
    OpenApiParameter(
        "lat", {"type": "number", "minimum": -90, "maximum": 90}, Q,
        description="WGS 84 latitude of the search point; goes with `lon`. Turns on the "
        "distance filter (`radius`) and fills `distance_km`.",
        examples=[OpenApiExample("Valence", value=44.9334)],
    ),
    OpenApiParameter(
        "lon", {"type": "number", "minimum": -180, "maximum": 180}, Q,
        description="WGS 84 longitude of the search point; goes with `lat`.",
        examples=[OpenApiExample("Valence", value=4.8924)],
    ),
    OpenApiParameter(
        "radius", {"type": "number", "minimum": 0, "maximum": MAX_RADIUS_KM}, Q,
        description=f"Search radius around `lat`/`lon` in kilometres (20 by default, "
        f"{MAX_RADIUS_KM} at most).",
        examples=[OpenApiExample("10 km", value=10)],
    ),
    OpenApiParameter(
        "match", {"type": "string", "enum": ["point", "territory"]}, Q,
        description="With a place: `point` (only initiatives whose point is within the "
        "radius) or `territory` (only those that cover the place's territory).",
    ),
    OpenApiParameter(
        "bbox", OpenApiTypes.STR, Q,
        description="Box `west,south,east,north` in WGS 84 degrees (RFC 7946 order). An "
        "inverted or out-of-range box is a 400 error.",
        examples=[OpenApiExample("Valence et Guilherand-Granges", value="4.80,44.88,4.95,44.98")],
    ),
    OpenApiParameter(
        "updated_since", OpenApiTypes.DATETIME, Q,
        description="Only records changed since this date (ISO 8601), for incremental "
        "synchronisation.",
        examples=[OpenApiExample("Depuis 2026", value="2026-01-01T00:00:00Z")],
    ),
    OpenApiParameter(
        "ordering",
        {"type": "string", "enum": ["relevance", "distance", "name", "-updated"]}, Q,
        description="Order: `name` (French alphabetical order), `distance` (with a place: "
        "points within the radius nearest first, then initiatives serving the place's "
        "intercommunalité, then those serving an intercommunalité within the radius; without "
        "a place: relevance), `-updated` (most recent first), `relevance` (of the words of "
        "`q`). Default: relevance with `q`, distance with a place, else name. Not allowed with "
        "the cursor.",
    ),
    OpenApiParameter(
        "format", {"type": "string", "enum": ["json", "geojson", "csv"]}, Q,
        description="`json` (default, paginated), `geojson` (RFC 7946 FeatureCollection of the "
        "whole filtered set, located initiatives only, [lon, lat] coordinates) or `csv` (the "
        "whole filtered set, UTF-8 with BOM, `;` separator). Exports ignore pagination.",
    ),
]  # fmt: skip

WRITE_EXAMPLE = OpenApiExample(
    "Nouvelle initiative de Rhône Crussol",
    value={
        "name": "Repair café de Guilherand-Granges",
        "summary": "Réparer ensemble plutôt que jeter.",
        "kind": "project",
        "legal_form": "association",
        "themes": ["reemploi"],
        "commune": "07102",
        "coverage": ["200041366"],
        "latitude": 44.9339,
        "longitude": 4.8747,
        "status": "draft",
    },
    request_only=True,
)


# --- GeoJSON documentation (the export itself is written by exports.py) ------------------------
class PointGeometrySerializer(serializers.Serializer):
    type = serializers.ChoiceField(["Point"], help_text="Toujours `Point`.")
    coordinates = serializers.ListField(
        child=serializers.FloatField(), min_length=2, max_length=2,
        help_text="[longitude, latitude] in WGS 84 degrees (RFC 7946 §3.1.1).",
    )  # fmt: skip


class InitiativeFeaturePropertiesSerializer(serializers.Serializer):
    slug = serializers.CharField(**doc("slug"))
    name = serializers.CharField(**doc("name"))
    summary = serializers.CharField(**doc("summary"))
    kind = serializers.CharField(**doc("kind"))
    legal_form = serializers.CharField(**doc("legal_form"))
    themes = serializers.ListField(child=serializers.CharField(), help_text="Slugs of the themes.")
    commune_insee = serializers.CharField(allow_null=True, **doc("insee"))
    commune = serializers.CharField(allow_null=True, **doc("commune_name"))
    interco_siren = serializers.CharField(allow_null=True, **doc("siren"))
    interco = serializers.CharField(allow_null=True, **doc("interco_name"))
    address = serializers.CharField(**doc("address"))
    postcode = serializers.CharField(**doc("postcode"))
    distance_km = serializers.FloatField(allow_null=True, **doc("distance_km"))
    website = serializers.CharField(**doc("website"))
    email = serializers.CharField(**doc("email"))
    phone = serializers.CharField(**doc("phone"))
    updated_at = serializers.DateTimeField(**doc("updated_at"))
    url = serializers.URLField(**doc("url"))


class InitiativeFeatureSerializer(serializers.Serializer):
    type = serializers.ChoiceField(["Feature"], help_text="Toujours `Feature`.")
    id = serializers.CharField(help_text="Slug of the initiative.")
    geometry = PointGeometrySerializer(help_text="The initiative's point.")
    properties = InitiativeFeaturePropertiesSerializer(help_text="The initiative's attributes.")


@extend_schema_serializer(many=False)
class InitiativeFeatureCollectionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(["FeatureCollection"], help_text="Always `FeatureCollection`.")
    features = InitiativeFeatureSerializer(
        many=True, help_text="One feature per located initiative."
    )

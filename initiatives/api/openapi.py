"""OpenAPI descriptions of the initiatives endpoints: parameters and examples from the fixtures."""

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
        description="Mots recherchés dans le nom, le résumé et la description, sans tenir "
        "compte des accents ni des majuscules. Chaque mot doit être trouvé.",
        examples=[OpenApiExample("Énergie", value="énergie solidaire")],
    ),
    OpenApiParameter(
        "theme", {"type": "array", "items": {"type": "string"}}, Q, explode=True,
        description="Slug d'un thème (voir `/api/v1/themes/`). Répétez le paramètre pour "
        "plusieurs thèmes : une initiative qui porte l'un d'eux est retenue. Un thème "
        "inconnu est une erreur 400.",
        examples=[OpenApiExample("Énergie", value=["energie"])],
    ),
    OpenApiParameter(
        "legal_form",
        {"type": "array", "items": {"type": "string", "enum": Initiative.LegalForm.values}},
        Q, explode=True,
        description="Forme juridique ; répétez le paramètre pour en accepter plusieurs.",
    ),
    OpenApiParameter(
        "interco", OpenApiTypes.STR, Q,
        description="SIREN d'une intercommunalité : initiatives situées dans une de ses "
        "communes ou qui la couvrent.",
        examples=[OpenApiExample("CC Rhône Crussol", value="200041366")],
    ),
    OpenApiParameter(
        "commune", OpenApiTypes.STR, Q,
        description="Code INSEE de la commune où l'initiative est située.",
        examples=[OpenApiExample("Guilherand-Granges", value="07102")],
    ),
    OpenApiParameter(
        "postcode", {"type": "string", "maxLength": 5}, Q,
        description="Code postal de la commune de l'initiative.",
        examples=[OpenApiExample("Guilherand-Granges", value="07500")],
    ),
    OpenApiParameter(
        "departement", OpenApiTypes.STR, Q,
        description="Code du département de la commune de l'initiative (`26`, `07`).",
        examples=[OpenApiExample("Ardèche", value="07")],
    ),
    OpenApiParameter(
        "near", {"type": "string", "maxLength": 100}, Q,
        description="Nom de commune (articles, traits d'union, « St », accents et une faute "
        "de frappe tolérés) ou code postal à 5 chiffres : équivaut à `lat`/`lon` au centre de "
        "cette commune (ignoré si `lat`/`lon` sont donnés). Inconnu, ou un numéro de "
        "département seul : erreur 400. Trouve les initiatives dont le point est dans le rayon "
        "et celles qui couvrent l'intercommunalité du lieu ou une intercommunalité dont une "
        "commune a son centre dans le rayon (`match`, `reason`).",
        examples=[OpenApiExample("Crest", value="Crest")],
    ),
    OpenApiParameter(
        "lat", {"type": "number", "minimum": -90, "maximum": 90}, Q,
        description="Latitude WGS 84 du point de recherche ; va avec `lon`. Active le "
        "filtre de distance (`radius`) et renseigne `distance_km`.",
        examples=[OpenApiExample("Valence", value=44.9334)],
    ),
    OpenApiParameter(
        "lon", {"type": "number", "minimum": -180, "maximum": 180}, Q,
        description="Longitude WGS 84 du point de recherche ; va avec `lat`.",
        examples=[OpenApiExample("Valence", value=4.8924)],
    ),
    OpenApiParameter(
        "radius", {"type": "number", "minimum": 0, "maximum": MAX_RADIUS_KM}, Q,
        description=f"Rayon de recherche autour de `lat`/`lon` en kilomètres (20 par "
        f"défaut, {MAX_RADIUS_KM} au plus).",
        examples=[OpenApiExample("10 km", value=10)],
    ),
    OpenApiParameter(
        "match", {"type": "string", "enum": ["point", "territory"]}, Q,
        description="Avec un lieu : `point` (seulement les initiatives dont le point est dans "
        "le rayon) ou `territory` (seulement celles qui couvrent le territoire).",
    ),
    OpenApiParameter(
        "bbox", OpenApiTypes.STR, Q,
        description="Emprise `ouest,sud,est,nord` en degrés WGS 84 (ordre de la RFC 7946). "
        "Une boîte inversée ou hors limites est une erreur 400.",
        examples=[OpenApiExample("Valence et Guilherand-Granges", value="4.80,44.88,4.95,44.98")],
    ),
    OpenApiParameter(
        "updated_since", OpenApiTypes.DATETIME, Q,
        description="Seulement les fiches modifiées depuis cette date (ISO 8601), pour une "
        "synchronisation incrémentale.",
        examples=[OpenApiExample("Depuis 2026", value="2026-01-01T00:00:00Z")],
    ),
    OpenApiParameter(
        "ordering",
        {"type": "string", "enum": ["relevance", "distance", "name", "-updated"]}, Q,
        description="Tri : `name` (nom), `distance` (avec un lieu : points dans le rayon du "
        "plus proche au plus loin, puis les initiatives qui couvrent l'intercommunalité du "
        "lieu, puis celles qui couvrent une intercommunalité dans le rayon ; sans lieu : "
        "pertinence), `-updated` (plus récentes d'abord), `relevance` (pertinence des mots de "
        "`q`). Par défaut : pertinence avec `q`, distance avec un lieu, sinon nom. Interdit en "
        "mode curseur.",
    ),
    OpenApiParameter(
        "format", {"type": "string", "enum": ["json", "geojson", "csv"]}, Q,
        description="`json` (défaut, paginé), `geojson` (FeatureCollection RFC 7946 de tout "
        "le jeu filtré, initiatives placées seulement, coordonnées [lon, lat]) ou `csv` "
        "(tout le jeu filtré, UTF-8 avec BOM, séparateur `;`). Les exports ignorent la "
        "pagination.",
    ),
]  # fmt: skip

ENERGIE_SOLIDAIRE = {
    "slug": "energie-solidaire",
    "name": "Energie Solidaire",
    "summary": "Dispositif de lutte contre la précarité énergétique de Rhône Crussol : "
    "7 conseillers issus de l’insertion, plus de 1 200 foyers accompagnés.",
    "kind": "service",
    "legal_form": "public_interco",
    "themes": [
        {"slug": "energie", "name": "Énergie", "name_en": "Energy", "icon": "bolt",
         "colour": "#b34000"},
        {"slug": "insertion", "name": "Insertion par l’activité économique",
         "name_en": "Work integration (IAE)", "icon": "handshake", "colour": "#a94645"},
    ],
    "commune": {"insee": "07102", "name": "Guilherand-Granges", "postcodes": ["07500"],
                "departement": "07"},
    "interco": {"siren": "200041366", "name": "CC Rhône Crussol", "slug": "cc-rhone-crussol",
                "kind": "CC"},
    "address": "",
    "postcode": "",
    "latitude": 44.9339,
    "longitude": 4.8747,
    "approximate_point": False,
    "distance_km": None,
    "match": None,
    "reason": None,
    "website": "",
    "email": "",
    "phone": "",
    "opening_hours": "",
    "siret": "",
    "rna": "",
    "founded_year": None,
    "employees": None,
    "verified_at": None,
    "updated_at": "2026-11-29T00:00:00Z",
    "url": "http://127.0.0.1:8000/initiatives/energie-solidaire/",
    "api_url": "http://127.0.0.1:8000/api/v1/initiatives/energie-solidaire/",
}  # fmt: skip

ENERGIE_SOLIDAIRE_DETAIL = {
    **ENERGIE_SOLIDAIRE,
    "description": "Après la crise de l’énergie en 2022, la Communauté de Communes Rhône "
    "Crussol a fédéré associations, bailleurs sociaux et citoyens pour lancer le dispositif "
    "« Energie Solidaire ».",
    "coverage": [ENERGIE_SOLIDAIRE["interco"]],
    "carried_by": None,
    "carried_by_interco": ENERGIE_SOLIDAIRE["interco"],
    "verified_by": "",
    "source": {
        "id": 1,
        "title": "La force des alliances locales : Comment la coopération en Drôme-Ardèche "
        "donne corps à l’économie sociale et solidaire",
        "publisher": "", "date": "2025-10-17", "year": None, "url": "", "cited_in": None,
        "note": "",
    },
    "article_note": "Le point est placé au centre de Guilherand-Granges, commune siège.",
    "partnerships": [
        {
            "id": 5, "kind": "funding",
            "initiative": {"slug": "energie-solidaire", "name": "Energie Solidaire",
                           "url": "http://127.0.0.1:8000/initiatives/energie-solidaire/"},
            "partner_type": "initiative", "partner_interco": None,
            "partner_initiative": {"slug": "credit-cooperatif", "name": "Crédit coopératif",
                                   "url": "http://127.0.0.1:8000/initiatives/credit-cooperatif/"},
            "start_year": None, "end_year": None,
            "description": "Micro-financements solidaires aux familles accompagnées.",
            "source": None,
        }
    ],
    "partner_of": [],
    "figures": [
        {
            "id": 16, "label": "Foyers accompagnés", "value": 1200.0, "qualifier": "more_than",
            "unit": "foyers", "year": None, "period": "sur deux ans", "scope": "initiative",
            "initiative": {"slug": "energie-solidaire", "name": "Energie Solidaire",
                           "url": "http://127.0.0.1:8000/initiatives/energie-solidaire/"},
            "interco": None, "departement": None,
            "source": {"id": 1, "title": "La force des alliances locales", "publisher": "",
                       "date": "2025-10-17", "year": None, "url": "", "cited_in": None,
                       "note": ""},
            "note": "",
        }
    ],
    "created_at": "2026-11-29T00:00:00Z",
}  # fmt: skip

# A list example is one item: drf-spectacular wraps it in the pagination envelope.
LIST_EXAMPLE = OpenApiExample(
    "Energie Solidaire",
    value=ENERGIE_SOLIDAIRE,
    response_only=True,
    media_type="application/json",
    status_codes=["200"],
)
DETAIL_EXAMPLE = OpenApiExample(
    "Energie Solidaire", value=ENERGIE_SOLIDAIRE_DETAIL, response_only=True, status_codes=["200"]
)
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
        help_text="[longitude, latitude] en degrés WGS 84 (RFC 7946 §3.1.1).",
    )  # fmt: skip


class InitiativeFeaturePropertiesSerializer(serializers.Serializer):
    slug = serializers.CharField(**doc("slug"))
    name = serializers.CharField(**doc("name"))
    summary = serializers.CharField(**doc("summary"))
    kind = serializers.CharField(**doc("kind"))
    legal_form = serializers.CharField(**doc("legal_form"))
    themes = serializers.ListField(child=serializers.CharField(), help_text="Slugs des thèmes.")
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
    id = serializers.CharField(help_text="Slug de l'initiative.")
    geometry = PointGeometrySerializer(help_text="Point de l'initiative.")
    properties = InitiativeFeaturePropertiesSerializer(help_text="Attributs de l'initiative.")


@extend_schema_serializer(many=False)
class InitiativeFeatureCollectionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(["FeatureCollection"], help_text="Toujours `FeatureCollection`.")
    features = InitiativeFeatureSerializer(many=True, help_text="Une entité par initiative placée.")

"""Read serializers of the partner API (field names are the published contract)."""

from django.core.validators import URLValidator
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from essmap.api.docs import FIELDS, described, doc
from essmap.api.input import RefuseControlCharacters
from intercos.api.brief_serializers import CommuneBriefSerializer, IntercoBriefSerializer
from intercos.models import Commune, Interco

from ..checks import http_url, linkable_initiatives
from ..models import REGISTER_CHOICES, Initiative, KeyFigure, Partnership, Source, Theme
from ..representation import NEAR_VALUES, PageLinks, near_field, rounded_distance
from ..rules import VERIFICATION_FIELDS, verification_message
from ..visibility import is_shown


def _near(obj) -> dict:
    return {name: getattr(obj, name, None) for name in NEAR_VALUES}


def page_links(serializer) -> PageLinks:
    """One PageLinks per serialization (shared by nested serializers through the context)."""
    context = serializer.context
    links = context.get("page_links")
    if links is None:
        links = context["page_links"] = PageLinks(context.get("request"))
    return links


class ThemeBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name", "name_en", "icon", "colour"]
        extra_kwargs = described("name_en", "icon", "colour", slug="theme_slug", name="theme_name")


class ThemeSerializer(ThemeBriefSerializer):
    label = serializers.CharField(read_only=True, **doc("label"))
    initiative_count = serializers.IntegerField(read_only=True, **doc("initiative_count"))

    class Meta(ThemeBriefSerializer.Meta):
        fields = [*ThemeBriefSerializer.Meta.fields, "label", "position", "initiative_count"]
        extra_kwargs = {**ThemeBriefSerializer.Meta.extra_kwargs, **described("position")}


def _blank_or(kind: str, name: str) -> serializers.CharField:
    """A URL or e-mail that may be the empty string (documented as a plain string)."""
    return serializers.CharField(read_only=True, help_text=f"{FIELDS[name]} ({kind}, or empty)")


class SourceSerializer(serializers.ModelSerializer):
    url = _blank_or("URL", "source_url")

    class Meta:
        model = Source
        fields = ["id", "title", "publisher", "date", "year", "url", "cited_in", "note"]
        extra_kwargs = described(
            "title",
            "publisher",
            "date",
            "year",
            "cited_in",
            "note",
            id="source_id",
            url="source_url",
        )


class InitiativeBriefSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(**doc("url"))

    class Meta:
        model = Initiative
        fields = ["slug", "name", "url"]
        extra_kwargs = described("slug", "name")

    def get_url(self, obj) -> str:
        return page_links(self).initiative(obj.slug)


class PartnershipSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, **doc("partnership_kind"))
    initiative = InitiativeBriefSerializer(read_only=True, **doc("partnership_initiative"))
    partner_type = serializers.SerializerMethodField(**doc("partner_type"))
    partner_interco = IntercoBriefSerializer(
        read_only=True, allow_null=True, **doc("partner_interco")
    )
    partner_initiative = InitiativeBriefSerializer(
        read_only=True, allow_null=True, **doc("partner_initiative")
    )
    source = SourceSerializer(read_only=True, allow_null=True, **doc("source"))

    class Meta:
        model = Partnership
        fields = [
            "id", "kind", "role", "initiative", "partner_type", "partner_interco",
            "partner_initiative", "start_year", "end_year", "description", "source",
        ]  # fmt: skip
        extra_kwargs = described(
            "start_year", "end_year", id="partnership_id", description="partnership_description",
            role="partnership_role",
        )  # fmt: skip

    @extend_schema_field({"type": "string", "enum": ["interco", "initiative"]})
    def get_partner_type(self, obj) -> str:
        return "interco" if obj.partner_interco_id else "initiative"


class KeyFigureSerializer(serializers.ModelSerializer):
    value = serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=False, read_only=True, **doc("value")
    )
    scope = serializers.SerializerMethodField(**doc("scope"))
    initiative = InitiativeBriefSerializer(
        read_only=True, allow_null=True, **doc("figure_initiative")
    )
    interco = IntercoBriefSerializer(read_only=True, allow_null=True, **doc("figure_interco"))
    departement = serializers.CharField(
        source="departement_id", read_only=True, allow_null=True, **doc("figure_departement")
    )
    source = SourceSerializer(read_only=True, **doc("source"))

    class Meta:
        model = KeyFigure
        fields = [
            "id", "label", "label_en", "measure", "value", "qualifier", "unit", "unit_en",
            "year", "period", "period_en", "scope", "initiative", "interco", "departement",
            "source", "note",
        ]  # fmt: skip
        extra_kwargs = described(
            "qualifier", "unit", "year", "period", "note", "label_en", "unit_en", "period_en",
            "measure", id="figure_id", label="figure_label",
        )  # fmt: skip

    @extend_schema_field(
        {"type": "string", "enum": ["initiative", "interco", "departement", "territory"]}
    )
    def get_scope(self, obj) -> str:
        if obj.initiative_id:
            return "initiative"
        if obj.interco_id:
            return "interco"
        if obj.departement_id:
            return "departement"
        return "territory"


@extend_schema_serializer(component_name="Initiative")
class InitiativeListSerializer(serializers.ModelSerializer):
    website = _blank_or("URL", "website")
    email = _blank_or("e-mail", "email")
    themes = ThemeBriefSerializer(many=True, read_only=True, **doc("themes"))
    commune = CommuneBriefSerializer(read_only=True, allow_null=True, **doc("commune"))
    interco = IntercoBriefSerializer(
        source="commune.interco", read_only=True, allow_null=True, **doc("interco")
    )
    distance_km = serializers.SerializerMethodField(**doc("distance_km"))
    match = serializers.SerializerMethodField(**doc("match"))
    reason = serializers.SerializerMethodField(**doc("reason"))
    url = serializers.SerializerMethodField(**doc("url"))
    api_url = serializers.SerializerMethodField(**doc("api_url"))
    # Empty for the interco's own records: an enum with "" (the model's choices do not say it).
    register_source = serializers.ChoiceField(
        choices=REGISTER_CHOICES, allow_blank=True, read_only=True, **doc("register_source")
    )

    class Meta:
        model = Initiative
        fields = [
            "slug", "name", "summary", "kind", "legal_form", "themes", "commune", "interco",
            "address", "postcode", "latitude", "longitude", "approximate_point", "distance_km",
            "match", "reason", "website", "email", "phone", "opening_hours", "siret", "rna",
            "founded_year", "employees", "verified_at", "updated_at", "url", "api_url",
            "origin", "register_source", "register_id", "finess", "register_date",
            "register_seen_at",
        ]  # fmt: skip
        read_only_fields = fields
        extra_kwargs = described(*(f for f in fields if f in FIELDS))

    @extend_schema_field({"type": "number", "format": "double", "nullable": True})
    def get_distance_km(self, obj) -> float | None:
        return rounded_distance(_near(obj))

    @extend_schema_field({"type": "string", "enum": ["point", "territory"], "nullable": True})
    def get_match(self, obj) -> str | None:
        return near_field(_near(obj), "match")

    @extend_schema_field({"type": "string", "nullable": True})
    def get_reason(self, obj) -> str | None:
        return near_field(_near(obj), "text")

    def get_url(self, obj) -> str:
        return page_links(self).initiative(obj.slug)

    def get_api_url(self, obj) -> str:
        return page_links(self).initiative_api(obj.slug)


@extend_schema_serializer(component_name="InitiativeDetail")
class InitiativeDetailSerializer(InitiativeListSerializer):
    coverage = IntercoBriefSerializer(many=True, read_only=True, **doc("coverage"))
    carried_by = serializers.SerializerMethodField(**doc("carried_by"))
    carried_by_interco = IntercoBriefSerializer(
        read_only=True, allow_null=True, **doc("carried_by_interco")
    )
    source = SourceSerializer(read_only=True, allow_null=True, **doc("source"))
    partnerships = PartnershipSerializer(many=True, read_only=True, **doc("partnerships"))
    partner_of = PartnershipSerializer(many=True, read_only=True, **doc("partner_of"))
    figures = KeyFigureSerializer(many=True, read_only=True, **doc("figures"))

    class Meta(InitiativeListSerializer.Meta):
        fields = [
            *InitiativeListSerializer.Meta.fields, "description", "coverage", "carried_by",
            "carried_by_interco", "verified_by", "source", "article_note", "partnerships",
            "partner_of", "figures", "created_at",
        ]  # fmt: skip
        read_only_fields = fields
        extra_kwargs = described(*(f for f in fields if f in FIELDS))

    @extend_schema_field(InitiativeBriefSerializer(allow_null=True))
    def get_carried_by(self, obj):
        carrier = obj.carried_by
        if carrier is None or not is_shown(carrier.status):
            return None
        return InitiativeBriefSerializer(carrier, context=self.context).data


class HttpURLField(serializers.URLField):
    """An http(s) URL only (DRF's URLField also takes ftp:), as in the admin form."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, URLValidator)]
        self.validators.append(http_url)


class LinkableInitiativeField(serializers.SlugRelatedField):
    """An initiative the author may link to; any other is "does not exist", so that
    another territory's draft answers exactly as a missing slug."""

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return linkable_initiatives(user) if user is not None else Initiative.objects.none()


@extend_schema_serializer(component_name="InitiativeWrite")
class InitiativeWriteSerializer(RefuseControlCharacters, serializers.ModelSerializer):
    """What interco staff may send with a token: field formats only.

    Every rule about the write (territory, links, status, postcode and point against the
    commune) is the write authority's, `services.staff_write`, as for the admin and the import.
    """

    themes = serializers.SlugRelatedField(
        slug_field="slug", queryset=Theme.objects.all(), many=True, required=False,
        help_text="Slugs of the themes (see `/api/v1/themes/`).",
    )  # fmt: skip
    coverage = serializers.PrimaryKeyRelatedField(
        queryset=Interco.objects.all(), many=True, required=False,
        help_text="SIRENs of the intercommunalités served.",
    )  # fmt: skip
    commune = serializers.PrimaryKeyRelatedField(
        queryset=Commune.objects.all(), required=False, allow_null=True,
        help_text="INSEE code of the commune where the initiative is located.",
    )  # fmt: skip
    carried_by = LinkableInitiativeField(
        slug_field="slug", queryset=Initiative.objects.all(), required=False, allow_null=True,
        help_text="Slug of the organisation that runs (porte) this project or service.",
    )  # fmt: skip
    carried_by_interco = serializers.PrimaryKeyRelatedField(
        queryset=Interco.objects.all(), required=False, allow_null=True,
        help_text="SIREN of the intercommunalité that runs (porte) this project or service.",
    )  # fmt: skip
    source = serializers.PrimaryKeyRelatedField(
        queryset=Source.objects.all(), required=False, allow_null=True,
        help_text="Identifier of the main source (see `/api/v1/sources/`).",
    )  # fmt: skip
    latitude = serializers.FloatField(
        min_value=-90, max_value=90, required=False, allow_null=True, **doc("latitude")
    )
    longitude = serializers.FloatField(
        min_value=-180, max_value=180, required=False, allow_null=True, **doc("longitude")
    )
    website = HttpURLField(max_length=200, required=False, allow_blank=True, **doc("website"))

    class Meta:
        model = Initiative
        fields = [
            "name", "summary", "description", "kind", "legal_form", "themes", "coverage",
            "commune", "address", "postcode", "latitude", "longitude", "website", "email",
            "phone", "opening_hours", "siret", "rna", "founded_year", "employees", "status",
            "carried_by", "carried_by_interco", "source", "article_note", "rejection_reason",
        ]  # fmt: skip
        extra_kwargs = described(
            *(
                f
                for f in fields
                if f in FIELDS
                and f
                not in {"themes", "coverage", "commune", "carried_by", "carried_by_interco",
                        "source", "latitude", "longitude", "website"}
            )
        )  # fmt: skip
        # Uniqueness (name per commune) is checked by the services' full_clean.
        validators: list = []

    def validate(self, attrs):
        """`verified_at`/`verified_by` are not written through the API (publication and
        "Toujours exact" set them, rules.verification_refusals): sent, they are a 400, not
        silently dropped."""
        sent = [name for name in VERIFICATION_FIELDS if name in self.initial_data]
        if sent:
            message = verification_message()
            raise serializers.ValidationError({name: [message] for name in sent})
        return super().validate(attrs)

"""The one definition of the directory's filters, shared by the HTML pages and the API.

Invalid input never reaches the database: the FilterSet's form reports it (a form error
in pages, a 400 in the API).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from essmap.filters import SafeCharFilter
from essmap.geo import BBox
from essmap.text import normalize
from intercos.models import Commune, Departement, Interco

from .models import Initiative, Theme

MAX_RADIUS_KM = 500


class BBoxField(forms.CharField):
    """'west,south,east,north' in degrees, cleaned to an essmap.geo.BBox (same order)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return BBox.parse(value)
        except ValueError as error:
            raise ValidationError(str(error), code="bbox") from None


class BBoxFilter(filters.Filter):
    field_class = BBoxField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.in_bbox(value)


class InitiativeFilterSet(filters.FilterSet):
    q = SafeCharFilter(label=_("Mots"), method="filter_words")
    theme = filters.ModelMultipleChoiceFilter(
        label=_("Thème"),
        field_name="themes__slug",
        to_field_name="slug",
        queryset=Theme.objects.all(),
        method="filter_themes",
        widget=forms.CheckboxSelectMultiple,
    )
    legal_form = filters.MultipleChoiceFilter(
        label=_("Forme juridique"),
        choices=Initiative.LegalForm.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    interco = filters.ModelChoiceFilter(
        label=_("Intercommunalité"),
        # Choices and lookups never need the GeoJSON contours (kB each).
        queryset=Interco.objects.defer("contour"),
        method="filter_interco",
    )
    commune = filters.ModelChoiceFilter(
        label=_("Commune"), queryset=Commune.objects.defer("contour"), field_name="commune"
    )
    postcode = SafeCharFilter(label=_("Code postal"), max_length=5, method="filter_postcode")
    departement = filters.ModelChoiceFilter(
        label=_("Département"),
        queryset=Departement.objects.all(),
        field_name="commune__departement",
    )
    near = SafeCharFilter(
        label=_("Près de (commune ou code postal)"), max_length=100, method="filter_noop"
    )
    lat = filters.NumberFilter(
        label=_("Latitude"), method="filter_noop", min_value=-90, max_value=90
    )
    lon = filters.NumberFilter(
        label=_("Longitude"), method="filter_noop", min_value=-180, max_value=180
    )
    radius = filters.NumberFilter(
        label=_("Rayon (km)"), method="filter_noop", min_value=0, max_value=MAX_RADIUS_KM
    )
    bbox = BBoxFilter(label=_("Emprise (ouest,sud,est,nord)"))
    updated_since = filters.IsoDateTimeFilter(
        label=_("Modifiées depuis"), field_name="updated_at", lookup_expr="gte"
    )
    ordering = filters.ChoiceFilter(
        label=_("Tri"),
        method="filter_noop",
        empty_label=None,
        choices=[
            ("relevance", _("Pertinence")),
            ("distance", _("Distance")),
            ("name", _("Nom")),
            ("-updated", _("Plus récentes")),
        ],
    )

    class Meta:
        model = Initiative
        fields: list[str] = []

    # --- validation across fields -------------------------------------------------------
    near_commune: Commune | None = None

    def is_valid(self):
        valid = super().is_valid()
        if valid:
            data = self.form.cleaned_data
            if data.get("near") and data.get("lat") is None and data.get("lon") is None:
                commune = resolve_commune(data["near"])
                if commune is None:
                    self.form.add_error("near", _("Commune ou code postal introuvable."))
                    return False
                self.near_commune = commune
                data["lat"], data["lon"] = commune.centre_lat, commune.centre_lon
            given = [data.get(k) is not None for k in ("lat", "lon")]
            if any(given) and not all(given):
                self.form.add_error("lat", _("Latitude et longitude vont ensemble."))
                return False
            if data.get("ordering") == "distance" and not all(given):
                self.form.add_error("ordering", _("Le tri par distance demande un point."))
                return False
        return valid

    # --- filters ------------------------------------------------------------------------
    def filter_noop(self, qs, name, value):
        return qs

    def filter_words(self, qs, name, value):
        return qs.search(value)

    def filter_themes(self, qs, name, value):
        return qs.with_themes(value) if value else qs

    def filter_interco(self, qs, name, value):
        return qs.in_interco(value)

    def filter_postcode(self, qs, name, value):
        return qs.filter(commune__postcodes__contains=value)

    def filter_queryset(self, queryset):
        qs = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        lat, lon = data.get("lat"), data.get("lon")
        if lat is not None and lon is not None:
            radius = data.get("radius")
            radius = float(radius) if radius else 20.0
            qs = qs.near(float(lat), float(lon), radius)
        return self.order(qs, data)

    def order(self, qs, data):
        """Records not verified for a year come after fresh ones at equal relevance."""
        ordering = data.get("ordering") or ""
        has_point = data.get("lat") is not None and data.get("lon") is not None
        has_words = bool(data.get("q"))
        if ordering == "name":
            return qs.order_by("search_name", "name", "pk")
        if ordering == "-updated":
            return qs.order_by("-updated_at", "pk")
        if ordering == "distance" or (not ordering and has_point and not has_words):
            return qs.with_staleness().order_by("distance_km", "is_stale", "search_name", "pk")
        if has_words:
            return qs.with_staleness().order_by(
                F("search_rank").desc(), "is_stale", "search_name", "pk"
            )
        if has_point:
            return qs.with_staleness().order_by("distance_km", "is_stale", "search_name", "pk")
        # Nothing to rank by: French alphabetical order (accents ignored, same on every
        # database) on the stored normalised name, served by the (status, search_name) index.
        return qs.order_by("search_name", "name", "pk")


def resolve_commune(text: str) -> Commune | None:
    """The commune a visitor means by a name or a postcode (the most populated on a tie)."""
    text = (text or "").strip()
    if not text:
        return None
    located = Commune.objects.filter(centre_lat__isnull=False, centre_lon__isnull=False)
    by_size = ("-population", "name")
    if text.isdigit():
        return located.matching(text).order_by(*by_size).first()
    # "Crest (26)" as offered by the autocomplete: drop the département in brackets.
    name = text.split("(")[0]
    key = normalize(name)
    return (
        located.filter(search_name=key).order_by(*by_size).first()
        or located.filter(search_name__startswith=key).order_by(*by_size).first()
    )

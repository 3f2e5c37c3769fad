"""The one definition of the directory's filters, shared by the HTML pages and the API.

Invalid input never reaches the database: the FilterSet's form reports it (a form error
in pages, a 400 in the API).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from essmap.filters import SafeCharFilter
from essmap.geo import BBox
from essmap.text import tokens
from intercos.models import Commune, Departement, Interco
from intercos.places import PlaceError

from .location import exactly_outside, named_place, outside_place
from .managers import SearchTerms
from .models import Initiative, Theme
from .near import DEFAULT_RADIUS_KM, MAX_RADIUS_KM, Place, locate_place
from .near_results import TIE_BREAKERS, NearResults
from .validators import validate_siret


def known_parameters(data: QueryDict, extra: tuple[str, ...] = ()) -> QueryDict:
    """The parameters the directory's FilterSet knows (it is the one parser), and `extra`.

    Cache keys, links and map settings are built from these only: a parameter nobody reads
    ("?junk=1") neither makes a new cache entry nor travels into the page.
    """
    names = {*InitiativeFilterSet.base_filters, *extra}
    known = QueryDict(mutable=True)
    for name, values in data.lists():
        if name in names:
            known.setlist(name, values)
    known._mutable = False
    return known


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
        distinct=False,  # a column of the row: no duplicates, so no DISTINCT over every column
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
        field_name="departement",  # the commune's, kept on the row (services.py)
    )
    origin = filters.ChoiceFilter(
        label=_("Origine"),
        choices=Initiative.Origin.choices,
        empty_label=_("Toutes les origines"),
    )
    siret = SafeCharFilter(label=_("SIRET"), max_length=14)
    siret.extra["validators"].append(validate_siret)  # 14 digits and a valid check digit
    near = SafeCharFilter(
        label=_("Près de (commune ou code postal)"), max_length=100, method="filter_noop"
    )
    match = filters.ChoiceFilter(
        label=_("Afficher"),
        method="filter_noop",
        empty_label=_("Tout ce qui sert ce lieu"),
        choices=[
            ("point", _("Seulement les adresses dans le rayon")),
            ("territory", _("Seulement les initiatives qui couvrent le territoire")),
        ],
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
    place: Place | None = None
    notices: list
    search_terms: SearchTerms | None = None  # the words searched, decided once (filter_words)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.notices = []

    def is_valid(self):
        self.notices = []
        valid = super().is_valid()
        if not valid:
            return False
        data = self.form.cleaned_data
        if data.get("q") and not tokens(data["q"]):
            # Punctuation, symbols, emoji or invisible characters only: no word to search
            # for, so no search at all (the whole list), never an empty ranking.
            data["q"] = ""
        given = [data.get(k) is not None for k in ("lat", "lon")]
        if any(given) and not all(given):
            self.form.add_error("lat", _("Latitude et longitude vont ensemble."))
            return False
        try:
            self.place = locate_place(data.get("near"), data.get("lat"), data.get("lon"))
        except PlaceError as exc:
            # A commune of France outside the loaded territories: searched from its centre,
            # with a notice naming the area covered (location.outside_place).
            self.place = outside_place(data.get("near"))
            if self.place is None:
                self.form.add_error("near", str(exc))
                return False
            self.notices.append("outside")
        outside = exactly_outside(self.place, data.get("near"))
        if outside is not None:
            self.place = outside
            self.notices.append("outside")
        if self.place is not None and not self.place.typed and (data.get("near") or "").strip():
            # Coordinates found for the text typed (the geocoder): the chip names that text.
            self.place = named_place(self.place, data["near"])
        if self.place is not None:
            data["lat"], data["lon"] = self.place.lat, self.place.lon
            if data.get("radius") is None:
                data["radius"] = DEFAULT_RADIUS_KM
            self.place.radius = float(data["radius"])
            if self.place.alternatives:
                self.notices.append("ambiguous")
            if self.place.corrected:
                self.notices.append("corrected")
        elif data.get("ordering") == "distance":
            data["ordering"] = ""
            self.notices.append("distance_without_place")
        return True

    def nearest_beyond(self, limit: int = 5) -> list[Initiative]:
        """The nearest initiatives outside the radius (with the other filters), for a dead end.

        Widening boxes, each an indexed query, until `limit` are found or the maximum radius.
        """
        place = self.place
        if place is None or not hasattr(self, "_unplaced"):
            return []
        radius = max(place.radius, 1.0)
        while True:
            radius = min(radius * 3, MAX_RADIUS_KM)
            found = list(
                self._unplaced.near(place.lat, place.lon, radius).order_by("distance_km", "pk")[
                    :limit
                ]
            )
            if len(found) >= limit or radius >= MAX_RADIUS_KM:
                return found

    def ordered_by_distance(self) -> bool:
        """Results near a place, in the "near" order (as order() decides it)."""
        ordering = self.form.cleaned_data.get("ordering") or ""
        words = bool(self.form.cleaned_data.get("q"))
        return self.place is not None and (ordering == "distance" or (not ordering and not words))

    def near_results(self, unplaced=None) -> NearResults:
        """The one "near" implementation (near_results.py) over `unplaced`: every filter but
        the place (by default, this FilterSet's)."""
        place = self.place
        if unplaced is None:
            unplaced = super().filter_queryset(self.queryset)
        return NearResults(
            unplaced,
            place.lat,
            place.lon,
            place.radius,
            home=place.home_interco,
            reach=place.reach_intercos(),
            match=self.form.cleaned_data.get("match") or None,
        )

    # --- filters ------------------------------------------------------------------------
    def filter_noop(self, qs, name, value):
        return qs

    def filter_words(self, qs, name, value):
        # Decided once per request (full text, typo correction), then reused by every
        # queryset built from this FilterSet: one fuzzy lookup at most, whatever reads it.
        if self.search_terms is None:
            self.search_terms = qs.search_terms(value)
            if self.search_terms.corrected:
                self.notices.append("words_corrected")
        return qs.search(value, terms=self.search_terms)

    def filter_themes(self, qs, name, value):
        return qs.with_themes(value) if value else qs

    def filter_interco(self, qs, name, value):
        return qs.in_interco(value)

    def filter_postcode(self, qs, name, value):
        return qs.filter(commune__postcodes__contains=value)

    def filter_queryset(self, queryset):
        qs = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        place = self.place
        if place is not None:
            self._unplaced = qs
            qs = self.near_results(qs).queryset()
        return self.order(qs, data)

    def order(self, qs, data):
        """Records not verified for a year come after fresh ones at equal relevance."""
        ordering = data.get("ordering") or ""
        has_point = self.place is not None
        has_words = bool(data.get("q"))
        # Near a place: points within the radius by distance, then initiatives covering the
        # place's interco, then those covering an interco reaching into the circle (each by
        # the distance of their point if they have one, then by name).
        by_distance = ("match_rank", F("distance_km").asc(nulls_last=True), *TIE_BREAKERS)
        if ordering == "name":
            return qs.order_by("search_name", "name", "pk")
        if ordering == "-updated":
            return qs.order_by("-updated_at", "pk")
        if ordering == "distance" or (not ordering and has_point and not has_words):
            return qs.with_staleness().order_by(*by_distance)
        if has_words:
            return qs.with_staleness().order_by(
                F("search_rank").desc(), "is_stale", "search_name", "pk"
            )
        # Nothing to rank by: French alphabetical order (accents ignored, same on every
        # database) on the stored normalised name, served by the (status, search_name) index.
        return qs.order_by("search_name", "name", "pk")

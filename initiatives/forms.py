"""Forms for staff (admin) and the public suggestion page, with the shared field checks."""

from difflib import SequenceMatcher

from django import forms
from django.core.validators import URLValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from essmap.text import normalize
from intercos.models import Commune, Interco

from . import moderation
from .managers import haversine_km
from .models import Initiative, KeyFigure, Theme
from .selectors import initiatives_for_user

# Metropolitan France and Corsica, with a small margin.
FRANCE_BBOX = (41.2, -5.6, 51.3, 9.8)  # south, west, north, east
MAX_KM_FROM_COMMUNE = 100.0
CONTOUR_MARGIN_DEG = 0.05  # ~5 km around the département's bounding box
SIMILARITY_THRESHOLD = 0.85

http_url = URLValidator(schemes=["http", "https"])


# --- checks shared by forms and imports -------------------------------------------------


def _walk_coordinates(coords):
    if coords and isinstance(coords[0], (int, float)):
        yield coords
        return
    for part in coords or ():
        yield from _walk_coordinates(part)


def geojson_bbox(geometry) -> tuple[float, float, float, float] | None:
    """(south, west, north, east) of a GeoJSON geometry, or None if it has no point."""
    if not isinstance(geometry, dict):
        return None
    if geometry.get("type") == "Feature":
        geometry = geometry.get("geometry") or {}
    points = list(_walk_coordinates(geometry.get("coordinates")))
    if not points:
        return None
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    return min(lats), min(lons), max(lats), max(lons)


def point_location_error(lat: float, lon: float, commune: Commune | None) -> str | None:
    """Why a point is implausible for the commune, or None when it is fine.

    Uses the département's contour when loaded, else the distance from the commune
    centre, else a bounding box of metropolitan France.
    """
    if commune is not None:
        departement = commune.departement
        bbox = geojson_bbox(departement.contour)
        if bbox is not None:
            south, west, north, east = bbox
            m = CONTOUR_MARGIN_DEG
            if not (south - m <= lat <= north + m and west - m <= lon <= east + m):
                return str(
                    _(
                        "Le point (%(lat).5f, %(lon).5f) est hors du département %(dep)s "
                        "de la commune choisie : vérifiez la latitude et la longitude "
                        "(inversées ?)."
                    )
                    % {"lat": lat, "lon": lon, "dep": departement}
                )
            return None
        if commune.centre_lat is not None and commune.centre_lon is not None:
            km = haversine_km(lat, lon, commune.centre_lat, commune.centre_lon)
            if km > MAX_KM_FROM_COMMUNE:
                return str(
                    _(
                        "Le point est à %(km)d km de %(commune)s : vérifiez la latitude "
                        "et la longitude (inversées ?)."
                    )
                    % {"km": km, "commune": commune.name}
                )
            return None
        if departement.code.startswith("97"):
            return None
    south, west, north, east = FRANCE_BBOX
    if not (south <= lat <= north and west <= lon <= east):
        return str(_("Le point est hors de France métropolitaine : vérifiez les coordonnées."))
    return None


def postcode_error(postcode: str, commune: Commune | None) -> str | None:
    if postcode and commune is not None and commune.postcodes:
        if postcode not in commune.postcode_list:
            return str(
                _("Le code postal %(cp)s ne correspond pas à %(commune)s (%(codes)s).")
                % {
                    "cp": postcode,
                    "commune": commune.name,
                    "codes": ", ".join(commune.postcode_list),
                }
            )
    return None


def similar_initiatives(name: str, commune: Commune | None, *, exclude_pk=None) -> list[Initiative]:
    """Initiatives of the same commune whose name is the same or nearly the same."""
    if commune is None or not name:
        return []
    key = normalize(name)
    qs = Initiative.objects.filter(commune=commune).only("id", "name", "search_name", "slug")
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    found = []
    for other in qs[:500]:
        other_key = other.search_name or normalize(other.name)
        ratio = SequenceMatcher(None, key, other_key).ratio()
        if other_key == key or ratio >= SIMILARITY_THRESHOLD:
            found.append(other)
    return found


def user_intercos(user):
    return Interco.objects.for_user(user)


def communes_for_user(user):
    if user.is_superuser:
        return Commune.objects.select_related("departement")
    return Commune.objects.filter(interco__in=user_intercos(user)).select_related("departement")


ADMIN_FIELDS = [
    "name", "summary", "description", "kind", "legal_form", "themes", "carried_by",
    "carried_by_interco", "siret", "rna", "address", "postcode", "commune", "latitude",
    "longitude", "coverage", "website", "email", "phone", "opening_hours", "founded_year",
    "employees", "status", "verified_at", "verified_by", "source", "article_note",
    "proposer_name", "proposer_email", "rejection_reason",
]  # fmt: skip


class HttpsURLField(forms.URLField):
    """A URL field that assumes https:// when the scheme is left out."""

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


# --- the admin form ---------------------------------------------------------------------


class InitiativeAdminForm(forms.ModelForm):
    """Initiative form of the staff workspace, scoped to the user's territory.

    The admin sets `current_user` on the class it builds for each request.
    """

    current_user = None
    history_m2m = None  # themes/coverage of a past version being restored

    ignore_duplicate = forms.BooleanField(
        label=_("Enregistrer malgré un nom proche dans la même commune"), required=False
    )

    class Meta:
        model = Initiative
        fields = ADMIN_FIELDS
        field_classes = {"website": HttpsURLField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.current_user
        self.original_status = self.instance.status if self.instance.pk else None
        if self.history_m2m and not self.is_bound:
            self.initial.update(self.history_m2m)
        if user is None or user.is_superuser:
            pass
        else:
            self._limit_querysets(user)
        if "status" in self.fields and user is not None:
            allowed = moderation.allowed_targets(user, self.instance)
            self.fields["status"].choices = [
                c for c in Initiative.Status.choices if c[0] in allowed
            ]
        if "website" in self.fields:
            self.fields["website"].validators.append(http_url)

    def _limit_querysets(self, user):
        inst = self.instance
        fields = self.fields
        if "commune" in fields:
            qs = Commune.objects.filter(interco__in=user_intercos(user))
            if inst.commune_id:
                qs = Commune.objects.filter(Q(pk__in=qs.values("pk")) | Q(pk=inst.commune_id))
            fields["commune"].queryset = qs.select_related("departement")
        if "coverage" in fields:
            qs = user_intercos(user)
            if inst.pk:
                current = inst.coverage.values("pk")
                qs = Interco.objects.filter(Q(pk__in=qs.values("pk")) | Q(pk__in=current))
            fields["coverage"].queryset = qs.distinct()
        if "carried_by_interco" in fields:
            qs = user_intercos(user)
            if inst.carried_by_interco_id:
                qs = Interco.objects.filter(
                    Q(pk__in=qs.values("pk")) | Q(pk=inst.carried_by_interco_id)
                )
            fields["carried_by_interco"].queryset = qs
        if "carried_by" in fields:
            fields["carried_by"].queryset = Initiative.objects.filter(
                Q(pk__in=initiatives_for_user(user).values("pk")) | Q(status="published")
            )

    def clean(self):
        data = super().clean()
        commune = data.get("commune")
        error = postcode_error(data.get("postcode") or "", commune)
        if error:
            self.add_error("postcode", error)
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None) and not self.has_error("latitude"):
            self.add_error("latitude", _("Renseignez la latitude et la longitude, ou aucune."))
        elif lat is not None and lon is not None:
            error = point_location_error(lat, lon, commune)
            if error:
                self.add_error("latitude", error)
        self._check_scope(data)
        self._check_status(data)
        name = data.get("name")
        if name and commune and not data.get("ignore_duplicate"):
            similar = similar_initiatives(name, commune, exclude_pk=self.instance.pk)
            if similar:
                self.add_error(
                    "name",
                    _(
                        "Une initiative au nom proche existe déjà à %(commune)s : %(names)s. "
                        "Vérifiez qu'il ne s'agit pas d'un doublon, puis cochez « Enregistrer "
                        "malgré un nom proche » pour confirmer."
                    )
                    % {"commune": commune.name, "names": ", ".join(o.name for o in similar)},
                )
        return data

    def _check_scope(self, data):
        """The record must stay in the user's territory: commune or coverage among its intercos."""
        user = self.current_user
        if user is None or user.is_superuser:
            return
        mine = set(user_intercos(user).values_list("pk", flat=True))
        commune = data.get("commune")
        coverage = data.get("coverage")
        if coverage is None and self.instance.pk:
            coverage = self.instance.coverage.all()
        in_scope = (commune is not None and commune.interco_id in mine) or any(
            ic.pk in mine for ic in (coverage or ())
        )
        if not in_scope:
            raise forms.ValidationError(
                _(
                    "Choisissez une commune ou un territoire couvert dans votre "
                    "intercommunalité : vous ne pourriez plus voir cette fiche."
                ),
                code="out_of_scope",
            )

    def _check_status(self, data):
        status = data.get("status")
        if not status or status == self.original_status:
            return
        user = self.current_user
        if user is not None and status not in moderation.EDITOR_TARGETS:
            commune = data.get("commune")
            sirens = {commune.interco_id} if commune is not None else set()
            sirens.update(ic.pk for ic in data.get("coverage") or ())
            sirens |= moderation.territory_intercos(self.instance)
            if not moderation.can_moderate_in(user, sirens):
                self.add_error(
                    "status",
                    _("Seuls les modérateurs du territoire peuvent publier ou archiver."),
                )
                return
        if (
            self.original_status == Initiative.Status.PENDING
            and status == Initiative.Status.ARCHIVED
            and not (data.get("rejection_reason") or "").strip()
        ):
            self.add_error(
                "rejection_reason", _("Indiquez le motif du refus : il est envoyé à la personne.")
            )


class KeyFigureAdminForm(forms.ModelForm):
    current_user = None

    class Meta:
        model = KeyFigure
        fields = ["label", "value", "qualifier", "unit", "year", "period", "source",
                  "initiative", "interco", "departement", "note", "position"]  # fmt: skip

    def clean(self):
        data = super().clean()
        user = self.current_user
        if user is not None and not user.is_superuser:
            if not (data.get("initiative") or data.get("interco")):
                raise forms.ValidationError(
                    _("Rattachez le chiffre à une initiative ou à votre intercommunalité."),
                    code="no_scope",
                )
        return data


# --- moderation -------------------------------------------------------------------------


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Envoyé par courriel à la personne qui a proposé l'initiative."),
    )


# --- import -----------------------------------------------------------------------------


class ImportForm(forms.Form):
    MAX_BYTES = 2 * 1024 * 1024

    file = forms.FileField(
        label=_("Fichier CSV ou XLSX"),
        help_text=_("Première ligne : les en-têtes de colonnes (voir le modèle ci-dessous)."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Formats acceptés : .csv ou .xlsx."))
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("Fichier trop lourd (2 Mo au plus)."))
        return upload


# --- public suggestion ------------------------------------------------------------------


class CommuneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        postcodes = ", ".join(obj.postcode_list[:2])
        return f"{obj.name} ({postcodes})" if postcodes else obj.name


class SuggestionForm(forms.Form):
    """What a citizen may tell us about an initiative, without an account."""

    name = forms.CharField(label=_("Nom de l'initiative"), max_length=200)
    summary = forms.CharField(
        label=_("En une phrase"),
        max_length=300,
        required=False,
        help_text=_("Ce que fait l'initiative, en 300 caractères au plus."),
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Thèmes"),
        queryset=Theme.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    commune = CommuneChoiceField(
        label=_("Commune"),
        queryset=Commune.objects.filter(interco__isnull=False).order_by("name"),
        empty_label=_("— choisir —"),
    )
    address = forms.CharField(label=_("Adresse"), max_length=300, required=False)
    website = forms.URLField(
        label=_("Site web"), required=False, assume_scheme="https", validators=[http_url]
    )
    email = forms.EmailField(label=_("Courriel de l'initiative"), required=False)
    phone = forms.CharField(label=_("Téléphone de l'initiative"), max_length=30, required=False)
    proposer_name = forms.CharField(
        label=_("Votre nom"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    proposer_email = forms.EmailField(
        label=_("Votre courriel"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Pour vous prévenir de la publication ; il n'est jamais affiché."),
    )
    # Honeypot: hidden from people (and assistive technologies), filled by naive bots.
    homepage = forms.CharField(label=_("Ne pas remplir ce champ"), required=False)

    def clean_phone(self):
        from .validators import validate_phone

        value = self.cleaned_data.get("phone", "").strip()
        validate_phone(value)
        return value

    def is_bot(self) -> bool:
        return bool(self.data.get("homepage"))

    def clean(self):
        data = super().clean()
        name, commune = data.get("name"), data.get("commune")
        if name and commune:
            if Initiative.objects.filter(commune=commune, search_name=normalize(name)).exists():
                self.add_error(
                    "name",
                    _("Cette initiative est déjà dans l'annuaire (ou en cours de relecture)."),
                )
        return data

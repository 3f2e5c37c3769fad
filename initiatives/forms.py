"""Forms for staff (admin) and the public suggestion page (shared checks: checks.py)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from essmap.text import normalize
from intercos.models import Commune

from . import hours, moderation
from .checks import (
    http_url,
    linkable_choices,
    location_errors,
    similar_initiatives,
    staff_intercos,
)
from .models import Initiative, KeyFigure, Theme
from .validators import validate_phone, validate_single_line

ADMIN_FIELDS = [
    "name", "summary", "description", "kind", "legal_form", "themes", "carried_by",
    "carried_by_interco", "siret", "rna", "address", "postcode", "commune", "latitude",
    "longitude", "coverage", "website", "email", "phone", "opening_hours", "founded_year",
    "employees", "status", "verified_at", "verified_by", "source", "article_note",
    "proposer_name", "proposer_email", "rejection_reason",
]  # fmt: skip


class HttpsURLField(forms.URLField):
    """An http(s) URL (no ftp:, javascript:…), https:// assumed when the scheme is left out."""

    default_validators = [http_url]

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
        if user is not None and not user.is_superuser:
            self._limit_querysets(user)
        if "status" in self.fields and user is not None:
            allowed = moderation.allowed_targets(user, self.instance)
            self.fields["status"].choices = [
                c for c in Initiative.Status.choices if c[0] in allowed
            ]

    def _limit_querysets(self, user):
        """The user's territory, plus what the record already has (kept as it is)."""
        for name, queryset in linkable_choices(user, self.instance).items():
            if name in self.fields:
                self.fields[name].queryset = queryset

    def clean_opening_hours(self):
        """French hours ("lundi-vendredi 9h-12h") are converted and shown back for a check:
        the form is not saved until the staff member sees the OpenStreetMap value."""
        value, converted = hours.to_osm(self.cleaned_data.get("opening_hours", ""))
        if converted:
            self.data = self.data.copy()
            self.data[self.add_prefix("opening_hours")] = value
            raise ValidationError(
                _(
                    "Horaires convertis au format OpenStreetMap : « %(value)s ». "
                    "Vérifiez-les, puis enregistrez de nouveau."
                ),
                code="opening_hours_converted",
                params={"value": value},
            )
        return value

    def clean(self):
        data = super().clean()
        commune = data.get("commune")
        errors = location_errors(
            commune=commune,
            postcode=data.get("postcode") or "",
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
        )
        for field, message in errors.items():
            if not self.has_error(field):
                self.add_error(field, message)
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
        mine = set(staff_intercos(user).values_list("pk", flat=True))
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
        commune = data.get("commune")
        intercos = {commune.interco_id} if commune is not None else set()
        intercos.update(ic.pk for ic in data.get("coverage") or ())
        errors = moderation.status_change_errors(
            by=self.current_user,
            initiative=self.instance,
            old=self.original_status,
            to=data.get("status"),
            intercos=intercos,
            reason=data.get("rejection_reason") or "",
        )
        for field, message in errors.items():
            self.add_error(field, message)


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

    name = forms.CharField(
        label=_("Nom de l'initiative"), max_length=200, validators=[validate_single_line]
    )
    summary = forms.CharField(
        label=_("En une phrase"),
        max_length=300,
        required=False,
        validators=[validate_single_line],
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
    address = forms.CharField(
        label=_("Adresse"), max_length=300, required=False, validators=[validate_single_line]
    )
    website = HttpsURLField(label=_("Site web"), required=False)
    email = forms.EmailField(label=_("Courriel de l'initiative"), required=False)
    phone = forms.CharField(
        label=_("Téléphone de l'initiative"),
        max_length=30,
        required=False,
        validators=[validate_single_line],
    )
    proposer_name = forms.CharField(
        label=_("Votre nom"),
        max_length=200,
        validators=[validate_single_line],
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

"""Forms for staff (admin) and the public suggestion page (shared checks: checks.py)."""

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from simple_history.models import to_historic

from essmap.text import normalize
from essmap.typography import elide_in
from intercos.models import Commune

from . import hours, rules
from .checks import http_url, linkable_choices, similar_initiatives
from .models import Initiative, KeyFigure, Theme
from .validators import validate_phone, validate_single_line

ADMIN_FIELDS = [
    "name", "summary", "description", "kind", "legal_form", "themes", "carried_by",
    "carried_by_interco", "siret", "rna", "address", "postcode", "commune", "latitude",
    "longitude", "coverage", "website", "email", "phone", "opening_hours", "audience",
    "access_conditions", "founded_year", "employees", "status", "source", "article_note",
    "proposer_name", "proposer_email", "rejection_reason",
]  # fmt: skip
# Not in the form: `verified_at`/`verified_by` are written by a publication or "Toujours
# exact" only (rules.verification_refusals); the admin shows them read-only.


class HttpsURLField(forms.URLField):
    """An http(s) URL (no ftp:, javascript:…), https:// assumed when the scheme is left out."""

    default_validators = [http_url]

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


# --- the admin form ---------------------------------------------------------------------


class InitiativeAdminForm(forms.ModelForm):
    """Initiative form of the staff workspace, scoped to the user's territory.

    The admin sets `current_user` on the class it builds for each request. Every rule is
    `rules.py`'s, checked against the record as it is in the database now (also when the
    instance is a past version being restored); the form only shows the refusals. The
    hidden `version` is the record's `updated_at` when the form was opened: a save made
    after someone else's is refused with both values of each field (nothing is lost).
    """

    current_user = None

    ignore_duplicate = forms.BooleanField(
        label=_("Enregistrer malgré un nom proche dans la même commune"), required=False
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Initiative
        fields = ADMIN_FIELDS
        field_classes = {"website": HttpsURLField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.current_user
        in_transaction = transaction.get_connection().in_atomic_block
        self.current = rules.current_record(self.instance.pk, lock=self.is_bound and in_transaction)
        self.instance.admin_form = self  # for its inlines' version check (VersionedInlineFormSet)
        past = to_historic(self.instance)  # a past version being restored
        if not self.is_bound:
            if past is not None:
                self.initial["themes"] = [row.theme_id for row in past.themes.all()]
                self.initial["coverage"] = [row.interco_id for row in past.coverage.all()]
            if self.current is not None:
                self.initial["version"] = self.current.updated_at.isoformat()
        if user is not None and not user.is_superuser:
            for name, queryset in linkable_choices(user, self.current).items():
                if name in self.fields:
                    self.fields[name].queryset = queryset
        if "status" in self.fields and user is not None:
            allowed = rules.allowed_targets(user, self.current)
            if self.instance.pk:
                allowed.add(self.instance.status)  # shown as it is; the rules decide
            self.fields["status"].choices = [
                c for c in Initiative.Status.choices if c[0] in allowed
            ]

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
        values = {name: data[name] for name in ADMIN_FIELDS if name in data}
        if self._check_version(data, values):
            for refusal in rules.write_errors(
                by=self.current_user, current=self.current, values=values
            ):
                field = refusal.field if refusal.field in self.fields else None
                if field is None or not self.has_error(field):
                    self.add_error(field, refusal.message)
        commune = data.get("commune")
        name = data.get("name")
        if name and commune and not data.get("ignore_duplicate"):
            similar = similar_initiatives(name, commune, exclude_pk=self.instance.pk)
            if similar:
                message = _(
                    "Une initiative au nom proche existe déjà à %(commune)s : %(names)s. "
                    "Vérifiez qu'il ne s'agit pas d'un doublon, puis cochez « Enregistrer "
                    "malgré un nom proche » pour confirmer."
                ) % {"commune": commune.name, "names": ", ".join(o.name for o in similar)}
                self.add_error("name", elide_in(message, commune.name))
        return data

    @property
    def opened_version(self) -> datetime | None:
        """The `updated_at` the record had when the form was opened (None: not sent)."""
        try:
            return datetime.fromisoformat(self.data.get("version") or "")
        except ValueError:
            return None

    def _check_version(self, data, values) -> bool:
        """False (and the conflict shown) when the record changed since it was opened."""
        try:
            rules.check_version(self.current, self.opened_version, values)
        except rules.StaleWrite as conflict:
            self.add_error(None, forms.ValidationError(conflict_lines(conflict), code="stale"))
            self.keep_mine()
            return False
        return True

    def keep_mine(self) -> None:
        """After a conflict: saving again keeps the user's values over the other one's,
        knowingly (the form now carries the record's current version)."""
        self.data = self.data.copy()
        self.data["version"] = self.current.updated_at.isoformat()


def conflict_lines(conflict: rules.StaleWrite) -> list[str]:
    lines = [conflict.message, str(_("Vérifiez, puis enregistrez à nouveau."))]
    return lines + [
        _("%(field)s — sa valeur : « %(theirs)s » ; la vôtre : « %(yours)s ».")
        % {"field": d.label, "theirs": d.theirs, "yours": d.yours}
        for d in conflict.differences
    ]


class VersionedInlineFormSet(forms.BaseInlineFormSet):
    """The initiative form's inlines: rows changed from an older version of the record
    than its current one are refused like its fields (rules.check_related_version), with
    the same conflict message; nothing is lost, saving again keeps the user's rows."""

    def clean(self):
        super().clean()
        form = getattr(self.instance, "admin_form", None)
        if form is None or form.current is None:
            return
        yours = [
            str(row.instance) or str(row.instance._meta.verbose_name)
            for row in self.forms
            if row.has_changed()
        ]
        label = str(self.model._meta.verbose_name_plural)
        try:
            rules.check_related_version(
                form.current, form.opened_version, label, self.get_queryset(), yours
            )
        except rules.StaleWrite as conflict:
            form.keep_mine()
            raise forms.ValidationError(conflict_lines(conflict), code="stale") from None


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
    """The communes of the loaded intercos, in French alphabetical order (accents ignored:
    "Étoile-sur-Rhône" under E), without their contours. Rendered through `cached_widget`
    (one rendering per data generation) and made searchable by commune_picker.js."""

    def label_from_instance(self, obj):
        postcodes = ", ".join(obj.postcode_list[:2])
        return f"{obj.name} ({postcodes})" if postcodes else obj.name


def commune_choices():
    """The picker's queryset: `search_name` is the accent-free key (essmap.text.normalize),
    so the database sorts the same way on SQLite and PostgreSQL."""
    return (
        Commune.objects.filter(interco__isnull=False)
        .only("insee", "name", "search_name", "postcodes", "interco_id", "departement_id")
        .order_by("search_name", "name", "insee")
    )


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
        queryset=commune_choices(),
        empty_label=_("— choisir —"),
        widget=forms.Select(attrs={"data-picker": "commune"}),
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

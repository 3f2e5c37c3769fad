"""Public forms of the claims app (honeypot like the suggestion form) and the manager's form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from initiatives import hours
from initiatives.forms import HttpsURLField
from initiatives.validators import validate_phone, validate_single_line, validate_siret

NAME_FIELDS = ("name", "email", "role")


class HoneypotForm(forms.Form):
    # Hidden from people (and assistive technologies), filled by naive bots.
    homepage = forms.CharField(label=_("Ne pas remplir ce champ"), required=False)

    def is_bot(self) -> bool:
        return bool(self.data.get("homepage"))


class ClaimForm(HoneypotForm):
    name = forms.CharField(
        label=_("Votre nom"),
        max_length=200,
        validators=[validate_single_line],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Votre courriel"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_(
            "De préférence l'adresse de la structure : si elle est du même domaine que son "
            "site web, l'accès est immédiat. Elle n'est jamais affichée."
        ),
    )
    role = forms.CharField(
        label=_("Votre fonction dans la structure"),
        max_length=200,
        validators=[validate_single_line],
        help_text=_("Par exemple : coordinatrice, président, salarié chargé de l'accueil."),
    )


class SignInForm(HoneypotForm):
    email = forms.EmailField(
        label=_("Votre courriel"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class ManagerEditForm(forms.Form):
    """What a manager may change; the write rules decide what is published or queued."""

    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    email = forms.EmailField(label=_("Courriel de contact"), required=False)
    phone = forms.CharField(
        label=_("Téléphone"), max_length=30, required=False, validators=[validate_single_line]
    )
    website = HttpsURLField(label=_("Site web"), required=False)
    opening_hours = forms.CharField(
        label=_("Horaires"),
        max_length=255,
        required=False,
        help_text=_("Par exemple : « lundi-vendredi 9h-12h 14h-18h ; samedi 9h-12h »."),
    )
    audience = forms.CharField(
        label=_("Public accueilli"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    access_conditions = forms.CharField(
        label=_("Conditions d'accès"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    name = forms.CharField(label=_("Nom"), max_length=200, validators=[validate_single_line])
    siret = forms.CharField(
        label=_("SIRET"), max_length=14, required=False, validators=[validate_siret]
    )
    address = forms.CharField(
        label=_("Adresse"), max_length=300, required=False, validators=[validate_single_line]
    )
    postcode = forms.CharField(label=_("Code postal"), max_length=5, required=False)
    version = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    PUBLISHED = ("description", "email", "phone", "website", "opening_hours", "audience",
                 "access_conditions")  # fmt: skip
    QUEUED = ("name", "siret", "address", "postcode")

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "").strip()
        validate_phone(value)
        return value

    def clean_opening_hours(self):
        """French hours are converted with the site's parser (as the import does)."""
        try:
            value, _converted = hours.to_osm(self.cleaned_data.get("opening_hours", ""))
        except ValidationError:
            raise ValidationError(
                _("Horaires illisibles : écrivez par exemple « lundi-vendredi 9h-12h 14h-18h ».")
            ) from None
        return value

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.PUBLISHED + self.QUEUED}

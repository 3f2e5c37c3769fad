"""The public alert form (no account): an address, a frequency, a honeypot."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AlertSubscription, ChangeReport


class AlertForm(forms.Form):
    email = forms.EmailField(
        label=_("Votre courriel"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Utilisé seulement pour ces alertes ; jamais affiché ni transmis."),
    )
    frequency = forms.ChoiceField(
        label=_("Fréquence"),
        choices=AlertSubscription.Frequency.choices,
        initial=AlertSubscription.Frequency.WEEKLY,
        widget=forms.RadioSelect,
    )
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)
    # Honeypot: hidden from people (and assistive technologies), filled by naive bots.
    homepage = forms.CharField(label=_("Ne pas remplir ce champ"), required=False)

    def is_bot(self) -> bool:
        return bool(self.data.get("homepage"))


class ReportForm(forms.Form):
    """ "Signaler une erreur": which field, what is wrong, the right value, an optional address."""

    # SIRET is proposed only by a structure's own managers (initiatives/claims).
    field = forms.ChoiceField(
        label=_("Quelle information ?"),
        choices=[c for c in ChangeReport.Field.choices if c[0] != ChangeReport.Field.SIRET],
    )
    message = forms.CharField(
        label=_("Qu'est-ce qui ne va pas ?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    proposed_value = forms.CharField(
        label=_("La bonne information, si vous la connaissez"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    email = forms.EmailField(
        label=_("Votre courriel (facultatif)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_(
            "Pour vous dire ce que nous en avons fait ; jamais affiché, effacé avec le signalement."
        ),
    )
    # Honeypot, as on the suggestion form.
    homepage = forms.CharField(label=_("Ne pas remplir ce champ"), required=False)

    def is_bot(self) -> bool:
        return bool(self.data.get("homepage"))

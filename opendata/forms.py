"""The public alert form (no account): an address, a frequency, a honeypot."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AlertSubscription


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

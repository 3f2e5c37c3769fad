"""The admin page « Ajouter un membre de l'équipe » (intercos.services.staff_member_add)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Interco, IntercoMembership
from .selectors import intercos_moderated_by


class StaffMemberForm(forms.Form):
    name = forms.CharField(label=_("Prénom et nom"), max_length=300)
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        help_text=_(
            "Le lien pour choisir son mot de passe y est envoyé ; les modérateur·rices y "
            "reçoivent les propositions à relire."
        ),
    )
    intercos = forms.ModelMultipleChoiceField(
        label=_("Intercommunalité(s)"), queryset=Interco.objects.none()
    )
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=IntercoMembership.Role.choices,
        initial=IntercoMembership.Role.EDITOR,
        help_text=_(
            "Éditeur·rice : rédige et propose. Modérateur·rice : publie, archive, relit les "
            "propositions et ajoute des membres à son équipe."
        ),
    )
    send_link = forms.BooleanField(
        label=_("Renvoyer un lien pour choisir le mot de passe"),
        required=False,
        help_text=_("Un nouveau compte le reçoit toujours ; un compte existant, si coché."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intercos"].queryset = intercos_moderated_by(user).order_by("name")

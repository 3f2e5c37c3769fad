"""The admin login form: says why a login is refused, but only to whoever knows the password.

A wrong password, an unknown username, a locked-out username + address pair or an address
over its ceiling of failed logins (essmap/login_guard.py) get Django's usual generic message,
so that strangers learn nothing about which accounts exist. When the password is right, the
refusal names its cause: inactive account, no staff status, no interco membership, and
says what to ask for. Failed logins are counted exactly as before (django-axes, login_guard):
the password of an inactive account is only checked after `authenticate` failed, and that
failure was already counted.
"""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from essmap.admin_scoping import is_staff_member
from essmap.login_guard import address_refused

HOW_TO = _(
    "Un·e administrateur·rice du site, ou un·e modérateur·rice de votre interco, peut vous "
    "ajouter comme membre de l'équipe (page « Ajouter un membre de l'équipe », ou commande "
    "manage.py add_staff)."
)
REACTIVATE = _("Demandez à un·e administrateur·rice du site de le réactiver.")


class StaffAuthenticationForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "inactive": _("Mot de passe correct, mais ce compte est désactivé."),
        "not_staff": _(
            "Mot de passe correct, mais ce compte n'a pas le statut équipe : il n'ouvre pas "
            "l'espace des intercommunalités."
        ),
        "no_interco": _(
            "Mot de passe correct, mais ce compte n'est rattaché à aucune intercommunalité."
        ),
    }

    def clean(self):
        try:
            return super().clean()
        except ValidationError as error:
            if error.code == "invalid_login" and self.user_cache is None:
                self._explain_refusal()
            raise

    def confirm_login_allowed(self, user):
        if not user.is_active:
            self._refuse("inactive")
        if not user.is_staff:
            self._refuse("not_staff")
        if not is_staff_member(user):
            self._refuse("no_interco")

    def _refuse(self, code: str):
        advice = REACTIVATE if code == "inactive" else HOW_TO
        raise ValidationError(f"{self.error_messages[code]} {advice}", code=code)

    def _explain_refusal(self) -> None:
        """After a failed `authenticate`: explain only a right password on an inactive account."""
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not (username and password) or self.request is None:
            return
        if getattr(self.request, "axes_locked_out", False) or address_refused(self.request):
            return
        if not AxesProxyHandler.is_allowed(self.request, {"username": username}):
            return
        model = get_user_model()
        try:
            user = model._default_manager.get_by_natural_key(username)
        except model.DoesNotExist:
            model().set_password(password)  # the same time as for an existing account
            return
        if user.check_password(password) and not user.is_active:
            self._refuse("inactive")

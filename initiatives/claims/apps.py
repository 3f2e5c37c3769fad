from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    """A structure keeps its own record: claims, managers, sign-in links, reminders."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "initiatives.claims"
    label = "claims"
    verbose_name = _("Gestion des fiches par les structures")

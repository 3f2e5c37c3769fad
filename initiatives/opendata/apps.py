from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """Open data files, the data·inclusion export, feeds and e-mail alerts."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "initiatives.opendata"
    label = "opendata"
    verbose_name = _("Données ouvertes, alertes et signalements")

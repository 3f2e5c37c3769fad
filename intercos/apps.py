from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntercosConfig(AppConfig):
    name = "intercos"
    verbose_name = _("Territoires")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)

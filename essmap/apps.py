from importlib import import_module

from django.apps import AppConfig, apps
from django.contrib.admin.apps import SimpleAdminConfig
from django.utils.module_loading import module_has_submodule

# django-leaflet's admin module imports GeoDjango (and so GDAL); this project uses only
# its assets, settings and template tags, so its admin module is never imported.
ADMIN_DISCOVERY_SKIPS = {"leaflet"}


class EssmapConfig(AppConfig):
    name = "essmap"
    verbose_name = "essmap"

    def ready(self):
        from django.contrib.auth.signals import user_login_failed

        from .login_guard import login_failed

        user_login_failed.connect(login_failed, dispatch_uid="essmap.login_guard")


class EssmapAdminConfig(SimpleAdminConfig):
    """Django's admin with autodiscovery that skips the apps above."""

    def ready(self):
        super().ready()
        for app_config in apps.get_app_configs():
            if app_config.name in ADMIN_DISCOVERY_SKIPS:
                continue
            if module_has_submodule(app_config.module, "admin"):
                import_module(f"{app_config.name}.admin")

"""The interco staff workspace: Django admin scoped to each account's territory."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import initiative, registers, related  # noqa: F401  (registers the model admins)

admin.site.site_header = _("essmap · espace des intercommunalités")
admin.site.site_title = _("Administration d’essmap")
admin.site.index_title = _("Annuaire de l'ESS : vos fiches, vos propositions à relire")

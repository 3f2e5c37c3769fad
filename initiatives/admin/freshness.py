"""Freshness in the staff workspace: the "not verified for 12 months" filter, "Toujours exact".

Both use the one rule (managers.stale_cutoff / `Initiative.objects.stale()`) and the one
write (services.confirm_accurate, decided by rules.confirm_refusals), like the monthly
digest to moderators.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from initiatives import services
from initiatives.models import Initiative


class FreshnessFilter(admin.SimpleListFilter):
    title = _("fraîcheur")
    parameter_name = "fraicheur"

    def lookups(self, request, model_admin):
        return (("stale", _("non vérifiée depuis 12 mois")), ("fresh", _("vérifiée cette année")))

    def queryset(self, request, queryset):
        if self.value() == "stale":
            return queryset.published().stale()
        if self.value() == "fresh":
            return queryset.exclude(pk__in=queryset.stale().values("pk"))
        return queryset


class ManagedFilter(admin.SimpleListFilter):
    """Records whose structure keeps them itself (at least one manager), or not (issue 20)."""

    title = _("gestion par la structure")
    parameter_name = "gestion"

    def lookups(self, request, model_admin):
        return (("with", _("avec gestionnaire")), ("without", _("sans gestionnaire")))

    def queryset(self, request, queryset):
        if self.value() == "with":
            return queryset.filter(managers__isnull=False).distinct()
        if self.value() == "without":
            return queryset.filter(managers__isnull=True)
        return queryset


def _errors(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(exc) or str(_("Action non autorisée."))


def confirm_view(model_admin, request, object_id):
    """The change form's one-click "Toujours exact" button (POST)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    initiative = model_admin.get_object(request, object_id)  # 404 outside the territory
    try:
        services.confirm_accurate(initiative=initiative, by=request.user)
    except (ValidationError, PermissionDenied, Initiative.DoesNotExist) as exc:
        model_admin.message_user(request, _errors(exc), messages.ERROR)
    else:
        model_admin.message_user(
            request, _("Fiche confirmée : vérifiée aujourd'hui."), messages.SUCCESS
        )
    return HttpResponseRedirect(
        reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    )

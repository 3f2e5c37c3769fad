"""Staff workspace: "Demandes de gestion" (accept/refuse in one click) and the managers.

Both lists are scoped to the moderator's territory. Removing a manager deletes their row
(their address with it); adding one here invites them without a claim.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from essmap.admin_decisions import OneClickDecisionsMixin
from essmap.admin_scoping import ScopedAdminMixin
from initiatives import rules
from initiatives.staff_scope import initiatives_for_user

from . import services
from .models import ManagerClaim, RecordManager


@admin.register(ManagerClaim)
class ManagerClaimAdmin(OneClickDecisionsMixin, ScopedAdminMixin, admin.ModelAdmin):
    decision_kwarg = "claim"
    decided_message = _("%(n)d demande(s) traitée(s).")
    list_display = ("initiative", "name", "role", "email", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("initiative",)
    search_fields = ("initiative__name", "name", "email")
    change_form_template = "admin/claims/managerclaim/change_form.html"
    fields = ("initiative", "name", "role", "email", "status", "by_domain", "created_at",
              "confirmed_at", "decided_at", "decided_by")  # fmt: skip
    readonly_fields = fields

    def scope_queryset(self, request, queryset):
        return queryset.filter(initiative__in=initiatives_for_user(request.user).values("pk"))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_decide"] = (
            obj is not None
            and obj.status == ManagerClaim.Status.PENDING
            and services.can_decide(request.user, obj)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def accept_view(self, request, object_id):
        return self._decide(request, object_id, services.claim_accept,
                            _("Demande acceptée : la personne est prévenue."))  # fmt: skip

    def refuse_view(self, request, object_id):
        return self._decide(request, object_id, services.claim_refuse,
                            _("Demande refusée : la personne est prévenue."))  # fmt: skip

    @admin.action(description=_("Accepter les demandes choisies"))
    def accept_selected(self, request, queryset):
        self._many(request, queryset, services.claim_accept)

    @admin.action(description=_("Refuser les demandes choisies"))
    def refuse_selected(self, request, queryset):
        self._many(request, queryset, services.claim_refuse)


@admin.register(RecordManager)
class RecordManagerAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("initiative", "name", "role", "email", "granted_at", "last_signed_in_at")
    list_select_related = ("initiative",)
    search_fields = ("initiative__name", "name", "email")
    autocomplete_fields = ()
    readonly_fields = ("granted_at", "confirmed_at", "granted_by", "last_signed_in_at")

    def scope_queryset(self, request, queryset):
        return queryset.filter(initiative__in=initiatives_for_user(request.user).values("pk"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "initiative" and not request.user.is_superuser:
            kwargs["queryset"] = initiatives_for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return rules.can_moderate(request.user)

    def has_change_permission(self, request, obj=None):
        return False  # a manager's own page changes their record; here: add or remove

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return rules.can_moderate(request.user)
        return self.in_scope(request, obj) and rules.can_moderate(request.user, obj.initiative)

    def save_model(self, request, obj, form, change):
        created = services.manager_add(
            initiative=obj.initiative, email=obj.email, name=obj.name, role=obj.role,
            by=request.user,
        )  # fmt: skip
        obj.pk = created.pk

    def delete_model(self, request, obj):
        services.manager_remove(manager=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for manager in queryset:
            services.manager_remove(manager=manager, by=request.user)

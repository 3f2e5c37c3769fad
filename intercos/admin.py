"""Territories in the admin: read-only reference data for staff; memberships for superusers.

Staff accounts cannot attach themselves to another interco: memberships are edited by
superusers only (here and on the user page).
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import models

from essmap.admin_scoping import ReadOnlyForStaffMixin, SuperuserOnlyMixin

from .models import Commune, Departement, Interco, IntercoMembership, IntercoPredecessor


def _has_contour(obj) -> bool:
    return bool(obj.contour)


class PredecessorInline(ReadOnlyForStaffMixin, admin.TabularInline):
    model = IntercoPredecessor
    extra = 0


@admin.register(Departement)
class DepartementAdmin(ReadOnlyForStaffMixin, admin.ModelAdmin):
    list_display = ("code", "name", "region_code", "has_contour")
    search_fields = ("code", "name")
    exclude = ("contour",)

    @admin.display(boolean=True, description="contour")
    def has_contour(self, obj):
        return _has_contour(obj)


@admin.register(Interco)
class IntercoAdmin(ReadOnlyForStaffMixin, admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "kind", "siren", "population", "has_contour")
    list_filter = ("kind", "departements")
    search_fields = ("name", "siren", "slug")
    exclude = ("contour",)
    raw_id_fields = ("seat",)
    readonly_fields = ("updated_at",)
    inlines = (PredecessorInline,)

    @admin.display(boolean=True, description="contour")
    def has_contour(self, obj):
        return _has_contour(obj)


@admin.register(Commune)
class CommuneAdmin(ReadOnlyForStaffMixin, admin.ModelAdmin):
    list_display = ("name", "insee", "postcodes", "departement", "interco", "population")
    list_filter = ("departement",)
    list_select_related = ("departement", "interco")
    search_fields = ("name", "search_name", "insee", "postcodes")
    exclude = ("contour",)
    raw_id_fields = ("interco",)


@admin.register(IntercoMembership)
class IntercoMembershipAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    list_display = ("user", "interco", "role")
    list_filter = ("role", "interco")
    list_select_related = ("user", "interco")
    search_fields = ("user__username", "user__email", "interco__name")
    raw_id_fields = ("user",)


class MembershipInline(SuperuserOnlyMixin, admin.TabularInline):
    model = IntercoMembership
    extra = 0


User = get_user_model()


class StaffUserAdmin(UserAdmin):
    """Django's user admin, plus the interco memberships (editable by superusers only)."""

    inlines = (*UserAdmin.inlines, MembershipInline)


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)

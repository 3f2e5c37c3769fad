"""Partnerships, key figures, themes and sources in the staff workspace."""

from django.contrib import admin
from django.db import models
from django.db.models import Q
from django.http import Http404

from essmap.admin_scoping import (
    ReadOnlyForStaffMixin,
    ScopedAdminMixin,
    ScopedChoicesMixin,
    is_member,
)
from initiatives import services
from initiatives.checks import linkable_initiatives, staff_intercos
from initiatives.forms import KeyFigureAdminForm
from initiatives.models import Initiative, KeyFigure, Partnership, Source, Theme
from initiatives.staff_scope import initiatives_for_user

from .history import HistoryAdmin


def _mine(user):
    return Initiative.objects.filter(pk__in=initiatives_for_user(user).values("pk"))


class InitiativeRelatedAdmin(ScopedChoicesMixin, ScopedAdminMixin, HistoryAdmin):
    """Partnerships and key figures on their own pages: each write (change, add, delete,
    restore) goes through services.related_write, as an inline change does: the records
    it hangs from (before and after) must be the author's, and a published one changed by
    an editor is live at once with its moderators told."""

    def _initiative_ids(self, obj) -> set:
        ids = {obj.initiative_id}
        if obj.pk is not None:
            ids |= set(type(obj).objects.filter(pk=obj.pk).values_list("initiative_id", flat=True))
        return ids

    def _related_write(self, request, ids, write):
        try:
            services.related_write(by=request.user, initiative_ids=ids, write=write)
        except Initiative.DoesNotExist:
            raise Http404 from None

    def save_model(self, request, obj, form, change):
        def write():
            obj._history_user = request.user
            obj.save()
            return [services.related_item(obj, "changed" if change else "added")]

        self._related_write(request, self._initiative_ids(obj), write)

    def delete_model(self, request, obj):
        self.delete_queryset(request, type(obj).objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        objects = list(queryset)
        ids = {pk for obj in objects for pk in self._initiative_ids(obj)}

        def write():
            items = []
            for obj in objects:
                items.append(services.related_item(obj, "deleted"))
                obj._history_user = request.user
                obj.delete()
            return items

        self._related_write(request, ids, write)


@admin.register(Partnership)
class PartnershipAdmin(InitiativeRelatedAdmin):
    list_display = ("initiative", "kind", "partner_interco", "partner_initiative", "start_year")
    list_filter = ("kind",)
    list_select_related = ("initiative", "partner_interco", "partner_initiative")
    search_fields = ("initiative__name", "partner_interco__name", "partner_initiative__name")
    raw_id_fields = ("initiative", "partner_initiative")
    scoped_choices = {"initiative": _mine, "partner_initiative": linkable_initiatives}

    def scope_queryset(self, request, queryset):
        return queryset.filter(initiative__in=initiatives_for_user(request.user).values("pk"))


@admin.register(KeyFigure)
class KeyFigureAdmin(InitiativeRelatedAdmin):
    form = KeyFigureAdminForm
    list_display = ("label", "value", "unit", "year", "initiative", "interco", "departement")
    list_select_related = ("initiative", "interco", "departement")
    search_fields = ("label", "initiative__name", "interco__name")
    raw_id_fields = ("initiative",)
    scoped_choices = {"initiative": _mine, "interco": staff_intercos}

    def scope_queryset(self, request, queryset):
        user = request.user
        return queryset.filter(
            Q(initiative__in=initiatives_for_user(user).values("pk"))
            | Q(interco__in=staff_intercos(user).values("pk"))
        )

    def get_exclude(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_exclude(request, obj)
        return ("departement",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.current_user = request.user
        return form


@admin.register(Theme)
class ThemeAdmin(ReadOnlyForStaffMixin, admin.ModelAdmin):
    list_display = ("name", "name_en", "slug", "icon", "colour", "position")
    list_editable = ("position",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Source)
class SourceAdmin(ReadOnlyForStaffMixin, admin.ModelAdmin):
    """Sources are shared: staff may add one (to cite it), only superusers edit them."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    list_display = ("title", "publisher", "year", "date")
    search_fields = ("title", "publisher")
    raw_id_fields = ("cited_in",)

    def has_add_permission(self, request, *args):
        return is_member(request)

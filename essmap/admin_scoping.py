"""Territory scoping shared by every model admin of the staff workspace (both apps).

Each scoped admin says which rows a staff account may see (`scope_queryset`: for
initiatives, what `initiatives.selectors.initiatives_for_user` allows, its intercos'
territory); superusers see everything. Another territory's record by URL is a 404, never the
form. Shared reference data (territories) is read-only for staff. Knows no app's models.
"""

from django.contrib import admin
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ValidationError
from django.http import Http404

from essmap.cache import data_changed


def is_staff_member(user) -> bool:
    """Active staff attached to at least one interco, or an active staff superuser.

    The first half of who may write (`initiatives.rules.can_write`): admin and API alike.
    """
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or user.interco_memberships.exists()


def is_member(request) -> bool:
    return is_staff_member(request.user)


class PublicDataAdminMixin:
    """Every admin write to public data invalidates the shared read cache (after commit)."""

    # No "view on site" link: a draft's public page is a 404 (get_absolute_url is public).
    view_on_site = False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        data_changed()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        data_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        data_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        data_changed()


class ScopedAdminMixin(PublicDataAdminMixin):
    """Membership gives the permissions; `scope_queryset` limits the rows."""

    def scope_queryset(self, request, queryset):
        raise NotImplementedError

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return self.scope_queryset(request, queryset)

    def in_scope(self, request, obj) -> bool:
        if obj is None or request.user.is_superuser:
            return True
        if obj.pk is None:
            return False
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        return is_member(request)

    def has_view_permission(self, request, obj=None):
        return is_member(request) and self.in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return is_member(request) and self.in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_member(request) and self.in_scope(request, obj)

    def has_add_permission(self, request):
        return is_member(request)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj


class ScopedRawIdWidget(ForeignKeyRawIdWidget):
    """Names the chosen record only when it is among the field's choices.

    Django's widget looks the id up in the whole table: typing another territory's id
    and submitting would show that draft's name next to the error.
    """

    def label_and_url_for_value(self, value):
        queryset = getattr(getattr(self, "choices", None), "queryset", None)
        if queryset is not None:
            key = self.rel.get_related_field().name
            try:
                if not queryset.filter(**{key: value}).exists():
                    return "", ""
            except (ValueError, ValidationError):
                return "", ""
        return super().label_and_url_for_value(value)


class ScopedChoicesMixin:
    """Staff pick related records among `scoped_choices[field](user)`; superusers among all.

    Raw-id fields name only records among those choices (ScopedRawIdWidget).
    """

    scoped_choices: dict = {}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        choices = self.scoped_choices.get(db_field.name)
        if choices is not None and not request.user.is_superuser:
            kwargs["queryset"] = choices(request.user)
        if db_field.name in self.raw_id_fields and "widget" not in kwargs:
            kwargs["widget"] = ScopedRawIdWidget(
                db_field.remote_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedInlineMixin:
    """Inline rows follow their parent initiative's permissions."""

    def _allowed(self, request, obj):
        if not is_member(request):
            return False
        parent_admin = self.admin_site._registry.get(self.parent_model)
        return parent_admin is None or parent_admin.in_scope(request, obj)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)


class ReadOnlyForStaffMixin(PublicDataAdminMixin):
    """Shared reference data: staff may read it, only superusers change it."""

    def has_module_permission(self, request):
        return is_member(request)

    def has_view_permission(self, request, obj=None):
        return is_member(request)

    def has_add_permission(self, request, *args):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class SuperuserOnlyMixin:
    def _superuser(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._superuser(request)

    def has_view_permission(self, request, obj=None):
        return self._superuser(request)

    def has_add_permission(self, request, *args):
        return self._superuser(request)

    def has_change_permission(self, request, obj=None):
        return self._superuser(request)

    def has_delete_permission(self, request, obj=None):
        return self._superuser(request)


def view_on_site(request, content_type_id, object_id):
    """The admin's `/admin/r/<ct>/<id>/` shortcut, scoped: a record the account may not see
    in the admin (another territory's, or of a model it has no page for) answers exactly
    as a missing one (404), instead of redirecting to it. Superusers: Django's view."""
    if not request.user.is_superuser:
        content_type = ContentType.objects.filter(pk=content_type_id).first()
        model_admin = admin.site._registry.get(content_type.model_class() if content_type else None)
        if model_admin is None or not model_admin.has_view_permission(request):
            raise Http404
        try:
            found = model_admin.get_queryset(request).filter(pk=object_id).exists()
        except (ValueError, ValidationError):
            found = False
        if not found:
            raise Http404
    return shortcut(request, content_type_id, object_id)

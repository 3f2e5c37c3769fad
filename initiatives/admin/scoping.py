"""Territory scoping shared by every model admin of the staff workspace.

A staff account sees what `initiatives_for_user` allows (its intercos' territory);
superusers see everything. Another territory's record by URL is a 404, never the form.
"""

from django.http import Http404


def is_member(request) -> bool:
    """Active staff attached to at least one interco, or a superuser."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    cached = getattr(request, "_essmap_is_member", None)
    if cached is None:
        cached = user.interco_memberships.exists()
        request._essmap_is_member = cached
    return cached


class ScopedAdminMixin:
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
        # Asked many times per page (object, inlines, buttons): once per request is enough.
        cache = request.__dict__.setdefault("_essmap_scope_cache", {})
        key = (self.model, obj.pk)
        if key not in cache:
            cache[key] = self.get_queryset(request).filter(pk=obj.pk).exists()
        return cache[key]

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


class ReadOnlyForStaffMixin:
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

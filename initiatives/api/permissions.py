"""Who may write through the API: `rules.can_write`, the predicate the admin uses too.

Reads are open to everyone. A token gives its owner the rights they have in the admin,
no more. Territory, link and status rules are the write authority's (`initiatives.rules`);
another territory's record is answered as a missing one (404) by the view's queryset.
"""

from rest_framework import permissions

from .. import rules


class CanWritePermission(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or rules.can_write(request.user)

    def has_object_permission(self, request, view, obj):
        return request.method in permissions.SAFE_METHODS or rules.can_write(request.user, obj)

"""Who may write through the API: exactly whom the Django admin lets write.

Reads are open to everyone. For writes the registered ModelAdmin of Initiative decides
(`has_add_permission`, `has_change_permission`), so a token gives its owner the rights
they have in the admin, no more; if the admin is not installed, Django's model
permissions (`add_initiative`, `change_initiative`) apply. Territory and status rules
are enforced by the views with the shared selectors and `initiatives.moderation`.
"""

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from rest_framework import permissions

from ..models import Initiative


def initiative_admin():
    try:
        return admin.site.get_model_admin(Initiative)
    except NotRegistered:
        return None


class AdminEquivalentPermission(permissions.BasePermission):
    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        user = request.user
        if not (user and user.is_authenticated and user.is_active and user.is_staff):
            return False
        model_admin = initiative_admin()
        adding = request.method == "POST"
        if model_admin is None:
            return user.has_perm(f"initiatives.{'add' if adding else 'change'}_initiative")
        if adding:
            return model_admin.has_add_permission(request)
        return model_admin.has_change_permission(request)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        model_admin = initiative_admin()
        if model_admin is None:
            return True  # the view's queryset already limits objects to the territory
        return model_admin.has_change_permission(request, obj)

"""Territories in the admin: read-only reference data for staff; memberships for superusers.

Staff accounts cannot attach themselves to another interco: memberships are edited by
superusers only (here and on the user page). « Ajouter un membre de l'équipe » (the interco
list and page, the user list) is open to superusers, and to moderators for the intercos they
moderate (`intercos.services.staff_member_add`). Moderators without an e-mail address, who
are never told of anything, are flagged on the interco page and the user list.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from essmap.admin_scoping import ReadOnlyForStaffMixin, SuperuserOnlyMixin

from . import selectors, services
from .forms import StaffMemberForm
from .models import Commune, Departement, Interco, IntercoMembership, IntercoPredecessor
from .staff_login import StaffAuthenticationForm

# The login page says why a right password is refused (intercos/staff_login.py).
admin.site.login_form = StaffAuthenticationForm


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

    @admin.display(description=gettext_lazy("équipe"))
    def team(self, obj):
        rows = [
            (
                m.user.get_full_name() or m.user.get_username(),
                m.get_role_display(),
                m.user.email or _("⚠ pas d'adresse e-mail : n'est prévenu·e de rien"),
            )
            for m in selectors.interco_team(obj)
        ]
        if not rows:
            return _("aucun membre")
        return format_html_join(mark_safe("<br>"), "{} ({}) — {}", rows)  # noqa: S308

    def get_readonly_fields(self, request, obj=None):
        # The team (names, addresses) is shown to the interco's own staff and to superusers.
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, "team") if obj and _sees_team(request, obj.pk) else fields

    def get_urls(self):
        view = self.admin_site.admin_view(self.staff_add_view)
        return [path("equipe/ajouter/", view, name="intercos_staff_add"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra = {"can_add_staff": selectors.intercos_moderated_by(request.user).exists()}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and _sees_team(request, object_id):
            _warn_moderators_without_email(request, interco_ids=[object_id])
        can_add = selectors.intercos_moderated_by(request.user).filter(pk=object_id).exists()
        extra = {"can_add_staff": can_add}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def staff_add_view(self, request):
        """« Ajouter un membre de l'équipe »: superusers, and moderators for their intercos."""
        if not selectors.intercos_moderated_by(request.user).exists():
            raise PermissionDenied
        form = StaffMemberForm(
            request.POST or None,
            user=request.user,
            initial={"intercos": request.GET.getlist("interco")},
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                result = services.staff_member_add(
                    by=request.user,
                    email=data["email"],
                    intercos=list(data["intercos"]),
                    role=data["role"],
                    name=data["name"],
                    send_link=data["send_link"],
                    site_url=request.build_absolute_uri("/"),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, _staff_added_message(result), messages.SUCCESS)
                return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "title": _("Ajouter un membre de l'équipe"),
            "form": form,
        }
        return TemplateResponse(request, "admin/intercos/interco/staff_add.html", context)


def _sees_team(request, interco_pk) -> bool:
    user = request.user
    return user.is_superuser or user.interco_memberships.filter(interco_id=interco_pk).exists()


def _staff_added_message(result) -> str:
    who = result.user.email or result.user.get_username()
    if result.changes:
        text = _("Membre de l'équipe %(who)s : %(changes)s.") % {
            "who": who,
            "changes": ", ".join(result.changes),
        }
    else:
        text = _("Membre de l'équipe %(who)s : déjà ainsi, rien n'a changé.") % {"who": who}
    if result.link:
        text += " " + _(
            "Un lien pour choisir son mot de passe lui a été envoyé par e-mail (il ne sert "
            "qu'une fois)."
        )
    return text


def _warn_moderators_without_email(request, interco_ids=None) -> None:
    missing = list(selectors.moderators_without_email(interco_ids))
    if missing:
        names = ", ".join(f"{m.user.get_username()} ({m.interco})" for m in missing)
        messages.warning(
            request,
            _(
                "Modérateur·rices sans adresse e-mail, qui ne reçoivent ni les propositions à "
                "relire ni les modifications de fiches : %(names)s. Ajoutez leur adresse."
            )
            % {"names": names},
        )


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


class UserAddForm(AdminUserCreationForm):
    """Django's add-user form with a required e-mail address (moderators are told by e-mail)."""

    email = forms.EmailField(label=gettext_lazy("Adresse e-mail"))

    class Meta(AdminUserCreationForm.Meta):
        fields = ("username", "email")


class StaffUserAdmin(UserAdmin):
    """Django's user admin, plus the interco memberships (editable by superusers only).

    The list flags accounts that cannot work (no staff status, no interco, inactive) or
    moderators who are never told (no e-mail).
    """

    inlines = (*UserAdmin.inlines, MembershipInline)
    add_form = UserAddForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "usable_password", "password1", "password2"),
                "description": gettext_lazy(
                    "Pour un membre d'une équipe d'interco, préférez « Ajouter un membre de "
                    "l'équipe » (liste des intercommunalités) : statut équipe, rattachement et "
                    "lien pour choisir le mot de passe en une fois."
                ),
            },
        ),
    )
    list_display = (*UserAdmin.list_display, "access_problems")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("interco_memberships")

    @admin.display(description=gettext_lazy("à corriger"))
    def access_problems(self, obj):
        problems = selectors.staff_access_problems(obj)
        return format_html("⚠ {}", ", ".join(problems)) if problems else ""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        user = self.get_object(request, object_id) if request.method == "GET" else None
        problems = selectors.staff_access_problems(user) if user else []
        if problems and self.has_view_permission(request, user):
            messages.warning(
                request,
                _("Ce compte ne peut pas travailler dans l'espace des intercos : %(problems)s.")
                % {"problems": ", ".join(problems)},
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        if self.has_view_permission(request):
            _warn_moderators_without_email(request)
        extra = {"staff_add_url": reverse("admin:intercos_staff_add")}
        return super().changelist_view(request, {**(extra_context or {}), **extra})


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)

"""Staff workspace: error reports in the territory's moderation queue (accept/refuse in one click).

Alert subscriptions are not in the admin: the addresses are used for the alerts only.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from essmap.admin_decisions import OneClickDecisionsMixin
from essmap.admin_scoping import ScopedAdminMixin
from initiatives import rules
from initiatives.staff_scope import initiatives_for_user

from . import corrections
from .models import ChangeReport

MESSAGE_EXCERPT = 120  # characters of the citizen's message in the list
DIFF_EXCERPT = 120  # of the current and proposed values in the list's diff


@admin.register(ChangeReport)
class ChangeReportAdmin(OneClickDecisionsMixin, ScopedAdminMixin, admin.ModelAdmin):
    decision_kwarg = "report"
    decided_message = _("%(n)d signalement(s) traité(s).")
    # The status first and the citizen's message cut short (whole on the report's page): at
    # 1366 px every column shows, long values wrap (admin.css).
    list_display = ("status", "initiative", "field", "message_excerpt", "short_diff", "created_at")
    list_display_links = ("initiative",)
    list_filter = ("status", "field", "from_manager")
    list_select_related = ("initiative",)
    search_fields = ("initiative__name", "message", "proposed_value")
    change_form_template = "admin/opendata/changereport/change_form.html"
    fields = ("initiative_link", "field", "diff", "message", "email", "from_manager", "status",
              "created_at", "decided_at", "decided_by")  # fmt: skip
    readonly_fields = fields

    def scope_queryset(self, request, queryset):
        return queryset.filter(initiative__in=initiatives_for_user(request.user).values("pk"))

    def has_delete_permission(self, request, obj=None):
        """Moderators of the record's territory (and superusers); never editors."""
        if not super().has_delete_permission(request, obj):
            return False
        if obj is None:
            return rules.can_moderate(request.user)
        return corrections.can_decide(request.user, obj)

    def get_fields(self, request, obj=None):
        """The reporter's address: for the moderators of the territory only (who answer)."""
        fields = super().get_fields(request, obj)
        if obj is not None and corrections.can_decide(request.user, obj):
            return fields
        return tuple(name for name in fields if name != "email")

    @admin.display(description=_("initiative"))
    def initiative_link(self, obj):
        url = reverse("admin:initiatives_initiative_change", args=[obj.initiative_id])
        public = obj.initiative.get_absolute_url()
        return format_html(
            '<a href="{}">{}</a> (<a href="{}">{}</a>)',
            url, obj.initiative.name, public, _("page publique"),
        )  # fmt: skip

    def _now(self, obj) -> str:
        return corrections.field_value(obj.initiative, obj.field)

    @admin.display(description=_("modification proposée"))
    def diff(self, obj):
        if obj.field == ChangeReport.Field.OTHER or not obj.proposed_value:
            return obj.proposed_value or "—"
        now = self._now(obj)
        note = ""
        if now != obj.current_value:
            note = format_html(
                '<p class="help">{} {}</p>',
                _("La fiche a changé depuis le signalement ; elle affichait alors :"),
                obj.current_value or "—",
            )
        return format_html(
            '<div class="report-diff">{}</div>'
            '<table class="report-values"><tr><th scope="row">{}</th><td>{}</td></tr>'
            '<tr><th scope="row">{}</th><td>{}</td></tr>{}</table>{}',
            corrections.diff_html(now, obj.proposed_value),
            _("Actuellement"), now or "—", _("Proposé"), obj.proposed_value,
            self._written(obj), note,
        )  # fmt: skip

    def _written(self, obj):
        """The value an acceptance writes, when it is not the text as proposed (French
        hours converted, as the import does), or why it cannot be accepted as it is."""
        try:
            value = corrections.value_to_write(obj.field, obj.proposed_value)
        except ValidationError as exc:
            return format_html(
                '<tr><th scope="row">{}</th><td class="errornote">{}</td></tr>',
                _("Sera enregistré"), " ".join(exc.messages),
            )  # fmt: skip
        if value == obj.proposed_value:
            return ""
        return format_html(
            '<tr><th scope="row">{}</th><td><code>{}</code></td></tr>', _("Sera enregistré"), value
        )

    @admin.display(description=_("message"))
    def message_excerpt(self, obj):
        return Truncator(" ".join(obj.message.split())).chars(MESSAGE_EXCERPT)

    @admin.display(description=_("diff"))
    def short_diff(self, obj):
        if obj.field == ChangeReport.Field.OTHER or not obj.proposed_value:
            return "—"
        return corrections.diff_html(
            self._now(obj)[:DIFF_EXCERPT], obj.proposed_value[:DIFF_EXCERPT]
        )

    # --- one-click decisions --------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_decide"] = (
            obj is not None
            and obj.status == ChangeReport.Status.PENDING
            and corrections.can_decide(request.user, obj)
        )
        context["can_accept"] = (
            context["can_decide"]
            and bool(obj.proposed_value)
            and (obj.field != ChangeReport.Field.OTHER)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def accept_view(self, request, object_id):
        return self._decide(request, object_id, corrections.report_accept,
                            _("Modification acceptée : la fiche est à jour."))  # fmt: skip

    def refuse_view(self, request, object_id):
        return self._decide(request, object_id, corrections.report_refuse,
                            _("Signalement refusé."))  # fmt: skip

    @admin.action(description=_("Accepter les modifications choisies"))
    def accept_selected(self, request, queryset):
        self._many(request, queryset, corrections.report_accept)

    @admin.action(description=_("Refuser les signalements choisis"))
    def refuse_selected(self, request, queryset):
        self._many(request, queryset, corrections.report_refuse)

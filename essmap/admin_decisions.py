"""One-click decisions on a staff queue: accept or refuse a pending item (error reports,
management claims). The decision itself is a service `decide(<decision_kwarg>=item, by=user)`
that checks who may decide; this mixin gives the change form's two POST buttons
(`…/accepter/`, `…/refuser/`) and the bulk actions' loop, and shows refusals as messages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _


def refusal_text(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(exc) or str(_("Action non autorisée."))


class OneClickDecisionsMixin:
    decision_kwarg = "item"  # the services' keyword for the item ("claim", "report")
    decided_message = ""  # "%(n)d demande(s) traitée(s).", translated, in each admin
    ordering = ("status", "-created_at")
    actions = ("accept_selected", "refuse_selected")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # decided with the buttons, never edited

    def _admin_name(self, view: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/accepter/", wrap(self.accept_view),
                 name=self._admin_name("accept")),
            path("<path:object_id>/refuser/", wrap(self.refuse_view),
                 name=self._admin_name("refuse")),
        ] + super().get_urls()  # fmt: skip

    def _decide(self, request, object_id, decide, done):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        item = self.get_object(request, object_id)  # 404 outside the territory
        try:
            decide(**{self.decision_kwarg: item}, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, refusal_text(exc), messages.ERROR)
            return HttpResponseRedirect(
                reverse(f"admin:{self._admin_name('change')}", args=[item.pk])
            )
        self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(
            reverse(f"admin:{self._admin_name('changelist')}") + "?status__exact=pending"
        )

    def _many(self, request, queryset, decide):
        done = 0
        for item in queryset:
            try:
                decide(**{self.decision_kwarg: item}, by=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{item}: {refusal_text(exc)}", messages.ERROR)
        if done:
            self.message_user(request, self.decided_message % {"n": done})

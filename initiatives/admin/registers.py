"""National registers in the staff workspace: the import (upload, dry-run preview, confirm),
the runs' reports, and the review list's filters (provenance on the initiative's form)."""

import secrets
import tempfile
import time
from datetime import date
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from initiatives import rules
from initiatives.registers.common import LayoutError
from initiatives.registers.models import RegisterImportRun
from initiatives.registers.provenance import staff_edited_fields
from initiatives.registers.report import action_label, summary
from initiatives.registers.services import register_import
from initiatives.registers.sources import LABELS, READERS, UnknownSource

PROVENANCE_FIELDS = (
    "origin", "register_source", "register_id", "finess", "register_date", "register_seen_at",
    "register_note", "possible_duplicate_of", "staff_edited",
)  # fmt: skip
MAX_UPLOAD = 20 * 1024 * 1024  # larger files: `manage.py import_register` on the server
UPLOADS = Path(tempfile.gettempdir()) / "essmap-register-uploads"
SESSION_KEY = "register_import"


class PossibleDuplicateFilter(admin.SimpleListFilter):
    title = _("doublon possible")
    parameter_name = "possible_duplicate"

    def lookups(self, request, model_admin):
        return [("yes", _("Oui")), ("no", _("Non"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(possible_duplicate_of__isnull=False)
        if self.value() == "no":
            return queryset.filter(possible_duplicate_of__isnull=True)
        return queryset


@admin.display(description=_("modifiée par l'équipe depuis l'import"))
def staff_edited(model_admin, initiative) -> str:
    """InitiativeAdmin's read-only field: the register's fields staff changed since."""
    fields = staff_edited_fields(initiative)
    return ", ".join(fields) if fields else "—"


class RegisterUploadForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Registre"), choices=[(code, LABELS.get(code, code)) for code in READERS]
    )
    file = forms.FileField(label=_("Fichier"))
    source_date = forms.DateField(
        label=_("Date du fichier"),
        help_text=_("La date de publication du fichier (AAAA-MM-JJ)."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    departements = forms.CharField(
        label=_("Départements"), required=False, help_text=_("Par exemple : 26,07")
    )
    publish = forms.BooleanField(
        label=_("Publier les nouvelles fiches"),
        required=False,
        help_text=_("Sinon elles sont « à vérifier » (en attente de relecture)."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(
                _("Fichier trop volumineux pour l'administration : utilisez la commande.")
            )
        return upload

    def clean_departements(self):
        return sorted({d.strip().zfill(2) for d in self.cleaned_data["departements"].split(",")
                       if d.strip()})  # fmt: skip


def _run_import(request, pending: dict, *, dry_run: bool) -> RegisterImportRun:
    return register_import(
        source=pending["source"],
        paths=[Path(pending["path"])],
        by=request.user,
        departements=set(pending["departements"]) or None,
        dry_run=dry_run,
        publish=pending["publish"],
        source_date=date.fromisoformat(pending["source_date"]),
    )


@admin.register(RegisterImportRun)
class RegisterImportRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "source", "files", "source_date", "by", "created", "updated",
                    "unchanged", "archived", "skipped", "duplicates")  # fmt: skip
    list_filter = ("source",)
    readonly_fields = ("source", "files", "source_date", "departements", "publish", "by",
                       "started_at", "finished_at", "summary", "report")  # fmt: skip
    fields = readonly_fields
    change_list_template = "admin/initiatives/registerimportrun/change_list.html"

    # Moderators (and superusers) import for their territory and see their own runs.
    def has_module_permission(self, request):
        return rules.can_moderate(request.user)

    def has_view_permission(self, request, obj=None):
        return rules.can_moderate(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(by=request.user)

    @admin.display(description=_("bilan"))
    def summary(self, run):
        return summary(run)

    @admin.display(description=_("détail ligne par ligne"))
    def report(self, run):
        rows = [
            (
                entry.get("row") or "—",
                entry.get("source_id", ""),
                action_label(entry["action"]),
                entry.get("reason", "") or ", ".join(entry.get("fields", ())),
                entry.get("duplicate_of", ""),
            )
            for entry in run.details
        ]
        body = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows
        )
        return format_html("<table><tbody>{}</tbody></table>", body)

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="initiatives_registerimportrun_import")] + (
            super().get_urls()
        )

    def import_view(self, request):
        """Upload → dry-run preview (nothing written) → confirm (the same file, for real)."""
        if not rules.can_moderate(request.user):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.opts,
                   "title": _("Importer un registre national")}  # fmt: skip
        if request.method == "POST" and "confirm" in request.POST:
            return self._confirm(request)
        form = RegisterUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            pending = self._store(request, form)
            try:
                preview = _run_import(request, pending, dry_run=True)
            except (LayoutError, UnknownSource) as exc:
                form.add_error("file", str(exc))
            else:
                request.session[SESSION_KEY] = pending
                context.update(preview=preview, summary=summary(preview), pending=pending)
        context["form"] = form
        template = "admin/initiatives/registerimportrun/import.html"
        return TemplateResponse(request, template, context)

    def _store(self, request, form) -> dict:
        """The upload, kept (0600) until confirmed; the user's previous unconfirmed one and
        any left for a day are removed."""
        UPLOADS.mkdir(mode=0o700, parents=True, exist_ok=True)
        previous = request.session.pop(SESSION_KEY, None)
        if previous:
            Path(previous["path"]).unlink(missing_ok=True)
        day_ago = time.time() - 24 * 3600
        for old in UPLOADS.iterdir():
            if old.stat().st_mtime < day_ago:
                old.unlink(missing_ok=True)
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix[:10]
        target = UPLOADS / f"{secrets.token_hex(16)}{suffix}"
        with target.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        target.chmod(0o600)
        return {
            "source": form.cleaned_data["source"],
            "path": str(target),
            "name": upload.name,
            "source_date": form.cleaned_data["source_date"].isoformat(),
            "departements": form.cleaned_data["departements"],
            "publish": form.cleaned_data["publish"],
        }

    def _confirm(self, request):
        pending = request.session.pop(SESSION_KEY, None)
        if not pending or not Path(pending["path"]).is_file():
            messages.error(request, _("Aucun import à confirmer : déposez le fichier à nouveau."))
            return HttpResponseRedirect(reverse("admin:initiatives_registerimportrun_import"))
        try:
            run = _run_import(request, pending, dry_run=False)
        finally:
            Path(pending["path"]).unlink(missing_ok=True)
        run.files = pending["name"]
        run.save(update_fields=["files"])
        messages.success(request, summary(run))
        return HttpResponseRedirect(
            reverse("admin:initiatives_registerimportrun_change", args=[run.pk])
        )

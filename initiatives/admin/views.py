"""Extra admin views of the initiative admin: review queue, moderation, import, export."""

import base64
import hashlib

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from initiatives import imports, services
from initiatives.forms import ImportForm, RejectForm
from initiatives.models import Initiative, Theme
from initiatives.opendata import downloads

from . import export

SESSION_KEY = "essmap_import"


def _url(model_admin, name, *args):
    info = model_admin.opts.app_label, model_admin.opts.model_name
    return reverse(f"admin:{info[0]}_{info[1]}_{name}", args=args)


def _context(model_admin, request, **extra):
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "app_label": model_admin.opts.app_label,
        **extra,
    }


# --- review queue and moderation --------------------------------------------------------


def review(model_admin, request):
    """The review queue: the changelist filtered on suggestions waiting for review."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    return HttpResponseRedirect(
        _url(model_admin, "changelist") + f"?status__exact={Initiative.Status.PENDING}"
    )


def publish(model_admin, request, object_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    initiative = model_admin.get_object(request, object_id)  # 404 outside the territory
    if not model_admin.has_change_permission(request, initiative):
        raise PermissionDenied
    try:
        services.publish(initiative=initiative, by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        model_admin.message_user(request, " ".join(_messages(exc)), messages.ERROR)
    else:
        model_admin.message_user(request, _("Initiative publiée."), messages.SUCCESS)
    return HttpResponseRedirect(_url(model_admin, "change", initiative.pk))


def reject(model_admin, request, object_id):
    initiative = model_admin.get_object(request, object_id)  # 404 outside the territory
    if not model_admin.has_change_permission(request, initiative):
        raise PermissionDenied
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reject(
                initiative=initiative, by=request.user, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, " ".join(_messages(exc)))
        else:
            model_admin.message_user(
                request, _("Proposition refusée ; la personne a été prévenue."), messages.SUCCESS
            )
            return HttpResponseRedirect(_url(model_admin, "review"))
    context = _context(
        model_admin,
        request,
        title=_("Refuser « %(name)s »") % {"name": initiative.name},
        queryset=[initiative],
        original=initiative,
        form=form,
    )
    return TemplateResponse(request, "admin/initiatives/initiative/reject.html", context)


def _messages(exc) -> list[str]:
    return list(getattr(exc, "messages", None) or [str(exc)])


# --- export -------------------------------------------------------------------------------


def export_filtered(model_admin, request):
    """The changelist's current filters and search, exported whole (not one page)."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    try:
        changelist = model_admin.get_changelist_instance(request)
    except IncorrectLookupParameters:
        return HttpResponseRedirect(_url(model_admin, "changelist") + "?e=1")
    stamp = timezone.localdate().isoformat()
    queryset = changelist.get_queryset(request)
    response = export.export_response(queryset, f"initiatives-{stamp}.csv")
    # HEAD and conditional GET; the export holds the user's territory: the user is in the ETag.
    last = queryset.order_by().aggregate(last=Max("updated_at"))["last"]
    return downloads.built_download(request, response, last_modified=last,
                                    vary_on=(request.user.pk, stamp))  # fmt: skip


def import_template(model_admin, request):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    response = export.export_response(Initiative.objects.none(), "modele-import-initiatives.csv")
    response = HttpResponse(b"".join(response.streaming_content), headers=response.headers)
    return downloads.built_download(request, response)  # its header row: a strong ETag


# --- import -------------------------------------------------------------------------------


def import_file(model_admin, request):
    """Upload → dry-run preview of every row → apply all in one transaction."""
    if not (model_admin.has_add_permission(request) and model_admin.has_change_permission(request)):
        raise PermissionDenied
    report = None
    form = ImportForm()
    stored = request.session.get(SESSION_KEY)
    if request.method == "POST" and "apply" in request.POST:
        if not stored or stored.get("digest") != request.POST.get("digest"):
            model_admin.message_user(
                request, _("Fichier expiré : chargez-le à nouveau."), messages.ERROR
            )
            return HttpResponseRedirect(_url(model_admin, "import"))
        content = base64.b64decode(stored["content"])
        report = imports.import_apply(user=request.user, filename=stored["name"], content=content)
        if report.applied:
            del request.session[SESSION_KEY]
            model_admin.message_user(
                request,
                _("Import terminé : %(created)d créées, %(updated)d mises à jour.")
                % {"created": report.created, "updated": report.updated},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(_url(model_admin, "changelist"))
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            report = imports.import_preview(
                user=request.user, filename=upload.name, content=content
            )
            stored = {
                "name": upload.name,
                "digest": hashlib.sha256(content).hexdigest(),
                "content": base64.b64encode(content).decode("ascii"),
            }
            if report.ok:
                request.session[SESSION_KEY] = stored
            else:
                request.session.pop(SESSION_KEY, None)
    context = _context(
        model_admin,
        request,
        title=_("Importer des initiatives"),
        form=form,
        report=report,
        digest=stored["digest"] if report is not None and report.ok and stored else "",
        file_name=stored["name"] if stored else "",
        columns=imports.COLUMNS,
        themes=Theme.objects.order_by("position", "name"),
        template_url=_url(model_admin, "import_template"),
        changelist_url=_url(model_admin, "changelist"),
    )
    return TemplateResponse(request, "admin/initiatives/initiative/import.html", context)

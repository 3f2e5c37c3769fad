"""Initiative admin: scoped list and form with the placement map, moderation, history."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter, helpers
from django.contrib.admin.utils import NestedObjects
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.forms import Textarea
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from essmap import geo
from essmap.admin_scoping import ScopedAdminMixin, ScopedChoicesMixin, ScopedInlineMixin
from initiatives import rules, services
from initiatives.checks import linkable_initiatives
from initiatives.forms import InitiativeAdminForm, RejectForm, VersionedInlineFormSet
from initiatives.models import Initiative, KeyFigure, Partnership
from initiatives.staff_scope import initiatives_for_user

from . import export, freshness, registers, views
from .history import HistoryAdmin

Status = Initiative.Status


class PartnershipInline(ScopedChoicesMixin, ScopedInlineMixin, admin.TabularInline):
    model = Partnership
    formset = VersionedInlineFormSet
    fk_name = "initiative"
    extra = 0
    raw_id_fields = ("partner_initiative",)
    scoped_choices = {"partner_initiative": linkable_initiatives}
    fields = ("kind", "role", "partner_interco", "partner_initiative", "start_year", "end_year",
              "source")  # fmt: skip

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "role":
            field.required = False  # left out of a form (older clients): the default, partner
        return field


class KeyFigureInline(ScopedInlineMixin, admin.StackedInline):
    """One figure a block, a few fields a line (they wrap on a phone): as a table, its
    thirteen columns (two labels, a note, a source's whole title) made the edit page
    4,300 px wide on a 1366 px screen."""

    model = KeyFigure
    formset = VersionedInlineFormSet
    fk_name = "initiative"
    extra = 0
    fields = (("label", "label_en"), ("value", "qualifier", "measure"), ("unit", "unit_en"),
              ("year", "period", "period_en"), "note", "source", "position")  # fmt: skip
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 60})}}


@admin.register(Initiative)
class InitiativeAdmin(ScopedChoicesMixin, ScopedAdminMixin, HistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    form = InitiativeAdminForm
    change_list_template = "admin/initiatives/initiative/change_list.html"
    change_form_template = "admin/initiatives/initiative/change_form.html"
    list_display = ("name", "commune", "status", "legal_form", "proposer_name", "updated_at")
    list_filter = (
        "status",
        "themes",
        "legal_form",
        "kind",
        ("commune__interco", RelatedOnlyFieldListFilter),
        freshness.FreshnessFilter,
        freshness.ManagedFilter,
        "origin",
        "register_source",
        registers.PossibleDuplicateFilter,
    )
    list_select_related = ("commune", "commune__departement")
    search_fields = ("name", "siret", "rna", "postcode", "commune__name", "proposer_email")
    raw_id_fields = ("carried_by",)
    filter_horizontal = ("themes", "coverage")
    readonly_fields = ("map_picker", "slug", "created_at", "updated_at", "verified_at",
                       "verified_by", *registers.PROVENANCE_FIELDS)  # fmt: skip
    inlines = (PartnershipInline, KeyFigureInline)
    actions = ("submit_selected", "publish_selected", "confirm_selected", "reject_selected",
               "archive_selected", "export_selected")  # fmt: skip
    history_list_display = ("status",)
    staff_edited = registers.staff_edited

    @admin.display(description=_("statut"))
    def status(self, record):
        """The history list shows the status by its label ("Publiée"), not its code."""
        return record.get_status_display()

    fieldsets = (
        (None, {"fields": ("name", "ignore_duplicate", "summary", "description", "kind",
                           "legal_form", "themes", "version")}),
        (_("Localisation"), {"fields": ("commune", "postcode", "address", "map_picker",
                                        "latitude", "longitude", "coverage")}),
        (_("Structure"), {"fields": ("carried_by", "carried_by_interco", "siret", "rna",
                                     "founded_year", "employees")}),
        (_("Contact"), {"fields": ("website", "email", "phone", "opening_hours", "audience",
                                   "access_conditions")}),  # fmt: skip
        (_("Publication"), {"fields": ("status", "rejection_reason", "verified_at",
                                       "verified_by", "source", "article_note")}),
        (_("Proposition du public"), {"fields": ("proposer_name", "proposer_email"),
                                      "classes": ("collapse",)}),
        (_("Registre national"), {"fields": registers.PROVENANCE_FIELDS,
                                  "classes": ("collapse",)}),
        (_("Suivi"), {"fields": ("slug", "created_at", "updated_at"), "classes": ("collapse",)}),
    )  # fmt: skip

    def scope_queryset(self, request, queryset):
        return queryset.filter(pk__in=initiatives_for_user(request.user).values("pk"))

    # --- form -----------------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.current_user = request.user
        return form

    def in_scope(self, request, obj) -> bool:
        return obj is None or rules.can_write(request.user, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Restore a past version: the same form, rules and save as a change (404 outside
        the territory: HistoryAdmin)."""
        request._restoring = True  # save_model writes (simple_history calls no save_related)
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)

    @admin.display(description=_("Carte"))
    def map_picker(self, obj):
        return render_to_string("admin/initiatives/initiative/map_picker.html")

    # --- writes: all through the services, decided by rules.py ------------------------------

    def save_model(self, request, obj, form, change):
        """The change form's record is written with its inlines, in save_related (one write,
        one notice); a restored version has no inlines and is written here."""
        if getattr(request, "_restoring", False):
            self._write(request, form, formsets=())

    def save_related(self, request, form, formsets, change):
        self._write(request, form, formsets)

    def _write(self, request, form, formsets):
        values = {name: form.cleaned_data[name] for name in ("coverage", "themes")
                  if name in form.fields}  # fmt: skip

        def related(initiative) -> list[str]:
            form.save_m2m()
            items = []
            for formset in formsets:
                self.save_formset(request, form, formset, change=True)
                items += services.related_items(formset)
            return items

        services.staff_write(
            by=request.user,
            initiative=form.instance,
            values=values,
            version=form.opened_version,
            related=related,
        )

    def has_delete_permission(self, request, obj=None):
        """Moderators of the record's territory and superusers (rules.can_delete)."""
        return rules.can_delete(request.user, obj)

    def delete_model(self, request, obj):
        services.initiative_delete(by=request.user, initiative=obj)

    def get_deleted_objects(self, objs, request):
        """What a deletion takes along, as Django lists it, but scoped: another territory's
        object is neither named nor linked. Another record's partnership with a deleted one
        is that record's related change (services.initiative_delete): no permission of the
        user's is needed for it; anything else out of scope is (the deletion is refused)."""
        objs = list(objs)
        if not objs:
            return [], {}, set(), []
        collector = NestedObjects(using=router.db_for_write(Initiative), origin=objs)
        collector.collect(objs)
        deleted = {obj.pk for obj in objs}
        perms_needed = set()

        def shown(obj):
            opts, model_admin = obj._meta, self.admin_site._registry.get(type(obj))
            label = capfirst(opts.verbose_name)
            if model_admin is None:
                return f"{label}: {obj}"
            if not model_admin.get_queryset(request).filter(pk=obj.pk).exists():
                if not (isinstance(obj, Partnership) and obj.initiative_id not in deleted):
                    perms_needed.add(opts.verbose_name)
                hidden = _("(une fiche d'un autre territoire)")
                return f"{label}: {hidden}"
            if not model_admin.has_delete_permission(request, obj):
                perms_needed.add(opts.verbose_name)
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            return format_html('{}: <a href="{}">{}</a>', label, url, obj)

        to_delete = collector.nested(shown)
        protected = [shown(obj) for obj in collector.protected]
        counts = {
            model._meta.verbose_name_plural: len(found)
            for model, found in collector.model_objs.items()
        }
        return to_delete, counts, perms_needed, protected

    def delete_queryset(self, request, queryset):
        for initiative in queryset:
            services.initiative_delete(by=request.user, initiative=initiative)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        context["admin_map_config"] = self.map_config(form)
        context["can_moderate"] = obj is not None and rules.can_moderate(request.user, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def map_config(form) -> dict:
        field = form.fields.get("commune")
        communes = field.queryset if field is not None else []
        centres = {
            c.pk: [c.centre_lat, c.centre_lon]
            for c in communes
            if c.centre_lat is not None and c.centre_lon is not None
        }
        return geo.map_config(
            communeCentres=centres,
            markerIcon=geo.marker_icon(),  # hashed names in production (essmap/geo.py)
            geocoderUrl=settings.GEOCODER_URL,
            messages={
                "placed": str(_("Point placé : %s")),
                "searching": str(_("Recherche de l'adresse…")),
                "noResult": str(_("Adresse introuvable : placez le point sur la carte.")),
                "offline": str(
                    _(
                        "Service d'adresses injoignable (hors ligne ?) : cliquez sur la carte "
                        "ou saisissez la latitude et la longitude."
                    )
                ),
                "empty": str(_("Saisissez une adresse à rechercher.")),
                "choose": str(_("Choisissez un résultat :")),
            },
        )

    # --- list, queue, import and export ---------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "pending_count": self.get_queryset(request).filter(status=Status.PENDING).count(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("review/", wrap(self.review_view), name=f"{prefix}_review"),
            path("import/", wrap(self.import_view), name=f"{prefix}_import"),
            path(
                "import/modele.csv",
                wrap(self.import_template_view),
                name=f"{prefix}_import_template",
            ),  # fmt: skip
            path("export/", wrap(self.export_view), name=f"{prefix}_export"),
            path("<path:object_id>/publish/", wrap(self.publish_view), name=f"{prefix}_publish"),
            path("<path:object_id>/reject/", wrap(self.reject_view), name=f"{prefix}_reject"),
            path(
                "<path:object_id>/toujours-exact/",
                wrap(self.confirm_view),
                name=f"{prefix}_confirm",
            ),  # fmt: skip
        ] + super().get_urls()

    def review_view(self, request):
        return views.review(self, request)

    def import_view(self, request):
        return views.import_file(self, request)

    def import_template_view(self, request):
        return views.import_template(self, request)

    def export_view(self, request):
        return views.export_filtered(self, request)

    def publish_view(self, request, object_id):
        return views.publish(self, request, object_id)

    def reject_view(self, request, object_id):
        return views.reject(self, request, object_id)

    def confirm_view(self, request, object_id):
        return freshness.confirm_view(self, request, object_id)

    # --- actions --------------------------------------------------------------------------

    def _transition_many(self, request, queryset, operation, **kwargs):
        done, failures = 0, []
        for initiative in queryset.select_related("commune"):
            try:
                operation(initiative=initiative, by=request.user, **kwargs)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                failures.append(f"{initiative} : {' '.join(getattr(exc, 'messages', [str(exc)]))}")
        if done:
            self.message_user(
                request,
                ngettext("%d initiative modifiée.", "%d initiatives modifiées.", done) % done,
                messages.SUCCESS,
            )
        for failure in failures:
            self.message_user(request, failure, messages.ERROR)

    @admin.action(description=_("Soumettre à relecture"))
    def submit_selected(self, request, queryset):
        self._transition_many(request, queryset, services.submit)

    @admin.action(description=_("Publier"))
    def publish_selected(self, request, queryset):
        self._transition_many(request, queryset, services.publish)

    @admin.action(description=_("Toujours exact (vérifiée aujourd'hui)"))
    def confirm_selected(self, request, queryset):
        self._transition_many(request, queryset, services.confirm_accurate)

    @admin.action(description=_("Archiver"))
    def archive_selected(self, request, queryset):
        self._transition_many(request, queryset, services.archive)

    @admin.action(description=_("Refuser (avec un motif envoyé à la personne)"))
    def reject_selected(self, request, queryset):
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._transition_many(
                request, queryset, services.reject, reason=form.cleaned_data["reason"]
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Refuser des propositions"),
            "opts": self.opts,
            "queryset": queryset,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": "reject_selected",
        }
        return TemplateResponse(request, "admin/initiatives/initiative/reject.html", context)

    @admin.action(description=_("Exporter la sélection (CSV)"))
    def export_selected(self, request, queryset):
        return export.export_response(queryset, "initiatives-selection.csv")

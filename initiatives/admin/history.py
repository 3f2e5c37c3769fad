"""History pages in French: field labels as headers, human values ("Publiée", "vide")."""

import datetime

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import formats
from django.utils.html import conditional_escape
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper


def human_value(field, value) -> str:
    """What a person reads for a stored value: the choice's label, 'Oui'/'Non', a local date,
    a related object's name; '(vide)' for None or an empty string."""
    if value is None or value == "" or value == []:
        return _("(vide)")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if isinstance(value, datetime.datetime | datetime.date):
        return formats.localize(value)
    return str(value)


class HumanHistoryContext(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        return human_value(self.model._meta.get_field(change.field), value)

    def stringify_delta_change_values(self, change, old, new):
        return conditional_escape(old), conditional_escape(new)


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history list names columns by their labels and shows values as
    the forms do."""

    object_history_list_template = "admin/history_list.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return HumanHistoryContext(self.model, historical_record)

    def in_scope_or_404(self, request, object_id) -> None:
        """Another territory's record (or a deleted one) answers exactly as a missing one:
        a 404, never simple_history's 403, which would tell that it exists."""
        if request.user.is_superuser:
            return
        try:
            found = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, ValidationError):
            found = False
        if not found:
            raise Http404

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.in_scope_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self.in_scope_or_404(request, object_id)
        columns = []
        for name in self.get_history_list_display(request):
            try:
                label = self.model._meta.get_field(name).verbose_name
            except models.FieldDoesNotExist:
                label = getattr(getattr(self, name, None), "short_description", name)
            columns.append({"name": name, "label": str(label).capitalize()})
        extra = {"history_columns": columns, **(extra_context or {})}
        return super().history_view(request, object_id, extra_context=extra)

"""Filters of the partnership and key-figure lists (the initiatives use InitiativeFilterSet)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from essmap.filters import SafeCharFilter
from intercos.models import Departement, Interco

from ..models import KeyFigure, Partnership

SCOPES = [
    ("initiative", _("Initiative")),
    ("interco", _("Intercommunalité")),
    ("departement", _("Département")),
    ("territory", _("Tout le territoire")),
]


class PartnershipFilterSet(filters.FilterSet):
    initiative = SafeCharFilter(
        label=_("Slug d'une initiative, d'un côté ou de l'autre du partenariat"),
        help_text="Slug of an initiative, on either side of the partnership.",
        max_length=220,
        method="filter_initiative",
    )
    interco = filters.ModelChoiceFilter(
        label=_("SIREN de l'interco partenaire"),
        help_text="SIREN of the partner interco.",
        queryset=Interco.objects.all(),
        field_name="partner_interco",
    )
    kind = filters.ChoiceFilter(
        label=_("Nature du partenariat"),
        help_text="Kind of partnership.",
        choices=Partnership.Kind.choices,
    )

    class Meta:
        model = Partnership
        fields: list[str] = []

    def filter_initiative(self, qs, name, value):
        return qs.filter(Q(initiative__slug=value) | Q(partner_initiative__slug=value))


class KeyFigureFilterSet(filters.FilterSet):
    scope = filters.ChoiceFilter(
        label=_("Portée"), help_text="Scope.", choices=SCOPES, method="filter_scope"
    )
    initiative = SafeCharFilter(
        label=_("Slug de l'initiative"),
        help_text="Slug of the initiative.",
        max_length=220,
        field_name="initiative__slug",
    )
    interco = filters.ModelChoiceFilter(
        label=_("SIREN de l'interco"),
        help_text="SIREN of the interco.",
        queryset=Interco.objects.all(),
        field_name="interco",
    )
    departement = filters.ModelChoiceFilter(
        label=_("Code du département"),
        help_text="Code of the département (`26`, `07`).",
        queryset=Departement.objects.all(),
        field_name="departement",
    )

    class Meta:
        model = KeyFigure
        fields: list[str] = []

    def filter_scope(self, qs, name, value):
        if value == "territory":
            return qs.filter(
                initiative__isnull=True, interco__isnull=True, departement__isnull=True
            )
        return qs.filter(**{f"{value}__isnull": False})

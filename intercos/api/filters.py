"""Filters of the interco and commune lists."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from essmap.filters import SafeCharFilter

from ..models import Commune, Departement, Interco
from ..selectors import commune_search


class IntercoFilterSet(filters.FilterSet):
    departement = filters.ModelChoiceFilter(
        label=_("Code d'un département touché par l'interco"),
        queryset=Departement.objects.all(),
        field_name="departements",
    )

    class Meta:
        model = Interco
        fields: list[str] = []


class CommuneFilterSet(filters.FilterSet):
    q = SafeCharFilter(
        label=_("Début ou partie du nom (accents ignorés) ou début du code postal"),
        max_length=100,
        method="filter_q",
    )
    departement = filters.ModelChoiceFilter(
        label=_("Code du département"), queryset=Departement.objects.all()
    )
    interco = filters.ModelChoiceFilter(
        label=_("SIREN de l'intercommunalité"), queryset=Interco.objects.all()
    )

    class Meta:
        model = Commune
        fields: list[str] = []

    def filter_q(self, qs, name, value):
        return commune_search(value, queryset=qs)

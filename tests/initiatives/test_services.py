"""The write services keep the commune's département on the initiative row."""

import pytest

from initiatives.models import Initiative
from initiatives.services import departements_sync, initiative_update
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_new_initiative_carries_its_communes_departement():
    ardeche = factories.departement("07", "Ardèche")
    commune = factories.commune(departement=ardeche)
    created = factories.initiative(commune=commune)
    assert Initiative.objects.get(pk=created.pk).departement_id == "07"


def test_moving_to_another_commune_moves_the_departement():
    drome, ardeche = factories.departement("26"), factories.departement("07", "Ardèche")
    initiative = factories.initiative(commune=factories.commune(departement=drome))
    elsewhere = factories.commune(departement=ardeche)
    initiative = Initiative.objects.get(pk=initiative.pk)  # commune not loaded: read by key
    initiative_update(initiative=initiative, commune=elsewhere)
    assert Initiative.objects.get(pk=initiative.pk).departement_id == "07"
    initiative_update(initiative=initiative, commune=None)
    assert Initiative.objects.get(pk=initiative.pk).departement_id is None


def test_an_update_without_the_commune_keeps_the_departement_right():
    initiative = factories.initiative(commune=factories.commune())
    Initiative.objects.filter(pk=initiative.pk).update(departement=None)  # a raw write lost it
    initiative = Initiative.objects.get(pk=initiative.pk)
    initiative_update(initiative=initiative, summary="Nouveau résumé")
    assert Initiative.objects.get(pk=initiative.pk).departement_id == "26"


def test_the_bulk_sync_sets_every_row_from_its_commune():
    ardeche = factories.departement("07", "Ardèche")
    one = factories.initiative(commune=factories.commune(departement=ardeche))
    two = factories.initiative(commune=factories.commune())
    nowhere = factories.initiative()
    Initiative.objects.update(departement=None)
    assert departements_sync() == 3
    found = dict(Initiative.objects.values_list("pk", "departement_id"))
    assert found == {one.pk: "07", two.pk: "26", nowhere.pk: None}


def test_the_departement_filter_reads_the_row():
    from initiatives.filters import InitiativeFilterSet

    ardeche = factories.departement("07", "Ardèche")
    here = factories.initiative(commune=factories.commune(departement=ardeche))
    factories.initiative(commune=factories.commune())
    found = InitiativeFilterSet({"departement": "07"}, queryset=Initiative.objects.all()).qs
    assert [i.pk for i in found] == [here.pk]
    assert '"initiatives_initiative"."departement_id"' in str(found.query)

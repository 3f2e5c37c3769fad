"""Accent-aware alphabetical order, the same on SQLite and PostgreSQL (run on both by CI)."""

from django.urls import reverse

from essmap.text import sort_key
from initiatives.filters import InitiativeFilterSet
from initiatives.interco_selectors import interco_directory
from initiatives.models import Initiative
from intercos.selectors import interco_communes
from tests import factories

FRENCH_ORDER = [
    "Café des possibles",
    "CRESS Auvergne-Rhône-Alpes",
    "Energie Solidaire",
    "Épicerie solidaire",
    "Saint-Étienne-de-Serre",
    "Saint-Vincent-de-Durfort",
    "Zèbre",
]
SHUFFLED = [FRENCH_ORDER[i] for i in (5, 1, 3, 6, 0, 4, 2)]


def test_sort_key_orders_like_a_french_reader():
    assert sorted(SHUFFLED, key=sort_key) == FRENCH_ORDER


def test_directory_orders_names_the_french_way_on_this_database(client, db):
    for name in SHUFFLED:
        factories.initiative(name=name, status="published")
    for params in ({}, {"ordering": "name"}):
        qs = InitiativeFilterSet(data=params, queryset=Initiative.objects.published()).qs
        assert [i.name for i in qs] == FRENCH_ORDER, params
    html = client.get(reverse("initiatives:directory")).content.decode()
    positions = [html.index(name) for name in FRENCH_ORDER]
    assert positions == sorted(positions)


def test_communes_and_intercos_order_the_french_way(db):
    interco = factories.interco(name="CC Zèbre")
    factories.interco(name="CC Étoile")
    factories.interco(name="CC Eyrieux")
    for i, name in enumerate(SHUFFLED):
        factories.commune(name=name, insee=f"26{900 + i}", interco=interco)
    assert [c.name for c in interco_communes(interco)] == FRENCH_ORDER
    names = [ic.name for ic in interco_directory()]
    assert names == sorted(names, key=sort_key)
    assert names.index("CC Étoile") < names.index("CC Eyrieux") < names.index("CC Zèbre")

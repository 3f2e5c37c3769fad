"""Migration 0009 fills the département of the initiatives already there."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("initiatives", "0008_claims_audience_access")]
AFTER = [("initiatives", "0009_departement_on_row")]


@pytest.mark.django_db(transaction=True)
def test_0009_backfills_the_departement_from_the_commune():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Departement = old.get_model("intercos", "Departement")
    Commune = old.get_model("intercos", "Commune")
    Initiative = old.get_model("initiatives", "Initiative")
    drome = Departement.objects.create(code="26", name="Drôme")
    ardeche = Departement.objects.create(code="07", name="Ardèche")
    valence = Commune.objects.create(insee="26362", name="Valence", departement=drome)
    privas = Commune.objects.create(insee="07186", name="Privas", departement=ardeche)
    rows = {
        "a": Initiative.objects.create(name="A", slug="a", commune=valence).pk,
        "b": Initiative.objects.create(name="B", slug="b", commune=privas).pk,
        "c": Initiative.objects.create(name="C", slug="c").pk,
    }
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("initiatives", "Initiative")
    found = dict(new.objects.values_list("pk", "departement_id"))
    assert found == {rows["a"]: "26", rows["b"]: "07", rows["c"]: None}
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

"""Search on both databases: PostgreSQL full text + trigrams, SQLite portable fallback."""

from datetime import date, timedelta

import pytest
from django.db import connection

from initiatives.models import Initiative
from initiatives.selectors import initiative_filter
from tests import factories

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"


def found(q: str, **data) -> list[str]:
    filterset = initiative_filter(data={"q": q, **data})
    assert filterset.is_valid(), filterset.form.errors
    return [i.name for i in filterset.qs]


@pytest.fixture
def records():
    factories.initiative(name="Énergie Solidaire", summary="Précarité énergétique")
    factories.initiative(name="Cantines locales", summary="Approvisionnement des cantines")
    factories.initiative(
        name="Atelier vélo", summary="Réparation", description="Une recyclerie d'énergie"
    )
    factories.initiative(name="Brouillon énergie", status=Initiative.Status.DRAFT)


def test_accent_and_case_insensitive(records):
    assert found("energie")[0] == "Énergie Solidaire"
    assert found("ÉNERGIE")[0] == "Énergie Solidaire"
    assert "Brouillon énergie" not in found("energie")


def test_singular_finds_plural(records):
    assert found("cantine") == ["Cantines locales"]


def test_name_matches_rank_first(records):
    assert found("energie") == ["Énergie Solidaire", "Atelier vélo"]


def test_every_word_counts(records):
    assert found("precarite energetique") == ["Énergie Solidaire"]
    assert found("mobilite") == []


def test_empty_or_punctuation_only_query_keeps_everything(records):
    assert len(found("  ")) == 3
    assert len(found("!!!")) == 3


def test_search_with_sql_metacharacters_is_safe(records):
    for q in ("%", "_", "' OR 1=1 --", "energie & | ! :*", "100%"):
        assert isinstance(found(q), list)


def test_stale_after_fresh_at_equal_relevance():
    factories.initiative(name="Jardin A", verified_at=date.today() - timedelta(days=366))
    factories.initiative(name="Jardin B", verified_at=date.today() - timedelta(days=10))
    factories.initiative(name="Jardin C")
    assert found("jardin") == ["Jardin B", "Jardin A", "Jardin C"]


def test_typos_on_postgresql_exact_words_elsewhere(records):
    if POSTGRES:
        # Trigram word similarity tolerates a typo.
        assert found("solidaie")[0] == "Énergie Solidaire"
    else:
        # The portable fallback only matches substrings of the normalised text.
        assert found("solidaie") == []
        assert found("solid") == ["Énergie Solidaire"]


def test_query_uses_the_indexed_expressions(records):
    sql = str(initiative_filter(data={"q": "Énergie"}).qs.query)
    typo_sql = str(initiative_filter(data={"q": "solidaie"}).qs.query)
    if POSTGRES:
        vector = 'to_tsvector(\'french\'::regconfig, "initiatives_initiative"."search_text")'
        assert vector in sql and "plainto_tsquery('french'::regconfig" in sql
        # Trigrams only when full text finds nothing (a typo).
        assert "%>" not in sql
        assert '"initiatives_initiative"."search_text" %> ' in typo_sql
    else:
        assert "LIKE" in sql and "energie" in sql


def _plan(qs) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            return qs.explain()
        finally:
            cursor.execute("RESET enable_seqscan")


def test_postgresql_plan_uses_the_gin_indexes(records):
    qs = Initiative.objects.search("energie")
    if not POSTGRES:
        assert "search_text" in str(qs.query)
        return
    assert "initiative_search_fts" in _plan(qs)
    assert "initiative_search_trgm" in _plan(Initiative.objects.search("solidaie"))

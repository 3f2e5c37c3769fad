"""The committed fixtures: territorial reference and the article's content."""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from initiatives.models import Initiative, KeyFigure, Partnership, Source, Theme
from intercos.models import Commune, Interco, IntercoPredecessor

pytestmark = pytest.mark.django_db

FIXTURES = settings.BASE_DIR / "fixtures"


@pytest.fixture
def loaded():
    call_command("load_fixtures", verbosity=0)


def _counts():
    return [
        m.objects.count()
        for m in (Interco, Commune, Initiative, Partnership, KeyFigure, Source, Theme)
    ]


def test_loading_twice_changes_nothing(loaded):
    before = _counts()
    history_before = Initiative.history.count()
    call_command("load_fixtures", verbosity=0)
    assert _counts() == before
    assert Initiative.history.count() == history_before


def test_territorial_reference_facts(loaded):
    assert Interco.objects.filter(departements__code__in=["26", "07"]).distinct().count() == 33
    assert Commune.objects.get(insee="07338").interco.siren == "200071413"  # Vernoux → CAPCA
    sisteron = Interco.objects.get(siren="200068765")
    assert sisteron.departements.count() == 3
    arche = Interco.objects.get(siren="200073096")
    assert arche.kind == "CA" and arche.name == "CA Arche Agglo"
    assert (
        IntercoPredecessor.objects.get(name="CC du Pays de Vernoux").interco
        == Commune.objects.get(insee="07338").interco
    )


def test_every_initiative_sits_in_its_real_commune_and_current_interco(loaded):
    by_slug = {i.slug: i for i in Initiative.objects.select_related("commune__interco")}
    assert by_slug["habitats-participatifs-pays-de-vernoux"].commune.name == "Vernoux-en-Vivarais"
    assert by_slug["habitats-participatifs-pays-de-vernoux"].commune.interco.siren == "200071413"
    assert by_slug["energie-solidaire"].commune.interco.siren == "200041366"
    assert by_slug["approvisionnement-local-cantines-arche-agglo"].commune.interco.siren == (
        "200073096"
    )
    for initiative in by_slug.values():
        assert initiative.source.date.isoformat() == "2025-10-17"
        assert initiative.status == "published" and not initiative.is_synthetic
        if initiative.has_point:
            # Town-centre points lie within 5 km of the commune they are attached to
            # (checked against the commune list, which has no centres in the fixture).
            assert initiative.commune is not None


def test_article_claims_that_differ_from_the_reference_stay_visible(loaded):
    habitat = Initiative.objects.get(slug="habitats-participatifs-pays-de-vernoux")
    assert "Pays de Vernoux" in habitat.article_note and "200071413" in habitat.article_note
    cantines = Initiative.objects.get(slug="approvisionnement-local-cantines-arche-agglo")
    assert "communauté d’agglomération" in cantines.article_note
    assert "nord de Valence" in cantines.article_note
    intercos = KeyFigure.objects.get(value=35)
    assert intercos.value == 35 and "33" in intercos.note


def test_the_articles_figures_are_there_with_their_sources(loaded):
    def fig(label_start, **kw):
        return KeyFigure.objects.get(label__startswith=label_start, **kw)

    energie = Initiative.objects.get(slug="energie-solidaire")
    assert fig("Conseillers", initiative=energie).value == 7
    households = fig("Foyers accompagnés", initiative=energie)
    assert households.value == 1200 and households.qualifier == "more_than"
    saving = fig("Économie moyenne", initiative=energie)
    assert saving.value == 410 and saving.source.publisher == "ALEC de Valence"
    assert fig("Couverture", initiative=energie).value == 8
    cantines = Initiative.objects.get(slug="approvisionnement-local-cantines-arche-agglo")
    assert fig("Légumes", initiative=cantines).value == 60
    assert fig("Évolution du gaspillage", initiative=cantines).value == -28
    assert fig("Légumes", initiative=cantines).source.title.startswith("AURA-EE")
    territory = {f.label: f for f in KeyFigure.objects.filter(initiative=None, interco=None)}
    values = {label: f.value for label, f in territory.items()}
    assert values["Structures de l’ESS recensées en Drôme-Ardèche"] == 2800
    assert values["Emplois dans l’ESS"] == 23000
    assert values["Part de l’emploi total local"] == 11
    assert values["Croissance du nombre d’entreprises de l’ESS"] == 6
    assert values["Créations d’entreprises associatives en 2021 par rapport à 2019"] == 8
    assert values["Structures d’insertion par l’activité économique (SIAE) recensées"] == 38
    assert values["dont SIAE portées intercommunalement"] == 14
    assert values["Budget annuel des intercommunalités consacré au soutien direct de l’ESS"] == (
        Decimal("5.6")
    )
    assert all(f.source_id for f in KeyFigure.objects.all())
    article = Source.objects.get(pk=1)
    assert all(s.cited_in == article for s in Source.objects.exclude(pk=1))


def test_partnerships_of_the_article(loaded):
    energie = Initiative.objects.get(slug="energie-solidaire")
    partners = {p.partner.name: p.kind for p in energie.partnerships.all()}
    # The ALEC is only the source of the 410 € figure, not a partner (issue 14).
    assert partners == {"Crédit coopératif": "funding"}
    cantines = Initiative.objects.get(slug="approvisionnement-local-cantines-arche-agglo")
    assert cantines.partnerships.get().partner_initiative.name == "Sud Grésivaudan en transition"
    habitat = Initiative.objects.get(slug="habitats-participatifs-pays-de-vernoux")
    assert {p.partner_interco_id for p in habitat.partnerships.all()} == {"200071413"}
    # The interco supports projects carried by associations and cooperatives: it does not
    # carry them.
    assert habitat.carried_by_interco is None and habitat.carried_by is None
    assert {p.role for p in habitat.partnerships.all()} == {Partnership.Role.SUPPORTER}
    assert {p.role for p in energie.partnerships.all()} == {Partnership.Role.PARTNER}
    moov = KeyFigure.objects.get(initiative__slug="moov-raa")
    assert moov.value == 11


def test_themes_cover_the_required_list(loaded):
    required = {
        "alimentation", "habitat", "energie", "mobilite", "insertion", "finance-solidaire",
        "reemploi", "tiers-lieux", "monnaie-locale", "culture", "education", "sante",
    }  # fmt: skip
    assert required <= set(Theme.objects.values_list("slug", flat=True))
    assert all(t.name_en for t in Theme.objects.all())


def test_search_finds_fixture_initiatives_without_accents(loaded):
    assert "Energie Solidaire" in [i.name for i in Initiative.objects.search("énergie solidaire")]
    assert Initiative.objects.search("cantine").filter(slug__contains="cantines").exists()


def test_fixtures_hold_no_synthetic_records():
    for name in ("article.json", "territories.json"):
        for obj in json.loads((FIXTURES / name).read_text(encoding="utf-8")):
            assert obj["fields"].get("is_synthetic", False) is False


SEED = Path(settings.BASE_DIR).parent / "shared" / "seed"
QUOTE = re.compile(r"Texte de l’article : « (.+?) »(?:\.|$| L’| Le)", re.S)


def _article_text() -> str:
    files = sorted(SEED.glob("*.txt")) if SEED.is_dir() else []
    if not files:
        pytest.skip("../shared/seed (the source article) is not beside this checkout")
    return " ".join(files[0].read_text(encoding="utf-8").split())


def test_corrections_quote_the_article_word_for_word(loaded):
    """Every "Texte de l’article : « … »" in a note is the article's own sentence."""
    article = _article_text()
    notes = [f.note for f in KeyFigure.objects.all()]
    notes += [i.article_note for i in Initiative.objects.all()]
    notes += [p.description for p in Partnership.objects.all()]
    quotes = [q for note in notes for q in QUOTE.findall(note)]
    assert len(quotes) >= 6
    for quote in quotes:
        for piece in quote.split(" […] "):
            assert " ".join(piece.split()) in article, piece


def test_the_35_counts_communautes_de_communes_only(loaded):
    figure = KeyFigure.objects.get(value=35, initiative=None, interco=None)
    assert figure.unit == "communautés de communes"
    assert "agglomération" not in figure.label.lower()
    assert figure.qualifier == "more_than"
    assert "plus de 35 communautés de communes et plusieurs agglomérations" in figure.note


def test_figures_say_what_they_measure_in_both_languages(loaded):
    growth = KeyFigure.objects.get(label__startswith="Croissance du nombre")
    assert growth.measure == KeyFigure.Measure.CHANGE and growth.is_change
    assert KeyFigure.objects.get(label="Part de l’emploi total local").measure == "share"
    assert not KeyFigure.objects.filter(label_en="").exists()
    households = KeyFigure.objects.get(label="Foyers accompagnés")
    assert households.unit_en == "households" and households.period_en == "over two years"


def test_sources_titles_do_not_repeat_the_citation(loaded):
    for source in Source.objects.exclude(cited_in=None):
        assert "cité par" not in source.title
        assert source.citation.count("2023") <= 1, source.citation
    insee = Source.objects.get(pk=2)
    assert insee.citation == "INSEE, 2023, cité dans «\u00a0La force des alliances locales\u00a0»"

"""The committed fixtures: territorial reference and the article's content."""

import json
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from essmap.typography import typeset
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


# ../shared/seed beside the checkout; ESSMAP_SEED_DIR for another layout (a git worktree).
SEED = Path(os.environ.get("ESSMAP_SEED_DIR", Path(settings.BASE_DIR).parent / "shared" / "seed"))
QUOTED = re.compile(r"«\s*(.+?)\s*»", re.S)


def _article_text() -> str:
    files = sorted(SEED.glob("*.txt")) if SEED.is_dir() else []
    if not files:
        pytest.skip("../shared/seed (the source article) is not beside this checkout")
    return " ".join(files[0].read_text(encoding="utf-8").split())


def _texts_that_quote_the_article() -> list[str]:
    texts = [f.note for f in KeyFigure.objects.all()]
    texts += [text for i in Initiative.objects.all() for text in (i.article_note, i.description)]
    texts += [p.description for p in Partnership.objects.all()]
    texts += [p.note for p in IntercoPredecessor.objects.all()]
    texts += [s.note for s in Source.objects.all()]
    return texts


def test_every_quoted_phrase_is_the_articles_own_words(loaded):
    """Every « … » in a note, a description or a source is found word for word in the
    article (" […] " marks a cut)."""
    article = _article_text()
    quotes = [q for text in _texts_that_quote_the_article() for q in QUOTED.findall(text)]
    assert len(quotes) >= 15
    for quote in quotes:
        for piece in quote.split(" […] "):
            assert " ".join(piece.split()) in article, piece


def test_the_article_never_says_capca_includes_the_ex_cc(loaded):
    """The label "intègre l’ex-CC…" is ours, from the reference: no note may quote it."""
    article = _article_text()
    paraphrase = "L’article dit « la CA Privas Centre Ardèche intègre l’ex-CC du Pays de Vernoux »"
    assert QUOTED.findall(paraphrase)[0] not in article


def test_records_that_depart_from_the_article_quote_it(loaded):
    """Where a record places, names or scopes something differently from the article
    (a CA called a CC, a point at a town centre, a former interco), its note quotes it."""
    for slug in (
        "approvisionnement-local-cantines-arche-agglo",
        "habitats-participatifs-pays-de-vernoux",
        "energie-solidaire",
        "credit-cooperatif",
    ):
        note = Initiative.objects.get(slug=slug).article_note
        assert "Texte de l’article : « " in note, slug
    assert "« " in IntercoPredecessor.objects.get(name="CC du Pays de Vernoux").note


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


# Claim-by-claim audit against the article (issue 18).


def test_points_placed_at_a_town_centre_are_flagged_approximate(loaded):
    placed = Initiative.objects.exclude(latitude=None)
    assert set(placed.values_list("slug", flat=True)) == {
        "approvisionnement-local-cantines-arche-agglo",
        "habitats-participatifs-pays-de-vernoux",
        "energie-solidaire",
    }
    for initiative in placed.select_related("commune"):
        # The article gives no address: every point is its commune's centre, flagged.
        assert initiative.address == "" and initiative.approximate_point, initiative.slug
        centre = (initiative.commune.centre_lat, initiative.commune.centre_lon)
        assert (initiative.latitude, initiative.longitude) == centre


def test_pages_and_exports_say_the_point_is_approximate(loaded, client):
    url = "/api/v1/initiatives/energie-solidaire/"
    assert client.get(url).json()["approximate_point"] is True
    response = client.get("/api/v1/initiatives/", {"format": "geojson"})
    geojson = json.loads(b"".join(response.streaming_content))
    flags = {
        f["properties"]["slug"]: f["properties"]["approximate_point"]
        for f in geojson["features"]
        if f["geometry"]
    }
    assert flags == dict.fromkeys(
        [
            "approvisionnement-local-cantines-arche-agglo",
            "energie-solidaire",
            "habitats-participatifs-pays-de-vernoux",
        ],
        True,
    )
    page = Initiative.objects.get(slug="energie-solidaire").get_absolute_url()
    html = client.get(page, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "position approximative" in html


def test_the_alec_and_the_cress_are_sources_not_initiatives(loaded):
    names = " ".join(Initiative.objects.values_list("name", flat=True))
    assert "ALEC" not in names and "CRESS" not in names
    publishers = set(Source.objects.values_list("publisher", flat=True))
    assert {"ALEC de Valence", "CRESS Auvergne-Rhône-Alpes"} <= publishers
    interview = Source.objects.get(title="Interview : CRESS Auvergne-Rhône-Alpes")
    assert "Étienne Cloupé" in interview.note and interview.cited_in_id == 1


def test_the_sources_page_lists_the_alec_and_the_cress(loaded, client):
    html = client.get("/sources/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "ALEC de Valence, 2023" in html
    assert typeset("Interview : CRESS Auvergne-Rhône-Alpes") in html  # titles are typeset
    assert "Étienne Cloupé" in html


def test_loading_removes_the_records_earlier_fixtures_published(loaded):
    article = Source.objects.get(pk=1)
    Initiative.objects.create(
        pk=6, name="ALEC de Valence", slug="alec-de-valence", source=article, status="published"
    )
    call_command("load_fixtures", verbosity=0)
    assert not Initiative.objects.filter(slug="alec-de-valence").exists()


def test_no_fact_from_outside_the_article(loaded):
    texts = [
        text
        for i in Initiative.objects.all()
        for text in (i.name, i.summary, i.description, i.article_note, i.address)
    ]
    texts += [s.publisher for s in Source.objects.all()]
    everything = " ".join(texts)
    outsiders = ("Banque", "rue Henri Dunant", "Agence locale", "Énergie Environnement", "Isère")
    for outside in outsiders:
        assert outside not in everything, outside
    credit = Initiative.objects.get(slug="credit-cooperatif")
    assert credit.legal_form == Initiative.LegalForm.OTHER  # the article gives no legal form


def test_themes_are_the_ones_the_article_gives(loaded):
    def themes(slug):
        return set(Initiative.objects.get(slug=slug).themes.values_list("slug", flat=True))

    assert themes("approvisionnement-local-cantines-arche-agglo") == {"alimentation"}
    assert themes("energie-solidaire") == {"energie", "insertion"}
    assert themes("habitats-participatifs-pays-de-vernoux") == {"habitat"}


def test_coverage_only_where_the_article_supports_it(loaded):
    def coverage(slug):
        return set(Initiative.objects.get(slug=slug).coverage.values_list("siren", flat=True))

    habitat = Initiative.objects.get(slug="habitats-participatifs-pays-de-vernoux")
    assert coverage(habitat.slug) == set()  # the article speaks of Vernoux, not all of CAPCA
    assert "« Ce modèle inspire les communes voisines »" in habitat.article_note
    assert coverage("energie-solidaire") == {"200041366"}
    assert coverage("approvisionnement-local-cantines-arche-agglo") == {"200073096"}


def test_capca_is_not_called_formerly_cc_du_pays_de_vernoux(loaded, client):
    vernoux = IntercoPredecessor.objects.get(name="CC du Pays de Vernoux")
    assert vernoux.kind == IntercoPredecessor.Kind.MERGED
    with translation.override("fr"):
        assert vernoux.label == "intègre l’ex-CC du Pays de Vernoux"
    assert "anciennement" not in vernoux.note
    habitat = Initiative.objects.get(slug="habitats-participatifs-pays-de-vernoux")
    pages = [habitat.get_absolute_url(), vernoux.interco.get_absolute_url()]
    for url in pages:
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        assert "anciennement CC du Pays de Vernoux" not in html, url
        assert "ex-CC du Pays de Vernoux" in html, url
        english = client.get("/en" + url).content.decode().lower()
        assert "includes the former cc du pays de vernoux" in english, url
        assert "formerly cc du pays de vernoux" not in english, url


def test_a_renamed_interco_still_reads_formerly(db):
    interco = Interco.objects.create(siren="200000001", name="CC Nouvelle", kind="CC")
    old = IntercoPredecessor.objects.create(interco=interco, name="CC Ancienne")
    assert old.kind == IntercoPredecessor.Kind.RENAMED
    with translation.override("fr"):
        assert old.label == "anciennement CC Ancienne"
    with translation.override("en"):
        assert old.label == "formerly CC Ancienne"

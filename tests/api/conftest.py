"""A small real-looking territory for the API tests (names from the fixtures' article)."""

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from initiatives.models import Initiative, KeyFigure, Partnership
from tests import factories

RHONE_CRUSSOL = "200041366"
VALENCE_AGGLO = "200068781"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def world(db):
    ardeche = factories.departement("07", "Ardèche")
    drome = factories.departement("26", "Drôme")
    crussol = factories.interco(
        siren=RHONE_CRUSSOL, name="CC Rhône Crussol", slug="cc-rhone-crussol",
        departements=[ardeche], population=33000, centre_lat=44.95, centre_lon=4.83,
        contour={"type": "Polygon", "coordinates": [[
            [4.80, 44.90], [4.90, 44.90], [4.90, 45.00], [4.80, 45.00], [4.80, 44.90],
        ]]},
    )  # fmt: skip
    agglo = factories.interco(
        siren=VALENCE_AGGLO, name="Valence Romans Agglo", slug="valence-romans-agglo",
        kind="CA", departements=[drome], population=220000,
    )  # fmt: skip
    guilherand = factories.commune(
        insee="07102", name="Guilherand-Granges", postcodes="07500", departement=ardeche,
        interco=crussol, population=11000, centre_lat=44.9339, centre_lon=4.8747,
    )  # fmt: skip
    peray = factories.commune(
        insee="07281", name="Saint-Péray", postcodes="07130", departement=ardeche,
        interco=crussol, population=7600, centre_lat=44.9489, centre_lon=4.8453,
    )  # fmt: skip
    valence = factories.commune(
        insee="26362", name="Valence", postcodes="26000", departement=drome, interco=agglo,
        population=64000, centre_lat=44.9334, centre_lon=4.8924,
    )  # fmt: skip
    energie = factories.theme("energie", "Énergie", name_en="Energy", position=3)
    insertion = factories.theme("insertion", "Insertion", name_en="Work integration", position=5)
    reemploi = factories.theme("reemploi", "Réemploi", position=7)
    article = factories.source(title="La force des alliances locales", publisher="")
    alec = factories.source(title="ALEC de Valence, 2023", publisher="ALEC de Valence", year=2023)
    es = factories.initiative(
        name="Energie Solidaire", slug="energie-solidaire",
        summary="Lutte contre la précarité énergétique de Rhône Crussol.",
        kind="service", legal_form="public_interco", commune=guilherand,
        latitude=44.9339, longitude=4.8747, themes=[energie, insertion], coverage=[crussol],
        carried_by_interco=crussol, source=article,
    )  # fmt: skip
    credit = factories.initiative(
        name="Crédit coopératif", slug="credit-cooperatif", legal_form="cooperative",
        commune=valence, latitude=44.93, longitude=4.89, themes=[],
    )  # fmt: skip
    ressourcerie = factories.initiative(
        name="Ressourcerie de Saint-Péray", slug="ressourcerie-saint-peray",
        legal_form="association", commune=peray, themes=[reemploi],
        summary="Réemploi et vente solidaire.",
    )  # fmt: skip
    draft = factories.initiative(
        name="Brouillon secret", slug="brouillon-secret", status=Initiative.Status.DRAFT,
        commune=guilherand, latitude=44.93, longitude=4.87, themes=[energie],
    )  # fmt: skip
    p_credit = factories.partnership(
        initiative=es, partner_initiative=credit, kind=Partnership.Kind.FUNDING,
        description="Micro-financements solidaires aux familles.", source=article,
    )  # fmt: skip
    p_interco = factories.partnership(
        initiative=ressourcerie, partner_interco=crussol, kind=Partnership.Kind.POOLING
    )
    p_draft = factories.partnership(
        initiative=es, partner_initiative=draft, kind=Partnership.Kind.NETWORK
    )
    fig_es = factories.key_figure(
        label="Foyers accompagnés", value=1200, qualifier=KeyFigure.Qualifier.MORE_THAN,
        unit="foyers", initiative=es, source=article,
    )  # fmt: skip
    fig_alec = factories.key_figure(
        label="Économie moyenne par foyer", value=410, unit="€", year=2023, initiative=es,
        source=alec,
    )  # fmt: skip
    fig_territory = factories.key_figure(label="Structures de l'ESS", value=2800, source=article)
    fig_interco = factories.key_figure(label="Habitants", value=33000, interco=crussol)
    fig_draft = factories.key_figure(label="Secret", value=1, initiative=draft)
    return SimpleNamespace(**locals())

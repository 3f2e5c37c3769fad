"""Browser test: every admin page an interco's staff use fits a laptop and a phone.

No horizontal scroll of the page at 1366 x 768 and 390 x 844: wide tables (the key-figures
inline, a changelist) scroll inside their own box, long values wrap.
"""

import re

import pytest

from initiatives.claims.models import ManagerClaim
from initiatives.models import Initiative, RegisterImportRun
from initiatives.opendata.models import ChangeReport
from tests import factories
from tests.e2e.conftest import guarded_page

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

LONG = (
    "Chiffre clé au libellé très long, comme l'article les cite, avec sa période et sa note "
    "qui ne tiennent pas sur une ligne d'un tableau de formulaire"
)
VIEWPORTS = [(1366, 768), (390, 844)]


@pytest.fixture
def staff_world():
    drome = factories.departement("26", "Drôme")
    ic = factories.interco(name="Communauté de communes du Crestois et du Pays de Saillans",
                           departements=[drome])  # fmt: skip
    crest = factories.commune(name="Crest", insee="26108", postcodes="26400", departement=drome,
                              interco=ic, centre_lat=44.7286, centre_lon=5.0228)  # fmt: skip
    source = factories.source(
        title="La force des alliances locales : ce que les coopérations changent dans la Drôme "
        "et en Ardèche, enquête au long cours",
        publisher="Revue des territoires solidaires",
    )
    initiative = factories.initiative(
        name="Recyclerie du Crestois et du Pays de Saillans, atelier de réemploi solidaire",
        commune=crest, opening_hours="Mo-Fr 09:00-12:00,14:00-18:00; PH off",
        website="https://www.recyclerie-du-crestois-et-du-pays-de-saillans.example.org/accueil",
    )  # fmt: skip
    figure = factories.key_figure(initiative=initiative, label=LONG, label_en=LONG, unit="tonnes "
                                  "de déchets évités par an", note=LONG * 3, period="2019-2024",
                                  source=source, value=1234567)  # fmt: skip
    partner = factories.initiative(name="Épicerie solidaire de la vallée", commune=crest)
    partnership = factories.partnership(initiative=initiative, partner_initiative=partner,
                                        source=source)  # fmt: skip
    factories.initiative(name="Suggestion en attente de relecture", commune=crest,
                         status=Initiative.Status.PENDING)  # fmt: skip
    report = ChangeReport.objects.create(
        initiative=initiative, field="opening_hours", current_value=initiative.opening_hours,
        proposed_value="du lundi au vendredi 9h-12h 14h-18h ; samedi 9h30-12h ; fermé les "
        "jours fériés", message=LONG * 4, email="ana@example.org",
    )  # fmt: skip
    claim = ManagerClaim.objects.create(initiative=initiative, name="Ana Dupont-Martin",
                                        email="ana.dupont-martin@recyclerie.example.org",
                                        role=LONG, status="pending")  # fmt: skip
    moderator = factories.user(intercos=[ic], role="moderator", username="agent",
                               password="s3cret-pass-26")  # fmt: skip
    run = RegisterImportRun.objects.create(source="finess", files=LONG, by=moderator)
    return {
        "/admin/": None,
        "/admin/initiatives/initiative/": None,
        f"/admin/initiatives/initiative/{initiative.pk}/change/": "#figures-group",
        "/admin/initiatives/initiative/add/": None,
        "/admin/initiatives/initiative/review/": None,
        "/admin/initiatives/initiative/import/": None,
        "/admin/intercos/interco/": None,
        f"/admin/intercos/interco/{ic.pk}/change/": None,
        "/admin/initiatives/partnership/": None,
        f"/admin/initiatives/partnership/{partnership.pk}/change/": None,
        "/admin/initiatives/keyfigure/": None,
        f"/admin/initiatives/keyfigure/{figure.pk}/change/": None,
        "/admin/opendata/changereport/": "#result_list",
        f"/admin/opendata/changereport/{report.pk}/change/": None,
        "/admin/claims/managerclaim/": None,
        f"/admin/claims/managerclaim/{claim.pk}/change/": None,
        "/admin/initiatives/registerimportrun/": None,
        f"/admin/initiatives/registerimportrun/{run.pk}/change/": None,
    }


def _login(page, live_server):
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "agent")
    page.fill("#id_password", "s3cret-pass-26")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_no_horizontal_page_scroll_on_staff_pages(browser, live_server, staff_world, width, height):
    page = guarded_page(browser, live_server, viewport={"width": width, "height": height})
    try:
        _login(page, live_server)
        too_wide = {}
        for url, selector in staff_world.items():
            response = page.goto(live_server.url + url)
            assert response.status == 200, url
            if selector:
                assert page.locator(selector).count() == 1, (url, selector)
            page.wait_for_load_state("load")
            scroll = page.evaluate("() => document.documentElement.scrollWidth")
            if scroll > width:
                too_wide[url] = scroll
        assert too_wide == {}
    finally:
        page.context.close()


def test_reports_list_shows_status_and_message_within_1366(browser, live_server, staff_world):
    page = guarded_page(browser, live_server, viewport={"width": 1366, "height": 768})
    try:
        _login(page, live_server)
        page.goto(live_server.url + "/admin/opendata/changereport/")
        row = page.locator("#result_list tbody tr").first
        status = row.locator("td.field-status")
        message = row.locator("td.field-message_excerpt")
        assert status.inner_text().strip() == "À traiter"
        assert message.inner_text().startswith("Chiffre clé au libellé très long")
        assert message.inner_text().endswith("…")
        # Every column fully inside the window: the list does not scroll inside its box.
        results = page.locator("#changelist .results")
        assert results.evaluate("e => e.scrollWidth <= e.clientWidth")
        for cell in row.locator("td").all():
            box = cell.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 1366, box
    finally:
        page.context.close()

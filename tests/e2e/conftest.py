"""Browser tests: Playwright (Python) driving Debian's chromium, map tiles faked.

Run with the rest of the suite; they need /usr/bin/chromium (.ci/run installs it), so each
module is marked `browser` (tests/prerequisites.py: skipped with the reason when missing,
failed under CI=true).
"""

import base64
import os
import subprocess
from datetime import date
from pathlib import Path

import pytest

from initiatives.models import Partnership
from tests import factories
from tests.prerequisites import CHROMIUM

ROOT = Path(__file__).resolve().parents[2]
AXE_DIR = ROOT / ".cache" / "axe"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
CREST = (44.7286, 5.0228)
# A 1x1 transparent PNG served for every tile request: no request leaves the machine.
TILE_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"chromium not found at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def guarded_page(browser, live_server, **context_options):
    """A fresh page whose external requests are answered locally (tiles) or refused.

    `page.console_errors` collects console errors and page errors for assertions.
    `page.external_requests` lists every URL that tried to leave the site.
    Close it with `page.context.close()`.
    """
    context = browser.new_context(locale="fr-FR", **context_options)
    pg = context.new_page()
    pg.console_errors = []
    pg.external_requests = []
    pg.on("console", lambda m: m.type == "error" and pg.console_errors.append(m.text))
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))

    def route(route):
        url = route.request.url
        if url.startswith(live_server.url):
            return route.continue_()
        pg.external_requests.append(url)
        if "tile" in url or url.endswith(".png"):
            return route.fulfill(status=200, content_type="image/png", body=TILE_PNG)
        return route.abort()

    context.route("**/*", route)
    return pg


@pytest.fixture
def page(browser, live_server):
    pg = guarded_page(browser, live_server, viewport={"width": 1280, "height": 900})
    yield pg
    pg.context.close()


def serious_violations(page, axe_script) -> list:
    """axe-core's serious and critical violations on the page as it is now."""
    page.wait_for_load_state("networkidle")
    page.evaluate(axe_script.read_text())  # through DevTools: the CSP allows no inline script
    result = page.evaluate("async () => await axe.run(document)")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core from the npm registry, installed once into a git-ignored folder.

    No network or no npm: the accessibility test fails (it is never skipped).
    """
    if not AXE_JS.exists():
        result = subprocess.run(
            ["npm", "install", "--prefix", str(AXE_DIR), "--no-audit", "--no-fund", "axe-core@4"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0 or not AXE_JS.exists():
            pytest.fail(f"could not install axe-core with npm: {result.stderr[-2000:]}")
    return AXE_JS


@pytest.fixture
def territory():
    """A small Drôme: two intercos, communes with centres, initiatives, partners, figures."""
    crestois = factories.interco(
        name="CC du Crestois et du Pays de Saillans",
        slug="cc-crestois",
        centre_lat=CREST[0],
        centre_lon=CREST[1],
    )
    valence = factories.interco(name="Valence Romans Agglo", slug="valence-romans", kind="CA")
    crest = factories.commune(
        name="Crest", interco=crestois, centre_lat=CREST[0], centre_lon=CREST[1], postcodes="26400"
    )
    aouste = factories.commune(
        name="Aouste-sur-Sye", interco=crestois, centre_lat=44.7169, centre_lon=5.0553
    )
    die = factories.commune(name="Die", centre_lat=44.7536, centre_lon=5.3703)
    valence_c = factories.commune(
        name="Valence", interco=valence, centre_lat=44.9334, centre_lon=4.8924
    )
    energie = factories.theme("energie", "Énergie", name_en="Energy")
    food = factories.theme("alimentation", "Alimentation", name_en="Food")
    source = factories.source(title="La force des alliances locales", publisher="Revue")
    es = factories.initiative(
        name="Énergie Solidaire",
        summary="Lutte contre la précarité énergétique",
        commune=crest,
        latitude=CREST[0],
        longitude=CREST[1],
        themes=[energie],
        legal_form="scic",
        verified_at=date.today(),
        source=source,
    )
    epicerie = factories.initiative(
        name="Épicerie coopérative d'Aouste",
        summary="Alimentation locale",
        commune=aouste,
        latitude=44.7169,
        longitude=5.0553,
        themes=[food],
        legal_form="cooperative",
    )
    factories.initiative(
        name="Cantine de Valence",
        summary="Cantines scolaires bio",
        commune=valence_c,
        latitude=44.9334,
        longitude=4.8924,
        themes=[food],
        legal_form="association",
    )
    factories.initiative(
        name="Recyclerie du Diois",
        summary="Réemploi",
        commune=die,
        latitude=44.7536,
        longitude=5.3703,
        legal_form="association",
    )
    factories.partnership(
        initiative=es, partner_initiative=epicerie, kind=Partnership.Kind.LOGISTICS
    )
    factories.partnership(initiative=es, partner_interco=crestois, source=source)
    factories.key_figure(label="Emplois de l'ESS", value=12000, unit="emplois", source=source)
    factories.key_figure(label="Emplois associatifs", value=8000, unit="emplois", source=source)
    return {"crestois": crestois, "es": es, "epicerie": epicerie}

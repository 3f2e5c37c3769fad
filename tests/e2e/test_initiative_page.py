"""The initiative page in a browser: share/copy, print to one A4 page with its QR code, axe."""

import io
import re
from datetime import date

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests import factories


@pytest.fixture
def initiative():
    interco = factories.interco(name="CA Privas Centre Ardèche", slug="ca-privas")
    interco.predecessors.create(name="CC du Pays de Vernoux", kind="merged")
    commune = factories.commune(name="Vernoux-en-Vivarais", interco=interco)
    source = factories.source(title="La force des alliances locales", publisher="Revue")
    main = factories.initiative(
        name="Habitats participatifs du Pays de Vernoux",
        summary="Habitats participatifs soutenus par l'intercommunalité : 6 projets.",
        description="Mise à disposition de terrains, ateliers participatifs. " * 6,
        commune=commune,
        latitude=44.896,
        longitude=4.646,
        coverage=[interco],
        phone="04 75 22 33 44",
        email="contact@example.org",
        website="https://example.org",
        opening_hours="Mo-Fr 09:00-12:00,14:00-18:00; PH off",
        verified_at=date.today(),
        source=source,
        article_note="L'article parle de la « CC du Pays de Vernoux ».",
    )
    factories.partnership(
        initiative=main, partner_interco=interco, kind="support", role="supporter", source=source
    )
    for n, (label, value, unit) in enumerate(
        [("Projets d'habitat partagé", 6, "projets"), ("Foyers impliqués", 40, "foyers")]
    ):
        factories.key_figure(
            label=label, value=value, unit=unit, initiative=main, source=source, position=n
        )
    return main


def test_print_fits_one_page_with_its_qr_code(page, live_server, initiative):
    url = f"{live_server.url}/initiatives/{initiative.slug}/"
    page.goto(url)
    page.emulate_media(media="print")
    qr = page.locator(".print-qr svg")
    expect(qr).to_be_visible()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".actions")).to_be_hidden()
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=False)))
    assert len(pdf.pages) == 1
    text = " ".join(pdf.pages[0].extract_text().split())
    assert "Habitats participatifs du Pays de Vernoux" in text
    assert "intègre l’ex-CC du Pays de Vernoux" in text
    assert url in text.replace(" ", "")  # the QR code's caption: the record's address
    # The QR code itself is vector paths drawn next to that caption.
    box = qr.bounding_box()
    assert box["width"] > 60 and box["height"] > 60


def test_actions_share_call_write_and_go(page, live_server, initiative):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{live_server.url}/initiatives/{initiative.slug}/")
    expect(page.get_by_role("link", name="Appeler")).to_have_attribute("href", "tel:+33475223344")
    expect(page.get_by_role("link", name="Écrire un courriel")).to_have_attribute(
        "href", "mailto:contact@example.org"
    )
    osm = page.get_by_role("link", name="Itinéraire (OpenStreetMap)")
    assert re.match(
        r"https://www\.openstreetmap\.org/directions\?to=44\.896", osm.get_attribute("href")
    )
    expect(page.locator('a[href^="geo:44.896000,4.646000"]')).to_be_visible()
    share = page.get_by_role("button", name="Partager le lien")
    expect(share).to_be_visible()  # shown by the script; hidden without JavaScript
    if not page.evaluate("() => Boolean(navigator.share)"):
        share.click()
        expect(page.locator(".share-status")).to_have_text("Lien copié")
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied.endswith(f"/initiatives/{initiative.slug}/")
    expect(page.locator(".hours-status")).to_have_count(1)
    assert page.console_errors == []


def test_initiative_page_stays_accessible(page, live_server, initiative, axe_script):
    for path in (f"/initiatives/{initiative.slug}/", f"/en/initiatives/{initiative.slug}/"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        page.evaluate(axe_script.read_text())  # DevTools: the CSP allows no inline script
        result = page.evaluate("async () => await axe.run(document)")
        bad = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert bad == [], path

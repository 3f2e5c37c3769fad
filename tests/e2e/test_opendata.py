"""A citizen follows a search by e-mail and reports an error (real browser, tiles faked)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from initiatives.opendata.models import AlertSubscription, ChangeReport
from tests import factories
from tests.e2e.test_directory import assert_clean  # axe_script: tests/e2e/conftest.py

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def directory(settings, tmp_path):
    settings.OPENDATA_DIR = str(tmp_path / "opendata")
    ic = factories.interco(name="CC du Diois", slug="cc-diois", centre_lat=44.75, centre_lon=5.37)
    die = factories.commune(name="Die", interco=ic, centre_lat=44.7536, centre_lon=5.3703)
    food = factories.theme("alimentation", "Alimentation")
    grocery = factories.initiative(
        name="Épicerie solidaire du Diois", commune=die, themes=[food],
        latitude=44.7536, longitude=5.3703, phone="04 75 22 00 00",
    )  # fmt: skip
    factories.initiative(name="Garage associatif", commune=die, latitude=44.75, longitude=5.37)
    return {"interco": ic, "grocery": grocery}


def test_from_a_search_to_an_alert_and_a_correction(page, live_server, directory):
    page.goto(live_server.url + "/")
    page.get_by_label("Mots").fill("epicerie")
    page.get_by_label("Mots").press("Enter")
    expect(page.locator("#results .count")).to_contain_text("1 initiative")

    # Follow the search by e-mail: the link carries the search.
    page.get_by_role("link", name="Me prévenir des nouvelles initiatives").click()
    expect(page).to_have_url(re.compile(r"/alertes/\?q=epicerie$"))
    page.get_by_label("Votre courriel").fill("camille@example.org")
    page.get_by_label("Chaque jour").check()
    page.get_by_role("button", name="Recevoir les alertes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre messagerie")
    subscription = AlertSubscription.objects.get()
    assert (subscription.query, subscription.frequency) == ("q=epicerie", "daily")
    assert subscription.confirmed_at is None

    # Double opt-in: the link in the e-mail, then the button.
    confirm = re.search(r"https?://\S+/alertes/confirmer/\S+/", mail.outbox[-1].body).group(0)
    page.goto(live_server.url + "/" + confirm.split("://", 1)[1].split("/", 1)[1])
    page.get_by_role("button", name="Oui, je veux recevoir ces alertes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alerte confirmée")
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None

    # Back to the record: report a wrong phone number.
    page.goto(live_server.url + "/?q=epicerie")
    page.get_by_role("link", name="Épicerie solidaire du Diois").click()
    page.get_by_role("link", name="Signaler une erreur ou proposer une modification").click()
    page.get_by_label("Quelle information ?").select_option("phone")
    page.get_by_label("Qu’est-ce qui ne va pas ?").fill("Le numéro ne répond plus.")
    page.get_by_label("La bonne information, si vous la connaissez").fill("04 75 22 11 11")
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merci pour votre signalement")
    report = ChangeReport.objects.get()
    assert (report.field, report.current_value, report.proposed_value) == (
        "phone", "04 75 22 00 00", "04 75 22 11 11")  # fmt: skip
    assert_clean(page, live_server)

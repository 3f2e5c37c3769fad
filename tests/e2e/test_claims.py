"""A structure claims its record and updates it, on a 390 px phone, end to end."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from initiatives.models import Initiative
from initiatives.opendata.models import ChangeReport
from tests import factories

from .conftest import guarded_page, serious_violations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    pg = guarded_page(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    yield pg
    pg.context.close()


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways ({width} px)"


def test_claim_confirm_edit_and_a_name_change_on_a_phone(phone, live_server, settings, axe_script):
    settings.SITE_URL = live_server.url
    ic = factories.interco(name="CC Drôme Sud")
    place = factories.commune(interco=ic, name="Dieulefit")
    record = factories.initiative(name="Recyclerie", commune=place,
                                  website="https://www.recyclerie-dieulefit.fr/")  # fmt: skip
    factories.user(intercos=[ic], role="moderator", email="mod@example.org")

    phone.goto(live_server.url + record.get_absolute_url())
    phone.get_by_role("link", name="Vous gérez cette structure ? Mettez à jour sa fiche").click()
    fits(phone)
    assert serious_violations(phone, axe_script) == []
    phone.get_by_label("Votre nom").fill("Ana Martin")
    phone.get_by_label("Votre courriel").fill("ana@recyclerie-dieulefit.fr")
    phone.get_by_label("Votre fonction dans la structure").fill("Coordinatrice")
    phone.get_by_role("button", name="Envoyer la demande").click()
    expect(phone.get_by_role("heading", name="Vérifiez votre boîte aux lettres")).to_be_visible()

    link = re.search(r"(http://\S+/gerer/lien/\S+/)", mail.outbox[-1].body).group(1)
    phone.goto(link)
    phone.get_by_role("button", name="Confirmer ma demande").click()
    expect(phone.get_by_role("heading", name="Recyclerie")).to_be_visible()
    fits(phone)
    assert serious_violations(phone, axe_script) == []

    mail.outbox.clear()
    phone.get_by_label("Horaires").fill("lundi-vendredi 9h-12h 14h-18h")
    phone.get_by_label("Description").fill("Dépôt et revente d'objets de seconde main.")
    phone.get_by_role("button", name="Enregistrer").click()
    expect(phone.get_by_text("Publié\xa0:")).to_be_visible()
    record.refresh_from_db()
    assert record.opening_hours == "Mo-Fr 09:00-12:00,14:00-18:00"
    assert "mod@example.org" in [m.to[0] for m in mail.outbox]

    phone.get_by_role("link", name="Voir la page publique").click()
    expect(phone.get_by_text("objets de seconde main")).to_be_visible()  # typographic ’
    phone.go_back()
    expect(phone.locator("#id_name")).to_be_visible()

    phone.locator("#id_name").fill("La Recyclerie de Dieulefit")
    phone.get_by_role("button", name="Enregistrer").click()
    expect(phone.get_by_text("Transmis aux modérateur·rices")).to_be_visible()
    assert Initiative.objects.get(pk=record.pk).name == "Recyclerie"
    report = ChangeReport.objects.get()
    assert (report.field, report.proposed_value, report.from_manager) == (
        "name", "La Recyclerie de Dieulefit", True)  # fmt: skip
    fits(phone)

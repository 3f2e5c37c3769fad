"""Places on a 390 px phone: a commune outside the area, and the suggestion form's picker."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories

from .conftest import guarded_page, serious_violations
from .test_directory import assert_clean

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    pg = guarded_page(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    yield pg
    pg.context.close()


def test_near_grenoble_on_a_phone_says_outside_and_lists_the_nearest(phone, live_server, territory):
    phone.goto(live_server.url + "/")
    phone.get_by_role("button", name=re.compile("^Filtres")).click()
    near = phone.get_by_label("Près de (commune ou code postal)")
    near.fill("Grenoble")
    near.press("Enter")
    expect(phone.locator("#results .count")).to_contain_text("près de Grenoble")
    phone.get_by_role("button", name="Liste").click()  # the list, whatever panel is shown
    notice = phone.locator("#place-outside")
    expect(notice).to_be_visible()
    outside = re.compile(r"Grenoble est hors du territoire couvert\s*:\s*Drôme")
    expect(notice).to_contain_text(outside)
    expect(phone.locator("#results")).not_to_contain_text("introuvable")
    expect(phone.locator("#nearest-title")).to_contain_text("Les plus proches de Grenoble")
    nearest = phone.locator(".nearest .card")
    expect(nearest).to_have_count(4)
    kms = nearest.locator(".reason").evaluate_all("e => e.map(x => Number(x.dataset.km))")
    assert kms == sorted(kms) and 40 < kms[0] < 120, kms
    expect(phone.locator(".chip[data-param=near]")).to_contain_text("Près de Grenoble")
    # The same page loaded from its address (no JavaScript needed for the message).
    phone.goto(live_server.url + "/?near=38000")
    expect(phone.locator("#place-outside")).to_be_visible()
    assert_clean(phone, live_server)


@pytest.fixture
def communes():
    drome = factories.departement("26", "Drôme")
    ic = factories.interco(name="CC Val de Drôme", departements=[drome])
    for name in ["Volvent", "Étoile-sur-Rhône", "Eurre", "Allex", "Crest", "Montéléger"]:
        factories.commune(name=name, departement=drome, interco=ic)
    factories.theme("energie", "Énergie")


def test_the_commune_picker_filters_by_typing_without_accents(
    phone, live_server, communes, axe_script
):
    phone.goto(live_server.url + "/proposer/")
    select = phone.locator("#id_commune")
    options = select.locator("option").all_inner_texts()
    names = [o.split(" (")[0] for o in options[1:]]
    assert names == ["Allex", "Crest", "Étoile-sur-Rhône", "Eurre", "Montéléger", "Volvent"]
    search = phone.get_by_label("Filtrer la liste des communes")
    search.fill("etoile")
    expect(select.locator("option:not([value=''])")).to_have_count(1)
    expect(select.locator("option:checked")).to_contain_text("Étoile-sur-Rhône")
    expect(phone.locator(".picker-status")).to_contain_text("1 commune")
    search.fill("mont")
    expect(select.locator("option:not([value=''])")).to_have_count(1)
    search.fill("e")
    expect(select.locator("option:not([value=''])")).to_have_count(2)  # Étoile, Eurre
    assert serious_violations(phone, axe_script) == []
    search.fill("")
    expect(select.locator("option")).to_have_count(7)
    box = search.bounding_box()
    assert box["height"] >= 24 and box["x"] + box["width"] <= PHONE["width"]
    assert_clean(phone, live_server)

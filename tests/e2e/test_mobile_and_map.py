"""The directory on a 390 px phone, and what the map shows: places, territories, overlaps."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories

from .conftest import CREST, guarded_page, serious_violations
from .test_directory import assert_clean, result_names

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
PAGES = ["/", "/intercos/", "/intercos/cc-crestois/", "/initiatives/energie-solidaire/",
         "/territoire/"]  # fmt: skip


@pytest.fixture
def phone(browser, live_server):
    pg = guarded_page(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    yield pg
    pg.context.close()


def test_phone_shows_the_list_map_switch_in_the_first_screen(phone, live_server, territory):
    phone.goto(live_server.url + "/")
    switch = phone.get_by_role("button", name="Carte")
    expect(switch).to_be_visible()
    assert switch.bounding_box()["y"] + switch.bounding_box()["height"] <= PHONE["height"]
    expect(phone.locator("#map")).to_be_hidden()
    switch.click()
    expect(phone.locator("#map")).to_be_visible()
    assert phone.locator("#map").bounding_box()["y"] < PHONE["height"]
    expect(phone.locator(".leaflet-marker-icon")).not_to_have_count(0)
    expect(phone.locator("#results")).to_be_hidden()
    phone.get_by_role("button", name="Liste").click()
    expect(phone.locator("#results")).to_be_visible()
    assert_clean(phone, live_server)


@pytest.mark.parametrize("path", PAGES)
def test_no_sideways_scroll_on_a_phone(phone, live_server, territory, path):
    phone.goto(live_server.url + path)
    phone.wait_for_load_state("networkidle")
    widths = phone.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths


@pytest.mark.parametrize("path", ["/", "/?near=Crest&radius=5", *PAGES[1:]])
def test_no_serious_accessibility_violation_on_a_phone(
    phone, live_server, territory, axe_script, path
):
    phone.goto(live_server.url + path)
    assert serious_violations(phone, axe_script) == []


def test_filters_in_the_url_show_as_removable_chips(page, live_server, territory):
    siren = territory["crestois"].siren
    page.goto(f"{live_server.url}/?interco={siren}&postcode=26400&theme=energie")
    chips = page.locator("#results .chip")
    expect(chips).to_have_count(3)
    expect(chips.nth(1)).to_contain_text("Code postal 26400")
    chips.nth(1).click()
    expect(page).not_to_have_url(re.compile(r"postcode="))
    expect(page.locator("#results .chip")).to_have_count(2)


def test_map_position_is_in_the_url(page, live_server, territory):
    page.goto(f"{live_server.url}/#carte=12/{CREST[0]}/{CREST[1]}")
    expect(page.locator(".leaflet-marker-icon")).not_to_have_count(0)
    expect(page).to_have_url(re.compile(r"#carte=12/44\.728\d+/5\.022\d+$"))
    # Only Crest's marker is in that view: the shared link opened the same view.
    labels = page.locator(".leaflet-marker-icon").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )
    assert "Énergie Solidaire" in labels and "Cantine de Valence" not in labels


def test_overlapping_markers_spread_out_and_each_opens(page, live_server, territory):
    for name in ("Atelier vélo", "Jardin partagé"):
        factories.initiative(name=name, latitude=44.9, longitude=5.2)
    page.goto(live_server.url + "/")
    group = page.locator(".spider-group")
    expect(group).to_have_count(1)
    expect(group).to_have_attribute("aria-label", re.compile("2 initiatives au même endroit"))
    group.focus()
    page.keyboard.press("Enter")
    spread = page.locator(".leaflet-marker-icon[aria-label='Jardin partagé']")
    expect(spread).to_have_count(1)
    spread.click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Jardin partagé")


def test_themes_have_their_colour_and_a_legend(page, live_server, territory):
    page.goto(live_server.url + "/")
    marker = page.locator(".leaflet-marker-icon[aria-label='Énergie Solidaire']")
    expect(marker).to_have_count(1)
    colour = marker.evaluate("e => getComputedStyle(e).backgroundColor")
    legend = page.locator(".legend")
    expect(legend).to_contain_text("Énergie")
    expect(legend).to_contain_text("centre de la commune")
    swatch = legend.locator("li", has_text="Énergie").locator(".legend-symbol")
    assert swatch.evaluate("e => getComputedStyle(e).backgroundColor") == colour


def test_territory_wide_initiatives_are_on_the_map(page, live_server, territory):
    factories.initiative(name="Monnaie locale du Crestois", coverage=[territory["crestois"]])
    page.goto(live_server.url + "/?q=monnaie")
    expect(page.locator("#results .count")).to_contain_text("dont 1 sans point sur la carte")
    area = page.locator(".leaflet-marker-icon.area")
    expect(area).to_have_count(1)
    expect(area).to_have_attribute("aria-label", re.compile("1 initiative couvre CC du Crestois"))
    area.click()
    expect(page.locator(".leaflet-popup-content a")).to_have_attribute(
        "href", re.compile(f"interco={territory['crestois'].siren}")
    )
    assert_clean(page, live_server)


def test_zero_results_near_a_place_offer_the_nearest(page, live_server, territory):
    page.goto(live_server.url + "/?near=Die&radius=2&theme=alimentation")
    expect(page.locator(".nearest")).to_contain_text("au-delà du rayon")
    expect(page.locator(".nearest .reason-point").first).to_contain_text("km")
    page.locator(".nearest").get_by_role("link", name="50 km").click()
    expect(page).to_have_url(re.compile(r"radius=50"))
    assert "Épicerie coopérative d’Aouste" in result_names(page)  # names are typeset


def test_map_labels_and_popups_print_names_as_the_pages_do(page, live_server, territory):
    """The map API keeps names as stored; the script typesets them like |typo."""
    factories.initiative(name="L'Atelier « vélo » : réparer ?", latitude=44.95, longitude=5.1)
    page.goto(live_server.url + "/")
    printed = "L\u2019Atelier «\u00a0vélo\u00a0»\u00a0: réparer\u202f?"
    marker = page.locator(f".leaflet-marker-icon[aria-label='{printed}']")
    expect(marker).to_have_count(1)
    marker.click()
    expect(page.locator(".leaflet-popup-content a")).to_have_text(printed)

"""A search on a 390 px phone, end to end: the count at once, the map fitted, Back and Forward."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories

from .conftest import guarded_page
from .test_directory import assert_clean

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
LAMASTRE = (44.9867, 4.5806)
HASH = re.compile(r"#carte=(\d+)/(-?[\d.]+)/(-?[\d.]+)$")


@pytest.fixture
def phone(browser, live_server):
    pg = guarded_page(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    yield pg
    pg.context.close()


@pytest.fixture
def lamastre():
    """Lamastre's interco (A), a neighbour reaching into 20 km (B), a far one; a theme."""
    a = factories.interco(name="CC Pays de Lamastre", centre_lat=44.98, centre_lon=4.56)
    b = factories.interco(name="CC Val d'Eyrieux", centre_lat=44.86, centre_lon=4.45)
    far = factories.interco(name="CC Lointaine", centre_lat=44.30, centre_lon=5.30)
    town = factories.commune(
        name="Lamastre", interco=a, centre_lat=LAMASTRE[0], centre_lon=LAMASTRE[1],
        postcodes="07270",
    )  # fmt: skip
    factories.commune(name="Le Cheylard", interco=b, centre_lat=44.9070, centre_lon=4.4240)
    factories.commune(name="Nyons", interco=far, centre_lat=44.36, centre_lon=5.14)
    food = factories.theme("alimentation", "Alimentation", name_en="Food")
    energy = factories.theme("energie", "Énergie", name_en="Energy")
    factories.initiative(
        name="Bureau à Lamastre", commune=town, latitude=LAMASTRE[0], longitude=LAMASTRE[1],
        themes=[food], coverage=[a],
    )  # fmt: skip
    factories.initiative(
        name="Épicerie du Cheylard", latitude=44.9070, longitude=4.4240, themes=[food]
    )
    # An office outside the radius serving A and B: listed (and drawn) once, for A.
    factories.initiative(
        name="Siège à Valence", latitude=44.93, longitude=4.89, themes=[food], coverage=[a, b]
    )
    factories.initiative(name="Monnaie du Val", themes=[food], coverage=[b])
    # Not listed: an office outside the radius, another theme, a far territory.
    factories.initiative(name="Ailleurs", latitude=44.93, longitude=4.90, themes=[food])
    factories.initiative(
        name="Atelier énergie", latitude=44.99, longitude=4.58, themes=[energy], coverage=[a]
    )
    factories.initiative(name="Lointaine", themes=[food], coverage=[far])
    return {"a": a, "b": b}


def search_near_lamastre_for_food(phone, live_server):
    phone.goto(live_server.url + "/")
    phone.get_by_role("button", name="Filtres").click()
    expect(phone.locator("#filters")).to_be_visible()
    phone.get_by_text("Thèmes").click()
    phone.get_by_label("Alimentation").check()
    near = phone.get_by_label("Près de (commune ou code postal)")
    near.fill("Lamastre")
    near.press("Enter")


def list_urls(phone) -> list[str]:
    return phone.locator("#results .card h3 a").evaluate_all(
        "els => els.map(a => new URL(a.href).pathname)"
    )


def map_urls(phone) -> list[str]:
    """Every initiative drawn on the map: markers, spread groups and territories' members."""
    return phone.evaluate(
        """() => [...document.querySelectorAll('#map .leaflet-marker-icon')].flatMap(el =>
            el.dataset.url ? [el.dataset.url]
            : el.dataset.urls ? el.dataset.urls.split(' ') : [])"""
    )


def map_view(phone) -> tuple[int, float, float]:
    m = HASH.search(phone.url)
    assert m, phone.url
    return int(m[1]), float(m[2]), float(m[3])


def inside(inner: dict, outer: dict) -> bool:
    return (
        inner["x"] >= outer["x"]
        and inner["y"] >= outer["y"]
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"]
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"]
    )


def test_a_search_shows_its_count_and_the_list_at_once(phone, live_server, lamastre):
    search_near_lamastre_for_food(phone, live_server)
    count = phone.locator("#results-count")
    expect(count).to_contain_text("4 initiatives près de Lamastre")
    expect(phone.locator("#results")).to_be_visible()
    expect(phone.locator("#filters")).to_be_hidden()
    expect(phone.get_by_role("button", name="Liste")).to_have_attribute("aria-pressed", "true")
    expect(phone.locator("#results")).not_to_have_attribute("aria-busy", "true")
    box = count.bounding_box()
    bar = phone.locator(".view-switch").bounding_box()
    # In the first screen, below the sticky switch: no scrolling needed to read it.
    assert box["y"] >= bar["y"] + bar["height"] - 1, (box, bar)
    assert box["y"] + box["height"] <= PHONE["height"], box
    expect(phone).to_have_url(re.compile(r"near=Lamastre"))
    expect(phone.get_by_role("button", name="Filtres")).to_have_text(re.compile(r"\(2\)"))
    assert_clean(phone, live_server)


def test_the_map_opens_on_the_place_and_back_returns_to_the_list(phone, live_server, lamastre):
    search_near_lamastre_for_food(phone, live_server)
    expect(phone.locator("#results-count")).to_contain_text("4 initiatives")
    listed = list_urls(phone)
    phone.get_by_role("button", name="Carte").click()
    expect(phone.locator("#map")).to_be_visible()
    expect(phone).to_have_url(HASH)
    zoom, _lat, _lon = map_view(phone)
    assert zoom >= 9, phone.url
    pin = phone.locator("#map .place-pin")
    expect(pin).to_have_count(1)
    phone.wait_for_load_state("networkidle")
    assert inside(pin.bounding_box(), phone.locator("#map").bounding_box())
    # The map shows what the list shows, each initiative once.
    expect(phone.locator("#map .leaflet-marker-icon.area")).to_have_count(2)
    drawn = map_urls(phone)
    assert len(drawn) == len(set(drawn)), drawn
    assert sorted(drawn) == sorted(listed)
    # A territory says why it is there, as the list does, and names its initiatives.
    home = phone.locator("#map .leaflet-marker-icon.area[aria-label*='votre intercommunalité']")
    expect(home).to_have_attribute(
        "aria-label", "1 initiative couvre votre intercommunalité (CC Pays de Lamastre)"
    )
    home.click()  # moved aside: the office's pin in Lamastre does not hide it
    expect(phone.locator(".leaflet-popup-content li a")).to_have_text(["Siège à Valence"])
    phone.go_back()
    expect(phone.locator("#results")).to_be_visible()
    expect(phone.locator("#map")).to_be_hidden()
    expect(phone).to_have_url(re.compile(r"near=Lamastre"))
    assert_clean(phone, live_server)


def test_back_from_a_record_opened_on_the_map_returns_to_the_same_view(
    phone, live_server, lamastre
):
    search_near_lamastre_for_food(phone, live_server)
    expect(phone.locator("#results-count")).to_contain_text("4 initiatives")
    phone.get_by_role("button", name="Carte").click()
    marker = phone.locator("#map .leaflet-marker-icon[aria-label='Bureau à Lamastre']")
    expect(marker).to_have_count(1)
    # A pan and a zoom: the entry's position is replaced, no new entry is added.
    phone.locator("#map .leaflet-control-zoom-in").click()
    expect(phone).to_have_url(re.compile(r"#carte=1[0-9]/"))
    phone.wait_for_load_state("networkidle")
    before = map_view(phone)
    length = phone.evaluate("history.length")
    marker.click()
    phone.locator(".leaflet-popup-content a").click()
    expect(phone).to_have_url(re.compile(r"/initiatives/bureau-a-lamastre/$"))
    phone.go_back()
    expect(phone.locator("#map")).to_be_visible()
    expect(phone.locator("#map .leaflet-marker-icon").first).to_be_visible()
    expect(phone).to_have_url(HASH)
    assert map_view(phone) == before
    assert phone.evaluate("history.length") == length + 1  # the record's page only
    expect(phone.get_by_role("button", name="Carte")).to_have_attribute("aria-pressed", "true")


def test_back_and_forward_move_between_searches(phone, live_server, lamastre):
    search_near_lamastre_for_food(phone, live_server)
    expect(phone.locator("#results-count")).to_contain_text("4 initiatives")
    phone.get_by_role("button", name="Filtres").click()
    near = phone.get_by_label("Près de (commune ou code postal)")
    near.fill("Nyons")
    near.press("Enter")
    expect(phone.locator("#results-count")).to_contain_text("près de Nyons")
    phone.go_back()  # the filters of the first search
    expect(phone.locator("#results-count")).to_contain_text("4 initiatives près de Lamastre")
    expect(phone.locator("#filters")).to_be_visible()
    expect(phone.get_by_label("Près de (commune ou code postal)")).to_have_value("Lamastre")
    phone.go_back()  # the first search's list
    expect(phone.locator("#results")).to_be_visible()
    expect(phone.locator("#filters")).to_be_hidden()
    phone.go_forward()
    expect(phone.locator("#filters")).to_be_visible()
    phone.go_forward()
    expect(phone.locator("#results-count")).to_contain_text("près de Nyons")
    expect(phone.locator("#results")).to_be_visible()
    expect(phone.get_by_label("Près de (commune ou code postal)")).to_have_value("Nyons")


def test_a_new_search_clears_the_previous_place(phone, live_server, lamastre):
    search_near_lamastre_for_food(phone, live_server)
    phone.get_by_role("button", name="Carte").click()
    expect(phone.locator("#map .place-pin")).to_have_count(1)
    phone.get_by_role("button", name="Filtres").click()
    near = phone.get_by_label("Près de (commune ou code postal)")
    near.fill("Zzzvillebidon")
    near.press("Enter")
    expect(phone.locator("#form-errors")).to_be_visible()
    expect(phone.locator("#map .place-pin")).to_have_count(0)
    expect(phone.locator("#map .leaflet-interactive")).to_have_count(0)  # nor its circle
    phone.get_by_role("button", name="Filtres").click()
    near.fill("Nyons")
    near.press("Enter")
    expect(phone.locator("#results-count")).to_contain_text("près de Nyons")
    phone.get_by_role("button", name="Carte").click()
    expect(phone.locator("#map .place-pin")).to_have_count(1)
    expect(phone.locator("#map .leaflet-marker-icon.area")).to_have_count(1)


def test_territories_of_two_close_intercos_do_not_overlap(phone, live_server, lamastre):
    """Two covered intercos whose centres are a few pixels apart at zoom 8: both readable."""
    one = factories.interco(name="CC Une", centre_lat=44.70, centre_lon=4.90)
    two = factories.interco(name="CC Deux", centre_lat=44.70, centre_lon=4.92)
    factories.initiative(name="Service de l'une", coverage=[one])
    factories.initiative(name="Service de l'autre", coverage=[two])
    phone.goto(f"{live_server.url}/?q=service#carte=8/44.7/4.91")
    expect(phone.locator("#map")).to_be_visible()
    areas = phone.locator("#map .leaflet-marker-icon.area")
    expect(areas).to_have_count(2)
    phone.wait_for_load_state("networkidle")  # the last redraw done
    first, second = (areas.nth(i).bounding_box() for i in range(2))
    apart = (
        first["x"] + first["width"] <= second["x"]
        or second["x"] + second["width"] <= first["x"]
        or first["y"] + first["height"] <= second["y"]
        or second["y"] + second["height"] <= first["y"]
    )
    assert apart, (first, second)
    assert map_view(phone)[0] == 8


def test_the_search_button_at_the_bottom_of_the_filters_shows_the_count(
    phone, live_server, lamastre
):
    phone.goto(live_server.url + "/")
    phone.get_by_role("button", name="Filtres").click()
    phone.get_by_label("Près de (commune ou code postal)").fill("Lamastre")
    phone.get_by_text("Thèmes").click()
    phone.get_by_text("Formes juridiques").click()
    button = phone.get_by_role("button", name="Rechercher")
    button.scroll_into_view_if_needed()
    assert phone.evaluate("window.scrollY") > 0
    button.tap()
    count = phone.locator("#results-count")
    expect(count).to_contain_text("près de Lamastre")
    expect(phone.locator("#filters")).to_be_hidden()
    expect(phone.locator("#results")).not_to_have_attribute("aria-busy", "true")
    box = count.bounding_box()
    bar = phone.locator(".view-switch").bounding_box()
    assert box["y"] >= bar["y"] + bar["height"] - 1, (box, bar)  # not under the sticky switch
    assert box["y"] + box["height"] <= PHONE["height"], box

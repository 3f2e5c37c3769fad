"""Browser test: staff place an initiative on the admin map, and the point is saved."""

import re

import pytest
from playwright.sync_api import expect

from initiatives.models import Initiative
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

CREST = (44.7286, 5.0228)


@pytest.fixture
def staff_world():
    drome = factories.departement("26", "Drôme")
    ic = factories.interco(name="CC du Crestois", departements=[drome])
    crest = factories.commune(name="Crest", insee="26108", postcodes="26400", departement=drome,
                              interco=ic, centre_lat=CREST[0], centre_lon=CREST[1])  # fmt: skip
    factories.user(intercos=[ic], role="moderator", username="agent", password="s3cret-pass-26")
    return crest


def login(page, live_server, next_url):
    page.goto(f"{live_server.url}/admin/login/?next={next_url}")
    page.fill("#id_username", "agent")
    page.fill("#id_password", "s3cret-pass-26")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(re.escape(next_url)))


def test_place_point_on_map_and_save(page, live_server, staff_world):
    crest = staff_world
    login(page, live_server, "/admin/initiatives/initiative/add/")
    page.wait_for_selector("#essmap-map.leaflet-container")
    page.select_option("#id_commune", crest.pk)
    page.fill("#id_name", "Atelier vélo de Crest")
    page.fill("#id_postcode", "26400")

    map_box = page.locator("#essmap-map")
    box = map_box.bounding_box()
    # Choosing the commune centred the map on it: a click in the middle lands on Crest.
    map_box.click(position={"x": box["width"] / 2 + 20, "y": box["height"] / 2 + 10})
    expect(page.locator("#essmap-map .leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("#essmap-map-status")).to_contain_text("Point placé")
    # The marker's images are the ones the server named through static() (hashed names in
    # production: tests/initiatives/test_admin_map_static.py), and they loaded.
    config = page.evaluate("() => JSON.parse(document.getElementById('admin-map-config').text)")
    images = page.evaluate(
        "() => [...document.querySelectorAll('#essmap-map .leaflet-marker-pane img,"
        " #essmap-map .leaflet-shadow-pane img')].map(i => [i.src, i.naturalWidth])"
    )
    sources = {src.removeprefix(live_server.url) for src, _ in images}
    icons = config["markerIcon"]
    assert sources & {icons["iconUrl"], icons["iconRetinaUrl"]} and icons["shadowUrl"] in sources
    page.wait_for_function(
        "() => [...document.querySelectorAll('#essmap-map .leaflet-pane img.leaflet-marker-icon,"
        " #essmap-map .leaflet-pane img.leaflet-marker-shadow')].every(i => i.naturalWidth > 0)"
    )
    lat = float(page.input_value("#id_latitude"))
    lon = float(page.input_value("#id_longitude"))
    assert lat == pytest.approx(CREST[0], abs=0.02)
    assert lon == pytest.approx(CREST[1], abs=0.02)
    assert (lat, lon) != CREST  # the click offset moved it off the exact centre

    # Dragging the marker updates the fields.
    marker = page.locator("#essmap-map .leaflet-marker-icon")
    marker_box = marker.bounding_box()
    start_x = marker_box["x"] + marker_box["width"] / 2
    start_y = marker_box["y"] + marker_box["height"] - 4
    page.mouse.move(start_x, start_y)
    page.mouse.down()
    page.mouse.move(start_x + 40, start_y + 30, steps=8)
    page.mouse.up()
    expect(page.locator("#id_longitude")).not_to_have_value(str(lon))
    assert float(page.input_value("#id_longitude")) > lon  # dragged east
    assert float(page.input_value("#id_latitude")) < lat  # and south

    # Editing a field moves the marker (it stays the single marker).
    before = page.evaluate("() => document.querySelector('#essmap-map .leaflet-marker-icon')"
                           ".style.transform")  # fmt: skip
    page.fill("#id_latitude", "44.7300")
    page.fill("#id_longitude", "5.0300")
    expect(page.locator("#essmap-map .leaflet-marker-icon")).to_have_count(1)
    after = page.evaluate(
        "() => document.querySelector('#essmap-map .leaflet-marker-icon').style.transform"
    )
    assert after != before

    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r"/admin/initiatives/initiative/$"))
    saved = Initiative.objects.get(name="Atelier vélo de Crest")
    assert (saved.latitude, saved.longitude) == (44.73, 5.03)
    assert saved.commune == crest
    assert page.console_errors == []
    assert all("tile" in url for url in page.external_requests)


def test_click_sets_fields_and_saved_coordinates_match(page, live_server, staff_world):
    crest = staff_world
    login(page, live_server, "/admin/initiatives/initiative/add/")
    page.wait_for_selector("#essmap-map.leaflet-container")
    page.select_option("#id_commune", crest.pk)
    page.fill("#id_name", "Recyclerie de Crest")
    map_box = page.locator("#essmap-map")
    box = map_box.bounding_box()
    map_box.click(position={"x": box["width"] / 2 - 30, "y": box["height"] / 2 - 15})
    lat = page.input_value("#id_latitude")
    lon = page.input_value("#id_longitude")
    assert lat and lon
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r"/admin/initiatives/initiative/$"))
    saved = Initiative.objects.get(name="Recyclerie de Crest")
    assert saved.latitude == pytest.approx(float(lat), abs=1e-6)
    assert saved.longitude == pytest.approx(float(lon), abs=1e-6)


def test_geocoder_unreachable_shows_clear_message(page, live_server, staff_world):
    login(page, live_server, "/admin/initiatives/initiative/add/")
    page.wait_for_selector("#essmap-map.leaflet-container")
    page.fill("#essmap-geocode-q", "12 rue de la République, Crest")
    page.keyboard.press("Enter")  # must search, not submit the admin form
    status = page.locator("#essmap-map-status")
    expect(status).to_contain_text("injoignable")
    assert "/add/" in page.url
    assert any("q=12" in url for url in page.external_requests)
    assert page.input_value("#id_latitude") == ""

"""What a citizen does on the directory, in a real browser (Debian chromium, tiles faked)."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories

from .conftest import CREST, serious_violations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def result_names(page) -> list[str]:
    return page.locator("#results .card h3").all_inner_texts()


def assert_clean(page, live_server):
    assert page.console_errors == []
    outside = [u for u in page.external_requests if not u.startswith(live_server.url)]
    assert all("tile" in u for u in outside), outside


def test_search_energie_finds_energie_solidaire(page, live_server, territory):
    page.goto(live_server.url + "/")
    expect(page.locator("#results .count")).to_contain_text("4 initiatives")
    page.get_by_label("Mots").fill("energie")
    page.get_by_label("Mots").press("Enter")
    expect(page.locator("#results .count")).to_contain_text("1 initiative")
    assert result_names(page) == ["Énergie Solidaire"]
    # The URL carries the filter (shareable), and the map shows the same result.
    expect(page).to_have_url(re.compile(r"\?q=energie"))
    expect(page.locator(".leaflet-marker-icon[aria-label='Énergie Solidaire']")).to_have_count(1)
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("#results-live")).to_contain_text("1 initiative")
    assert_clean(page, live_server)


def test_filter_by_interco(page, live_server, territory):
    page.goto(live_server.url + "/")
    page.get_by_label("Intercommunalité").select_option(label=territory["crestois"].name)
    expect(page.locator("#results .count")).to_contain_text("2 initiatives")
    assert sorted(result_names(page)) == ["Énergie Solidaire", "Épicerie coopérative d’Aouste"]
    expect(page).to_have_url(re.compile(rf"interco={territory['crestois'].siren}"))
    expect(page.locator(".leaflet-marker-icon")).to_have_count(2)
    assert_clean(page, live_server)


def test_near_crest_within_20_km_shows_distances_in_order(page, live_server, territory):
    page.goto(live_server.url + "/")
    page.get_by_text("Coordonnées précises").click()
    page.get_by_label("Latitude").fill(str(CREST[0]))
    page.get_by_label("Longitude").fill(str(CREST[1]))
    page.get_by_label("Rayon (km)").fill("20")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.locator("#results .count")).to_contain_text("rayon 20 km")
    names = result_names(page)
    assert names == ["Énergie Solidaire", "Épicerie coopérative d’Aouste"]
    distances = [float(d) for d in page.locator("#results .reason-point").evaluate_all(
        "els => els.map(e => e.dataset.km)"
    )]  # fmt: skip
    assert distances == sorted(distances) and distances[-1] <= 20
    expect(page.locator("#results .reason-point").first).to_contain_text("à 0\xa0km")
    # The searched place and its radius are on the map.
    expect(page.locator("#map .place-pin")).to_have_count(1)
    expect(page.locator("#map path.leaflet-interactive, #map path")).not_to_have_count(0)
    assert_clean(page, live_server)


def test_near_a_commune_by_name(page, live_server, territory):
    page.goto(live_server.url + "/?near=Crest&radius=5")
    expect(page.locator("#results .count")).to_contain_text("près de Crest (rayon 5 km)")
    assert result_names(page) == ["Énergie Solidaire", "Épicerie coopérative d’Aouste"]
    chip = page.locator("#results .chip")
    expect(chip).to_have_text(["Près de Crest (5 km) × (retirer ce filtre)"])


def test_commune_autocomplete_then_search(page, live_server, territory):
    page.goto(live_server.url + "/")
    near = page.get_by_label("Près de (commune ou code postal)")
    near.press_sequentially("Cre", delay=50)
    expect(page.locator("#commune-options option[value='Crest (26)']")).to_have_count(1)
    near.fill("Crest (26)")
    page.get_by_label("Rayon (km)").fill("5")
    page.get_by_label("Rayon (km)").press("Enter")
    expect(page.locator("#results .count")).to_contain_text("près de Crest (rayon 5 km)")
    assert result_names(page)[0] == "Énergie Solidaire"
    assert_clean(page, live_server)


def test_near_me_uses_the_browser_position(page, live_server, territory):
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 44.9334, "longitude": 4.8924})
    page.goto(live_server.url + "/?radius=3")
    page.get_by_role("button", name="Autour de moi").click()
    expect(page.locator("#results .count")).to_contain_text("rayon 3 km")
    assert result_names(page) == ["Cantine de Valence"]
    expect(page).to_have_url(re.compile(r"lat=44\.9334"))
    assert_clean(page, live_server)


def test_moving_the_map_updates_the_list_only_when_asked(page, live_server, territory):
    page.goto(live_server.url + "/")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(4)
    # Off by default: a zoom moves the map (and its position in the URL), not the list.
    follow = page.get_by_label("Limiter la liste à la zone de la carte")
    expect(follow).not_to_be_checked()
    page.locator("#map").focus()
    page.keyboard.press("+")
    expect(page).to_have_url(re.compile(r"#carte=9/"))
    expect(page.locator("#results .count")).to_contain_text("4 initiatives")
    assert "bbox=" not in page.url
    follow.check()
    expect(page.locator("#results .chip")).to_contain_text(["Zone de la carte"])
    page.locator("#map").focus()
    for _ in range(3):
        page.keyboard.press("+")
        page.wait_for_timeout(400)  # let each zoom animation end
    expect(page).to_have_url(re.compile(r"bbox="))
    expect(page.locator("#results .count")).not_to_contain_text("4 initiatives")
    page.wait_for_load_state("networkidle")
    markers = page.locator(".leaflet-marker-icon").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )
    # The list and the map show the same initiatives, fewer than before the move.
    assert 0 < len(markers) < 4
    assert sorted(result_names(page)) == sorted(markers)
    assert_clean(page, live_server)


def test_open_an_initiative_and_follow_a_partner(page, live_server, territory):
    page.goto(live_server.url + "/?q=energie")
    page.get_by_role("link", name="Énergie Solidaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Énergie Solidaire")
    expect(page.locator(".leaflet-marker-icon[aria-label='Énergie Solidaire']")).to_have_count(1)
    page.get_by_role("link", name="Épicerie coopérative d’Aouste").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Épicerie coopérative d’Aouste")
    # ... and back: the partner lists Énergie Solidaire.
    page.get_by_role("link", name="Énergie Solidaire").click()
    expect(page).to_have_url(re.compile(r"/initiatives/energie-solidaire/$"))
    assert_clean(page, live_server)


def test_keyboard_only(page, live_server, territory):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id")
    assert focused == "id_q"
    page.keyboard.type("cantine")
    page.keyboard.press("Enter")
    expect(page.locator("#results .count")).to_contain_text("1 initiative")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Cantine de Valence":
            break
    else:
        pytest.fail("the result link was never reached with Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cantine de Valence")
    # Focus is visible: the focused element gets an outline.
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    assert_clean(page, live_server)


def test_map_markers_are_keyboard_reachable_with_escaped_popups(page, live_server, territory):
    factories.initiative(name='<img src=x onerror="window.pwned=1">', latitude=44.8, longitude=5.1)
    page.goto(live_server.url + "/")
    marker = page.locator(".leaflet-marker-icon[aria-label^='<img']")
    expect(marker).to_have_count(1)
    marker.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text('<img src=x onerror="window.pwned=1">')
    assert popup.locator("img").count() == 0
    assert page.evaluate("window.pwned") is None


def test_the_form_and_list_work_without_javascript(browser, live_server, territory):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        page.get_by_label("Mots").fill("cantine")
        page.get_by_role("button", name="Rechercher").click()
        expect(page).to_have_url(re.compile(r"q=cantine"))
        assert result_names(page) == ["Cantine de Valence"]
        page.goto(live_server.url + "/?radius=abc")
        expect(page.get_by_role("alert")).to_contain_text("Rayon")
    finally:
        context.close()


def test_english_version(page, live_server, territory):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="English version").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url == live_server.url + "/en/"
    expect(page.get_by_role("link", name="Version française")).to_be_visible()


def test_embed_map_shows_the_interco(page, live_server, territory):
    siren = territory["crestois"].siren
    page.goto(f"{live_server.url}/embed/?interco={siren}&mode=map")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(2)
    assert_clean(page, live_server)


@pytest.mark.parametrize(
    "path",
    ["/", "/?q=energie", "/initiatives/energie-solidaire/", "/intercos/cc-crestois/",
     "/intercos/", "/territoire/", "/sources/", "/donnees/", "/alertes/?q=energie",
     "/initiatives/energie-solidaire/signaler/"],
)  # fmt: skip
def test_no_serious_accessibility_violation(page, live_server, territory, axe_script, path):
    page.goto(live_server.url + path)
    assert serious_violations(page, axe_script) == []
    assert_clean(page, live_server)


def test_an_address_unknown_locally_goes_to_the_geocoder(page, live_server, territory):
    from django.conf import settings

    asked = []

    def geocoder(route):
        asked.append(route.request.url)
        route.fulfill(
            status=200,
            content_type="application/json",
            body='{"type": "FeatureCollection", "features": [{"type": "Feature", '
            '"geometry": {"type": "Point", "coordinates": [4.8924, 44.9334]}, '
            '"properties": {"label": "1 Place de la Liberté 26000 Valence"}}]}',
        )

    page.route(settings.GEOCODER_URL + "**", geocoder)
    page.goto(live_server.url + "/?radius=2")
    near = page.get_by_label("Près de (commune ou code postal)")
    near.fill("1 place de la liberte valence")
    near.press("Enter")
    expect(page.locator("#results .count")).to_contain_text("rayon 2 km")
    assert result_names(page) == ["Cantine de Valence"]
    assert len(asked) == 1 and "q=1%20place%20de%20la%20liberte%20valence" in asked[0]
    assert page.get_by_label("Latitude").input_value() == "44.93340"


def test_an_unreachable_geocoder_leaves_the_form_error(page, live_server, territory):
    page.goto(live_server.url + "/")
    near = page.get_by_label("Près de (commune ou code postal)")
    near.fill("Lieu inconnu")
    near.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Commune ou code postal introuvable")
    expect(page.locator("#results .count")).to_contain_text("Corrigez les filtres")
    # Only the refused geocoder request failed; the page itself raised nothing.
    assert all("Failed to load resource" in e or "ERR_FAILED" in e for e in page.console_errors)

"""Page quality in the browser (issue 21): no layout shift, Leaflet deferred yet maps built."""

import pytest
from playwright.sync_api import expect

from .conftest import guarded_page

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
# Sum of the layout shifts not caused by input, as Lighthouse counts them (CLS), once the page
# and its scripts have settled.
CLS_SCRIPT = """() => new Promise((resolve) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({ type: "layout-shift", buffered: true });
  setTimeout(() => resolve(total), 1500);
})"""


@pytest.fixture
def phone(browser, live_server):
    pg = guarded_page(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    yield pg
    pg.context.close()


@pytest.mark.parametrize("path", ["/?near=Crest&theme=alimentation", "/", "/en/"])
def test_the_directory_does_not_move_on_a_phone(phone, live_server, territory, path):
    phone.goto(live_server.url + path)
    phone.wait_for_load_state("networkidle")
    assert phone.evaluate(CLS_SCRIPT) == 0
    # The phone layout was decided before any script ran: the switch and the list only.
    expect(
        phone.get_by_role("button", name="Carte").or_(phone.get_by_role("button", name="Map"))
    ).to_be_visible()
    expect(phone.locator("#results")).to_be_visible()
    expect(phone.locator("#map")).to_be_hidden()


def test_deferred_leaflet_still_builds_the_maps(page, live_server, territory):
    for path in ("/", "/intercos/cc-crestois/", "/initiatives/energie-solidaire/"):
        page.goto(live_server.url + path)
        expect(page.locator("#map .leaflet-tile-pane")).to_have_count(1)
        assert page.evaluate(CLS_SCRIPT) == 0, path
    assert not page.console_errors

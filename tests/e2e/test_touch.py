"""Touch and reading on public pages: target sizes on a 390 px touch screen, no sideways scroll,
tables that keep their words whole, AA contrast (axe-core's color-contrast rule).

WCAG 2.5.5 (targets of 44 x 44 px) applies to every interactive element except links inside a
sentence (the "inline" exception) and the equivalent targets (a text field's label: the field
is the 44 px target; a checkbox: its 44 px label is); 2.5.8 (24 x 24 px) applies to all of
them, inline links included: the touch section of static/essmap/site.css pads them.
"""

import pytest
from django.core.management import call_command

from tests import factories

from .conftest import guarded_page

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
MINIMUM = 24  # WCAG 2.5.8, every target
ENHANCED = 44  # WCAG 2.5.5, every target outside a sentence

# Every visible interactive element with its box, and whether it is a link inside running text
# (an inline element among text of its parent: WCAG's "inline" exception to 2.5.5).
TARGETS_JS = """() => {
  const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, label';
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.tagName === 'LABEL' && !el.control) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || el.closest('[hidden], .visually-hidden')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right <= 0 || r.bottom + window.scrollY <= 0) continue;  // moved off-screen (skip link)
    const words = [...el.parentElement.childNodes].filter(n => n.nodeType === Node.TEXT_NODE)
      .map(n => n.textContent).join('').replace(/[\\s·,;:|()\u2014-]/g, '');
    const inline = style.display === 'inline' && words.length > 0;
    // Equivalent targets: a text field's label (the field is the 44 px target), a box with its
    // label (the label is).
    const box = ['checkbox', 'radio'].includes(el.type);
    const equivalent = el.tagName === 'LABEL' ? !['checkbox', 'radio'].includes(el.control.type)
      : box && el.labels.length > 0;
    const name = (el.getAttribute('aria-label') || el.textContent || el.name || el.id || '')
      .trim().replace(/\\s+/g, ' ').slice(0, 40);
    out.push({tag: el.tagName.toLowerCase(), name, w: r.width, h: r.height, inline, equivalent,
              cls: el.className && typeof el.className === 'string' ? el.className : ''});
  }
  return out;
}"""

SCROLL_JS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


@pytest.fixture
def site(territory, settings, tmp_path):
    """The e2e territory, the open-data files generated (a table of real sizes and rows)."""
    settings.OPENDATA_DIR = str(tmp_path / "opendata")
    call_command("export_opendata", verbosity=0)
    factories.initiative(name="Atelier vélo", commune=territory["es"].commune)
    return territory


def public_paths(site) -> list[str]:
    es, interco = site["es"], site["crestois"]
    return [
        "/",
        "/?near=Crest&radius=10&theme=energie",
        es.get_absolute_url(),
        interco.get_absolute_url(),
        "/donnees/",
        "/intercos/",
        "/territoire/",
        "/sources/",
        "/alertes/?q=epicerie",
        "/embed/",
        "/embed/?mode=list",
        "/en/",
        "/proposer/",
        f"/initiatives/{es.slug}/signaler/",
    ]


def touch_page(browser, live_server, viewport):
    return guarded_page(browser, live_server, viewport=viewport, is_mobile=True, has_touch=True)


def too_small(targets: list[dict]) -> tuple[list, list]:
    """(under 24 px, under 44 px outside a sentence), with a readable line for each."""

    def line(t):
        return f"{t['tag']}.{t['cls']} {t['name']!r} {t['w']:.0f}x{t['h']:.0f}"

    under_min = [line(t) for t in targets if min(t["w"], t["h"]) < MINIMUM - 0.5]
    under_enhanced = [
        line(t)
        for t in targets
        if not (t["inline"] or t["equivalent"]) and min(t["w"], t["h"]) < ENHANCED - 0.5
    ]
    return under_min, under_enhanced


def target_problems(pg, where: str) -> list[str]:
    """What is too small on the page as it is now (printed: the inline links under 44 px)."""
    targets = pg.evaluate(TARGETS_JS)
    assert targets, f"no interactive element found on {where}"
    under_min, under_enhanced = too_small(targets)
    inline = sorted({f"{t['name']!r} {t['h']:.0f}px" for t in targets if t["inline"]})
    print(f"{where}: {len(targets)} targets; inline links (24 px minimum): {inline}")
    return [f"{where}: under {MINIMUM} px: {t}" for t in under_min] + [
        f"{where}: under {ENHANCED} px: {t}" for t in under_enhanced if t not in under_min
    ]


def assert_no_sideways_scroll(pg, where: str):
    widths = pg.evaluate(SCROLL_JS)
    assert widths[0] <= widths[1], f"{where}: page {widths[0]} px wide in {widths[1]} px"


def test_every_target_is_large_enough_on_a_touch_phone(browser, live_server, site):
    pg = touch_page(browser, live_server, PHONE)
    problems = []
    try:
        for path in public_paths(site):
            pg.goto(live_server.url + path)
            pg.wait_for_load_state("networkidle")
            problems += target_problems(pg, path)
            if pg.locator(".view-switch").is_visible():  # the directory: its other two views
                for view in ("filters", "map"):
                    pg.locator(f"[data-view-switch={view}]").click()
                    pg.wait_for_load_state("networkidle")
                    if view == "filters":
                        for summary in pg.locator("details.choices summary").all():
                            summary.click()
                    else:
                        pg.locator(".leaflet-control-zoom-in").wait_for()
                    problems += target_problems(pg, f"{path} ({view})")
    finally:
        pg.context.close()
    assert problems == [], "\n".join(problems)


def test_the_leaflet_controls_are_full_size_targets(browser, live_server, site):
    pg = touch_page(browser, live_server, PHONE)
    try:
        pg.goto(live_server.url + site["crestois"].get_absolute_url())
        zoom = pg.locator(".leaflet-control-zoom-in")
        zoom.wait_for()
        box = zoom.bounding_box()
        assert box["width"] >= ENHANCED and box["height"] >= ENHANCED, box
        for link in pg.locator(".leaflet-control-attribution a").all():
            assert link.bounding_box()["height"] >= ENHANCED, link.text_content()
    finally:
        pg.context.close()


def test_the_desktop_keeps_its_compact_targets(page, live_server, site):
    """A mouse pointer gets the original layout: the touch rules stay inside (pointer: coarse)."""
    page.goto(live_server.url + "/")
    nav_link = page.get_by_role("navigation", name="Navigation principale").get_by_role("link")
    assert nav_link.first.bounding_box()["height"] < ENHANCED


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1366px"])
def test_no_public_page_scrolls_sideways(browser, live_server, site, viewport):
    pg = touch_page(browser, live_server, viewport)
    try:
        for path in public_paths(site):
            pg.goto(live_server.url + path)
            pg.wait_for_load_state("networkidle")
            assert_no_sideways_scroll(pg, f"{path} at {viewport['width']} px")
    finally:
        pg.context.close()


TABLET = {"width": 768, "height": 1024}


@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["390px", "768px"])
@pytest.mark.parametrize("path", ["/donnees/", "/intercos/"])
def test_tables_keep_words_whole_on_a_phone(browser, live_server, site, path, viewport):
    pg = touch_page(browser, live_server, viewport)
    try:
        pg.goto(live_server.url + path)
        cells = pg.locator("table td, table th")
        assert cells.count() > 5
        # No word is cut across lines (a file name may break after a hyphen, as in print).
        broken = pg.evaluate(
            """() => {
              const bad = [];
              for (const cell of document.querySelectorAll('table td, table th')) {
                const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
                for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                  let offset = 0;
                  for (const word of n.textContent.split(/([\\s\\-]+)/)) {
                    if (word.trim()) {
                      const range = document.createRange();
                      range.setStart(n, offset); range.setEnd(n, offset + word.length);
                      if (range.getClientRects().length > 1) bad.push(word);
                    }
                    offset += word.length;
                  }
                }
              }
              return bad;
            }"""
        )
        assert broken == []
        assert_no_sideways_scroll(pg, path)
        if viewport != PHONE:
            return
        # Each data cell says which column it belongs to (stacked rows on a phone).
        labels = pg.locator("table tbody td").evaluate_all(
            "els => els.map(e => getComputedStyle(e, '::before').content)"
        )
        assert all(label not in ("none", "normal", '""') for label in labels), labels
        assert_no_sideways_scroll(pg, path)
    finally:
        pg.context.close()


CONTRAST_JS = """async () => {
  const result = await axe.run(document, {runOnly: ['color-contrast']});
  return result.violations.flatMap(v => v.nodes.map(n => n.target.join(' ') + ': '
    + (n.any[0] ? n.any[0].message : '')));
}"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1366px"])
def test_all_text_meets_the_aa_contrast_ratio(browser, live_server, site, axe_script, viewport):
    """axe-core's color-contrast rule (4.5:1, 3:1 for large text): badges, tags, notices, maps."""
    pg = touch_page(browser, live_server, viewport)
    problems = []
    try:
        # The API reference (server-rendered) and Swagger UI (its badges, one operation opened).
        for path in [*public_paths(site), "/api/v1/docs/", "/api/v1/swagger/"]:
            pg.goto(live_server.url + path)
            pg.wait_for_load_state("networkidle")
            if pg.locator(".view-switch").is_visible():
                pg.locator("[data-view-switch=map]").click()
                pg.locator(".leaflet-control-zoom-in").wait_for()
            if path.startswith("/api/v1/swagger/"):
                pg.locator(".opblock-summary").first.click()
                pg.locator(".opblock-body").first.wait_for()
            pg.evaluate(axe_script.read_text())  # through DevTools: the CSP allows no inline script
            problems += [f"{path}: {p}" for p in pg.evaluate(CONTRAST_JS)]
    finally:
        pg.context.close()
    assert problems == [], "\n".join(problems)

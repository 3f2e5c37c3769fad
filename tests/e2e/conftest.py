"""Browser tests: Playwright (Python) driving Debian's chromium, map tiles faked.

Run with the rest of the suite; they need /usr/bin/chromium (.ci/run installs it), so each
module is marked `browser` (tests/prerequisites.py: skipped with the reason when missing,
failed under CI=true).
"""

import base64
import os

import pytest

from tests.prerequisites import CHROMIUM

# A 1x1 transparent PNG served for every tile request: no request leaves the machine.
TILE_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"chromium not found at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh page whose external requests are answered locally (tiles) or refused.

    `page.console_errors` collects console errors and page errors for assertions.
    `page.external_requests` lists every URL that tried to leave the site.
    """
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.console_errors = []
    pg.external_requests = []
    pg.on("console", lambda m: m.type == "error" and pg.console_errors.append(m.text))
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))

    def route(route):
        url = route.request.url
        if url.startswith(live_server.url):
            return route.continue_()
        pg.external_requests.append(url)
        if "tile" in url or url.endswith(".png"):
            return route.fulfill(status=200, content_type="image/png", body=TILE_PNG)
        return route.abort()

    context.route("**/*", route)
    yield pg
    context.close()

"""The strict Content-Security-Policy in a real browser: no violation on the site's pages,
and the API documentation (Swagger UI, Redoc) still renders under it."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def violations(page) -> list[str]:
    return [e for e in page.console_errors if "Content Security Policy" in e]


def page_violations(page) -> list[str]:
    return list(page.evaluate("window.cspViolations"))


def record_hosts(page) -> list[str]:
    """The host of every request the page makes from now on (blob: and data: have none)."""
    hosts: list[str] = []
    page.on("request", lambda request: hosts.append(urlsplit(request.url).netloc))
    return hosts


def third_party(hosts: list[str], live_server) -> set[str]:
    return {host for host in hosts if host and host != urlsplit(live_server.url).netloc}


def watch(page):
    page.add_init_script(
        "window.cspViolations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )


def test_swagger_ui_works_under_the_policy(page, live_server):
    watch(page)
    hosts = record_hosts(page)
    page.goto(live_server.url + "/api/v1/swagger/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("essmap API", timeout=20000)
    expect(page.locator(".opblock").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert third_party(hosts, live_server) == set()
    assert page_violations(page) == []
    assert violations(page) == []


def test_redoc_works_under_the_policy(page, live_server):
    watch(page)
    hosts = record_hosts(page)
    page.goto(live_server.url + "/api/v1/redoc/")
    expect(page.locator("h1").first).to_contain_text("essmap API", timeout=20000)
    expect(page.get_by_text("initiatives").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert third_party(hosts, live_server) == set()  # no vendor logo (essmap/api/redoc.py)
    assert page_violations(page) == []
    assert violations(page) == []


@pytest.mark.parametrize("path", ["/", "/embed/", "/proposer/", "/sources/", "/intercos/"])
def test_site_pages_have_no_violation(page, live_server, path):
    watch(page)
    page.goto(live_server.url + path)
    page.wait_for_load_state("networkidle")
    assert page_violations(page) == []
    assert violations(page) == []

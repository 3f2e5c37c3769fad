"""The API documentation pages request nothing from a third-party host (issue 18).

Every URL a page, its init script or settings, or the Redoc bundle could load is on the site
itself; Redoc's vendor-hosted footer logo is cut out of the bundle (essmap/api/redoc.py).
The browser check is tests/e2e/test_csp.py.
"""

import re

import pytest
from drf_spectacular.settings import spectacular_settings

from essmap.api import redoc

pytestmark = pytest.mark.django_db

ABSOLUTE_URL = re.compile(r"""(?:https?:)?//([A-Za-z0-9.-]+)""")


def external_hosts(text: str) -> set[str]:
    return {host for host in ABSOLUTE_URL.findall(text) if host != "testserver"}


def loaded_urls(html: str) -> list[str]:
    return re.findall(r'<(?:script|link|img|iframe)[^>]*(?:src|href)="([^"]+)"', html)


def test_redoc_page_and_settings_name_no_other_host(client):
    response = client.get("/api/v1/redoc/")
    assert response.status_code == 200
    html = response.content.decode()
    assert external_hosts(html) == set()
    assert "/api/v1/redoc/redoc.standalone.js" in loaded_urls(html)
    assert not any("redoc.standalone.js" in url and "sidecar" in url for url in loaded_urls(html))
    assert external_hosts(str(spectacular_settings.REDOC_UI_SETTINGS)) == set()
    assert "<script>" not in html  # no inline script (CSP)


def test_the_served_redoc_bundle_has_no_vendor_logo(client):
    response = client.get("/api/v1/redoc/redoc.standalone.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content
    assert redoc.VENDOR_HOST.encode() not in body
    assert b"//# sourceMappingURL=redoc" not in body
    assert b"API docs by Redocly" in body  # the rest of the bundle is the sidecar's
    assert redoc.VENDOR_HOST.encode() in redoc.BUNDLE.read_bytes()  # what was cut out
    assert client.head("/api/v1/redoc/redoc.standalone.js")["Content-Length"] == str(len(body))
    again = client.get("/api/v1/redoc/redoc.standalone.js", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_swagger_page_and_init_script_name_no_other_host(client):
    html = client.get("/api/v1/swagger/").content.decode()
    assert external_hosts(html) == set()
    scripts = [url for url in loaded_urls(html) if url.startswith("/api/v1/swagger/")]
    assert scripts  # the split view's init script, with the settings
    for url in scripts:
        script = client.get(url.replace("&amp;", "&")).content.decode()
        assert "validatorUrl" in script
        assert external_hosts(script) == set(), script
    assert external_hosts(str(spectacular_settings.SWAGGER_UI_SETTINGS)) == set()


def test_a_changed_bundle_fails_loudly(tmp_path, monkeypatch):
    changed = tmp_path / "redoc.standalone.js"
    moved = 'x.createElement("img",{src:"https://cdn.redoc.ly/new/place.svg",a:1})'
    changed.write_text(moved + '+x.createElement("img",{src:"https://cdn.redoc.ly/o.svg"})')
    monkeypatch.setattr(redoc, "BUNDLE", changed)
    redoc.patched_bundle.cache_clear()
    try:
        with pytest.raises(Exception, match="bundle changed"):
            redoc.patched_bundle()
    finally:
        redoc.patched_bundle.cache_clear()

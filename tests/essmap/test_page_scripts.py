"""No script blocks the parser on the public pages (issue 21): Leaflet is deferred."""

import re

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r"<script\b([^>]*)\bsrc=\"([^\"]+)\"([^>]*)>")


def scripts(html: str) -> list[tuple[str, str]]:
    return [(src, before + after) for before, src, after in SCRIPT.findall(html)]


def test_every_script_of_the_map_pages_is_deferred(client):
    initiative = factories.initiative(status="published", latitude=44.73, longitude=5.02)
    interco = initiative.commune.interco if initiative.commune_id else factories.interco()
    pages = ["/", "/en/", f"/initiatives/{initiative.slug}/", f"/intercos/{interco.slug}/"]
    for path in pages:
        html = client.get(path).content.decode()
        found = scripts(html)
        assert found, path
        for src, attributes in found:
            assert "defer" in attributes or 'type="module"' in attributes, (path, src)
    html = client.get("/").content.decode()
    leaflet = html.index("leaflet/leaflet.js")
    assert leaflet < html.index("initiatives/js/directory.js")  # runs before the map module
    assert leaflet < html.index("</head>")  # fetched early, alongside the page

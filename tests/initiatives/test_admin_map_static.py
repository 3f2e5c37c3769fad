"""The admin map's marker images exist under the production static storage's hashed names
(issue 18): Leaflet's own guess from leaflet.css's path gave 404s there."""

import json
import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from essmap import geo
from tests import factories

MANIFEST = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """collectstatic once, with the manifest storage (hashed names), into a temporary folder."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STORAGES=MANIFEST):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


def admin_map_config(body: str) -> dict:
    found = re.search(
        r'<script id="admin-map-config" type="application/json">(.*?)</script>', body, re.S
    )
    return json.loads(found.group(1))


@pytest.mark.django_db
def test_marker_images_are_the_collected_hashed_files(client, collected):
    root = factories.user(superuser=True)
    initiative = factories.initiative(name="Épicerie", latitude=44.9, longitude=4.9)
    client.force_login(root)
    with override_settings(STATIC_ROOT=collected, STORAGES=MANIFEST):
        response = client.get(reverse("admin:initiatives_initiative_change", args=[initiative.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    icons = admin_map_config(body)["markerIcon"]
    assert set(icons) == {"iconUrl", "iconRetinaUrl", "shadowUrl"}
    for option, url in icons.items():
        name = geo.MARKER_IMAGES[option]
        assert url.startswith("/static/leaflet/images/")
        assert url != "/static/" + name  # the hashed name, not the source name
        assert re.fullmatch(r"/static/leaflet/images/[\w@-]+\.[0-9a-f]{12}\.png", url), url
        assert (collected / url.removeprefix("/static/")).is_file(), url
    # the page loads the module and its settings only as JSON data (no inline script)
    assert re.search(r'<script type="module" src="/static/initiatives/js/admin_map\.[0-9a-f]{12}'
                     r'\.js"></script>', body)  # fmt: skip
    for tag in re.findall(r"<script[^>]*>", body):
        assert "src=" in tag or "application/json" in tag, tag


def test_the_module_uses_the_given_icon():
    from pathlib import Path

    source = (Path(__file__).parents[2] / "static/initiatives/js/admin_map.js").read_text()
    assert "markerIcon(L, config.markerIcon)" in source
    assert ".png" not in source  # no image URL built by hand

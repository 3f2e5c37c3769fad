"""/api/v1/docs/ (the reference written from the schema) and the schema built at deploy."""

import gzip
import io
import json
import re

import pytest
from django.core.management import call_command

from essmap.api import reference as reference_module
from essmap.api import schema as schema_module

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(tmp_path, settings):
    path = tmp_path / "openapi.json"
    settings.API_SCHEMA_FILE = str(path)
    call_command("build_api_schema", stdout=io.StringIO())
    yield path
    schema_module._built.clear()
    reference_module._contexts.clear()


def test_the_reference_is_a_plain_described_page_in_english(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert '<meta name="description" content="' in html
    assert "<script" not in html  # no script at all: light on a phone
    assert response["Cache-Control"] == "public, max-age=3600"
    # Every operation of the schema, with its parameters described.
    assert "<code>/api/v1/initiatives/</code>" in html
    assert "<code>near</code>" in html
    # The interactive UIs and the schema stay at their own addresses, linked from it.
    for url in ("/api/v1/swagger/", "/api/v1/redoc/", "/api/v1/schema/?format=json"):
        assert f'href="{url}"' in html


def test_headings_go_down_one_level_at_a_time(client):
    html = client.get("/api/v1/docs/").content.decode()
    levels = [int(level) for level in re.findall(r"<h([1-6])", html)]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


def test_descriptions_are_escaped_with_code_spans():
    assert reference_module.inline_markdown("`<b>` & `x`") == (
        "<code>&lt;b&gt;</code> &amp; <code>x</code>"
    )


def test_build_api_schema_writes_the_schema(built):
    schema = json.loads(built.read_bytes())
    assert schema["info"]["title"] == "essmap API"
    assert "/api/v1/initiatives/" in schema["paths"]


def test_the_built_schema_is_served_gzipped_with_an_etag(client, built):
    response = client.get(
        "/api/v1/schema/", HTTP_ACCEPT="application/json", HTTP_ACCEPT_ENCODING="gzip"
    )
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content)) == json.loads(built.read_bytes())
    assert "max-age=3600" in response["Cache-Control"]
    again = client.get("/api/v1/schema/?format=json", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_the_built_schema_is_what_the_reference_shows(client, built):
    schema = json.loads(built.read_bytes())
    schema["paths"]["/api/v1/only-in-the-file/"] = {
        "get": {"operationId": "only_in_file", "tags": ["initiatives"], "responses": {}}
    }
    built.write_text(json.dumps(schema))
    html = client.get("/api/v1/docs/").content.decode()
    assert "<code>/api/v1/only-in-the-file/</code>" in html


def test_without_the_file_or_for_yaml_the_schema_is_built_on_request(client, built):
    yaml_response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/yaml")
    assert yaml_response.status_code == 200
    assert yaml_response.content.startswith(b"openapi:")
    built.unlink()
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert not response.has_header("ETag")  # built here, not the file
    assert response.json()["info"]["title"] == "essmap API"

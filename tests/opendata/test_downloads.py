"""HEAD and conditional GET on every /donnees/ download (issue 18)."""

import io

import pytest
from django.core.management import call_command
from django.utils.http import http_date

from initiatives.opendata import files
from tests import factories

pytestmark = pytest.mark.django_db

FILE_URLS = [f"/donnees/fichiers/{f.name}" for f in files.FILES]
URLS = [*FILE_URLS, "/donnees/schema/initiatives.json", "/donnees/catalogue.jsonld"]


@pytest.fixture
def built(db):
    factories.initiative(name="Servie")
    call_command("export_opendata", force=True, stdout=io.StringIO())


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("url", URLS)
def test_head_answers_as_get_without_a_body(client, built, url):
    get = client.get(url)
    head = client.head(url)
    assert get.status_code == head.status_code == 200
    for header in ("ETag", "Content-Type", "Content-Length", "Cache-Control"):
        assert head[header] == get[header], header
    assert int(head["Content-Length"]) == len(_body(get)) > 0
    assert _body(head) == b""


@pytest.mark.parametrize("url", URLS)
def test_if_none_match_strong_weak_list_and_star_give_304(client, built, url):
    etag = client.get(url)["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    for sent in (etag, f"W/{etag}", f'"autre", {etag}', "*"):
        for method in (client.get, client.head):
            response = method(url, HTTP_IF_NONE_MATCH=sent)
            assert response.status_code == 304, (sent, method)
            assert response["ETag"] == etag
            assert response["Cache-Control"]
            assert _body(response) == b""
    assert client.get(url, HTTP_IF_NONE_MATCH='"autre"').status_code == 200
    assert client.get(url, HTTP_IF_NONE_MATCH='W/"autre"').status_code == 200


@pytest.mark.parametrize("url", [*FILE_URLS, "/donnees/catalogue.jsonld"])
def test_if_modified_since(client, built, url):
    response = client.get(url)
    last_modified = response["Last-Modified"]
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    long_ago = http_date(0)
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=long_ago).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 §13.1.3)
    answer = client.get(url, HTTP_IF_NONE_MATCH='"autre"', HTTP_IF_MODIFIED_SINCE=last_modified)
    assert answer.status_code == 200


def test_a_rebuilt_file_is_sent_again(client, built):
    url = "/donnees/fichiers/initiatives.csv"
    etag = client.get(url)["ETag"]
    factories.initiative(name="Nouvelle")
    call_command("export_opendata", force=True, stdout=io.StringIO())
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert b"Nouvelle" in _body(response)


def test_the_page_answers_head_and_other_methods_are_refused(client, built):
    assert client.head("/donnees/").status_code == 200
    assert client.post("/donnees/fichiers/initiatives.csv").status_code == 405
    assert client.head("/donnees/fichiers/inconnu.csv").status_code == 404


def test_a_file_removed_after_the_manifest_is_a_404(client, built):
    (files.opendata_dir() / "initiatives.csv").unlink()
    assert client.get("/donnees/fichiers/initiatives.csv").status_code == 404
    assert client.head("/donnees/fichiers/initiatives.csv").status_code == 404


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_IF_MODIFIED_SINCE": "hier"},
        {"HTTP_IF_NONE_MATCH": "pas-une-etiquette"},
        {"HTTP_IF_NONE_MATCH": "W/"},
        {"HTTP_IF_NONE_MATCH": '"\x00"'},
    ],
)
def test_malformed_conditions_are_ignored(client, built, headers):
    response = client.get("/donnees/fichiers/initiatives.csv", **headers)
    assert response.status_code == 200
    assert b"Servie" in _body(response)


def test_a_failed_if_match_is_a_412(client, built):
    url = "/donnees/fichiers/initiatives.csv"
    assert client.get(url, HTTP_IF_MATCH='"autre"').status_code == 412
    assert client.get(url, HTTP_IF_MATCH=client.get(url)["ETag"]).status_code == 200

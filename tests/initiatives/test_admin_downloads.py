"""The admin's CSV downloads (export of the list, import template): HEAD and conditional GET."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from essmap.cache import data_changed
from initiatives.models import Initiative
from tests import factories

pytestmark = pytest.mark.django_db

EXPORT = reverse("admin:initiatives_initiative_export")
TEMPLATE = reverse("admin:initiatives_initiative_import_template")


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def staff(client):
    ic = factories.interco(name="CC du Crestois")
    crest = factories.commune(name="Crest", interco=ic)
    factories.initiative(name="Recyclerie de Crest", commune=crest)
    other = factories.interco(name="CA Privas")
    factories.initiative(name="Épicerie de Privas", commune=factories.commune(interco=other))
    user = factories.user(intercos=[ic], role="moderator")
    client.force_login(user)
    return user


@pytest.mark.parametrize("url", [EXPORT, TEMPLATE, EXPORT + "?status__exact=published"])
def test_head_answers_as_get_without_a_body(client, staff, url):
    get = client.get(url)
    assert get.status_code == 200 and _body(get)
    with CaptureQueriesContext(connection) as queries:
        head = client.head(url)
    assert head.status_code == 200 and not head.streaming and head.content == b""
    for header in ("ETag", "Content-Type", "Content-Disposition", "Cache-Control"):
        assert head[header] == get[header], header
    rows = [q["sql"] for q in queries.captured_queries
            if q["sql"].startswith('SELECT "initiatives_initiative"."id"')]  # fmt: skip
    assert rows == []  # the export's rows are never read (the changelist's counts may be)


def test_the_template_has_a_strong_etag_and_answers_304(client, staff):
    get = client.get(TEMPLATE)
    etag = get["ETag"]
    assert etag.startswith('"') and get["Content-Length"] == str(len(get.content))
    assert get.content.decode("utf-8-sig").startswith("nom;")
    for method in (client.get, client.head):
        again = method(TEMPLATE, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304 and again.content == b""


def test_the_export_answers_304_until_the_data_changes(
    client, staff, django_capture_on_commit_callbacks
):
    first = client.get(EXPORT)
    etag, last = first["ETag"], first["Last-Modified"]
    assert etag.startswith('W/"') and "Privas" not in _body(first).decode()
    assert client.get(EXPORT, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(EXPORT, HTTP_IF_MODIFIED_SINCE=last).status_code == 304
    assert client.get(EXPORT + "?status__exact=draft", HTTP_IF_NONE_MATCH=etag).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        Initiative.objects.filter(name="Recyclerie de Crest").update(summary="Réemploi")
        data_changed()
    assert client.get(EXPORT, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_another_territory_s_staff_never_get_a_304_for_this_export(client, staff):
    etag = client.get(EXPORT)["ETag"]
    client.force_login(factories.user(intercos=[factories.interco(name="CC Autre")]))
    response = client.get(EXPORT, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag

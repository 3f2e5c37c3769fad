"""Atom feed of a directory search: valid Atom, filtered like the page, linked from it."""

import feedparser
import pytest

from initiatives.models import Initiative
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_territories():
    a, b = factories.interco(name="CC Alpha"), factories.interco(name="CC Beta")
    food = factories.theme("alimentation", "Alimentation")
    in_a = factories.commune(interco=a)
    in_b = factories.commune(interco=b)
    factories.initiative(name="Épicerie Alpha", commune=in_a, themes=[food], summary="Vrac")
    factories.initiative(name="Garage Alpha", commune=in_a)
    factories.initiative(name="Épicerie Beta", commune=in_b, themes=[food])
    factories.initiative(name="Brouillon Alpha", commune=in_a, status=Initiative.Status.DRAFT)
    return a, b


def _titles(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed, sorted(e.title for e in feed.entries)


def _page_titles(client, query):
    html = client.get(f"/?{query}").content.decode()
    return sorted(i.name for i in Initiative.objects.published() if f">{i.name}</a>" in html)


@pytest.mark.parametrize(
    "query",
    ["", "theme=alimentation", "interco={a}", "interco={a}&theme=alimentation", "q=epicerie"],
)
def test_feed_is_filtered_like_the_page(client, two_territories, query):
    a, _b = two_territories
    query = query.format(a=a.siren)
    feed, titles = _titles(client, f"/flux/initiatives.atom?{query}")
    assert titles == _page_titles(client, query)
    assert "Brouillon Alpha" not in titles


def test_feed_entries_link_to_pages_and_carry_dates(client, two_territories):
    feed, _titles_ = _titles(client, "/flux/initiatives.atom?theme=alimentation")
    entry = next(e for e in feed.entries if e.title == "Épicerie Alpha")
    assert entry.link.endswith("/initiatives/epicerie-alpha/")
    assert entry.updated_parsed and entry.published_parsed
    assert "Vrac" in entry.summary
    assert feed.feed.link.endswith("/?theme=alimentation")


def test_invalid_search_is_a_400_not_a_500(client, db):
    response = client.get("/flux/initiatives.atom?lat=abc&lon=1")
    assert response.status_code == 400


def test_results_page_links_its_feed_and_alert(client, two_territories):
    a, _b = two_territories
    html = client.get(f"/?interco={a.siren}&page=1").content.decode()
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="Nouveautés de cette recherche '
        f'(Atom)" href="/flux/initiatives.atom?interco={a.siren}">' in html
    )
    assert f'href="/alertes/?interco={a.siren}"' in html


def test_the_feed_answers_head_and_conditional_get(client, two_territories):
    """Issue 21: like every download, an ETag (its bytes'), Last-Modified, HEAD, 304s."""
    url = "/flux/initiatives.atom?theme=alimentation"
    get = client.get(url)
    etag, last = get["ETag"], get["Last-Modified"]
    assert etag.startswith('"') and get["Content-Length"] == str(len(get.content))
    head = client.head(url)
    assert head.status_code == 200 and head.content == b""
    assert (head["ETag"], head["Content-Type"]) == (etag, get["Content-Type"])
    for method in (client.get, client.head):
        assert method(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
        assert method(url, HTTP_IF_MODIFIED_SINCE=last).status_code == 304
    assert client.get("/flux/initiatives.atom", HTTP_IF_NONE_MATCH=etag).status_code == 200
    Initiative.objects.filter(name="Épicerie Alpha").update(name="Épicerie Alpha (vrac)")
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200

"""robots.txt, favicon and the head tags every page carries (sitemap.xml: test_sitemaps)."""

import re
from html import unescape

from tests import factories


def test_robots_txt_points_to_the_sitemap_and_hides_the_staff_side(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "User-agent: *" in text
    assert "Disallow: /admin/" in text and "Disallow: /api/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_robots_txt_lets_the_api_reference_be_crawled(client, db):
    """The API is not crawled, its reference page is: Allow wins as the longer rule."""
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert "Allow: /api/v1/docs/" in lines
    assert lines.index("Allow: /api/v1/docs/") < lines.index("Disallow: /api/")


def test_favicon_and_touch_icons(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"
    html = client.get("/").content.decode()
    assert 'rel="apple-touch-icon" href="/static/essmap/icons/apple-touch-icon.png"' in html
    assert 'rel="icon" href="/static/essmap/icons/favicon.svg"' in html


def test_pages_have_canonical_and_social_preview_tags(client, db):
    initiative = factories.initiative(name="Épicerie solidaire", status="published")
    html = unescape(client.get(f"/en/initiatives/{initiative.slug}/").content.decode())
    url = f"http://testserver/en/initiatives/{initiative.slug}/"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert re.search(r'<meta property="og:title" content="[^"]*Épicerie solidaire', html)
    assert '<meta property="og:locale" content="en_GB">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert '<meta property="og:image" content="http://testserver/static/' in html


def test_robots_and_favicon_answer_head_and_conditional_get(client, db):
    """Issue 21: HEAD was a 405 (require_GET); the favicon answers If-Modified-Since."""
    for url in ("/robots.txt", "/favicon.ico"):
        head = client.head(url)
        assert head.status_code == 200, url
        body = b"".join(head.streaming_content) if head.streaming else head.content
        assert body == b"", url
    last = client.get("/favicon.ico")["Last-Modified"]
    assert client.get("/favicon.ico", HTTP_IF_MODIFIED_SINCE=last).status_code == 304
    assert client.post("/favicon.ico").status_code == 405

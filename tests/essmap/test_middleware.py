"""Text compression (essmap.middleware.TextCompressionMiddleware, issue 21)."""

import gzip

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_pages_are_gzipped_for_anonymous_visitors(client):
    response = client.get("/sources/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert b"</html>" in gzip.decompress(response.content)


def test_json_is_gzipped_and_nothing_is_without_accept_encoding(client):
    response = client.get("/api/v1/schema/?format=json", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert not client.get("/sources/").has_header("Content-Encoding")


def test_a_request_with_a_session_is_never_compressed(client):
    """BREACH: no page that may hold a session's data is compressed."""
    client.cookies[settings.SESSION_COOKIE_NAME] = "anything"
    response = client.get("/sources/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


def test_streamed_files_pass_untouched(client):
    response = client.get("/favicon.ico", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response.streaming
    assert not response.has_header("Content-Encoding")


def test_the_referrer_policy_gives_other_sites_the_origin(client):
    """Tile servers receive the site's origin, never the path or the search."""
    response = client.get("/sources/")
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"

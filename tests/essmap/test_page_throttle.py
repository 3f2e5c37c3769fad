"""HTML pages rate-limited per anonymous client (essmap.page_throttle, issue 18)."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_per_minute(settings):
    settings.PAGE_THROTTLE_ANON = "3/minute"


def test_anonymous_client_past_its_rate_gets_a_429_in_french(client, three_per_minute):
    for path in ("/", "/?q=energie", "/embed/"):
        assert client.get(path).status_code == 200
    response = client.get("/", {"q": "solidaire", "junk": "1"})
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    assert 0 < int(response["Retry-After"]) <= 61
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert "Trop de requêtes (erreur 429)" in html
    assert f"Réessayez dans {response['Retry-After']} seconde" in html
    assert client.get("/en/").status_code == 429  # one count per client, every language


def test_english_pages_say_it_in_english(client, three_per_minute):
    for _ in range(3):
        client.get("/en/")
    response = client.get("/en/")
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()


def test_each_client_has_its_own_count(client, three_per_minute):
    for _ in range(3):
        assert client.get("/", REMOTE_ADDR="198.51.100.7").status_code == 200
    assert client.get("/", REMOTE_ADDR="198.51.100.7").status_code == 429
    assert client.get("/", REMOTE_ADDR="198.51.100.8").status_code == 200


@pytest.mark.parametrize(
    "path", ["/static/essmap/site.js", "/healthz", "/readyz", "/admin/login/", "/api/v1/themes/"]
)
def test_static_files_health_checks_admin_and_api_are_not_counted(client, three_per_minute, path):
    for _ in range(5):
        assert client.get(path).status_code != 429, path
    assert client.get("/").status_code == 200  # none of them used the pages' quota


def test_signed_in_staff_are_not_throttled(client, three_per_minute):
    client.force_login(factories.user(superuser=True))
    for _ in range(5):
        assert client.get("/").status_code == 200


def test_an_empty_rate_means_no_limit(client, settings):
    settings.PAGE_THROTTLE_ANON = ""
    for _ in range(5):
        assert client.get("/").status_code == 200

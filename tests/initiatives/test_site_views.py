from html import unescape

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_territory_page_lists_figures_with_sources_and_charts(
    client, django_assert_max_num_queries
):
    article = factories.source(title="La force des alliances locales", publisher="Revue")
    insee = factories.source(title="INSEE Flores", cited_in=article, url="https://example.org/i")
    factories.key_figure(
        label="Emplois dans l'ESS",
        value=12000,
        unit="emplois",
        source=insee,
        qualifier="more_than",
        year=2023,
    )
    factories.key_figure(label="Emplois associatifs", value=8000, unit="emplois", source=article)
    factories.key_figure(label="Part de l'ESS", value="11.5", unit="%", source=article)
    factories.key_figure(label="Interco only", value=3, interco=factories.interco())
    with django_assert_max_num_queries(4):
        response = client.get("/territoire/")
    html = unescape(response.content.decode())
    for text in (
        "Emplois dans l’ESS",
        "plus de\u00a012\u202f000\u00a0emplois",
        "INSEE Flores",
        "cité dans «\u00a0La force des alliances locales\u00a0»",
        "11,5\u00a0%",
        "Revue",
    ):
        assert text in html, text
    assert "Interco only" not in html
    # Only the unit with two figures gets a chart.
    assert html.count('<figure class="chart"') == 1


def test_sources_page(client):
    factories.source(title="La force des alliances locales", url="https://example.org/a")
    html = client.get("/sources/").content.decode()
    assert "La force des alliances locales" in html
    assert "Licence Ouverte" in html
    assert "/api/v1/docs/" in html


def test_every_page_has_a_skip_link_and_language_switcher(client):
    for url in ("/", "/intercos/", "/territoire/", "/sources/"):
        html = client.get(url).content.decode()
        assert 'class="skip-link" href="#main"' in html, url
        assert 'class="language-switcher"' in html and 'hreflang="en"' in html, url
        assert 'id="main"' in html, url

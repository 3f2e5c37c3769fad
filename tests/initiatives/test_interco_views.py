import re

import pytest
from django.urls import reverse

from initiatives.models import Initiative, Partnership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def crestois():
    ic = factories.interco(
        name="CC du Crestois",
        slug="cc-crestois",
        population=15000,
        centre_lat=44.73,
        centre_lon=5.02,
        contour={
            "type": "Polygon",
            "coordinates": [[[5, 44.7], [5.1, 44.7], [5.1, 44.8], [5, 44.7]]],
        },
    )
    other = factories.interco(name="Autre CC", slug="autre-cc")
    crest = factories.commune(name="Crest", interco=ic, postcodes="26400")
    factories.commune(name="Aouste-sur-Sye", interco=ic)
    energie = factories.theme("energie", "Énergie")
    food = factories.theme("alimentation", "Alimentation")
    a = factories.initiative(
        name="Énergie Solidaire", commune=crest, themes=[energie], legal_form="scic"
    )
    factories.initiative(
        name="Épicerie", coverage=[ic], themes=[food, energie], legal_form="association"
    )
    factories.initiative(name="Ailleurs", coverage=[other], themes=[food])
    factories.initiative(name="Brouillon", commune=crest, status=Initiative.Status.DRAFT)
    factories.partnership(
        initiative=a, partner_interco=ic, kind=Partnership.Kind.FUNDING, start_year=2021
    )
    factories.key_figure(label="Emplois ESS", value=420, unit="emplois", interco=ic)
    return ic


def test_interco_list_counts_published_initiatives(client, crestois, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = client.get(reverse("intercos:list"))
    counts = {ic.name: ic.n_initiatives for ic in response.context["intercos"]}
    assert counts == {"CC du Crestois": 2, "Autre CC": 1}
    assert 'href="/intercos/cc-crestois/"' in response.content.decode()


def test_interco_page_shows_communes_initiatives_partnerships_figures(
    client, crestois, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        response = client.get(reverse("intercos:detail", args=["cc-crestois"]))
    html = response.content.decode()
    for text in (
        "Crest",
        "Aouste-sur-Sye",
        "Énergie Solidaire",
        "Épicerie",
        "Financement",
        "depuis 2021",
        "Emplois ESS",
        "420\u00a0emplois",
        "2 communes",
        "2 initiatives",
    ):
        assert text in html, text
    assert "Brouillon" not in html and "Ailleurs" not in html
    assert f"/?interco={crestois.siren}" in html


def test_interco_page_draws_breakdowns_as_svg(client, crestois):
    response = client.get(reverse("intercos:detail", args=["cc-crestois"]))
    assert response.context["themes"] == [("Énergie", 2), ("Alimentation", 1)]
    assert sorted(response.context["legal_forms"]) == [("Association", 1), ("SCIC", 1)]
    html = response.content.decode()
    assert html.count('<figure class="chart"') == 2
    # Each row is text (label, then value), readable without the drawing.
    row = r'<span class="chart-label">Énergie</span>.*?<span class="chart-value">2</span>'
    assert re.search(row, html, re.S)


def test_interco_page_offers_embed_snippets_and_contour(client, crestois):
    response = client.get(reverse("intercos:detail", args=["cc-crestois"]))
    html = response.content.decode()
    assert f"/embed/?interco={crestois.siren}&amp;mode=map" in html
    assert "&lt;iframe" in html
    config = response.context["map_config"]
    assert config["contour"]["type"] == "Polygon"
    assert config["filters"] == [["interco", crestois.siren]]


def test_unknown_interco_is_404(client):
    assert client.get("/intercos/nope/").status_code == 404


def test_lazy_and_grouped_counts_agree(crestois):
    from initiatives.interco_selectors import interco_directory, interco_public_list

    lazy = {ic.name: ic.n_initiatives for ic in interco_public_list()}
    grouped = {ic.name: ic.n_initiatives for ic in interco_directory()}
    assert lazy == grouped == {"CC du Crestois": 2, "Autre CC": 1}

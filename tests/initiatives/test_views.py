import json
import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.urls import reverse

from initiatives.models import Initiative, Partnership
from tests import factories

pytestmark = pytest.mark.django_db

CREST = (44.7286, 5.0228)
VALENCE = (44.9334, 4.8924)
DIE = (44.7536, 5.3703)


@pytest.fixture
def directory_data():
    ic = factories.interco(name="CC du Crestois", slug="cc-crestois")
    crest = factories.commune(
        name="Crest", interco=ic, centre_lat=CREST[0], centre_lon=CREST[1], postcodes="26400"
    )
    energie = factories.theme("energie", "Énergie")
    food = factories.theme("alimentation", "Alimentation")
    es = factories.initiative(
        name="Énergie Solidaire",
        summary="Lutte contre la précarité énergétique",
        commune=crest,
        latitude=CREST[0],
        longitude=CREST[1],
        themes=[energie],
        legal_form="scic",
        verified_at=date.today(),
    )
    factories.initiative(
        name="Cantine de Valence",
        summary="Cantines locales",
        latitude=VALENCE[0],
        longitude=VALENCE[1],
        themes=[food],
        legal_form="association",
    )
    for i in range(25):
        factories.initiative(name=f"Zeta {i:02d}", themes=[food, energie])
    return {"interco": ic, "crest": crest, "es": es}


def names(response):
    return [i.name for i in response.context["page"].object_list]


def test_directory_lists_published_with_count(client, directory_data):
    factories.initiative(name="Brouillon", status=Initiative.Status.DRAFT)
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 27
    assert "27 initiatives" in response.content.decode()
    assert "Brouillon" not in response.content.decode()


def test_directory_search_is_accent_insensitive(client, directory_data):
    response = client.get("/", {"q": "energie"})
    assert names(response)[0] == "Énergie Solidaire"
    assert "Cantine de Valence" not in names(response)


def test_directory_filters_by_theme_legal_form_and_interco(client, directory_data):
    assert names(client.get("/", {"legal_form": "scic"})) == ["Énergie Solidaire"]
    ic = directory_data["interco"]
    assert names(client.get("/", {"interco": ic.siren})) == ["Énergie Solidaire"]
    response = client.get("/", {"theme": "alimentation", "ordering": "name"})
    assert response.context["page"].paginator.count == 26


def test_directory_near_sorts_by_distance_and_shows_it(client, directory_data):
    response = client.get("/", {"lat": CREST[0], "lon": CREST[1], "radius": 40})
    assert names(response) == ["Énergie Solidaire", "Cantine de Valence"]
    html = response.content.decode()
    distances = [float(km) for km in re.findall(r'data-km="([0-9.]+)"', html)]
    assert distances == sorted(distances) and distances[0] < 0.1 and 24 < distances[1] < 27


def test_directory_near_a_commune_name_or_postcode(client, directory_data):
    for near in ("crest", "Crest (26)", "26400"):
        response = client.get("/", {"near": near, "radius": 10})
        assert names(response) == ["Énergie Solidaire"], near
        assert response.context["place"].commune.name == "Crest"


@pytest.mark.parametrize(
    "params,field",
    [
        ({"radius": "abc"}, "radius"),
        ({"lat": "91", "lon": "5"}, "lat"),
        ({"lat": "44.7"}, "lat"),
        ({"theme": "nope"}, "theme"),
        ({"interco": "000000000"}, "interco"),
        ({"near": "Atlantis"}, "near"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"near": "26"}, "near"),
        ({"q": "x" * 500}, "q"),
        ({"q": "a\x00b"}, "q"),
    ],
)
def test_directory_bad_parameters_give_form_errors(client, directory_data, params, field):
    response = client.get("/", params)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'role="alert"' in response.content.decode()
    assert response.context["page"].paginator.count == 0


# Inputs that once gave a 500 (issue 18): text with no word to search for, a bad radius
# next to a valid place. Each is a form error or an unfiltered page, on every directory page.
NO_WORDS = ["'", "-", "!!", "\U0001f600", "\u200b", "''--", "«»", "\u00a0"]


@pytest.mark.parametrize("path", ["/", "/en/", "/embed/"])
@pytest.mark.parametrize("q", NO_WORDS)
def test_directory_text_without_words_is_the_whole_list(client, directory_data, path, q):
    response = client.get(path, {"q": q, "mode": "list"})
    assert response.status_code == 200
    assert response.context["is_valid"]
    assert response.context["page"].paginator.count == 27
    near = client.get(path, {"q": q, "near": "crest", "radius": 10})
    assert near.status_code == 200
    assert names(near) == ["Énergie Solidaire"]


@pytest.mark.parametrize("path", ["/", "/en/", "/embed/"])
@pytest.mark.parametrize("radius", ["abc", "nan", "-1", "1e999", "10,5"])
def test_directory_bad_radius_next_to_a_place_is_a_form_error(client, directory_data, path, radius):
    factories.commune(name="Valence", centre_lat=VALENCE[0], centre_lon=VALENCE[1])
    response = client.get(path, {"near": "valence", "radius": radius})
    assert response.status_code == 200
    assert "radius" in response.context["form"].errors
    assert response.context["page"].paginator.count == 0


def _initiative_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if '"initiatives_initiative"' in q["sql"]]


@pytest.mark.parametrize("path", ["/", "/en/", "/embed/"])
def test_unknown_parameters_hit_the_same_cached_page(client, directory_data, path):
    """Issue 18: "?junk=N" defeated the cache; the page is keyed on known parameters only."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get(path, {"q": "energie", "mode": "list", "zzjunk": "1"})
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(path, {"zzjunk": "2", "mode": "list", "q": "energie", "zzutm": "x"})
    assert second.status_code == 200
    assert _initiative_reads(ctx.captured_queries) == []
    assert second.content == first.content
    html = second.content.decode()
    assert "Énergie Solidaire" in html
    assert "zzjunk" not in html and "zzutm" not in html  # links never carry unknown ones
    with CaptureQueriesContext(connection) as ctx:
        other = client.get(path, {"q": "cantine", "mode": "list"})
    assert _initiative_reads(ctx.captured_queries)
    assert "Cantine de Valence" in other.content.decode()


def test_cached_directory_page_follows_writes(
    client, directory_data, django_capture_on_commit_callbacks
):
    from initiatives.services import initiative_update

    assert "Énergie Solidaire" in client.get("/", {"q": "energie"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        initiative_update(initiative=directory_data["es"], name="Énergie Partagée")
    html = client.get("/", {"q": "energie"}).content.decode()
    assert "Énergie Partagée" in html and "Énergie Solidaire" not in html


def test_staff_pages_are_never_served_from_the_anonymous_cache(client, directory_data):
    client.get("/", {"q": "energie"})
    client.force_login(factories.user(superuser=True))
    response = client.get("/", {"q": "energie"})
    assert response.context is not None  # rendered for this request


def test_directory_pagination_is_bounded(client, directory_data):
    last = client.get("/", {"page": "99999"})
    assert last.status_code == 200
    assert last.context["page"].number == 2
    assert client.get("/", {"page": "abc"}).context["page"].number == 1
    html = client.get("/", {"theme": "energie"}).content.decode()
    assert 'href="?theme=energie&amp;page=2"' in html


def test_directory_fragment_for_javascript(client, directory_data):
    response = client.get("/", {"q": "energie"}, headers={"X-Essmap-Fragment": "results"})
    html = response.content.decode()
    assert "<html" not in html and "Énergie Solidaire" in html
    assert "X-Essmap-Fragment" in response["Vary"]


def test_directory_map_settings_carry_filters(client, directory_data):
    response = client.get("/", {"theme": "energie", "page": "2"})
    html = response.content.decode()
    config = json.loads(
        re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html).group(1)
    )
    assert config["filters"] == [["theme", "energie"]]
    assert config["api"] == "/api/v1/map/"
    assert config["tilesUrl"].startswith("https://")
    assert config["bounds"] == [CREST[1], CREST[0], CREST[1], CREST[0]]


def test_directory_query_count_is_bounded(client, directory_data, django_assert_max_num_queries):
    from django.db import connection

    # PostgreSQL: the anonymous statement timeout set, then restored (essmap.statement_timeout);
    # a search there also probes full text first.
    postgres = connection.vendor == "postgresql"
    with django_assert_max_num_queries(10 if postgres else 8):
        client.get("/")
    with django_assert_max_num_queries(12 if postgres else 9):
        client.get("/", {"q": "energie", "theme": "energie", "interco": "200000001"})


def test_stale_records_are_marked_and_sorted_after_fresh(client):
    days_400 = date.today() - timedelta(days=400)
    old = factories.initiative(name="AAA initiative ancienne", verified_at=days_400)
    fresh = factories.initiative(name="ZZZ initiative récente", verified_at=date.today())
    never = factories.initiative(name="BBB initiative jamais vérifiée")
    response = client.get("/", {"q": "initiative"})
    assert names(response) == [fresh.name, old.name, never.name]
    html = unescape(response.content.decode())
    assert html.count("Non vérifiée depuis plus d’un an") == 1
    assert html.count("Jamais vérifiée") == 1


def _detail_data():
    ic = factories.interco(name="Val de Drôme", slug="val-de-drome")
    c = factories.commune(name="Eurre", interco=ic, centre_lat=44.76, centre_lon=4.99)
    src = factories.source(title="La force des alliances locales", url="https://example.org/a")
    theme = factories.theme()
    main = factories.initiative(
        name="Biovallée Énergie",
        summary="Coopérative d'énergie",
        commune=c,
        latitude=44.76,
        longitude=4.99,
        themes=[theme],
        coverage=[ic],
        article_note="L'article l'appelle « Biovallée ».",
        email="contact@example.org",
        siret="",
        source=src,
        verified_at=date.today(),
    )
    partner = factories.initiative(name="Atelier Partenaire")
    hidden = factories.initiative(name="Partenaire brouillon", status=Initiative.Status.DRAFT)
    factories.partnership(initiative=main, partner_interco=ic, source=src)
    factories.partnership(
        initiative=main, partner_initiative=partner, kind=Partnership.Kind.LOGISTICS
    )
    factories.partnership(initiative=main, partner_initiative=hidden)
    factories.key_figure(
        label="Puissance installée", value=12, unit="MW", initiative=main, source=src
    )
    return main, partner, ic


def test_initiative_page_shows_everything_with_links_both_ways(client):
    main, partner, ic = _detail_data()
    html = client.get(reverse("initiatives:detail", args=[main.slug])).content.decode()
    for text in (
        "Biovallée Énergie",
        "Énergie",
        "Puissance installée",
        "12\u00a0MW",
        "La force des alliances locales",
        "«\u00a0Biovallée\u00a0»",
        "contact@example.org",
        f'href="/intercos/{ic.slug}/"',
        f'href="/initiatives/{partner.slug}/"',
    ):
        assert text in html, text
    assert "Partenaire brouillon" not in html
    back = client.get(reverse("initiatives:detail", args=[partner.slug])).content.decode()
    assert f'href="/initiatives/{main.slug}/"' in back


def test_initiative_page_has_safe_json_ld(client):
    main, _p, _ic = _detail_data()
    main.name = "</script><script>alert(1)</script>"
    main.save()
    html = client.get(reverse("initiatives:detail", args=[main.slug])).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block.group(1))
    assert data["@type"] == "Organization" and data["name"] == main.name
    assert data["geo"]["latitude"] == 44.76
    assert "<script>alert(1)" not in html


def test_initiative_page_query_count(client, django_assert_max_num_queries):
    main, _p, _ic = _detail_data()
    with django_assert_max_num_queries(10):
        assert client.get(reverse("initiatives:detail", args=[main.slug])).status_code == 200


def test_unpublished_initiative_is_not_found(client):
    draft = factories.initiative(name="Draft", status=Initiative.Status.DRAFT)
    assert client.get(reverse("initiatives:detail", args=[draft.slug])).status_code == 404


def test_only_the_embed_may_be_framed(client, directory_data):
    assert client.get("/")["X-Frame-Options"] == "DENY"
    embed = client.get("/embed/", {"legal_form": "scic", "mode": "list"})
    assert "X-Frame-Options" not in embed
    html = embed.content.decode()
    assert "Énergie Solidaire" in html and 'class="site-header"' not in html
    assert 'id="map"' in client.get("/embed/").content.decode()


def test_english_directory_is_under_the_en_prefix(client):
    html = client.get("/en/").content.decode()
    assert '<html lang="en">' in html


def test_pages_stop_at_max_pages(client, monkeypatch, directory_data):
    from initiatives import views

    monkeypatch.setattr(views, "MAX_PAGES", 1)
    response = client.get("/", {"page": "2"})
    assert response.context["page"].number == 1
    html = unescape(response.content.decode())
    assert "Affinez la recherche" in html and 'rel="next"' not in html


def test_a_shared_map_view_reopens_on_the_same_box(client, directory_data):
    response = client.get("/", {"bbox": "4.9,44.6,5.1,44.8"})
    assert names(response) == ["Énergie Solidaire"]
    assert response.context["map_config"]["bounds"] == [4.9, 44.6, 5.1, 44.8]
    assert 'name="bbox" value="4.9,44.6,5.1,44.8"' in response.content.decode()


def test_printed_count_matches_the_list_and_the_map_and_says_how_many_have_no_point(client):
    """Same filters for page and map: 3 results, one serving its interco without a point."""
    ic = factories.interco(name="CC du Crestois", centre_lat=44.75, centre_lon=5.1)
    crest = factories.commune(name="Crest", interco=ic, centre_lat=CREST[0], centre_lon=CREST[1])
    energie = factories.theme("energie", "Énergie")
    food = factories.theme("alimentation", "Alimentation")
    factories.initiative(name="Exacte", commune=crest, latitude=44.73, longitude=5.03,
                         themes=[energie])  # fmt: skip
    factories.initiative(name="Approximative", commune=crest, themes=[energie])  # centre
    factories.initiative(name="Territoire", coverage=[ic], themes=[energie])  # no point
    factories.initiative(name="Autre thème", commune=crest, themes=[food])  # filtered out
    filters = {"theme": "energie"}

    html = client.get(reverse("initiatives:directory"), filters).content.decode()
    count = re.search(r'<p class="count" id="results-count">(.*?)</p>', html, re.S).group(1)
    printed = int(re.match(r"(\d+) initiatives", count).group(1))
    without_point = re.search(r"dont (\d+) sans point sur la carte", count)
    assert without_point, count
    listed = re.findall(r'<li class="card">', html)

    features = client.get(
        "/api/v1/map/", {**filters, "bbox": "4.5,44.5,5.5,45.0", "zoom": "10"}
    ).json()["features"]
    markers = [f for f in features if f["properties"]["kind"] == "marker"]
    served = sum(f["properties"]["count"] for f in features if f["properties"]["kind"] == "area")

    assert printed == len(listed) == len(markers) + served == 3
    assert int(without_point.group(1)) == served == 1


def test_cached_filter_widgets_follow_the_value_and_the_language(client, directory_data):
    """The filter form's widgets come from the shared cache (essmap_tags.cached_widget): the
    cached HTML must still mark the chosen option, and be English under /en/."""
    siren = directory_data["interco"].siren
    selected = f'<option value="{siren}" selected>'
    assert selected not in client.get("/").content.decode()
    assert selected in client.get("/", {"interco": siren}).content.decode()
    assert selected not in client.get("/").content.decode()
    ticked = re.compile(r'<input[^>]*value="energie"[^>]*checked')
    assert not ticked.search(client.get("/").content.decode())
    assert ticked.search(client.get("/", {"theme": "energie"}).content.decode())
    french = client.get("/").content.decode()
    english = client.get("/en/").content.decode()
    assert "Toutes" in french and ">All<" in english

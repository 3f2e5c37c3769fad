"""Bad input is a 400 with the JSON error body naming the parameter; never a 500."""

import pytest

pytestmark = pytest.mark.django_db

LIST = "/api/v1/initiatives/"
LONG = "x" * 10_000

BAD_INPUT = [
    # (query, offending parameter)
    ({"lat": "abc", "lon": "4.8"}, "lat"),
    ({"lat": "44.9", "lon": "east"}, "lon"),
    ({"lat": "91", "lon": "4.8"}, "lat"),
    ({"lat": "44.9", "lon": "-181"}, "lon"),
    ({"lat": "44.9"}, "lat"),
    ({"lat": "nan", "lon": "4.8"}, "lat"),
    ({"lat": "44.9", "lon": "4.8", "radius": "-1"}, "radius"),
    ({"lat": "44.9", "lon": "4.8", "radius": "100000"}, "radius"),
    ({"bbox": "4.9,44.9,4.8,45.0"}, "bbox"),  # west > east
    ({"bbox": "4.8,45.0,4.9,44.9"}, "bbox"),  # south > north
    ({"bbox": "4.8,44.9,4.9"}, "bbox"),
    ({"bbox": "a,b,c,d"}, "bbox"),
    ({"bbox": "4.8,44.9,200,45"}, "bbox"),
    ({"q": "énergie\x00"}, "q"),
    ({"theme": "energie\x00"}, "theme"),
    ({"interco": "\x00"}, "interco"),
    ({"q": LONG}, "q"),
    ({"theme": LONG}, "theme"),
    ({"bbox": LONG}, "bbox"),
    ({"theme": "licornes"}, "theme"),
    ({"legal_form": "sarl"}, "legal_form"),
    ({"interco": "999999999"}, "interco"),
    ({"commune": "00000"}, "commune"),
    ({"departement": "99"}, "departement"),
    ({"postcode": "123456"}, "postcode"),
    ({"updated_since": "hier"}, "updated_since"),
    ({"ordering": "price"}, "ordering"),
    ({"near": "07"}, "near"),  # a département number is not a place
    ({"near": "Atlantide"}, "near"),
    ({"page": "-1"}, "page"),
    ({"page": "0"}, "page"),
    ({"page": "deux"}, "page"),
    ({"page_size": "0"}, "page_size"),
    ({"page_size": "101"}, "page_size"),
    ({"page_size": "many"}, "page_size"),
    ({"pagination": "offset"}, "pagination"),
    ({"pagination": "cursor", "cursor": "not-a-cursor"}, "cursor"),
    ({"pagination": "cursor", "ordering": "name"}, "ordering"),
    ({"format": "xml"}, "format"),
    ({"format": LONG}, "format"),
]


@pytest.mark.parametrize(("query", "param"), BAD_INPUT, ids=[p for _, p in BAD_INPUT])
def test_bad_initiatives_query_is_a_400_naming_the_parameter(api, world, query, param):
    response = api.get(LIST, query)
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"errors", "detail"}
    assert param in body["errors"], body
    assert all(isinstance(m, str) and m for m in body["errors"][param])
    assert param in body["detail"]


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/v1/intercos/?departement=99", "departement"),
        ("/api/v1/intercos/?format=csv", "format"),
        ("/api/v1/communes/?q=" + "a" * 200, "q"),
        ("/api/v1/communes/?interco=abc", "interco"),
        ("/api/v1/partnerships/?kind=love", "kind"),
        ("/api/v1/partnerships/?interco=%00", "interco"),
        ("/api/v1/key-figures/?scope=planet", "scope"),
        ("/api/v1/themes/?page=-3", "page"),
        ("/api/v1/sources/?page_size=1000", "page_size"),
        ("/api/v1/initiatives/energie-solidaire/?format=csv", "format"),
    ],
)
def test_bad_query_on_other_endpoints_is_a_400(api, world, url, param):
    response = api.get(url)
    assert response.status_code == 400, response.content[:300]
    assert param in response.json()["errors"]


# Text with no word to search for (issue 18: PostgreSQL refused "ORDER BY 0.0"): treated as
# no search at all, the whole list, alone or with another ordering or a place.
NO_WORDS = ["'", "-", "!!", "\U0001f600", "\u200b", "«»", "\u00a0", "''--"]


@pytest.mark.parametrize("q", NO_WORDS)
def test_text_without_words_is_no_search(api, world, q):
    everything = api.get(LIST).json()["count"]
    assert everything > 0
    for extra in ({}, {"ordering": "relevance"}, {"lat": "44.93", "lon": "4.87"}):
        response = api.get(LIST, {"q": q, **extra})
        assert response.status_code == 200, (extra, response.content[:300])
        if not extra.get("lat"):
            assert response.json()["count"] == everything


def test_bad_radius_next_to_a_place_is_a_400(api, world):
    response = api.get(LIST, {"near": "guilherand", "radius": "abc"})
    assert response.status_code == 400
    assert "radius" in response.json()["errors"]


def test_nul_byte_in_a_parameter_name_is_a_400(api, world):
    response = api.get(LIST + "?the%00me=energie")
    assert response.status_code == 400
    assert response.json()["errors"]


def test_page_beyond_the_end_is_a_json_404_naming_page(api, world):
    response = api.get(LIST, {"page": 99})
    assert response.status_code == 404
    assert "page" in response.json()["errors"]


def test_first_page_of_an_empty_result_is_a_200(api, world):
    body = api.get(LIST, {"q": "introuvable"}).json()
    assert body == {
        "count": 0,
        "count_is_exact": True,
        "next": None,
        "previous": None,
        "results": [],
    }


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/initiatives/inconnue/",
        "/api/v1/intercos/123456789/",
        "/api/v1/sources/999999/",
        "/api/v1/nothing-here/",
        "/api/v1/intercos/%00/",
        "/api/v1/initiatives/%00/",
        "/api/v1/sources/%00/",
        "/api/v1/sources/abc/",
        "/api/v1/initiatives/%0A/",
        "/api/v1/nothing%0Ahere/",
    ],
)
def test_unknown_objects_and_addresses_are_json_404s(api, world, url):
    response = api.get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"errors", "detail"}


def test_delete_is_not_allowed_with_the_error_body(api, world):
    from tests import factories

    admin = factories.user(superuser=True)
    api.force_authenticate(admin)
    response = api.delete(LIST + "energie-solidaire/")
    assert response.status_code == 405
    assert response.json()["detail"]

"""Hand-made cursors on every list endpoint: a 400 naming `cursor`, never a 500."""

import base64
from urllib.parse import urlencode

import pytest

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/initiatives/",
    "/api/v1/intercos/",
    "/api/v1/communes/",
    "/api/v1/themes/",
    "/api/v1/partnerships/",
    "/api/v1/key-figures/",
    "/api/v1/sources/",
]


def encoded(raw: str) -> str:
    return base64.b64encode(raw.encode()).decode()


BAD_CURSORS = {
    "abc": encoded("p=abc"),
    "decimal": encoded("p=1.5"),
    "nan": encoded("p=NaN"),
    "exponent": encoded("p=1e5"),
    "nul": encoded("p=\x00"),
    "huge": encoded("p=" + "9" * 30),
    "long": encoded("p=" + "x" * 5000),
    "negative offset": encoded("o=-5&p=1"),
    "offset text": encoded("o=abc"),
    "not base64": "!!!",
    "not utf8": base64.b64encode(b"p=\xff\xfe").decode(),
    "empty": "",
}


# Keyed by a code (SIREN, INSEE): any short NUL-free text is a position, past which there may
# simply be nothing (an empty page, not an error).
CODE_KEYED = {"/api/v1/intercos/", "/api/v1/communes/"}
TEXT_POSITIONS = {"abc", "decimal", "nan", "exponent"}


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("case", list(BAD_CURSORS))
def test_bad_cursor_is_a_400(api, world, url, case):
    cursor = BAD_CURSORS[case]
    response = api.get(url + "?" + urlencode({"pagination": "cursor", "cursor": cursor}))
    if case == "empty" or (url in CODE_KEYED and case in TEXT_POSITIONS):
        assert response.status_code == 200  # the first page; or an empty page past the codes
        return
    assert response.status_code == 400, response.content[:300]
    assert "cursor" in response.json()["errors"]


@pytest.mark.parametrize("url", LISTS)
def test_cursor_links_still_walk_the_list(api, world, url):
    seen, next_url, pages = [], f"{url}?pagination=cursor&page_size=2", 0
    while next_url and pages < 50:
        body = api.get(next_url).json()
        seen += [str(item) for item in body["results"]]
        next_url, pages = body["next"], pages + 1
    assert len(seen) == len(set(seen)) == api.get(url).json()["count"]

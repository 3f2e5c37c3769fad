"""Control characters in a staff write: a 400 naming the field, never a 500 (issue 18).

On PostgreSQL a NUL byte in a looked-up value (slug, INSEE code, SIREN) was a DataError.
"""

import pytest

from initiatives.models import Initiative

from .conftest import RHONE_CRUSSOL
from .test_writes import LIST, NEW, staff, with_token

pytestmark = pytest.mark.django_db

URL = LIST + "energie-solidaire/"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("commune", "07102\x00"),
        ("coverage", [RHONE_CRUSSOL + "\x00"]),
        ("themes", ["energie\x00"]),
        ("carried_by", "credit-cooperatif\x00"),
        ("carried_by_interco", "\x00" + RHONE_CRUSSOL),
    ],
)
def test_a_nul_byte_in_a_related_field_is_a_400_naming_it(api, world, field, value):
    client = with_token(api, staff(world, intercos=[world.crussol]))
    before = Initiative.objects.get(slug="energie-solidaire").history.count()
    response = client.patch(URL, {field: value}, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [field]
    assert Initiative.objects.get(slug="energie-solidaire").history.count() == before

    response = client.post(LIST, {**NEW, field: value}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Énergie\x00"),
        ("summary", "bip\x07"),
        ("description", "a\x1bb"),
        ("address", "1 rue\x7f"),
        ("opening_hours", "Mo-Fr 09:00-12:00\x0b"),
    ],
)
def test_other_control_characters_are_refused_in_text_fields(api, world, field, value):
    client = with_token(api, staff(world, intercos=[world.crussol]))
    response = client.patch(URL, {field: value}, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [field]


def test_several_fields_are_named_together(api, world):
    client = with_token(api, staff(world, intercos=[world.crussol]))
    response = client.patch(URL, {"commune": "\x00", "themes": ["\x00"]}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"commune", "themes"}


def test_a_nul_byte_in_a_form_encoded_write_is_a_400_too(api, world):
    client = with_token(api, staff(world, intercos=[world.crussol]))
    response = client.patch(
        URL, "commune=07102%00", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == ["commune"]


def test_line_breaks_and_tabs_stay_allowed(api, world):
    client = with_token(api, staff(world, intercos=[world.crussol]))
    text = "Première ligne.\r\nSeconde\tligne."
    response = client.patch(URL, {"description": text}, format="json")
    assert response.status_code == 200, response.content
    assert Initiative.objects.get(slug="energie-solidaire").description == text

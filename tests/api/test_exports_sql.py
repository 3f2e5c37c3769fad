"""The exports written by PostgreSQL (COPY, json_build_object) equal the streamed Python ones.

The Python path (exports.python_csv / python_geojson, through representation.csv_row and
geojson_properties) is the reference: each request is answered twice, once as served (the
SQL path on PostgreSQL) and once with the SQL path switched off, and the CSV bodies must be
the same bytes, the GeoJSON documents the same JSON.
"""

import json
from datetime import UTC, date, datetime

import pytest
from django.db import connection

from initiatives.api import sql_exports
from initiatives.models import Initiative
from initiatives.near_results import NearResults
from initiatives.representation import (
    CSV_FIELDS,
    GEOJSON_PROPERTIES,
    PageLinks,
    public_fields,
)
from initiatives.selectors import initiative_public_list
from tests import factories

from .conftest import RHONE_CRUSSOL

LIST = "/api/v1/initiatives/"

pytestmark = pytest.mark.django_db
# The SQL path runs only when the run's database is PostgreSQL (DATABASE_URL=postgres://…).
sql_path = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the SQL exports are PostgreSQL's"
)


def raw_update(initiative, **values):
    """Store values as they are (no validation, no search keys): what the SQL must survive."""
    Initiative.objects.filter(pk=initiative.pk).update(**values)


@pytest.fixture
def tricky(world):
    """Cells that test every rule of the CSV: quoting, formulas, empties, floats, dates."""
    w = world
    same_position = factories.theme("alimentation", "Alimentation", position=3)  # = energie
    no_postcode_commune = factories.commune(
        insee="07999", name="Sans-Code", postcodes="", departement=w.ardeche, interco=w.crussol
    )
    fourmi = factories.initiative(
        name="Café La Fourmi", slug="cafe-la-fourmi", commune=w.guilherand,
        themes=[w.reemploi, w.energie, same_position, w.insertion], latitude=45.0,
        longitude=-1.0, coverage=[w.crussol],
    )  # fmt: skip
    raw_update(
        fourmi,
        name='Café; "La Fourmi"',
        summary="Ligne 1\nLigne 2\r\nfin; «guillemets»",
        address='=HYPERLINK("http://x")',
        phone="+33 4 75 00 00 00",
        opening_hours="-",
        email="",
        postcode="",
        founded_year=1990,
        employees=0,
        verified_at=date(2025, 1, 31),
        updated_at=datetime(2026, 3, 29, 1, 30, 0, tzinfo=UTC),  # whole second, DST day
        origin="register",
        register_source="finess-esat",
        register_id="=070783212",
        finess="070783212",
        register_date=date(2026, 6, 1),
        register_seen_at=date(2026, 12, 7),
    )
    nowhere = factories.initiative(name="Sans lieu", slug="-sans-lieu", themes=[w.insertion])
    raw_update(
        nowhere,
        summary="@mention",
        address="+12 rue",
        website="https://example.org/a;b",
        opening_hours="\tMo-Fr",
        updated_at=datetime(2026, 7, 14, 12, 0, 0, 123456, tzinfo=UTC),  # summer time
    )
    tiny = factories.initiative(
        name="Près du méridien", slug="pres-du-meridien", commune=no_postcode_commune,
        latitude=44.5, longitude=-0.00001, themes=[],
    )  # fmt: skip
    raw_update(tiny, summary="-", address="- 12", phone="-4.5", postcode="07130")
    zero = factories.initiative(
        name="Zéro", slug="zero", commune=w.valence, latitude=44.9, longitude=-0.0, themes=[]
    )
    raw_update(
        zero,
        summary='"\\\x01\u2028',
        address="\rretour",
        opening_hours="=1+1",
        employees=12,
        phone="-\u0661\u0662",  # Arabic-Indic digits: not a plain number, escaped by both paths
    )
    return world


def both(api, params, **headers):
    """(served body, Python path body, served response, Python response) of one request."""
    served = api.get(LIST, params, **headers)
    original = sql_exports.handles
    sql_exports.handles = lambda queryset: False
    try:
        python = api.get(LIST, params, **headers)
    finally:
        sql_exports.handles = original
    assert served.status_code == python.status_code == 200
    for header in ("Content-Type", "Content-Disposition"):
        assert served[header] == python[header]
    return b"".join(served.streaming_content), b"".join(python.streaming_content)


FILTERS = [
    {},
    {"theme": "energie"},
    {"theme": ["reemploi", "insertion"]},
    {"interco": RHONE_CRUSSOL},
    {"q": "fourmi"},
    {"q": "fourmii"},  # no full-text match: trigram similarity (the "%>" operator)
    {"q": "zzzz-introuvable"},
    {"postcode": "07500"},
    {"legal_form": "association", "ordering": "-updated"},
    {"bbox": "-2,44,5,46", "ordering": "name"},
    {"updated_since": "2026-01-01T00:00:00+01:00"},
    {"near": "Guilherand-Granges", "radius": 5},  # the Python path: still the same bytes
    {"lat": 44.93, "lon": 4.87},
]


@pytest.mark.postgres
@sql_path
@pytest.mark.parametrize("params", FILTERS, ids=lambda p: "&".join(map(str, p)) or "all")
@pytest.mark.parametrize("language", ["fr", "en"])
def test_copy_csv_is_byte_equal_to_the_streamed_csv(api, tricky, params, language):
    served, python = both(api, {**params, "format": "csv"}, HTTP_ACCEPT_LANGUAGE=language)
    assert served == python
    assert served.startswith("\ufeffslug;nom;".encode())


@pytest.mark.postgres
@sql_path
@pytest.mark.parametrize("params", FILTERS, ids=lambda p: "&".join(map(str, p)) or "all")
def test_sql_geojson_equals_the_streamed_geojson(api, tricky, params):
    served, python = both(api, {**params, "format": "geojson"}, HTTP_ACCEPT_LANGUAGE="en")
    assert json.loads(served) == json.loads(python)
    assert served == python  # even the same bytes (separators, escapes, floats)


@pytest.mark.postgres
@sql_path
def test_the_tricky_cells_are_written_as_a_spreadsheet_needs(api, tricky):
    served, _ = both(api, {"format": "csv"})
    text = served.decode("utf-8")
    assert "\r\n" in text and text.count("\r\n") >= 5
    assert '\'=HYPERLINK(""http://x"")' in text  # formula escaped, quotes doubled
    assert ";'@mention;" in text and ";'-;" in text and ";-4.5;" in text
    assert ";45.0;-1.0;" in text and ";'-1e-05;" in text
    assert "alimentation | energie | insertion | reemploi" in text  # position, name
    assert "2026-03-29T03:30:00+02:00" in text and "2026-07-14T14:00:00.123456+02:00" in text
    assert '"Ligne 1\nLigne 2\r\nfin; «guillemets»"' in text  # newlines kept inside quotes


@pytest.mark.postgres
@sql_path
def test_near_searches_take_the_python_path(tricky):
    near = NearResults(
        initiative_public_list(), 44.93, 4.87, 5.0, home=None, reach=(), match=None
    ).queryset()
    assert not sql_exports.handles(near)
    assert sql_exports.handles(initiative_public_list())


def test_every_public_field_has_its_sql_twin(world):
    """A field added to public_fields without its SQL image (sql_exports.sql_fields) fails."""
    initiative = initiative_public_list().get(slug="energie-solidaire")
    python_fields = list(public_fields(initiative, PageLinks()))
    assert list(sql_exports.sql_fields("")) == python_fields
    assert set(CSV_FIELDS.values()) <= set(python_fields)
    assert set(GEOJSON_PROPERTIES) <= set(python_fields)


def test_sqlite_keeps_the_streamed_python_path(world):
    expected = connection.vendor == "postgresql"
    assert sql_exports.handles(initiative_public_list()) is expected

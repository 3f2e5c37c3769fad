"""GeoJSON checked against RFC 7946's rules; CSV parsed back with the csv module."""

import csv
import io
import json
import math

import pytest

from initiatives.models import Initiative
from tests import factories

from .conftest import RHONE_CRUSSOL

pytestmark = pytest.mark.django_db

LIST = "/api/v1/initiatives/"


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _position(p) -> None:
    assert isinstance(p, list) and len(p) in (2, 3), p  # §3.1.1
    assert all(isinstance(c, int | float) and math.isfinite(c) for c in p)
    lon, lat = p[0], p[1]
    assert -180 <= lon <= 180 and -90 <= lat <= 90, p


def _ring(ring) -> None:
    assert len(ring) >= 4 and ring[0] == ring[-1], ring  # §3.1.6 linear ring
    for p in ring:
        _position(p)


def assert_geometry(g) -> None:
    assert isinstance(g, dict), g
    kind = g["type"]
    assert "crs" not in g  # §4: no CRS member, WGS 84 implied
    if kind == "Point":
        _position(g["coordinates"])
    elif kind == "Polygon":
        for ring in g["coordinates"]:
            _ring(ring)
    elif kind == "MultiPolygon":
        for polygon in g["coordinates"]:
            for ring in polygon:
                _ring(ring)
    else:
        pytest.fail(f"unexpected geometry {kind}")


def assert_feature_collection(doc: dict) -> None:
    """RFC 7946 §3.3 and §3.2, strictly enough for GDAL/QGIS."""
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc
    assert isinstance(doc["features"], list)
    for f in doc["features"]:
        assert f["type"] == "Feature"
        assert "geometry" in f and "properties" in f
        assert f["properties"] is None or isinstance(f["properties"], dict)
        if "id" in f:
            assert isinstance(f["id"], str | int)
        assert_geometry(f["geometry"])


def test_geojson_is_an_rfc7946_feature_collection_with_lon_lat(api, world):
    response = api.get(LIST, {"format": "geojson"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    doc = json.loads(body_of(response))
    assert_feature_collection(doc)
    by_slug = {f["id"]: f for f in doc["features"]}
    # placed initiatives (the ressourcerie at its commune's centre), never drafts
    assert set(by_slug) == {"energie-solidaire", "credit-cooperatif", "ressourcerie-saint-peray"}
    assert by_slug["energie-solidaire"]["geometry"]["coordinates"] == [4.8747, 44.9339]
    props = by_slug["energie-solidaire"]["properties"]
    assert props["name"] == "Energie Solidaire"
    assert props["interco_siren"] == RHONE_CRUSSOL
    assert props["themes"] == ["energie", "insertion"]


def test_geojson_follows_filters_and_ignores_pages(api, world):
    for n in range(30):
        factories.initiative(name=f"Point {n}", latitude=44.0, longitude=5.0)
    doc = json.loads(body_of(api.get(LIST, {"format": "geojson", "page_size": 1})))
    assert len(doc["features"]) == 33
    doc = json.loads(body_of(api.get(LIST, {"format": "geojson", "theme": "energie"})))
    assert [f["id"] for f in doc["features"]] == ["energie-solidaire"]


def test_geojson_via_accept_header(api, world):
    response = api.get(LIST, HTTP_ACCEPT="application/geo+json")
    assert response["Content-Type"] == "application/geo+json"
    assert_feature_collection(json.loads(body_of(response)))


def test_interco_contours_geojson(api, world):
    response = api.get("/api/v1/intercos/", {"format": "geojson"})
    assert response.status_code == 200
    doc = json.loads(body_of(response))
    assert_feature_collection(doc)
    assert [f["id"] for f in doc["features"]] == [RHONE_CRUSSOL]  # the other has no contour
    assert doc["features"][0]["geometry"]["type"] == "Polygon"
    assert doc["features"][0]["properties"]["initiative_count"] == 2


def parse_csv(response) -> list[dict]:
    raw = body_of(response)
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 byte order mark for spreadsheets"
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def test_csv_streams_the_whole_filtered_set(api, world):
    for n in range(25):
        factories.initiative(name=f"Ligne {n}", commune=world.peray)
    response = api.get(LIST, {"format": "csv", "page_size": 1})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = parse_csv(response)
    assert len(rows) == 28  # every published initiative, no pagination
    es = next(r for r in rows if r["slug"] == "energie-solidaire")
    assert es["nom"] == "Energie Solidaire"
    assert es["commune"] == "Guilherand-Granges"
    assert es["interco_siren"] == RHONE_CRUSSOL
    assert es["themes"] == "energie | insertion"
    assert float(es["latitude"]) == 44.9339
    assert es["resume"] == "Lutte contre la précarité énergétique de Rhône Crussol."


def test_csv_follows_filters_and_keeps_text_intact(api, world):
    tricky = 'Cuisine « solidaire »; "ouverte", à tous\nle mardi'
    factories.initiative(name="Table ouverte", summary=tricky, commune=world.peray)
    rows = parse_csv(api.get(LIST, {"format": "csv", "commune": "07281"}))
    assert {r["slug"] for r in rows} == {"ressourcerie-saint-peray", "table-ouverte"}
    assert next(r for r in rows if r["slug"] == "table-ouverte")["resume"] == tricky


def test_csv_neutralises_spreadsheet_formulas(api, world):
    factories.initiative(name="Formule", summary='=HYPERLINK("http://evil")', phone="")
    Initiative.objects.filter(slug="formule").update(phone="+33 4 75 00 00 00")
    rows = parse_csv(api.get(LIST, {"format": "csv", "q": "formule"}))
    assert rows[0]["resume"].startswith("'=")
    assert rows[0]["telephone"] == "+33 4 75 00 00 00"  # a phone number stays as it is


def test_csv_has_a_header_even_when_empty(api, world):
    response = api.get(LIST, {"format": "csv", "q": "introuvable"})
    assert body_of(response).decode("utf-8-sig").startswith("slug;nom;resume;")
    assert parse_csv(api.get(LIST, {"format": "csv", "q": "introuvable"})) == []

"""The one geography module: boxes in one order (west, south, east, north), distances."""

import pytest

from essmap.geo import FRANCE, BBox, haversine_km, map_config

CREST = (44.7286, 5.0228)
VALENCE = (44.9334, 4.8924)


def test_haversine_crest_valence_is_about_25_km():
    assert 24 < haversine_km(*CREST, *VALENCE) < 27


def test_box_around_a_point_contains_the_circle():
    box = BBox.around(*CREST, 20)
    assert haversine_km(*CREST, box.north, CREST[1]) == pytest.approx(20, rel=0.01)
    assert haversine_km(*CREST, CREST[0], box.east) >= 19.9
    assert box.south < CREST[0] < box.north and box.west < CREST[1] < box.east
    assert box.contains(*CREST)


def test_the_one_order_is_west_south_east_north():
    box = BBox.parse("4.6,44.5,5.4,45.0")
    assert box == (4.6, 44.5, 5.4, 45.0)
    assert (box.west, box.south, box.east, box.north) == (4.6, 44.5, 5.4, 45.0)
    assert list(box) == [4.6, 44.5, 5.4, 45.0]  # as the API and the map settings write it


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,2,3", "Quatre nombres attendus"),
        ("a,2,3,4", "non numériques"),
        ("4,44,5,91", "hors limites"),
        ("5,45,4,44", "Boîte inversée"),
    ],
)
def test_parse_refuses_bad_boxes_with_a_reason(text, message):
    with pytest.raises(ValueError, match=message):
        BBox.parse(text)


def test_box_of_a_geojson_multipolygon_and_feature():
    geometry = {
        "type": "MultiPolygon",
        "coordinates": [[[[1, 2], [3, 4], [1, 4], [1, 2]]], [[[-1, 0], [0, 5], [-1, 0]]]],
    }
    assert BBox.of_geometry(geometry) == BBox(west=-1, south=0, east=3, north=5)
    assert BBox.of_geometry({"type": "Feature", "geometry": geometry}) == (-1, 0, 3, 5)
    assert BBox.of_geometry(None) is None
    assert BBox.of_geometry({"type": "Polygon", "coordinates": []}) is None


def test_contains_with_margin_clamp_and_snap():
    box = BBox(west=4.0, south=44.0, east=5.0, north=45.0)
    assert not box.contains(45.01, 4.5)
    assert box.contains(45.01, 4.5, margin=0.05)
    assert box.clamp(46.0, 3.0) == (45.0, 4.0)
    assert box.snapped(0.3) == pytest.approx((3.9, 43.8, 5.1, 45.0))
    assert BBox(-179.9, -89.9, 179.9, 89.9).snapped(1.0) == (-180.0, -90.0, 180.0, 90.0)
    assert FRANCE.contains(*CREST) and not FRANCE.contains(40.0, 5.0)


def test_map_config_writes_a_box_as_a_list_in_the_same_order():
    config = map_config(bounds=BBox(west=4.0, south=44.0, east=5.0, north=45.0), mode="x")
    assert config["bounds"] == [4.0, 44.0, 5.0, 45.0]
    assert config["mode"] == "x" and config["api"] == "/api/v1/map/"

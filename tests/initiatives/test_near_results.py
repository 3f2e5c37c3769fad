"""One implementation of "near" (initiatives/near_results.py): the keys the API's pages read
and the queryset the directory, the map and the exports read carry the same decisions
(matches, rank, distance, the interco served) in the same order."""

from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from initiatives.selectors import initiative_filter
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(db):
    """Bourg (home interco "CC Zèbre") and Voisin (interco "CA Abeille", which sorts first by
    name) 5 km apart; records serving one, the other or both, with points or without."""
    dep = factories.departement("26", "Drôme")
    home = factories.interco(siren="200000001", name="CC Zèbre", slug="cc-zebre")
    other = factories.interco(siren="200000002", name="CA Abeille", slug="ca-abeille")
    far = factories.interco(siren="200000003", name="CC Lointaine", slug="cc-lointaine")
    bourg = factories.commune(
        insee="26001", name="Bourg", postcodes="26100", departement=dep, interco=home,
        centre_lat=45.0, centre_lon=5.0,
    )  # fmt: skip
    factories.commune(
        insee="26002", name="Voisin", postcodes="26110", departement=dep, interco=other,
        centre_lat=45.045, centre_lon=5.0,
    )  # fmt: skip
    factories.commune(
        insee="26003", name="Loin", postcodes="26120", departement=dep, interco=far,
        centre_lat=46.0, centre_lon=5.0,
    )  # fmt: skip
    made = {
        "point-near": dict(latitude=45.01, longitude=5.0, coverage=[home]),
        "point-tie": dict(latitude=45.01, longitude=5.0),
        "point-stale": dict(latitude=45.02, longitude=5.0),
        "both": dict(coverage=[other, home]),
        "other-only": dict(coverage=[other]),
        "other-far-point": dict(latitude=45.5, longitude=5.0, coverage=[other]),
        "home-only": dict(coverage=[home]),
        "far": dict(coverage=[far]),
    }
    for slug, values in made.items():
        located = {"commune": bourg} if "latitude" in values else {"commune": None}  # no point
        stale = {"verified_at": None if slug == "point-stale" else "2099-01-01"}
        name = slug.replace("-", " ").title()
        factories.initiative(name=name, slug=slug, **located, **stale, **values)
    return made


def _decisions(params: dict) -> tuple[list, list]:
    filterset = initiative_filter(data=QueryDict(urlencode(params)))
    assert filterset.is_valid(), filterset.errors
    keys = filterset.near_results()
    slugs = dict(filterset.queryset.model.objects.values_list("pk", "slug"))
    by_keys = [
        (slugs[k["pk"]], k["match_rank"], k["served_interco"], k["distance_km"])
        for k in keys[: len(keys)]
    ]
    by_queryset = [
        (i.slug, i.match_rank, i.served_interco if i.match_rank else None, i.distance_km)
        for i in filterset.qs
    ]
    return by_keys, by_queryset


@pytest.mark.parametrize("match", ["", "point", "territory"])
def test_keys_and_queryset_carry_the_same_decisions_in_the_same_order(place, match):
    params = {"near": "Bourg", "radius": "10", **({"match": match} if match else {})}
    by_keys, by_queryset = _decisions(params)
    assert by_keys, "the search finds something"
    assert [row[:3] for row in by_keys] == [row[:3] for row in by_queryset]
    for (_s, _r, _i, km), (_s2, _r2, _i2, km2) in zip(by_keys, by_queryset, strict=True):
        assert km == pytest.approx(km2) if km is not None else km2 is None


def test_the_interco_served_is_the_places_own_first_then_by_name(place):
    by_keys, _ = _decisions({"near": "Bourg", "radius": "10"})
    decided = {slug: (rank, served) for slug, rank, served, _km in by_keys}
    assert decided["point-near"] == (0, None)
    assert decided["both"] == (1, "CC Zèbre")  # its own interco, though "CA Abeille" < it
    assert decided["home-only"] == (1, "CC Zèbre")
    assert decided["other-only"] == (2, "CA Abeille")
    assert decided["other-far-point"] == (2, "CA Abeille")
    assert "far" not in decided
    assert [slug for slug, *_ in by_keys][:3] == ["point-near", "point-tie", "point-stale"]

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from bench.generate_synthetic import Command as GenerateSynthetic
from bench.synthetic import FRANCE_BBOX, SIREN_PREFIX, SYNTH_PREFIX, french, plan_territories
from bench.synthetic_places import towns
from essmap.geo import haversine_km
from initiatives.models import Initiative
from initiatives.services import search_keys
from intercos.models import INSEE_RE, SIREN_RE, Commune, Interco
from tests import factories

pytestmark = pytest.mark.django_db


def generate(count: int, seed: int = 1, **kw) -> None:
    call_command(GenerateSynthetic(), count=count, seed=seed, stdout=open("/dev/null", "w"), **kw)


def snapshot() -> list[tuple]:
    return [
        (
            i.slug,
            i.name,
            i.description,
            i.latitude,
            i.longitude,
            i.commune_id,
            i.legal_form,
            i.status,
            tuple(sorted(t.slug for t in i.themes.all())),
            tuple(sorted(c.siren for c in i.coverage.all())),
        )
        for i in Initiative.objects.order_by("slug").prefetch_related("themes", "coverage")
    ]


def test_same_seed_gives_the_same_data_and_another_seed_does_not():
    generate(300, seed=7)
    first = snapshot()
    generate(300, seed=7)
    assert snapshot() == first
    generate(300, seed=8)
    assert snapshot() != first


def test_counts_and_rerun_replaces_earlier_synthetic_data():
    generate(400)
    assert Initiative.objects.count() == 400
    assert all(i.themes.count() >= 1 for i in Initiative.objects.all()[:50])
    generate(120)
    assert Initiative.objects.count() == 120
    assert Interco.objects.count() == len(plan_territories())


def test_every_record_is_flagged_and_marked():
    generate(200)
    assert not Initiative.objects.filter(is_synthetic=False).exists()
    communes = Commune.objects.all()
    assert communes.exists()
    for commune in communes:
        assert commune.name.startswith(SYNTH_PREFIX)
        assert re.match(INSEE_RE, commune.insee) and int(commune.insee[2:]) >= 950
        assert commune.search_name == commune.search_name.lower()
        ring = commune.contour["coordinates"][0]
        assert commune.contour["type"] == "Polygon" and ring[0] == ring[-1] and len(ring) > 10
        assert all(haversine_km(commune.centre_lat, commune.centre_lon, y, x) < 30 for x, y in ring)
    for interco in Interco.objects.all():
        assert interco.name.startswith(SYNTH_PREFIX)
        assert re.match(SIREN_RE, interco.siren) and interco.siren.startswith(SIREN_PREFIX)
        assert interco.seat_id is not None
        assert interco.contour["type"] == "Polygon"


def test_search_keys_are_filled_like_the_services_do():
    generate(100)
    for initiative in Initiative.objects.all():
        assert (initiative.search_name, initiative.search_text) == search_keys(initiative)
        assert initiative.search_text
    word = Initiative.objects.first().search_name.split()[0]
    assert Initiative.objects.search(word).exists()


def test_refuses_a_database_with_real_initiatives_unless_allowed():
    real = factories.initiative(name="Une vraie épicerie")
    with pytest.raises(CommandError, match="real initiatives"):
        generate(10)
    assert Initiative.objects.count() == 1
    generate(10, allow_real=True)
    assert Initiative.objects.filter(is_synthetic=True).count() == 10
    generate(5, allow_real=True)
    assert Initiative.objects.filter(is_synthetic=True).count() == 5
    assert Initiative.objects.filter(pk=real.pk, is_synthetic=False).exists()


def test_points_are_valid_in_metropolitan_france_and_near_their_commune():
    generate(500)
    for i in Initiative.objects.select_related("commune"):
        assert FRANCE_BBOX.contains(i.latitude, i.longitude)
        assert i.postcode == i.commune.postcodes
        assert (
            haversine_km(i.latitude, i.longitude, i.commune.centre_lat, i.commune.centre_lon) < 80
        )


def test_density_follows_town_populations():
    generate(3000)
    per_interco = Counter(Initiative.objects.values_list("commune__interco__name", flat=True))
    paris, crest = (f"{SYNTH_PREFIX}Métropole de Paris", f"{SYNTH_PREFIX}CC du Pays de Crest")
    assert per_interco[paris] > 10 * max(per_interco[crest], 1)
    assert len(per_interco) > 200  # spread over most towns, not a few


def test_text_is_french_with_a_skewed_word_distribution():
    generate(300)
    words = Counter(w for text in Initiative.objects.values_list("search_text", flat=True)
                    for w in text.split())  # fmt: skip
    assert len(words) > 300
    top = [w for w, _ in words.most_common(10)]
    assert {"de", "la", "les"} & set(top)
    counts = sorted(words.values(), reverse=True)
    assert counts[0] > 20 * counts[len(counts) // 2]  # Zipf-like, not uniform
    assert not Initiative.objects.filter(description__contains=" de les ").exists()
    assert french("autour de les jeunes et à le marché") == "autour des jeunes et au marché"


def test_synthetic_codes_are_not_real_codes(shared_territoires):
    real = {c["code"] for c in json.loads((shared_territoires / "communes.json").read_text())}
    real_sirens = {e["code"] for e in json.loads((shared_territoires / "epcis.json").read_text())}
    plan = plan_territories()
    assert not {c.insee for ic in plan for c in ic.communes} & real
    assert not {ic.siren for ic in plan} & real_sirens
    assert len({t.name for t in towns()}) == len(towns())


def test_no_synthetic_record_is_in_the_fixtures():
    fixtures = Path(__file__).resolve().parents[2] / "fixtures"
    for path in fixtures.rglob("*.json"):
        text = path.read_text()
        assert '"is_synthetic": true' not in text, path
        assert f'"{SYNTH_PREFIX}' not in text, path
        assert not re.search(rf'"{SIREN_PREFIX}\d{{5}}"', text), path

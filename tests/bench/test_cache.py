import pytest
from django.core.cache import cache
from django.http import QueryDict

from essmap import cache as shared


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_value_is_computed_once_per_generation():
    calls = []

    def compute():
        calls.append(1)
        return {"n": len(calls)}

    assert shared.cached("map", {"zoom": "6"}, compute) == {"n": 1}
    assert shared.cached("map", {"zoom": "6"}, compute) == {"n": 1}
    assert shared.cached("map", {"zoom": "7"}, compute) == {"n": 2}
    assert len(calls) == 2


def test_keys_ignore_parameter_order_but_not_values():
    a = QueryDict("theme=energie&theme=alimentation&zoom=6")
    b = QueryDict("zoom=6&theme=alimentation&theme=energie")
    assert shared.key_for("map", a) == shared.key_for("map", b)
    assert shared.key_for("map", a) != shared.key_for("map", QueryDict("zoom=6&theme=energie"))
    assert shared.key_for("map", a) != shared.key_for("list", a)


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_invalidates_every_cached_value():
    assert shared.cached("map", {}, lambda: "old") == "old"
    shared.data_changed()  # outside a transaction: at once
    assert shared.cached("map", {}, lambda: "new") == "new"


@pytest.mark.django_db(transaction=True)
def test_invalidation_waits_for_the_commit():
    from django.db import transaction

    before = shared.generation()
    with transaction.atomic():
        shared.data_changed()
        assert shared.generation() == before  # readers never see a half-written state
    assert shared.generation() == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_lost_counter_restarts_above_its_old_values():
    for _ in range(5):
        shared.data_changed()
    old = shared.generation()
    cache.delete(shared.GENERATION_KEY)  # evicted
    shared.data_changed()
    assert shared.generation() > old


def test_with_the_result_cache_off_every_read_is_computed(settings):
    settings.RESULT_CACHE = False
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert shared.cached("map", {"zoom": "6"}, compute) == 1
    assert shared.cached("map", {"zoom": "6"}, compute) == 2
    settings.RESULT_CACHE = True
    assert shared.cached("map", {"zoom": "6"}, compute) == 3
    assert shared.cached("map", {"zoom": "6"}, compute) == 3  # on again: kept

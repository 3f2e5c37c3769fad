import pytest
from django.db import transaction

from essmap import db_router
from essmap.db_router import ReadReplicaRouter
from initiatives.models import Initiative

router = ReadReplicaRouter()


@pytest.fixture(autouse=True)
def replica_up(monkeypatch):
    """No replica in the test settings: pretend it answers (a real one: test_db_router_replica)."""
    monkeypatch.setattr(db_router, "_replica_usable", lambda alias: True)
    db_router.start_request(writing=False)


@pytest.mark.django_db(transaction=True)
def test_reads_go_to_the_replica_and_writes_to_the_primary():
    assert router.db_for_read(Initiative) == "replica"
    assert router.db_for_write(Initiative) == "default"
    assert router.allow_migrate("default", "initiatives")
    assert not router.allow_migrate("replica", "initiatives")


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_write_transaction_stay_on_the_primary():
    with transaction.atomic():
        assert router.db_for_read(Initiative) == "default"
    assert router.db_for_read(Initiative) == "replica"


def test_an_instance_is_read_again_from_its_own_database():
    obj = Initiative(name="x")
    obj._state.db = "default"
    assert router.db_for_read(Initiative, instance=obj) == "default"


def test_reads_after_a_write_in_the_same_request_stay_on_the_primary():
    db_router.start_request(writing=False)
    assert router.db_for_read(Initiative) == "replica"
    assert router.db_for_write(Initiative) == "default"
    assert router.db_for_read(Initiative) == "default"
    db_router.start_request(writing=False)  # the next request
    assert router.db_for_read(Initiative) == "replica"


def test_a_writing_request_reads_from_the_primary():
    db_router.start_request(writing=True)
    assert router.db_for_read(Initiative) == "default"

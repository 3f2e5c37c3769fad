"""Assertions shared by the tests."""

import pytest
from django.db import DataError, IntegrityError, transaction


def assert_db_refuses(make) -> None:
    """The database itself rejects what `make` writes (a constraint, or a too-long value)."""
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        make()

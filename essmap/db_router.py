"""Optional read replica: reads go to the `replica` database, writes to `default`.

Enabled by essmap.settings.production when DATABASE_REPLICA_URL is set. Reads stay on the
primary:
- inside a transaction on the primary (every service write runs in one);
- for the rest of a request once it has written anything, and for the whole of a request
  whose method is not a read (POST, PUT…): a write and the reads that check or show it see
  the same data (`PrimaryPinningMiddleware` starts each request afresh);
- while the replica is unreachable: the first read of a request checks the replica's
  connection (Django's health check), and a failure sends reads to the primary for
  REPLICA_RETRY_SECONDS, without an error.
Elsewhere, replica lag applies (usually well under a second with streaming replication).
"""

import logging
import time
from contextvars import ContextVar

from django.db import DatabaseError, connections

logger = logging.getLogger("essmap.db")
REPLICA_RETRY_SECONDS = 10.0
_pinned: ContextVar[bool] = ContextVar("essmap_primary_pinned", default=False)
_checked: ContextVar[bool] = ContextVar("essmap_replica_checked", default=False)
_down_until = 0.0  # per process: when to try the replica again


def start_request(*, writing: bool) -> None:
    _pinned.set(writing)
    _checked.set(False)


def _replica_usable(alias: str) -> bool:
    global _down_until
    if time.monotonic() < _down_until:
        return False
    if _checked.get():
        return True
    _checked.set(True)
    try:
        connections[alias].close_if_unusable_or_obsolete()
        connections[alias].ensure_connection()
        return True
    except DatabaseError:
        _down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        logger.warning("Read replica unreachable: reading from the primary for %ss.",
                       REPLICA_RETRY_SECONDS)  # fmt: skip
        try:
            connections[alias].close()
        except DatabaseError:
            pass
        return False


class ReadReplicaRouter:
    primary = "default"
    replica = "replica"

    def db_for_read(self, model, **hints):
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db  # follow the object's own database
        if _pinned.get() or connections[self.primary].in_atomic_block:
            return self.primary
        return self.replica if _replica_usable(self.replica) else self.primary

    def db_for_write(self, model, **hints):
        _pinned.set(True)  # later reads in this request see this write
        return self.primary

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one logical database: the replica mirrors the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == self.primary


class PrimaryPinningMiddleware:
    """Each request starts unpinned (pinned at once when its method writes)."""

    SAFE = {"GET", "HEAD", "OPTIONS", "TRACE"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start_request(writing=request.method not in self.SAFE)
        return self.get_response(request)

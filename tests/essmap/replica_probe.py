"""Run by tests/essmap/test_db_router_replica.py in a process configured with a primary and a
replica (production settings, DATABASE_REPLICA_URL): prints which database served what."""

import json
import sys

import django

django.setup()

from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402

from essmap import db_router  # noqa: E402
from initiatives.models import Theme  # noqa: E402


def served_by(action) -> list[str]:
    """Which databases ran queries for `action` (without connecting to either beforehand)."""
    aliases = {"primary": connections["default"], "replica": connections["replica"]}
    before = {}
    for name, connection in aliases.items():
        connection.force_debug_cursor = True
        before[name] = len(connection.queries_log)
    action()
    return [name for name, c in aliases.items() if len(c.queries_log) > before[name]]


def main(phase: str) -> dict:
    out = {}
    if phase == "up":
        db_router.start_request(writing=False)
        out["read"] = served_by(lambda: list(Theme.objects.all()))
        db_router.start_request(writing=False)
        out["write"] = served_by(lambda: Theme.objects.create(slug="probe", name="Sonde"))
        out["read_after_write"] = served_by(lambda: Theme.objects.get(slug="probe"))
        db_router.start_request(writing=True)  # a POST: its reads before any write too
        out["read_in_post"] = served_by(lambda: list(Theme.objects.all()))
    out["pages"] = [Client().get(path).status_code for path in ("/", "/api/v1/themes/")]
    db_router.start_request(writing=False)
    out["next_read"] = served_by(lambda: list(Theme.objects.all()))
    return out


if __name__ == "__main__":
    sys.stdout.write(json.dumps(main(sys.argv[1])))

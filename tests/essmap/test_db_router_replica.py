"""The read-replica router against a real streaming replica (pg_basebackup of a primary of
this test's own, ports 5440-5449): reads go to the replica; writes, the reads after them in
the same request and the reads of a POST go to the primary; replica down → the primary
serves reads without an error, and the replica is used again once it is back."""

import json
import os
import subprocess
import sys
import time

from tests.servers import ROOT, OwnPostgres, manage, needs_postgres_binaries

pytestmark = needs_postgres_binaries


def probe(env: dict, phase: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "tests.essmap.replica_probe", phase], cwd=ROOT,
                          env=env, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def replicated(replica: OwnPostgres, primary: OwnPostgres) -> bool:
    lsn = primary.psql("SELECT pg_current_wal_lsn()", "essmap")
    for _ in range(100):
        if replica.psql(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn", "essmap") == "t":
            return True
        time.sleep(0.1)
    return False


def test_router_with_a_real_streaming_replica(tmp_path):
    primary = OwnPostgres().init()
    primary.start()
    replica = None
    try:
        primary.psql("CREATE DATABASE essmap")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "essmap.settings.production",
            "ALLOW_INSECURE_KEY": "1",
            "DATABASE_URL": primary.url("essmap"),
            "ALLOWED_HOSTS": "testserver",
            "SITE_URL": "http://testserver",
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_ROOT": str(tmp_path / "static"),
            "LOG_LEVEL": "ERROR",
        }
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_fixtures", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        replica = primary.basebackup_replica()
        replica.start()
        assert replica.psql("SELECT pg_is_in_recovery()") == "t"  # a real standby
        env["DATABASE_REPLICA_URL"] = replica.url("essmap")
        assert replicated(replica, primary)

        up = probe(env, "up")
        assert up["read"] == ["replica"]
        assert up["write"] == ["primary"]
        assert up["read_after_write"] == ["primary"]
        assert up["read_in_post"] == ["primary"]
        assert up["pages"] == [200, 200]
        assert up["next_read"] == ["replica"]
        assert replicated(replica, primary)
        assert replica.psql("SELECT count(*) FROM initiatives_theme WHERE slug='probe'",
                            "essmap") == "1"  # fmt: skip

        replica.stop()
        down = probe(env, "down")
        assert down["pages"] == [200, 200]
        assert down["next_read"] == ["primary"]

        replica.start()
        assert probe(env, "down")["next_read"] == ["replica"]
    finally:
        if replica is not None:
            replica.destroy()
        primary.destroy()

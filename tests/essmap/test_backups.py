"""Backup and restore (manage.py backup / restore) on a PostgreSQL of this test's own: the
restored database, a fresh one under its own name, has the same rows and serves the same page."""

import os
import re
import subprocess
import sys

from tests.servers import ROOT, OwnPostgres, manage, needs_postgres_binaries

pytestmark = needs_postgres_binaries

TABLES = ["initiatives_initiative", "initiatives_partnership", "initiatives_keyfigure",
          "initiatives_source", "initiatives_theme", "intercos_interco", "intercos_commune",
          "auth_user", "django_migrations"]  # fmt: skip
PAGE = "/initiatives/sud-gresivaudan-en-transition/"


def env_for(pg: OwnPostgres, name: str) -> dict:
    return {**os.environ, "DATABASE_URL": pg.url(name), "ALLOWED_HOSTS": "testserver",
            "DJANGO_SETTINGS_MODULE":
            "essmap.settings.test", "PG_BIN_DIR": str(pg_bin())}  # fmt: skip


def pg_bin():
    from tests.servers import PG_BIN

    return PG_BIN


def counts(pg: OwnPostgres, name: str) -> dict[str, str]:
    return {table: pg.psql(f"SELECT count(*) FROM {table}", name) for table in TABLES}  # noqa: S608


def page(env: dict) -> str:
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        f"r = Client().get('{PAGE}', HTTP_ACCEPT_LANGUAGE='fr');"
        "assert r.status_code == 200, r.status_code;"
        "import sys; sys.stdout.write(r.content.decode())"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", done.stdout)


def test_backup_then_restore_into_a_fresh_database(tmp_path):
    pg = OwnPostgres().init()
    pg.start()
    try:
        pg.psql("CREATE DATABASE essmap_live")
        live = env_for(pg, "essmap_live")
        manage(live, "migrate", "--noinput", "-v0")
        manage(live, "load_fixtures", "-v0")
        manage(live, "shell", "-c", "from django.contrib.auth import get_user_model;"
               "get_user_model().objects.create_user('staff', password='x-9f8e7d')")  # fmt: skip
        folder = tmp_path / "backups"
        for _ in range(3):
            dump = manage(live, "backup", "--dir", str(folder), "--keep", "2").strip()
        assert len(list(folder.glob("essmap-*.dump"))) <= 2  # retention applied
        assert dump.endswith(".dump") and os.path.getsize(dump) > 10_000
        assert os.stat(dump).st_mode & 0o777 == 0o600  # tokens and password hashes inside

        pg.psql("CREATE DATABASE essmap_restored")
        restored = env_for(pg, "essmap_restored")
        manage(restored, "restore", dump)
        before, after = counts(pg, "essmap_live"), counts(pg, "essmap_restored")
        assert after == before
        assert int(after["initiatives_initiative"]) >= 10
        # CSRF tokens aside, the page is the same.
        assert page(restored) == page(live)
    finally:
        pg.destroy()

"""A PostgreSQL and a Redis of a test's own, on loopback ports of their own (never the shared
5432/6379): started, stopped and restarted at will to try outages.

PostgreSQL needs its binaries (/usr/lib/postgresql/*/bin, as in CI): tests using it carry
`pytestmark = needs_postgres_binaries`. As root, the cluster runs as the `postgres` user.
Ports: PostgreSQL 5440-5449, Redis 6390-6399 (this project's share on the shared machine).
"""

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

PG_BINS = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
PG_BIN = Path(PG_BINS[-1]) if PG_BINS else None
REDIS_SERVER = shutil.which("redis-server")

# Prerequisites (tests/prerequisites.py): skipped with the reason when missing, failed in CI.
needs_postgres_binaries = pytest.mark.postgres_binaries
needs_redis_server = pytest.mark.redis_server


def port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
        return True
    return False


def free_port_in(first: int, last: int) -> int:
    for port in range(first, last + 1):
        if not port_open(port):
            with contextlib.suppress(OSError), socket.socket() as s:
                s.bind(("127.0.0.1", port))
                return port
    raise RuntimeError(f"no free port in {first}-{last}")


def _wait(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("server did not change state in time")
        time.sleep(0.1)


class OwnRedis:
    def __init__(self, port: int | None = None):
        self.port = port or free_port_in(6390, 6399)
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start; another run may take the chosen port first: then take another (first start)."""
        for attempt in range(8):
            self.proc = subprocess.Popen(
                [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--logfile", ""],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            _wait(lambda: port_open(self.port) or self.proc.poll() is not None)
            if self.proc.poll() is None:
                self.started = True
                return
            if getattr(self, "started", False) or attempt == 7:
                raise RuntimeError("redis-server did not start")
            self.port = free_port_in(6390, 6399)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        _wait(lambda: not port_open(self.port))


class OwnPostgres:
    """A throw-away cluster (trust auth, fsync off) in a temporary folder."""

    def __init__(self, port: int | None = None, *, datadir: Path | None = None):
        self.port = port or free_port_in(5440, 5449)
        self.root = Path(tempfile.mkdtemp(prefix="essmap-pg-"))
        self.datadir = datadir or self.root / "data"
        self.socket_dir = self.root / "run"
        self.log = self.root / "server.log"
        os.chmod(self.root, 0o755)  # noqa: S103 (the postgres user must reach it)
        self.socket_dir.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.socket_dir, "postgres")

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check)

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def init(self) -> "OwnPostgres":
        self._run("initdb", "-D", str(self.datadir), "-A", "trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        return self

    def start(self) -> None:
        """Start; another run may take the chosen port first: then take another (first start)."""
        for attempt in range(8):
            options = (
                f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            done = self._run("pg_ctl", "-D", str(self.datadir), "-o", options, "-l",
                             str(self.log), "-w", "-t", "60", "start", check=False)  # fmt: skip
            if done.returncode == 0:
                self.started = True
                return
            in_use = "already in use" in (self.log.read_text() if self.log.exists() else "")
            if getattr(self, "started", False) or not in_use or attempt == 7:
                raise RuntimeError(f"PostgreSQL did not start: {done.stderr[-1000:]}")
            time.sleep(0.5)
            self.log.unlink(missing_ok=True)
            self.port = free_port_in(5440, 5449)

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.datadir), "-m", mode, "-w", "stop", check=False)
        _wait(lambda: not port_open(self.port))

    def basebackup_replica(self, port: int | None = None) -> "OwnPostgres":
        """A streaming replica of this cluster (pg_basebackup -R), not yet started."""
        replica = OwnPostgres(port or free_port_in(self.port + 1, 5449))
        self._run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                  "-D", str(replica.datadir), "-R", "-X", "stream", "-c", "fast")  # fmt: skip
        return replica

    def psql(self, sql: str, database: str = "postgres") -> str:
        done = self._run("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                         "-d", database, "-Atc", sql)  # fmt: skip
        return done.stdout.strip()

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def production_env(*, database_url: str, redis_url: str, static_root: Path, **extra: str) -> dict:
    """A production-like environment for gunicorn on loopback, plain HTTP."""
    import secrets

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "essmap.settings.production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "STATIC_ROOT": str(static_root),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://127.0.0.1",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@contextlib.contextmanager
def gunicorn(env: dict, port: int, *, workers: int = 1, log: Path | None = None):
    """A gunicorn essmap server on a loopback port; yields the process."""
    err = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(
        [GUNICORN, "essmap.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--timeout", "60", "--graceful-timeout", "5"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err,
    )  # fmt: skip
    try:
        _wait(lambda: port_open(port) or proc.poll() is not None, 60)
        assert proc.poll() is None, log.read_text()[-3000:] if log else "gunicorn exited"
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if log:
            err.close()

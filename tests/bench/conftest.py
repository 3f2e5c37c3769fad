"""Real app servers for the scale-out tests: gunicorn subprocesses on loopback ports.

They need PostgreSQL (127.0.0.1:5432, or the server of a postgres DATABASE_URL) and Redis
(127.0.0.1:6379), so they are marked `postgres` and `redis` (tests/prerequisites.py);
whatever database the rest of the run uses, these tests create their own PostgreSQL
database, fill it with synthetic initiatives and drop it at the end.
"""

import contextlib
import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from tests.prerequisites import REDIS_URL, postgres_server

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
ROWS = int(os.environ.get("BENCH_TEST_ROWS", "30000"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str, module: str = "manage.py") -> str:
    """Run manage.py (or `-m <module>` for a module script such as bench.generate_synthetic)."""
    command = [PYTHON, "manage.py"] if module == "manage.py" else [PYTHON, "-m", module]
    done = subprocess.run([*command, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="session")
def bench_env(tmp_path_factory):
    """Environment of a production-like server on a fresh PostgreSQL database of ROWS rows."""
    server = postgres_server()
    name = f"essmap_benchtest_{os.getpid()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    static = tmp_path_factory.mktemp("static")
    env = {
        **os.environ,
        "DATABASE_URL": f"{server}/{name}",
        "DJANGO_SETTINGS_MODULE": "essmap.settings.production",
        "SECRET_KEY": secrets.token_hex(32),
        "DEBUG": "0",
        "STATIC_ROOT": str(static),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://127.0.0.1",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback
        "CONN_MAX_AGE": "600",
        "REDIS_URL": REDIS_URL,
        "LOG_LEVEL": "ERROR",
    }
    try:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "--count", str(ROWS), "--seed", "3", module="bench.generate_synthetic")
        manage(env, "collectstatic", "--noinput", "-v0")
        yield env
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flush_redis(url: str = REDIS_URL) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


@contextlib.contextmanager
def app_server(env: dict, *, workers: int = 1, **extra: str):
    """A gunicorn essmap server on a free loopback port; yields (port, master pid)."""
    port = free_port()
    proc = subprocess.Popen(
        [GUNICORN, "essmap.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--timeout", "300", "--log-level", "warning"],
        cwd=ROOT, env={**env, **extra}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        for _ in range(150):
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            assert proc.poll() is None, proc.stderr.read().decode()[-3000:]
            time.sleep(0.2)
        yield port, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise AssertionError(f"{field} not in /proc/{pid}/status")


def request(port: int, path: str, *, method="GET", body=None, headers=None, stream=None):
    """(status, headers, body); `stream(chunk)` is called per chunk instead of keeping it."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        conn.request(method, path, body=body, headers={"Host": "localhost", **(headers or {})})
        response = conn.getresponse()
        chunks = []
        while chunk := response.read(65536):
            if stream:
                stream(chunk)
            else:
                chunks.append(chunk)
        return response.status, response.msg, b"".join(chunks)
    finally:
        conn.close()

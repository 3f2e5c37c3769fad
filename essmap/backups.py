"""Database backups with PostgreSQL's own tools: `pg_dump -Fc` and `pg_restore`.

Used by `manage.py backup` / `manage.py restore` (and `make backup` / `make restore`); the
schedule and retention are in docs/deployment.md. Connection settings come from Django's
DATABASES (so from DATABASE_URL); the password goes through the environment, never argv.
Dumps are written 0600 in a folder created 0700.
"""

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "essmap-"
SUFFIX = ".dump"
# A dump holds password hashes, API tokens and the alert subscribers' addresses: readable by
# its owner only, whatever the umask, from the first byte written.
PRIVATE = 0o600


def _private_file(path: Path) -> None:
    """Create `path` empty with mode 0600 (an existing file is truncated and made 0600)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    try:
        os.fchmod(fd, PRIVATE)  # O_CREAT's mode is ignored for an existing file
    finally:
        os.close(fd)


def _tool(name: str) -> str:
    folder = settings.PG_BIN_DIR
    path = str(Path(folder) / name) if folder else shutil.which(name)
    if not path or not Path(path).exists():
        raise ImproperlyConfigured(f"{name} not found: install the PostgreSQL client tools.")
    return path


def connection_args(db: dict) -> tuple[list[str], dict]:
    if "postgresql" not in db["ENGINE"]:
        raise ImproperlyConfigured("Backups need PostgreSQL (DATABASE_URL=postgres://...).")
    args = ["--no-password"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def backup(folder: Path, *, keep: int, database: str = "default") -> Path:
    """Dump the database to folder/essmap-<UTC time>.dump; keep the `keep` newest dumps."""
    db = settings.DATABASES[database]
    args, env = connection_args(db)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"{PREFIX}{stamp}{SUFFIX}"
    partial = target.with_suffix(".partial")
    _private_file(partial)  # pg_dump then truncates it and keeps its mode
    try:
        subprocess.run(  # noqa: S603 (argv from settings, no shell)
            [_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--file", str(partial),
             "--dbname", db["NAME"]],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        os.chmod(partial, PRIVATE)  # whatever the tool did
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(target)  # a dump is complete or absent
    prune(folder, keep=keep)
    for older in folder.glob(f"{PREFIX}*{SUFFIX}"):  # dumps written 0644 before this rule
        os.chmod(older, PRIVATE)
    return target


def prune(folder: Path, *, keep: int) -> list[Path]:
    dumps = sorted(folder.glob(f"{PREFIX}*{SUFFIX}"))
    old = dumps[:-keep] if keep > 0 else []
    for path in old:
        path.unlink()
    return old


def restore(dump: Path, *, database: str = "default") -> None:
    """Restore a dump into the (empty or existing) database: objects replaced, data reloaded."""
    db = settings.DATABASES[database]
    args, env = connection_args(db)
    subprocess.run(  # noqa: S603 (argv from settings, no shell)
        [_tool("pg_restore"), *args, "--clean", "--if-exists", "--no-owner", "--exit-on-error",
         "--single-transaction", "--dbname", db["NAME"], str(dump)],
        env=env, check=True, capture_output=True,
    )  # fmt: skip

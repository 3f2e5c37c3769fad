"""Backup dumps are private files (issue 18): 0600 whatever the umask, no partial file left.

pg_dump is replaced by a stand-in that writes its --file as pg_dump does (fopen "wb": an
existing file keeps its mode); the real tool is exercised by test_backups.py.
"""

import os
import stat
import sys
from types import SimpleNamespace

import pytest

from essmap import backups

DB = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "essmap", "HOST": "h"}}


def fake_tools(folder, *, fail: bool = False):
    folder.mkdir()
    script = folder / "pg_dump"
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        "args = sys.argv\n"
        "open(args[args.index('--file') + 1], 'wb').write(b'PGDMP secret tokens')\n"
        + ("sys.exit(1)\n" if fail else "")
    )
    script.chmod(0o755)
    return folder


@pytest.fixture
def open_umask():
    previous = os.umask(0o022)  # the usual one: new files 0644
    yield
    os.umask(previous)


def test_dumps_are_written_0600_in_a_0700_folder(tmp_path, monkeypatch, open_umask):
    tools = str(fake_tools(tmp_path / "bin"))
    monkeypatch.setattr(backups, "settings", SimpleNamespace(DATABASES=DB, PG_BIN_DIR=tools))
    folder = tmp_path / "backups"
    dump = backups.backup(folder, keep=3)
    assert dump.read_bytes() == b"PGDMP secret tokens"
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert [p.name for p in folder.iterdir()] == [dump.name]


def test_a_leftover_partial_file_is_made_private_too(tmp_path, monkeypatch, open_umask):
    path = tmp_path / "old.partial"
    path.write_bytes(b"x" * 10)
    path.chmod(0o644)
    backups._private_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes() == b""


def test_a_failed_dump_leaves_no_file(tmp_path, monkeypatch, open_umask):
    tools = str(fake_tools(tmp_path / "bin", fail=True))
    monkeypatch.setattr(backups, "settings", SimpleNamespace(DATABASES=DB, PG_BIN_DIR=tools))
    folder = tmp_path / "backups"
    with pytest.raises(Exception, match="exit status 1"):
        backups.backup(folder, keep=3)
    assert list(folder.iterdir()) == []


def test_older_dumps_are_made_private_too(tmp_path, monkeypatch, open_umask):
    tools = str(fake_tools(tmp_path / "bin"))
    monkeypatch.setattr(backups, "settings", SimpleNamespace(DATABASES=DB, PG_BIN_DIR=tools))
    folder = tmp_path / "backups"
    folder.mkdir()
    old = folder / "essmap-20250101T000000Z.dump"
    old.write_bytes(b"PGDMP old")
    old.chmod(0o644)
    backups.backup(folder, keep=3)
    assert stat.S_IMODE(old.stat().st_mode) == 0o600

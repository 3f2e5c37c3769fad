"""Lock files: every package pinned with hashes; production without development tools; both
agree with pyproject.toml (`make lock` regenerates them)."""

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCKS = {"production": ROOT / "requirements" / "production.txt",
         "dev": ROOT / "requirements" / "dev.txt"}  # fmt: skip
DEV_ONLY = {"pytest", "pytest-django", "ruff", "playwright", "schemathesis", "hypothesis",
            "werkzeug", "starlette", "pip-tools"}  # fmt: skip


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, list[str]]:
    """{package: [hashes]} from a pip-compile --generate-hashes file."""
    text = path.read_text().replace("\\\n", " ")
    found = {}
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)(.*)$", line)
        if match:
            found[canonical(match.group(1))] = re.findall(r"--hash=sha256:[0-9a-f]{64}", line)
    return found


def requirement_names(specs: list[str]) -> set[str]:
    return {canonical(re.split(r"[\[<>=!~; ]", spec, maxsplit=1)[0]) for spec in specs}


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


@pytest.mark.parametrize("lock", list(LOCKS))
def test_every_package_is_pinned_with_hashes(lock):
    found = pins(LOCKS[lock])
    assert len(found) > 10
    assert all(hashes for hashes in found.values()), [p for p, h in found.items() if not h]


@pytest.mark.parametrize("lock", list(LOCKS))
def test_locks_cover_pyproject(lock):
    wanted = requirement_names(PROJECT["dependencies"])
    if lock == "dev":
        wanted |= requirement_names(PROJECT["optional-dependencies"]["dev"])
    missing = wanted - set(pins(LOCKS[lock]))
    assert not missing, f"run `make lock`: {sorted(missing)} not in requirements/{lock}.txt"


def test_production_has_no_development_tools():
    assert not DEV_ONLY & set(pins(LOCKS["production"]))


def test_dev_lock_uses_the_production_versions():
    production, dev = pins(LOCKS["production"]), pins(LOCKS["dev"])
    version = re.compile(r"^([A-Za-z0-9_.\-]+)==(\S+)", re.M)
    prod_versions = {canonical(n): v for n, v in version.findall(LOCKS["production"].read_text())}
    dev_versions = {canonical(n): v for n, v in version.findall(LOCKS["dev"].read_text())}
    assert set(production) <= set(dev)
    assert {n: dev_versions[n] for n in production} == prod_versions

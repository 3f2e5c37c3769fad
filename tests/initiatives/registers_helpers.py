"""Shared by the register tests: the real extracts beside the checkout, and file copies."""

import csv
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# CI has ../shared beside the checkout; ESSMAP_REGISTRES points elsewhere (a git worktree).
REGISTRES = Path(os.environ.get("ESSMAP_REGISTRES", ROOT.parent / "shared/data/registres"))
ESAT = REGISTRES / "esat-finess-drome-ardeche.csv"
SIAE = REGISTRES / "siae-asp-2019-drome-ardeche.csv"


def real(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path.name}: ../shared/data/registres is not beside this checkout")
    return path


def rows(path: Path, delimiter: str) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def write(path: Path, header: list[str], data: list[dict], delimiter: str) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(data)
    return path


def header(path: Path, delimiter: str) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle, delimiter=delimiter))

"""The environment is read in essmap/settings/env.py only, and README's table lists it all.

The settings modules call env.py's helpers (`env_str`, `env_bool`, `env_int`, `env_list`) with
each variable's name as a literal; no module of the application touches `os.environ` itself,
except the two listed in ALLOWED_ENVIRON. Benchmark knobs (bench/) and test-harness knobs
(tests/) are not the application's configuration and are not in the table.
"""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "essmap" / "settings"
APPS = ("essmap", "initiatives", "intercos")
HELPERS = {"env_str", "env_bool", "env_int", "env_list"}
# Read by Django itself (set by manage.py and essmap/wsgi.py), listed in the table all the same.
FRAMEWORK_VARIABLES = {"DJANGO_SETTINGS_MODULE"}
ALLOWED_ENVIRON = {
    "essmap/settings/env.py": "the one reader",
    "essmap/wsgi.py": "sets DJANGO_SETTINGS_MODULE's default",
    "essmap/backups.py": "hands the environment on to pg_dump/pg_restore (with PGPASSWORD)",
}


def variables_read(source: str) -> list[str]:
    """Names given as a literal to env.py's helpers; a name that is not a literal is an error."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in HELPERS:
            arg = node.args[0]
            assert isinstance(arg, ast.Constant), f"line {node.lineno}: name not a literal"
            names.append(arg.value)
    return names


def settings_variables() -> set[str]:
    return {name for path in SETTINGS.glob("*.py") for name in variables_read(path.read_text())}


def readme_variables(text: str) -> set[str]:
    """Variables in the first column of the table under "## Configuration"."""
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_cell))
    return names


def environ_readers(source: str) -> list[int]:
    """Lines that touch os.environ / os.getenv (or import them from os)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("environ", "getenv", "environb", "getenvb")
            and getattr(node.value, "id", "") == "os"
        ):
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            if {a.name for a in node.names} & {"environ", "getenv", "environb", "getenvb"}:
                lines.append(node.lineno)
    return lines


def test_every_variable_read_is_in_the_readme_table_and_back():
    code = settings_variables() | FRAMEWORK_VARIABLES
    table = readme_variables((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(code) > 40  # the walk really reads the settings
    assert sorted(code - table) == [], "read by the settings, missing from README's table"
    assert sorted(table - code) == [], "in README's table, read nowhere"


def test_no_other_module_reads_the_environment():
    offending = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            name = str(path.relative_to(ROOT))
            if name in ALLOWED_ENVIRON:
                continue
            offending += [f"{name}:{line}" for line in environ_readers(path.read_text())]
    assert offending == []
    assert environ_readers((SETTINGS / "env.py").read_text())  # the reader is seen


def test_settings_read_with_a_default_are_declared():
    """`getattr(settings, "X", default)` hides a missing or misspelt setting: each one read so
    must be declared (essmap/settings/base.py holds its default)."""
    undeclared = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", "") == "getattr"
                    and len(node.args) >= 2
                    and getattr(node.args[0], "id", "") == "settings"
                    and isinstance(node.args[1], ast.Constant)
                    and not hasattr(settings, node.args[1].value)
                ):
                    undeclared.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert undeclared == []


def test_the_checks_see_a_stray_read_and_a_missing_row():
    source = (
        "import os\nfrom os import getenv\n"
        "A = env_int('A_LIMIT', 3)\nB = env_str(\n    'B_URL',\n)\n"
        "C = os.environ.get('C')\nD = os.getenv('D')\n"
    )
    assert variables_read(source) == ["A_LIMIT", "B_URL"]
    assert sorted(environ_readers(source)) == [2, 7, 8]
    table = "intro\n## Configuration\n\n| variable |\n| --- |\n| `A_LIMIT`, `B_URL` | `3` |\n"
    assert readme_variables(table + "\n## Development\n| `NOT_CONFIG` |\n") == {"A_LIMIT", "B_URL"}
    assert {"A_LIMIT", "B_URL", "C_MISSING"} - readme_variables(table) == {"C_MISSING"}

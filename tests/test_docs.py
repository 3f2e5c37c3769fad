"""docs/architecture.md and docs/decisions/ match the code.

- Every file path (`initiatives/rules.py`, `essmap/settings/`) and every dotted name of the
  project (`essmap.cache.data_changed`, `initiatives.api.views`) written between backticks
  exists: a path as a file or folder, a dotted name as a module or package, then each further
  part as a name defined at its top level (and one level into a class).
- The app dependency lines of the mermaid diagram are exactly the imports the code has
  between the apps (each drawn edge exists, each import is drawn).
- Each decision record has its Context, Decision and Consequences.
On a failure the assertion lists every missing name, with the document it comes from.
"""

import ast
import re
from functools import cache
from pathlib import Path

from tests.test_architecture import imported_modules

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = ROOT / "docs" / "architecture.md"
DECISIONS = sorted((ROOT / "docs" / "decisions").glob("*.md"))
APPS = ("essmap", "intercos", "initiatives")
TOP_FOLDERS = (*APPS, "templates", "static", "docs", "tests", "bench", "locale", "fixtures")

CODE_SPAN = re.compile(r"`([^`\n]+)`")
DOTTED = re.compile(r"\b((?:{})(?:\.[A-Za-z_]\w*)+)".format("|".join(APPS)))
PATH = re.compile(r"(?<![\w/.])((?:{})/[\w./-]*)".format("|".join(TOP_FOLDERS)))
# `initiatives.csv` is an open data file, not a module.
FILE_TYPES = {"csv", "geojson", "json", "md", "py", "html", "txt", "xml", "xlsx"}
EDGE = re.compile(r"^\s*(\w+)\s*-->\s*(\w+)\s*$")


def named_in(text: str) -> tuple[set[str], set[str]]:
    """(paths, dotted names) written between backticks in a Markdown text."""
    paths, dotted = set(), set()
    for span in CODE_SPAN.findall(text):
        paths |= {p.rstrip(".") for p in PATH.findall(span)}
        dotted |= {d for d in DOTTED.findall(span) if d.rsplit(".", 1)[1] not in FILE_TYPES}
    return paths, dotted


@cache
def _top_level_names(module_file: Path) -> dict[str, ast.AST | None]:
    names: dict[str, ast.AST | None] = {}
    for node in ast.parse(module_file.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names[node.name] = node
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id: None for t in targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0]: None for a in node.names}
    return names


def dotted_exists(name: str, root: Path = ROOT) -> bool:
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):  # the longest prefix that is a module or package
        base = root.joinpath(*parts[:cut])
        module_file = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
        if not module_file.is_file():
            continue
        rest = parts[cut:]
        if not rest:
            return True
        if base.is_dir() and (base / f"{rest[0]}.py").exists():
            continue  # a submodule: already tried with the longer prefix
        node = _top_level_names(module_file).get(rest[0], False)
        if node is False:
            return False
        if len(rest) > 1 and isinstance(node, ast.ClassDef):
            members = {
                getattr(n, "name", None) or getattr(getattr(n, "targets", [None])[0], "id", None)
                for n in node.body
            }
            return rest[1] in members
        return True
    return False


def missing_names(text: str, root: Path = ROOT) -> list[str]:
    paths, dotted = named_in(text)
    missing = [p for p in paths if not (root / p).exists()]
    missing += [d for d in dotted if not dotted_exists(d, root)]
    return sorted(missing)


def drawn_edges(text: str) -> set[tuple[str, str]]:
    blocks = re.findall(r"```mermaid\n(.*?)```", text, flags=re.S)
    return {m.groups() for block in blocks for m in map(EDGE.match, block.splitlines()) if m}


def code_edges() -> set[tuple[str, str]]:
    edges = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            importer = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            for _, name in imported_modules(path.read_text(encoding="utf-8"), importer):
                target = name.split(".")[0]
                if target in APPS and target != app:
                    edges.add((app, target))
    return edges


def test_every_module_the_architecture_names_exists():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    paths, dotted = named_in(text)
    assert len(paths) > 30 and len(dotted) >= 10  # the doc is really read
    assert missing_names(text) == [], "named in docs/architecture.md, missing from the code"


def test_every_module_a_decision_names_exists():
    assert len(DECISIONS) >= 9
    missing = {d.name: missing_names(d.read_text(encoding="utf-8")) for d in DECISIONS}
    assert {name: found for name, found in missing.items() if found} == {}


def test_decision_records_have_context_decision_and_consequences():
    for record in DECISIONS:
        assert re.fullmatch(r"\d{3}-[a-z0-9-]+\.md", record.name), record.name
        headings = re.findall(r"^## (.+)$", record.read_text(encoding="utf-8"), flags=re.M)
        assert headings[:3] == ["Context", "Decision", "Consequences"], record.name


def test_the_app_dependencies_drawn_are_the_code_imports():
    drawn = drawn_edges(ARCHITECTURE.read_text(encoding="utf-8"))
    actual = code_edges()
    assert ("initiatives", "intercos") in actual  # the walk really reads the code
    assert sorted(actual - drawn) == [], "imports the diagram does not draw"
    assert sorted(drawn - actual) == [], "edges drawn that the code does not have"


def test_the_checks_report_missing_names_and_edges(tmp_path):
    (tmp_path / "essmap" / "api").mkdir(parents=True)
    (tmp_path / "essmap" / "__init__.py").write_text("")
    (tmp_path / "essmap" / "api" / "__init__.py").write_text("")
    (tmp_path / "essmap" / "cache.py").write_text(
        "def cached():\n    pass\nclass Box:\n    def around(self):\n        pass\n"
    )
    text = (
        "See `essmap/cache.py`, `essmap.cache.cached`, `essmap.cache.Box.around`, `essmap.api`,"
        " `essmap/gone.py`, `essmap.cache.vanished`, `essmap.cache.Box.gone`, `essmap.nowhere`"
        ' and `include("essmap.api")`, `essmap.csv`; plain essmap.untouched is prose.'
    )
    assert missing_names(text, tmp_path) == [
        "essmap.cache.Box.gone",
        "essmap.cache.vanished",
        "essmap.nowhere",
        "essmap/gone.py",
    ]
    diagram = "```mermaid\ngraph TD\n    initiatives --> intercos\n    a-->b\n```\n"
    assert drawn_edges(diagram) == {("initiatives", "intercos"), ("a", "b")}

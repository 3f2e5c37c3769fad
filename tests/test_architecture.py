"""Which app may import which (docs/architecture.md, "The apps and what each may import").

`essmap` is the shared core: it imports no feature app (`initiatives` and its sub-apps
`opendata`, `claims`, `registers`; `intercos`). `intercos` is the territorial reference: it
imports nothing from `initiatives`. Every import form counts: `import x`, `from x import y`
(at module level or inside a function), relative imports resolved against the module's
package, and module names given as constant strings to `importlib.import_module`,
`__import__`, `import_string` or `apps.get_model`. URL includes (`include("initiatives.urls")`)
and settings strings (INSTALLED_APPS) are configuration, not imports: the root URLconf and the
settings are where the project is assembled.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Forbidden imports: the app walked -> the top-level packages it must not import.
FORBIDDEN = {"essmap": ("initiatives", "intercos"), "intercos": ("initiatives",)}
DYNAMIC_IMPORTERS = {"import_module", "__import__", "import_string"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(module: str | None, level: int, importer: str, is_package: bool) -> str:
    """The absolute name of `from <dots><module> import …` written in module `importer`."""
    if level == 0:
        return module or ""
    package = importer.split(".") if is_package else importer.split(".")[:-1]
    base = package[: len(package) - (level - 1)] if level > 1 else package
    return ".".join([*base, module] if module else base)


def _call_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def imported_modules(source: str, importer: str = "sample", is_package: bool = False):
    """(line, module name) for every import the source makes, in any of the forms above."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node.module, node.level, importer, is_package)
            found.append((node.lineno, base))
            if not node.module:  # `from . import views`: each name may be a module
                found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Call) and node.args:
            name = _call_name(node.func)
            arg = node.args[0]
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                continue
            if name in DYNAMIC_IMPORTERS:
                found.append((node.lineno, arg.value))
            elif name == "get_model":  # apps.get_model("initiatives", "X") or ("initiatives.X")
                found.append((node.lineno, arg.value.split(".")[0]))
    return found


def _is_under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def offending_imports(app: str) -> list[str]:
    offending = []
    for path in sorted((ROOT / app).rglob("*.py")):
        importer = _module_name(path)
        source = path.read_text(encoding="utf-8")
        for line, name in imported_modules(source, importer, path.name == "__init__.py"):
            if any(_is_under(name, banned) for banned in FORBIDDEN[app]):
                offending.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return offending


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_no_forbidden_import_between_apps(app):
    assert len(list((ROOT / app).rglob("*.py"))) > 10  # the walk really reads the app
    assert offending_imports(app) == []


def test_the_check_sees_every_import_form():
    source = (
        "import os\n"
        "from initiatives.models import Initiative\n"
        "import initiatives.selectors\n"
        "import intercos.models as territories\n"
        "def later():\n"
        "    from intercos import places\n"
        "    from importlib import import_module\n"
        "    import_module('initiatives.map')\n"
        "    importlib.import_module('initiatives.opendata')\n"
        "    __import__('initiatives.claims')\n"
        "    import_string('initiatives.registers.readers.read')\n"
        "    apps.get_model('initiatives', 'Initiative')\n"
        "    apps.get_model('intercos.Interco')\n"
        "    include('initiatives.urls')\n"  # configuration, not an import
    )
    names = [name for _, name in imported_modules(source, "essmap.sample")]
    assert [n for n in names if n.split(".")[0] in ("initiatives", "intercos")] == [
        "initiatives.models",
        "initiatives.selectors",
        "intercos.models",
        "intercos",
        "initiatives.map",
        "initiatives.opendata",
        "initiatives.claims",
        "initiatives.registers.readers.read",
        "initiatives",
        "intercos",
    ]


def test_relative_imports_are_resolved_against_their_package():
    assert _resolve("models", 1, "intercos.api.views", False) == "intercos.api.models"
    assert _resolve("models", 2, "intercos.api.views", False) == "intercos.models"
    assert _resolve(None, 1, "intercos.api", True) == "intercos.api"
    names = [n for _, n in imported_modules("from . import views\n", "essmap.urls")]
    assert names == ["essmap", "essmap.views"]


def test_the_check_fails_on_a_feature_import_in_the_core(tmp_path, monkeypatch):
    fake_root = tmp_path
    (fake_root / "essmap").mkdir()
    for i in range(11):
        (fake_root / "essmap" / f"m{i}.py").write_text("import os\n")
    (fake_root / "essmap" / "views.py").write_text(
        "def page(request):\n    from initiatives.selectors import territory_figures\n"
    )
    monkeypatch.setattr(f"{__name__}.ROOT", fake_root)
    assert offending_imports("essmap") == ["essmap/views.py:2 imports initiatives.selectors"]
    with pytest.raises(AssertionError):
        test_no_forbidden_import_between_apps("essmap")

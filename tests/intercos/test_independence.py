"""`intercos` is the territorial reference: it imports nothing from `initiatives`."""

import ast
from pathlib import Path

import intercos

INTERCOS = Path(intercos.__file__).resolve().parent


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "import_module":
            arg = node.args[0] if node.args else None
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.append((node.lineno, arg.value))
    return found


def _imports_initiatives(module: str) -> bool:
    return module == "initiatives" or module.startswith("initiatives.")


def test_no_module_of_intercos_imports_initiatives():
    modules = sorted(INTERCOS.rglob("*.py"))
    assert len(modules) > 10  # the walk really reads the app
    offending = [
        f"{path.relative_to(INTERCOS.parent)}:{line} imports {name}"
        for path in modules
        for line, name in _imported_modules(path)
        if _imports_initiatives(name)
    ]
    assert offending == []


def test_the_check_sees_an_import_of_initiatives(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\nfrom initiatives.models import Initiative\nimport initiatives.selectors\n"
        "from importlib import import_module\nimport_module('initiatives.map')\n"
    )
    names = [name for _, name in _imported_modules(sample) if _imports_initiatives(name)]
    assert names == ["initiatives.models", "initiatives.selectors", "initiatives.map"]

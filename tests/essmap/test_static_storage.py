"""Static storage: hashed names for every file, the ES modules' imports rewritten (issue 21)."""

import shutil
from pathlib import Path

from django.core.files.storage import FileSystemStorage

from essmap.static_storage import EssmapStaticFilesStorage

ROOT = Path(__file__).resolve().parent.parent.parent
MODULES = ROOT / "static" / "initiatives" / "js"


def collect(tmp_path, names: list[str]) -> EssmapStaticFilesStorage:
    source = FileSystemStorage(location=tmp_path / "source")
    storage = EssmapStaticFilesStorage(location=tmp_path / "out", base_url="/static/")
    for name in names:
        with source.open(name) as handle:
            storage.save(name, handle)
    processed = list(storage.post_process({name: (source, name) for name in names}))
    assert not [error for _name, _hashed, error in processed if isinstance(error, Exception)]
    return storage


def test_module_imports_are_rewritten_to_hashed_names(tmp_path):
    """The project's own modules: every `import … from "./x.js"` points to x's hashed copy."""
    (tmp_path / "source" / "js").mkdir(parents=True)
    names = []
    for module in MODULES.glob("*.js"):
        shutil.copy(module, tmp_path / "source" / "js" / module.name)
        names.append(f"js/{module.name}")
    storage = collect(tmp_path, names)
    for importer, imported in (
        ("directory.js", "mapcore.js"),
        ("point.js", "mapcore.js"),
        ("mapcore.js", "spiderfy.js"),
    ):
        hashed_importer = storage.stored_name(f"js/{importer}")
        hashed_imported = Path(storage.stored_name(f"js/{imported}")).name
        assert hashed_imported != imported
        text = (tmp_path / "out" / hashed_importer).read_text()
        assert f'"./{hashed_imported}"' in text
        assert f'"./{imported}"' not in text


def test_changing_an_imported_module_changes_the_importer_name(tmp_path):
    (tmp_path / "source" / "js").mkdir(parents=True)
    (tmp_path / "source" / "js" / "a.js").write_text('import { b } from "./b.js";\nb();\n')
    (tmp_path / "source" / "js" / "b.js").write_text("export function b() {}\n")
    one = tmp_path / "one"
    shutil.copytree(tmp_path / "source", one / "source")
    name_before = collect(one, ["js/a.js", "js/b.js"]).stored_name("js/a.js")
    two = tmp_path / "two"
    shutil.copytree(tmp_path / "source", two / "source")
    (two / "source" / "js" / "b.js").write_text("export function b() { return 1; }\n")
    name_after = collect(two, ["js/a.js", "js/b.js"]).stored_name("js/a.js")
    assert name_before != name_after

from pathlib import Path

import pytest

from tests.prerequisites import PREREQUISITES, in_ci

ROOT = Path(__file__).resolve().parent.parent
SHARED_TERRITOIRES = ROOT.parent / "shared" / "data" / "territoires"
SAMPLES = Path(__file__).resolve().parent / "samples"


@pytest.fixture
def shared_territoires() -> Path:
    """The real Drôme-Ardèche reference set beside the checkout (CI always has it)."""
    if not (SHARED_TERRITOIRES / "communes.json").exists():
        pytest.skip("../shared/data/territoires is not beside this checkout")
    return SHARED_TERRITOIRES


@pytest.fixture
def samples() -> Path:
    return SAMPLES


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits, throttles, lockouts and cached pages live in the cache: start empty."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request to an /en/ page leaves English active in the thread: each test starts and
    ends in the site's default language, whatever the one before it asked for."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


# --- prerequisites beyond Python: PostgreSQL, Redis, chromium (tests/prerequisites.py) -------
_missing: dict[str, str] = {}  # marker -> why the prerequisite is missing, and how to get it
_held_back: dict[str, int] = {}  # marker -> tests skipped (or failed in CI) for it


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Check, once, each prerequisite that a selected test needs."""
    needed = {m.name for item in items for m in item.iter_markers() if m.name in PREREQUISITES}
    for name in sorted(needed):
        problem = PREREQUISITES[name].check()
        if problem:
            _missing[name] = f"{problem}; to run them: {PREREQUISITES[name].how}"
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        for name, why in _missing.items():
            action = "they FAIL (CI=true)" if in_ci() else "they are skipped"
            reporter.write_line(f"prerequisite '{name}' missing, {action}: {why}", yellow=True)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    missing = sorted({m.name for m in item.iter_markers() if m.name in _missing})
    if not missing:
        return
    for name in missing:
        _held_back[name] = _held_back.get(name, 0) + 1
    message = "; ".join(f"needs {name}: {_missing[name]}" for name in missing)
    if in_ci():
        pytest.fail(f"{message} (CI=true: a missing prerequisite fails)", pytrace=False)
    pytest.skip(message)


def pytest_terminal_summary(terminalreporter):
    if not _missing:
        return
    terminalreporter.section("missing prerequisites")
    for name, why in _missing.items():
        count = _held_back.get(name, 0)
        verb = "failed" if in_ci() else "skipped"
        terminalreporter.write_line(f"{name}: {count} test(s) {verb}. {why}")


@pytest.fixture(scope="module")
def committed_fixtures(django_db_setup, django_db_blocker):
    """`load_fixtures` (reference, geometries, the article) once for a module, then removed.

    Loaded outside the tests' transactions (3-4 s a load), so deleted explicitly afterwards.
    """
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("load_fixtures", verbosity=0)
    yield
    from initiatives.models import Initiative, KeyFigure, Partnership, Source, Theme
    from intercos.models import Commune, Departement, Interco

    with django_db_blocker.unblock():
        for model in (Partnership, KeyFigure, Initiative):
            model.history.all().delete()
            model.objects.all().delete()
        Source.objects.filter(cited_in__isnull=False).delete()
        for model in (Source, Theme, Commune, Interco, Departement):
            model.objects.all().delete()

from pathlib import Path

import pytest

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

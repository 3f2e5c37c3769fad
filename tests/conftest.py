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

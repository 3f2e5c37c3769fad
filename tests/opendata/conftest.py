import pytest
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _opendata_dir(settings, tmp_path):
    settings.OPENDATA_DIR = str(tmp_path / "opendata")
    settings.SITE_URL = "https://essmap.example.org"


@pytest.fixture
def seeded(db):
    call_command("load_fixtures", verbosity=0)

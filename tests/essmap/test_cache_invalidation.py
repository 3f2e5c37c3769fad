"""Writes bump the shared cache's data generation once they commit."""

import pytest
from django.core.management import call_command

from essmap.cache import generation
from initiatives.models import Initiative
from initiatives.services import initiative_update
from tests import factories

pytestmark = pytest.mark.django_db


def test_service_writes_invalidate_after_commit(django_capture_on_commit_callbacks):
    before = generation()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        initiative = factories.initiative(name="Énergie Solidaire")
    assert generation() == before  # nothing visible before the commit
    for callback in callbacks:
        callback()
    after_create = generation()
    assert after_create > before
    with django_capture_on_commit_callbacks(execute=True):
        initiative_update(initiative=initiative, summary="Nouveau résumé")
    assert generation() > after_create


def test_reference_imports_invalidate(django_capture_on_commit_callbacks, samples):
    before = generation()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_territories", str(samples / "npm"), verbosity=0)
    after_import = generation()
    assert after_import > before
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sync_geometries", "--source", str(samples / "geo"), verbosity=0)
    assert generation() > after_import


def test_admin_writes_to_related_data_invalidate(client, django_capture_on_commit_callbacks):
    admin = factories.user(superuser=True)
    client.force_login(admin)
    initiative = factories.initiative(name="A")
    figure = factories.key_figure(initiative=initiative, label="Foyers", value=10)
    before = generation()
    url = f"/admin/initiatives/keyfigure/{figure.pk}/delete/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert generation() > before
    assert Initiative.objects.filter(pk=initiative.pk).exists()

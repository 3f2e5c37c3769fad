"""The staff workspace in French: history with labels and human values, layout fixes."""

from html import unescape

import pytest
from django.urls import reverse

from initiatives.admin.history import human_value
from initiatives.models import Initiative
from tests import factories

pytestmark = pytest.mark.django_db


def test_human_values_for_choices_empties_and_booleans():
    status = Initiative._meta.get_field("status")
    assert human_value(status, "pending") == "En attente de relecture"
    assert human_value(status, "published") == "Publiée"
    assert human_value(Initiative._meta.get_field("email"), None) == "(vide)"
    assert human_value(Initiative._meta.get_field("email"), "") == "(vide)"
    assert human_value(Initiative._meta.get_field("is_synthetic"), False) == "Non"


def test_history_page_speaks_french_with_labels_and_human_values(client):
    admin = factories.user(superuser=True)
    client.force_login(admin)
    initiative = factories.initiative(name="Atelier vélo", status="pending")
    initiative.status = "published"
    initiative.email = "contact@example.org"
    initiative.save()
    response = client.get(reverse("admin:initiatives_initiative_history", args=[initiative.pk]))
    assert response.status_code == 200
    html = unescape(response.content.decode())
    for text in ("Statut", "Date et heure", "Modifications", "Publiée"):
        assert text in html, text
    assert "En attente de relecture → Publiée" in html
    assert "(vide) → contact@example.org" in html
    for raw in ("pending → published", "None", "Date/time", "Changed by"):
        assert raw not in html, raw


def test_admin_pages_load_the_layout_fixes_and_a_french_title(client):
    client.force_login(factories.user(superuser=True))
    html = client.get(reverse("admin:initiatives_initiative_changelist")).content.decode()
    assert "/static/initiatives/css/admin.css" in html
    assert "essmap administration" not in html
    assert "Administration d’essmap" in unescape(html)

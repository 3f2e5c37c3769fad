"""History: the staff workspace in French (labels, human values), who changed what, restore."""

from html import unescape

import pytest
from django.urls import reverse

from initiatives import services
from initiatives.admin.history import human_value
from initiatives.models import Initiative
from tests import factories
from tests.initiatives.test_admin import form_data

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


@pytest.fixture
def setup():
    ic = factories.interco(name="CC Rhône Crussol")
    commune = factories.commune(name="Guilherand-Granges", interco=ic, postcodes="07500")
    energie = factories.theme("energie", "Énergie")
    mobilite = factories.theme("mobilite", "Mobilité")
    staff = factories.user(intercos=[ic], role="moderator", username="claude")
    initiative = factories.initiative(
        name="Centrale villageoise", commune=commune, themes=[energie], summary="Version 1"
    )
    return staff, initiative, energie, mobilite


def edit(client, initiative, **changes):
    changes.setdefault("summary", initiative.summary)
    data = form_data(initiative, **changes)
    data.setdefault("themes", [t.pk for t in initiative.themes.all()])
    url = reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    initiative.refresh_from_db()


def test_history_lists_who_and_what(client, setup):
    staff, initiative, energie, mobilite = setup
    client.force_login(staff)
    edit(client, initiative, summary="Version 2", themes=[mobilite.pk])
    response = client.get(reverse("admin:initiatives_initiative_history", args=[initiative.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "claude" in body  # who
    assert "Version 2" in body and "Version 1" in body  # what changed, old and new values
    records = initiative.history.all()
    assert records.count() >= 2
    assert records.first().history_user == staff


def test_restore_previous_version(client, setup):
    staff, initiative, energie, mobilite = setup
    client.force_login(staff)
    first = initiative.history.first()  # the latest version before the edit
    edit(client, initiative, summary="Version 2", themes=[mobilite.pk])
    assert initiative.summary == "Version 2"

    url = reverse(
        "admin:initiatives_initiative_simple_history", args=[initiative.pk, first.history_id]
    )
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.initial["summary"] == "Version 1"
    assert list(form.initial["themes"]) == [energie.pk]  # many-to-many restored too

    data = form_data(initiative, summary="Version 1", themes=[energie.pk])
    response = client.post(url, data)
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.summary == "Version 1"
    assert list(initiative.themes.all()) == [energie]
    assert initiative.search_text.endswith("version 1")  # search keys kept fresh
    assert initiative.history.first().history_user == staff


def test_restore_cannot_move_record_out_of_territory(client, setup):
    staff, initiative, energie, _ = setup
    home = initiative.commune
    elsewhere = factories.commune(name="Ailleurs", interco=factories.interco())
    initiative.commune = elsewhere
    initiative.save()  # a past version located in another territory
    old = initiative.history.first()
    initiative.commune = home
    initiative.save()
    client.force_login(staff)
    url = reverse(
        "admin:initiatives_initiative_simple_history", args=[initiative.pk, old.history_id]
    )
    data = form_data(initiative, commune=elsewhere.pk, themes=[energie.pk])
    response = client.post(url, data)
    assert response.status_code == 200  # the form, with an error: nothing saved
    assert response.context["adminform"].form.errors
    initiative.refresh_from_db()
    assert initiative.commune == home


def test_partnership_and_key_figure_history(client, setup):
    staff, initiative, *_ = setup
    figure = factories.key_figure(label="Panneaux posés", value=10, initiative=initiative)
    client.force_login(staff)
    url = reverse("admin:initiatives_keyfigure_history", args=[figure.pk])
    assert client.get(url).status_code == 200


def test_editor_cannot_republish_an_archived_record_by_restoring_a_published_version(client):
    """The moderation bypass of issue 10: restore checks the status rule against the
    CURRENT record (archived), not against the old version (published)."""
    ic = factories.interco(name="CC du Diois")
    commune = factories.commune(name="Die", interco=ic, postcodes="26150")
    moderator = factories.user(intercos=[ic], role="moderator")
    editor = factories.user(intercos=[ic], role="editor")
    initiative = factories.initiative(name="Café de Die", commune=commune, status="published")
    published_version = initiative.history.first()

    services.archive(initiative=initiative, by=moderator)
    client.force_login(editor)
    url = reverse(
        "admin:initiatives_initiative_simple_history",
        args=[initiative.pk, published_version.history_id],
    )
    data = form_data(initiative, status="published")  # the old version, submitted unchanged
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the refusal
    assert "status" in response.context["adminform"].form.errors
    initiative.refresh_from_db()
    assert initiative.status == "archived"
    assert client.get(f"/initiatives/{initiative.slug}/").status_code == 404

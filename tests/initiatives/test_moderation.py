"""Moderation: allowed transitions, who may make them, and the e-mails they send."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from initiatives import services
from initiatives.models import Initiative
from tests import factories

pytestmark = pytest.mark.django_db
Status = Initiative.Status


@pytest.fixture
def place():
    ic = factories.interco(name="CC du Diois")
    return factories.commune(name="Die", interco=ic, postcodes="26150", centre_lat=44.75,
                             centre_lon=5.37)  # fmt: skip


@pytest.fixture
def moderator(place):
    return factories.user(intercos=[place.interco], role="moderator", email="mod@cc.fr")


@pytest.fixture
def editor(place):
    return factories.user(intercos=[place.interco], role="editor", email="ed@cc.fr")


@pytest.fixture
def suggestion(place):
    return factories.initiative(
        name="Café associatif",
        commune=place,
        status=Status.PENDING,
        proposer_name="Camille",
        proposer_email="camille@example.org",
    )


def test_full_lifecycle(place, moderator):
    initiative = factories.initiative(name="Garage solidaire", commune=place, status=Status.DRAFT)
    services.submit(initiative=initiative, by=moderator)
    assert initiative.status == Status.PENDING
    services.publish(initiative=initiative, by=moderator)
    assert initiative.status == Status.PUBLISHED
    services.archive(initiative=initiative, by=moderator)
    initiative.refresh_from_db()
    assert initiative.status == Status.ARCHIVED


def test_transitions_table_refuses_published_to_pending(place, moderator):
    initiative = factories.initiative(name="Publiée", commune=place, status=Status.PUBLISHED)
    with pytest.raises(ValidationError):
        services.submit(initiative=initiative, by=moderator)


def test_editor_submits_but_cannot_publish(place, editor):
    initiative = factories.initiative(name="Brouillon", commune=place, status=Status.DRAFT)
    services.submit(initiative=initiative, by=editor)
    with pytest.raises(PermissionDenied):
        services.publish(initiative=initiative, by=editor)
    initiative.refresh_from_db()
    assert initiative.status == Status.PENDING


def test_moderator_of_another_interco_cannot_publish(suggestion):
    other = factories.user(intercos=[factories.interco()], role="moderator")
    with pytest.raises(Initiative.DoesNotExist):  # another territory's: as if missing
        services.publish(initiative=suggestion, by=other)


def test_publish_emails_proposer(suggestion, moderator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(initiative=suggestion, by=moderator)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["camille@example.org"]
    assert "publiée" in message.subject
    assert f"/initiatives/{suggestion.slug}/" in message.body


def test_reject_needs_reason_and_emails_it(
    suggestion, moderator, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError):
        services.reject(initiative=suggestion, by=moderator, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.reject(initiative=suggestion, by=moderator, reason="Hors du champ de l'ESS.")
    suggestion.refresh_from_db()
    assert suggestion.status == Status.ARCHIVED
    assert suggestion.rejection_reason == "Hors du champ de l'ESS."
    assert len(mail.outbox) == 1
    assert "Hors du champ de l'ESS." in mail.outbox[0].body
    assert mail.outbox[0].to == ["camille@example.org"]


def test_only_pending_can_be_rejected(place, moderator):
    initiative = factories.initiative(name="Publiée", commune=place, status=Status.PUBLISHED)
    with pytest.raises(ValidationError):
        services.reject(initiative=initiative, by=moderator, reason="Non")


def test_no_email_without_proposer(place, moderator, django_capture_on_commit_callbacks):
    initiative = factories.initiative(name="Interne", commune=place, status=Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(initiative=initiative, by=moderator)
    assert mail.outbox == []


def test_transition_recorded_in_history_with_user(suggestion, moderator):
    services.publish(initiative=suggestion, by=moderator)
    latest = suggestion.history.first()
    assert latest.status == Status.PUBLISHED
    assert latest.history_user == moderator


def test_suggestion_create_notifies_proposer_and_moderators(
    place, moderator, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        initiative = services.suggestion_create(
            name="Repair café",
            commune=place,
            proposer_name="Sam",
            proposer_email="sam@example.org",
        )
    assert initiative.status == Status.PENDING
    assert initiative.postcode == "26150"
    assert (initiative.latitude, initiative.longitude) == (44.75, 5.37)
    recipients = [m.to for m in mail.outbox]
    assert ["sam@example.org"] in recipients
    assert ["mod@cc.fr"] in recipients  # moderators rather than editors when there are some
    assert not any("ed@cc.fr" in to for to in recipients)


# --- through the admin ---------------------------------------------------------------------


def test_admin_publish_button(client, suggestion, moderator, django_capture_on_commit_callbacks):
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:initiatives_initiative_publish", args=[suggestion.pk])
        )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Status.PUBLISHED
    assert len(mail.outbox) == 1


def test_admin_publish_needs_post(client, suggestion, moderator):
    client.force_login(moderator)
    url = reverse("admin:initiatives_initiative_publish", args=[suggestion.pk])
    assert client.get(url).status_code == 405


def test_admin_reject_page(client, suggestion, moderator, django_capture_on_commit_callbacks):
    client.force_login(moderator)
    url = reverse("admin:initiatives_initiative_reject", args=[suggestion.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Déjà référencée sous un autre nom."})
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Status.ARCHIVED
    assert "Déjà référencée" in mail.outbox[0].body


def test_admin_reject_action_with_reason(client, suggestion, moderator, place):
    other = factories.initiative(name="Autre proposition", commune=place, status=Status.PENDING)
    client.force_login(moderator)
    changelist = reverse("admin:initiatives_initiative_changelist")
    selection = {"action": "reject_selected", "_selected_action": [suggestion.pk, other.pk]}
    response = client.post(changelist, selection)
    assert response.status_code == 200  # the intermediate page asks for the reason
    assert "Café associatif" in response.content.decode()
    response = client.post(changelist, {**selection, "apply": "1", "reason": "Doublons"})
    assert response.status_code == 302
    assert set(Initiative.objects.values_list("status", flat=True)) == {Status.ARCHIVED}


def test_admin_editor_cannot_publish_from_queue(client, suggestion, editor):
    client.force_login(editor)
    response = client.post(reverse("admin:initiatives_initiative_publish", args=[suggestion.pk]))
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Status.PENDING


def test_admin_change_form_shows_moderation_buttons(client, suggestion, moderator):
    client.force_login(moderator)
    response = client.get(reverse("admin:initiatives_initiative_change", args=[suggestion.pk]))
    body = response.content.decode()
    assert reverse("admin:initiatives_initiative_publish", args=[suggestion.pk]) in body
    assert reverse("admin:initiatives_initiative_reject", args=[suggestion.pk]) in body


def test_status_change_in_form_notifies(client, suggestion, moderator,
                                        django_capture_on_commit_callbacks):  # fmt: skip
    from tests.initiatives.test_admin import form_data

    client.force_login(moderator)
    data = form_data(suggestion, status="published", proposer_email="camille@example.org",
                     proposer_name="Camille", postcode="")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:initiatives_initiative_change", args=[suggestion.pk]), data
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert [m.to for m in mail.outbox] == [["camille@example.org"]]

"""The write authority (initiatives/rules.py): conflicts, no existence oracle, notices."""

import datetime
import io
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from essmap import cache
from initiatives import rules, services
from initiatives.models import Initiative, Partnership
from intercos.models import Commune
from tests import factories
from tests.initiatives.test_admin import form_data
from tests.initiatives.test_write_rules import body_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    drome = factories.departement("26", "Drôme")
    own = factories.interco(name="CC du Crestois", departements=[drome])
    other = factories.interco(name="CA Privas", departements=[drome])
    crest = factories.commune(name="Crest", insee="26108", postcodes="26400", interco=own)
    privas = factories.commune(name="Privas", insee="26186", postcodes="26000", interco=other)
    return {
        "crest": crest,
        "privas": privas,
        "mine": factories.initiative(name="Recyclerie de Crest", commune=crest, summary="v1"),
        "theirs": factories.initiative(name="Brouillon de Privas", commune=privas, status="draft"),
        "alice": factories.user(
            intercos=[own],
            role="moderator",
            username="alice",
            first_name="Alice",
            last_name="Martin",
        ),  # fmt: skip
        "bob": factories.user(intercos=[own], role="moderator", username="bob"),
        "editor": factories.user(
            intercos=[own], role="editor", username="eve", email="eve@example.org"
        ),  # fmt: skip
        "moderator_mail": "mod@crest.fr",
    }


def change_url(pk):
    return reverse("admin:initiatives_initiative_change", args=[pk])


def opened(client, user, initiative) -> dict:
    """The change form as `user` opened it: the POST body it would send back."""
    client.force_login(user)
    form = client.get(change_url(initiative.pk)).context["adminform"].form
    assert form["version"].value()
    return form_data(initiative, summary=initiative.summary, version=form["version"].value())


# --- optimistic concurrency -------------------------------------------------------------------


def test_second_save_of_two_open_forms_is_refused_and_nothing_is_lost(client, world):
    mine = world["mine"]
    alices = opened(client, world["alice"], mine)
    bobs = opened(client, world["bob"], mine)

    client.force_login(world["alice"])
    response = client.post(change_url(mine.pk), {**alices, "summary": "Résumé d'Alice"})
    assert response.status_code == 302

    client.force_login(world["bob"])
    response = client.post(change_url(mine.pk), {**bobs, "name": "Nom de Bob"})
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    mine.refresh_from_db()
    when = mine.updated_at.astimezone().strftime("%H:%M")
    assert re.search(
        rf"Cette fiche a été modifiée par Alice Martin à {when} depuis que vous l.avez ouverte",
        errors,
    )
    assert "Résumé d'Alice" in errors and "v1" in errors  # theirs and yours, side by side
    assert "Nom de Bob" in errors and "Recyclerie de Crest" in errors
    assert (mine.summary, mine.name) == ("Résumé d'Alice", "Recyclerie de Crest")  # kept
    body = response.content.decode()
    assert "Nom de Bob" in body  # Bob's typing is still in the form

    # Having seen both, Bob saves again (the form now carries the current version).
    version = response.context["adminform"].form["version"].value()
    assert version == mine.updated_at.isoformat()
    response = client.post(change_url(mine.pk), {**bobs, "name": "Nom de Bob", "version": version})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.name == "Nom de Bob"


def test_stale_write_through_the_service_is_refused(world):
    mine = world["mine"]
    version = mine.updated_at
    services.staff_write(by=world["alice"], initiative=mine, values={"summary": "v2"})
    with pytest.raises(rules.StaleWrite) as caught:
        services.staff_write(
            by=world["bob"],
            initiative=Initiative.objects.get(pk=mine.pk),
            values={"summary": "v3"},
            version=version,
        )
    assert [(d.field, d.theirs, d.yours) for d in caught.value.differences] == [
        ("summary", "v2", "v3")
    ]
    mine.refresh_from_db()
    assert mine.summary == "v2"


# --- no existence oracle ------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["change", "history", "delete", "simple_history"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_admin_answers_another_territory_s_record_as_a_missing_one(client, world, view, method):
    theirs = world["theirs"]
    version = theirs.history.first().history_id
    args = [theirs.pk, version] if view == "simple_history" else [theirs.pk]
    url = reverse(f"admin:initiatives_initiative_{view}", args=args)
    client.force_login(world["alice"])
    data = form_data(theirs, name="Piraté") if method == "post" else None

    def ask():
        return getattr(client, method)(url, data) if data else getattr(client, method)(url)

    other_territory = ask()
    theirs.delete()  # the same address, now of a record that does not exist
    missing = ask()
    assert other_territory.status_code == missing.status_code == 404
    assert other_territory.content == missing.content


# --- an editor's change to a published record -------------------------------------------------


def test_editor_s_change_to_a_published_record_goes_live_and_moderators_are_told(
    client, world, django_capture_on_commit_callbacks
):
    world["alice"].email = world["moderator_mail"]
    world["alice"].save()
    mine = world["mine"]
    client.force_login(world["editor"])
    data = form_data(mine, summary="Ouvert le samedi")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(mine.pk), data)
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.status, mine.summary) == ("published", "Ouvert le samedi")  # live at once
    assert client.get(f"/initiatives/{mine.slug}/").status_code == 200
    [message] = mail.outbox
    assert world["moderator_mail"] in message.to
    assert "eve@example.org" not in message.to  # editors are not told
    assert "Recyclerie de Crest" in message.subject
    assert "résumé" in message.body and "eve" in message.body
    assert f"/admin/initiatives/initiative/{mine.pk}/change/" in message.body


def test_a_moderator_s_edit_or_a_draft_edit_sends_no_notice(
    world, django_capture_on_commit_callbacks
):
    mine = world["mine"]
    with django_capture_on_commit_callbacks(execute=True):
        services.staff_write(by=world["alice"], initiative=mine, values={"summary": "x"})
        services.staff_write(by=world["alice"], initiative=mine, values={"status": "draft"})
        services.staff_write(by=world["editor"], initiative=mine, values={"summary": "y"})
    assert mail.outbox == []


def test_an_editor_unpublishing_a_record_tells_the_moderators(
    world, django_capture_on_commit_callbacks
):
    world["alice"].email = world["moderator_mail"]
    world["alice"].save()
    mine = world["mine"]
    with django_capture_on_commit_callbacks(execute=True):
        services.staff_write(by=world["editor"], initiative=mine, values={"status": "draft"})
    [message] = mail.outbox  # published → draft (the only way down: TRANSITIONS)
    assert world["moderator_mail"] in message.to
    assert "statut" in message.body
    assert Initiative.objects.get(pk=mine.pk).status == "draft"


# --- a new record is never archived -------------------------------------------------------------


def test_no_new_record_is_archived_even_by_a_superuser(world):
    with pytest.raises(rules.WriteRefused) as caught:
        services.staff_write(
            by=factories.user(superuser=True),
            initiative=None,
            values={"name": "Archivée d'emblée", "commune": world["crest"], "status": "archived"},
        )
    assert "status" in caught.value.message_dict
    assert not Initiative.objects.filter(name="Archivée d'emblée").exists()


# --- deletion, verification, related records, settling points ---------------------------------


def test_editors_never_delete_not_even_a_draft(world):
    draft = factories.initiative(name="Brouillon de Crest", commune=world["crest"], status="draft")
    with pytest.raises(rules.WriteForbidden):
        services.initiative_delete(by=world["editor"], initiative=draft)
    assert Initiative.objects.filter(pk=draft.pk).exists()
    with pytest.raises(Initiative.DoesNotExist):  # another territory's: as a missing one
        services.initiative_delete(by=world["alice"], initiative=world["theirs"])
    assert Initiative.objects.filter(pk=world["theirs"].pk).exists()
    services.initiative_delete(by=world["alice"], initiative=draft)
    assert not Initiative.objects.filter(pk=draft.pk).exists()


def test_deleting_a_carrier_leaves_a_trace_in_the_carried_record_s_history(world):
    carrier = world["mine"]
    carried = factories.initiative(name="Projet porté", commune=world["privas"], carried_by=carrier)
    before = carried.updated_at
    services.initiative_delete(by=world["alice"], initiative=carrier)
    carried.refresh_from_db()
    assert carried.carried_by is None
    assert carried.updated_at > before
    last = carried.history.order_by("-history_date").first()
    assert last.carried_by_id is None and last.history_user == world["alice"]
    assert "Recyclerie de Crest" in last.history_change_reason


def test_deleting_a_partner_is_a_related_change_of_the_other_record(
    world, django_capture_on_commit_callbacks
):
    partner = world["mine"]
    other = factories.initiative(name="Épicerie de Privas", commune=world["privas"])
    link = factories.partnership(initiative=other, partner_initiative=partner)
    moderator = factories.user(intercos=[world["privas"].interco], role="moderator")
    before = other.updated_at
    with django_capture_on_commit_callbacks(execute=True):
        services.initiative_delete(by=world["alice"], initiative=partner)
    other.refresh_from_db()
    assert not Partnership.objects.filter(pk=link.pk).exists()
    assert other.updated_at > before
    gone = Partnership.history.get(id=link.pk, history_type="-")
    assert gone.history_user == world["alice"]
    [message] = mail.outbox  # Alice is no moderator of Privas: its moderators are told
    assert message.to == [moderator.email] and "partenariat" in message.body


def test_verification_is_never_typed_in(world):
    mine = world["mine"]
    for forged in ({"verified_at": datetime.date(2099, 12, 31)}, {"verified_by": "Moda"}):
        with pytest.raises(rules.WriteForbidden):
            services.staff_write(by=world["alice"], initiative=mine, values=forged)
    mine.verified_at = datetime.date(2099, 12, 31)  # an instance carrying it (a restore)
    services.staff_write(by=world["alice"], initiative=mine, values={"summary": "v2"})
    mine.refresh_from_db()
    assert mine.summary == "v2" and mine.verified_at != datetime.date(2099, 12, 31)
    services.confirm_accurate(initiative=mine, by=world["alice"])  # "Toujours exact" does
    mine.refresh_from_db()
    assert (mine.verified_at, mine.verified_by) == (timezone.localdate(), "Alice Martin")


def test_restoring_a_version_keeps_the_current_verification(client, world):
    mine = world["mine"]
    services.confirm_accurate(initiative=mine, by=world["alice"])
    old = mine.history.order_by("history_date").first()  # verified_at empty then
    assert old.verified_at is None
    client.force_login(world["alice"])
    url = reverse("admin:initiatives_initiative_simple_history", args=[mine.pk, old.history_id])
    response = client.post(url, form_data(mine, summary="restaurée", ignore_duplicate="on"))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.summary == "restaurée" and mine.verified_at == timezone.localdate()


@pytest.mark.parametrize("model", ["partnership", "keyfigure"])
@pytest.mark.parametrize("view", ["history", "change", "delete"])
def test_related_pages_answer_another_territory_s_record_as_a_missing_one(
    client, world, model, view
):
    theirs = world["theirs"]
    if model == "partnership":
        obj = factories.partnership(initiative=theirs, partner_interco=world["privas"].interco)
    else:
        obj = factories.key_figure(initiative=theirs, label="Emplois")
    url = reverse(f"admin:initiatives_{model}_{view}", args=[obj.pk])
    client.force_login(world["alice"])
    other_territory = client.get(url)
    type(obj).objects.filter(pk=obj.pk).delete()
    missing = client.get(url)
    assert other_territory.status_code == missing.status_code == 404
    assert other_territory.content == missing.content


def test_view_on_site_shortcut_answers_another_territory_s_record_as_a_missing_one(client, world):
    content_type = ContentType.objects.get_for_model(Initiative)
    client.force_login(world["alice"])
    mine = client.get(f"/admin/r/{content_type.pk}/{world['mine'].pk}/")
    assert mine.status_code == 302 and mine["Location"].endswith(world["mine"].slug + "/")
    url = f"/admin/r/{content_type.pk}/{world['theirs'].pk}/"
    other_territory = client.get(url)
    world["theirs"].delete()
    missing = client.get(url)
    assert other_territory.status_code == missing.status_code == 404
    assert other_territory.content == missing.content
    user_type = ContentType.objects.get_for_model(world["bob"])  # no admin page for staff
    assert client.get(f"/admin/r/{user_type.pk}/{world['bob'].pk}/").status_code == 404


def test_settling_points_is_a_write_with_history_update_time_and_fresh_caches(
    world, django_capture_on_commit_callbacks
):
    placed = factories.initiative(name="Atelier", commune=world["crest"])
    assert placed.approximate_point is False  # the test commune has no centre yet
    before, generation = placed.updated_at, cache.generation()
    Commune.objects.filter(pk=world["crest"].pk).update(centre_lat=44.73, centre_lon=5.03)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("settle_points", stdout=io.StringIO())
    placed.refresh_from_db()
    assert (placed.latitude, placed.longitude, placed.approximate_point) == (44.73, 5.03, True)
    assert placed.updated_at > before
    last = placed.history.order_by("-history_date").first()
    assert (last.latitude, last.longitude) == (44.73, 5.03) and last.history_change_reason
    assert cache.generation() > generation


def test_a_field_and_an_inline_changed_together_make_one_notice_naming_both(
    client, world, django_capture_on_commit_callbacks
):
    world["alice"].email = world["moderator_mail"]
    world["alice"].save()
    mine = world["mine"]
    figure = factories.key_figure(initiative=mine, label="Tonnes collectées", value=3)
    client.force_login(world["editor"])
    data = body_of(client.get(change_url(mine.pk)))
    data.update({"summary": "Ouvert le samedi", "figures-0-value": "42"})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change_url(mine.pk), data).status_code == 302
    figure.refresh_from_db()
    assert figure.value == 42
    [message] = mail.outbox
    assert "résumé" in message.body and "Tonnes collectées" in message.body


def test_the_admin_deletes_a_partner_of_another_territory_s_draft_without_naming_it(client, world):
    partner = world["mine"]
    link = factories.partnership(initiative=world["theirs"], partner_initiative=partner)
    own_figure = factories.key_figure(initiative=partner, label="Tonnes collectées")
    url = reverse("admin:initiatives_initiative_delete", args=[partner.pk])
    client.force_login(world["alice"])
    page = client.get(url).content.decode()
    assert "Brouillon de Privas" not in page  # another territory's draft: never named
    assert "Tonnes collectées" in page  # what the moderator may see is listed
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Initiative.objects.filter(pk=partner.pk).exists()
    assert not Partnership.objects.filter(pk=link.pk).exists()
    assert not type(own_figure).objects.filter(pk=own_figure.pk).exists()
    assert Initiative.objects.filter(pk=world["theirs"].pk).exists()


def test_an_inline_row_changed_meanwhile_is_a_conflict_like_a_field(client, world):
    mine = world["mine"]
    figure = factories.key_figure(initiative=mine, label="Tonnes collectées", value=3)
    client.force_login(world["bob"])
    bob_s = body_of(client.get(change_url(mine.pk)))  # Bob opens the form
    client.force_login(world["alice"])
    alice_s = body_of(client.get(change_url(mine.pk)))
    alice_s["figures-0-value"] = "5"
    assert client.post(change_url(mine.pk), alice_s).status_code == 302  # Alice saves first
    client.force_login(world["bob"])
    bob_s["summary"] = "Ouvert le samedi"  # Bob's figure row still says 3
    refused = client.post(change_url(mine.pk), bob_s)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "modifiée par Alice Martin" in page and "Tonnes collectées" in page
    figure.refresh_from_db()
    mine.refresh_from_db()
    assert (figure.value, mine.summary) == (5, "v1")  # nothing written, nothing lost
    again = body_of(refused)  # saving again keeps Bob's values, knowingly
    assert client.post(change_url(mine.pk), again).status_code == 302
    figure.refresh_from_db()
    mine.refresh_from_db()
    assert (figure.value, mine.summary) == (3, "Ouvert le samedi")


def test_unpublishing_through_the_api_tells_the_moderators(
    world, django_capture_on_commit_callbacks
):
    world["alice"].email = world["moderator_mail"]
    world["alice"].save()
    api = APIClient()
    api.force_authenticate(world["editor"])
    url = f"/api/v1/initiatives/{world['mine'].slug}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch(url, {"status": "draft"}, format="json")
    assert response.status_code == 200
    [message] = mail.outbox
    assert world["moderator_mail"] in message.to and "statut" in message.body

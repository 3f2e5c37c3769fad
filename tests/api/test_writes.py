"""Writes with a personal token: own territory only, with the admin's model permissions."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token, TokenProxy

from initiatives.api.openapi import WRITE_EXAMPLE
from initiatives.models import Initiative
from tests import factories

from .conftest import RHONE_CRUSSOL, VALENCE_AGGLO

pytestmark = pytest.mark.django_db

LIST = "/api/v1/initiatives/"


def staff(world, *, intercos, perms=("add_initiative", "change_initiative"), **kw):
    user = factories.user(intercos=intercos, **kw)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="initiatives", codename__in=perms)
    )
    return user


def with_token(api, user):
    token, _ = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


NEW = dict(WRITE_EXAMPLE.value)  # what the documentation shows is what the tests send


def test_tokens_are_managed_in_the_admin():
    assert admin.site.is_registered(TokenProxy)


def test_anonymous_cannot_write(api, world):
    response = api.post(LIST, NEW, format="json")
    assert response.status_code == 401
    assert response.json()["detail"]
    assert api.patch(LIST + "energie-solidaire/", {"name": "X"}, format="json").status_code == 401
    assert not Initiative.objects.filter(name=NEW["name"]).exists()


def test_bad_token_is_a_401(api, world):
    api.credentials(HTTP_AUTHORIZATION="Token nope")
    assert api.post(LIST, NEW, format="json").status_code == 401


def test_staff_creates_in_own_territory_through_the_services(api, world):
    user = staff(world, intercos=[world.crussol])
    response = with_token(api, user).post(LIST, NEW, format="json")
    assert response.status_code == 201, response.json()
    created = Initiative.objects.get(name=NEW["name"])
    assert response.json()["slug"] == created.slug == "repair-cafe-de-guilherand-granges"
    assert created.status == Initiative.Status.DRAFT
    assert [t.slug for t in created.themes.all()] == ["reemploi"]
    assert created.search_name == "repair cafe de guilherand granges"  # kept by the services
    assert created.history.earliest().history_user == user  # audit trail names the token owner


def test_staff_cannot_create_outside_own_territory(api, world):
    user = staff(world, intercos=[world.crussol])
    outside = {**NEW, "commune": "26362", "coverage": []}
    response = with_token(api, user).post(LIST, outside, format="json")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert not Initiative.objects.filter(name=NEW["name"]).exists()  # rolled back


def test_staff_without_a_territory_cannot_write(api, world):
    user = staff(world, intercos=[])  # model permissions, but no interco
    assert with_token(api, user).post(LIST, NEW, format="json").status_code == 403
    response = api.patch(LIST + "energie-solidaire/", {"summary": "x"}, format="json")
    assert response.status_code in (403, 404)
    world.es.refresh_from_db()
    assert world.es.summary != "x"


def test_write_permission_is_exactly_the_admin_s(api, world, rf):
    model_admin = admin.site.get_model_admin(Initiative)
    inactive = staff(world, intercos=[world.crussol])
    inactive.is_active = False
    inactive.save()
    users = [
        staff(world, intercos=[world.crussol]),
        staff(world, intercos=[world.crussol], perms=()),
        staff(world, intercos=[world.crussol], role="moderator"),
        staff(world, intercos=[]),
        factories.user(superuser=True),
        inactive,
    ]
    for user in users:
        request = rf.post(LIST)
        request.user = user
        allowed = model_admin.has_add_permission(request)
        api.force_authenticate(user)
        response = api.post(LIST, {**NEW, "name": f"Essai {user.pk}"}, format="json")
        assert (response.status_code == 201) == allowed, (user, response.status_code)


def test_account_that_is_not_staff_cannot_write(api, world):
    user = staff(world, intercos=[world.crussol])
    user.is_staff = False
    user.save()
    assert with_token(api, user).post(LIST, NEW, format="json").status_code == 403


def test_staff_updates_own_initiative(api, world):
    user = staff(world, intercos=[world.crussol])
    response = with_token(api, user).patch(
        LIST + "energie-solidaire/",
        {"summary": "Diagnostics gratuits et conseillers énergie.", "themes": ["energie"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    world.es.refresh_from_db()
    assert world.es.summary == "Diagnostics gratuits et conseillers énergie."
    assert [t.slug for t in world.es.themes.all()] == ["energie"]
    assert "diagnostics" in world.es.search_text
    assert response.json()["summary"] == world.es.summary


def test_staff_can_edit_own_drafts_which_stay_private(api, world):
    user = staff(world, intercos=[world.crussol])
    client = with_token(api, user)
    response = client.patch(LIST + "brouillon-secret/", {"summary": "Bientôt"}, format="json")
    assert response.status_code == 200
    client.credentials()
    assert api.get(LIST + "brouillon-secret/").status_code == 404


def test_staff_of_one_interco_cannot_write_another_s_initiative(api, world):
    user = staff(world, intercos=[world.crussol])
    response = with_token(api, user).patch(
        LIST + "credit-cooperatif/", {"name": "Piraté"}, format="json"
    )
    assert response.status_code == 404
    world.credit.refresh_from_db()
    assert world.credit.name == "Crédit coopératif"
    assert api.put(LIST + "credit-cooperatif/", NEW, format="json").status_code == 404


def test_staff_cannot_move_an_initiative_out_of_their_territory(api, world):
    user = staff(world, intercos=[world.crussol])
    response = with_token(api, user).patch(
        LIST + "ressourcerie-saint-peray/", {"commune": "26362"}, format="json"
    )
    assert response.status_code == 403
    world.ressourcerie.refresh_from_db()
    assert world.ressourcerie.commune_id == "07281"


def test_editors_submit_but_only_moderators_publish(api, world):
    editor = staff(world, intercos=[world.crussol])
    client = with_token(api, editor)
    url = LIST + "brouillon-secret/"
    response = client.patch(url, {"status": "published"}, format="json")
    assert response.status_code == 403
    assert "status" in response.json()["errors"]
    assert client.patch(url, {"status": "pending"}, format="json").status_code == 200
    moderator = staff(world, intercos=[world.crussol], role="moderator")
    response = with_token(api, moderator).patch(url, {"status": "published"}, format="json")
    assert response.status_code == 200
    api.credentials()
    assert api.get(url).status_code == 200  # now public


def test_editor_cannot_create_a_published_initiative(api, world):
    editor = staff(world, intercos=[world.crussol])
    response = with_token(api, editor).post(LIST, {**NEW, "status": "published"}, format="json")
    assert response.status_code == 403
    assert not Initiative.objects.filter(name=NEW["name"]).exists()


def test_refusing_a_suggestion_needs_a_reason(api, world):
    Initiative.objects.filter(slug="brouillon-secret").update(status="pending")
    moderator = staff(world, intercos=[world.crussol], role="moderator")
    client = with_token(api, moderator)
    url = LIST + "brouillon-secret/"
    response = client.patch(url, {"status": "archived"}, format="json")
    assert response.status_code == 400 and "rejection_reason" in response.json()["errors"]
    response = client.patch(
        url, {"status": "archived", "rejection_reason": "Hors ESS."}, format="json"
    )
    assert response.status_code == 200


def test_superuser_writes_anywhere(api, world):
    root = factories.user(superuser=True)
    response = with_token(api, root).patch(
        LIST + "credit-cooperatif/", {"website": "https://www.credit-cooperatif.coop"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"siret": "12345678901234"}, "siret"),
        ({"rna": "X123"}, "rna"),
        ({"latitude": 44.9, "longitude": None}, "latitude"),
        ({"latitude": 95, "longitude": 4.8}, "latitude"),
        ({"themes": ["licornes"]}, "themes"),
        ({"commune": "00000"}, "commune"),
        ({"email": "pas-un-courriel"}, "email"),
        ({"status": "secret"}, "status"),
        ({"opening_hours": "whenever I like"}, "opening_hours"),
        ({"name": ""}, "name"),
        # the admin form's cross-field checks apply to the API too
        ({"postcode": "26000"}, "postcode"),  # Valence's, not Guilherand-Granges'
        ({"latitude": 4.8747, "longitude": 44.9339}, "latitude"),  # swapped: off Somalia
        ({"website": "ftp://example.org/"}, "website"),
        ({"website": "javascript:alert(1)"}, "website"),
    ],
)
def test_invalid_writes_are_400s_naming_the_field(api, world, payload, field):
    user = staff(world, intercos=[world.crussol])
    response = with_token(api, user).patch(LIST + "energie-solidaire/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()


def test_location_checks_only_when_the_location_is_written(api, world):
    Initiative.objects.filter(pk=world.es.pk).update(postcode="26000")  # legacy mismatch
    client = with_token(api, staff(world, intercos=[world.crussol]))
    url = LIST + "energie-solidaire/"
    assert client.patch(url, {"summary": "Autre"}, format="json").status_code == 200
    response = client.patch(url, {"postcode": "07500"}, format="json")
    assert response.status_code == 200, response.json()


def test_staff_cannot_link_to_another_territory(api, world):
    theirs = factories.initiative(
        name="Projet privé de Valence", commune=world.valence, status=Initiative.Status.DRAFT
    )
    client = with_token(api, staff(world, intercos=[world.crussol]))
    url = LIST + "energie-solidaire/"
    for payload, field in [
        ({"coverage": [RHONE_CRUSSOL, VALENCE_AGGLO]}, "coverage"),
        ({"carried_by_interco": VALENCE_AGGLO}, "carried_by_interco"),
    ]:
        response = client.patch(url, payload, format="json")
        assert response.status_code == 403, (payload, response.json())
        assert field in response.json()["errors"]
    # another territory's draft as carrier: exactly as an unknown slug (no existence oracle)
    response = client.patch(url, {"carried_by": theirs.slug}, format="json")
    assert response.status_code == 400
    assert "carried_by" in response.json()["errors"]
    located_elsewhere = {**NEW, "commune": "26362", "latitude": 44.93, "longitude": 4.89}
    response = client.post(LIST, located_elsewhere, format="json")  # covers Rhône Crussol
    assert response.status_code == 403
    assert "commune" in response.json()["errors"]
    assert not Initiative.objects.filter(name=NEW["name"]).exists()
    world.es.refresh_from_db()
    assert [ic.pk for ic in world.es.coverage.all()] == [RHONE_CRUSSOL]
    assert world.es.carried_by_id is None and world.es.carried_by_interco_id == RHONE_CRUSSOL
    response = client.patch(url, {"carried_by": "credit-cooperatif"}, format="json")
    assert response.status_code == 200  # any published initiative may carry a project


def test_links_the_record_already_has_are_kept(api, world):
    shared = factories.initiative(
        name="Réseau Drôme-Ardèche", slug="reseau", coverage=[world.crussol, world.agglo]
    )
    client = with_token(api, staff(world, intercos=[world.crussol]))
    response = client.patch(
        LIST + "reseau/",
        {"summary": "Mis à jour", "coverage": [RHONE_CRUSSOL, VALENCE_AGGLO]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert {ic.pk for ic in shared.coverage.all()} == {RHONE_CRUSSOL, VALENCE_AGGLO}


def test_duplicate_name_in_a_commune_is_a_400(api, world):
    user = staff(world, intercos=[world.crussol])
    response = with_token(api, user).post(LIST, {**NEW, "name": "energie solidaire"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]


def test_write_responses_are_not_stored(api, world):
    user = staff(world, intercos=[world.crussol])
    response = with_token(api, user).patch(
        LIST + "energie-solidaire/", {"summary": "y"}, format="json"
    )
    assert "no-store" in response["Cache-Control"]


# --- no existence oracle, archived creation, If-Match ------------------------------------------


def test_another_territory_s_slug_answers_exactly_as_a_missing_one(api, world):
    theirs = factories.initiative(
        name="Projet privé de Valence", slug="projet-prive", commune=world.valence,
        status=Initiative.Status.DRAFT,
    )  # fmt: skip
    client = with_token(api, staff(world, intercos=[world.crussol], role="moderator"))
    url = LIST + "projet-prive/"
    requests = [
        lambda: client.get(url),
        lambda: client.put(url, NEW, format="json"),
        lambda: client.patch(url, {"summary": "x"}, format="json"),
        lambda: client.patch(
            LIST + "energie-solidaire/", {"carried_by": "projet-prive"}, format="json"
        ),  # fmt: skip
    ]
    other_territory = [ask() for ask in requests]
    theirs.delete()
    missing = [ask() for ask in requests]
    for theirs_answer, missing_answer in zip(other_territory, missing, strict=True):
        assert theirs_answer.status_code == missing_answer.status_code
        assert theirs_answer.status_code in (400, 404)
        assert theirs_answer.content == missing_answer.content


def test_nobody_creates_an_archived_initiative(api, world):
    for user in (
        staff(world, intercos=[world.crussol], role="moderator"),
        factories.user(superuser=True),
    ):
        response = with_token(api, user).post(LIST, {**NEW, "status": "archived"}, format="json")
        assert response.status_code == 400
        assert "status" in response.json()["errors"]
    assert not Initiative.objects.filter(name=NEW["name"]).exists()


def test_if_match_refuses_a_stale_write_with_412(api, world, django_capture_on_commit_callbacks):
    url = LIST + "energie-solidaire/"
    etag = api.get(url)["ETag"]
    client = with_token(api, staff(world, intercos=[world.crussol]))
    first = client.patch(url, {"summary": "Première"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200, first.json()
    stale = client.patch(url, {"summary": "Seconde"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert "If-Match" in stale.json()["detail"]
    world.es.refresh_from_db()
    assert world.es.summary == "Première"  # nothing lost, nothing overwritten
    with django_capture_on_commit_callbacks(execute=True):  # the read cache is refreshed
        fresh = client.patch(
            url, {"summary": "Seconde"}, format="json", HTTP_IF_MATCH=first["ETag"]
        )  # the write's answer carries the new ETag
    assert fresh.status_code == 200
    client.credentials()
    assert api.get(url)["ETag"] == fresh["ETag"]  # the same as the detail's
    assert (
        with_token(api, staff(world, intercos=[world.crussol]))
        .patch(url, {"summary": "Sans condition"}, format="json")
        .status_code
        == 200
    )  # If-Match is optional

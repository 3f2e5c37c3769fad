"""The login page says why a right password is refused; a wrong one gets the usual message."""

import html

import pytest
from django.conf import settings

from essmap.typography import typeset
from tests import factories

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"
PASSWORD = "correct-horse-battery"  # noqa: S105
GENERIC = "Veuillez compléter correctement les champs"  # Django's own message


def attempt(client, username, password, ip="192.0.2.10"):
    response = client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=ip
    )
    return response, html.unescape(response.content.decode())


@pytest.fixture
def interco():
    return factories.interco(name="CC du Crestois")


def test_right_password_without_staff_status_says_so(client, interco):
    # Created in the admin with a membership but without "Statut équipe" (issue 18).
    user = factories.user(username="edith", intercos=[interco])
    user.is_staff = False
    user.save()
    response, page = attempt(client, "edith", PASSWORD)
    assert response.status_code == 200
    assert typeset("Mot de passe correct, mais ce compte n'a pas le statut équipe") in page
    assert "add_staff" in page  # says how to fix it
    assert GENERIC not in page
    assert "_auth_user_id" not in client.session


def test_right_password_without_any_interco_says_so(client):
    factories.user(username="nora")  # staff, attached to no interco
    response, page = attempt(client, "nora", PASSWORD)
    assert response.status_code == 200
    why = "Mot de passe correct, mais ce compte n'est rattaché à aucune intercommunalité"
    assert typeset(why) in page
    assert "_auth_user_id" not in client.session


def test_right_password_on_an_inactive_account_says_so(client, interco):
    factories.user(username="ines", intercos=[interco], is_active=False)
    response, page = attempt(client, "ines", PASSWORD)
    assert response.status_code == 200
    assert "Mot de passe correct, mais ce compte est désactivé" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("username", ["edith", "nora", "ines", "nobody"])
def test_a_wrong_password_gets_the_generic_message_whatever_the_account(client, interco, username):
    edith = factories.user(username="edith", intercos=[interco])
    edith.is_staff = False
    edith.save()
    factories.user(username="nora")
    factories.user(username="ines", intercos=[interco], is_active=False)
    response, page = attempt(client, username, "wrong-password")
    assert response.status_code == 200
    assert GENERIC in page
    assert "Mot de passe correct" not in page


def test_a_member_still_signs_in(client, interco):
    factories.user(username="mona", intercos=[interco], role="moderator")
    response, _ = attempt(client, "mona", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_superusers_sign_in_without_an_interco(client):
    factories.user(username="root", superuser=True)
    assert attempt(client, "root", PASSWORD)[0].status_code == 302


def test_no_explanation_once_locked_out(client, interco):
    # The lockout stops password guessing: the explanation must not become an oracle.
    factories.user(username="ines", intercos=[interco], is_active=False)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert "Mot de passe correct" not in attempt(client, "ines", "wrong")[1]
    response, page = attempt(client, "ines", PASSWORD)
    assert response.status_code == 429
    assert "Mot de passe correct" not in page


def test_no_explanation_for_an_address_over_its_ceiling(client, interco, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    factories.user(username="ines", intercos=[interco], is_active=False)
    for n in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        attempt(client, f"stranger{n}", "wrong")
    response, page = attempt(client, "ines", PASSWORD)
    assert response.status_code == 429
    assert "Mot de passe correct" not in page


def test_a_refusal_of_an_inactive_account_counts_as_a_failed_login(client, interco):
    factories.user(username="ines", intercos=[interco], is_active=False)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "ines", PASSWORD)
    assert attempt(client, "ines", PASSWORD)[0].status_code == 429

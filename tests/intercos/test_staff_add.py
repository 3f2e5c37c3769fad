"""Adding a staff member: the admin page and `manage.py add_staff` give all it takes to sign in."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from essmap.typography import typeset
from intercos.models import IntercoMembership
from intercos.services import staff_member_add
from tests import factories

pytestmark = pytest.mark.django_db
ADD = "/admin/intercos/interco/equipe/ajouter/"
INITIATIVES = "/admin/initiatives/initiative/"
NEW_PASSWORD = "une-phrase-de-passe-9"  # noqa: S105


@pytest.fixture
def world():
    crestois = factories.interco(name="CC du Crestois")
    privas = factories.interco(name="CA Privas")
    crest = factories.commune(name="Crest", interco=crestois)
    privas_town = factories.commune(name="Privas", interco=privas)
    factories.initiative(name="Atelier vélo de Crest", commune=crest)
    factories.initiative(name="Épicerie de Privas", commune=privas_town)
    root = factories.user(superuser=True, username="root")
    return crestois, privas, root


def link_in(message) -> str:
    return re.search(r"https?://\S+/admin/mot-de-passe/\S+/", message.body).group(0)


def choose_password_and_sign_in(client, link: str, username: str) -> None:
    """What the new member does: follow the e-mailed link, choose a password, log in."""
    path = re.sub(r"^https?://[^/]+", "", link)
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert client.get(done["Location"]).status_code == 200
    login = client.post(
        "/admin/login/", {"username": username, "password": NEW_PASSWORD, "next": "/admin/"}
    )
    assert login.status_code == 302, login.content.decode()
    assert client.get(path, follow=True).context["validlink"] is False  # the link works once


def assert_sees_only_crestois(client):
    page = client.get(INITIATIVES).content.decode()
    assert "Atelier vélo de Crest" in page
    assert "Épicerie de Privas" not in page


def test_member_added_by_the_admin_page_signs_in_and_sees_their_territory(
    client, world, django_capture_on_commit_callbacks
):
    crestois, _, root = world
    client.force_login(root)
    form = client.get(ADD)
    assert form.status_code == 200
    assert 'name="email"' in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ADD,
            {"name": "Camille Martin", "email": "camille@cc-crestois.fr",
             "intercos": [crestois.pk], "role": "editor"},
        )  # fmt: skip
    assert response.status_code == 302
    user = get_user_model().objects.get(email="camille@cc-crestois.fr")
    assert user.is_staff and user.is_active and not user.is_superuser
    assert not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("Camille", "Martin")
    assert list(user.interco_memberships.values_list("interco", "role")) == [
        (crestois.pk, "editor")
    ]
    assert [m.to for m in mail.outbox] == [["camille@cc-crestois.fr"]]
    body = mail.outbox[0].body  # French typography, as the French catalog prints it
    assert typeset("Vous êtes membre de l'équipe d'essmap pour : CC du Crestois.") in body
    assert typeset("Votre identifiant : camille@cc-crestois.fr") in body
    link = link_in(mail.outbox[0])
    # The page that added the member never shows the link (only its owner receives it).
    followed = client.get(response["Location"]).content.decode()
    assert "mot-de-passe" not in followed
    assert "camille@cc-crestois.fr" in followed
    client.logout()
    choose_password_and_sign_in(client, link, "camille@cc-crestois.fr")
    assert_sees_only_crestois(client)


def test_member_added_by_the_command_signs_in_and_sees_their_territory(
    client, world, django_capture_on_commit_callbacks
):
    crestois, _, _ = world
    out = []
    with django_capture_on_commit_callbacks(execute=True):
        call_command("add_staff", "--email", "dominique@cc-crestois.fr",
                     "--interco", crestois.pk, "--role", "moderator",
                     "--name", "Dominique Roux", stdout=_Sink(out))  # fmt: skip
    printed = "".join(out)
    user = get_user_model().objects.get(email="dominique@cc-crestois.fr")
    assert user.is_staff and not user.has_usable_password()
    assert user.interco_memberships.get().role == "moderator"
    link = link_in(mail.outbox[0])
    assert link in printed  # printed once for the operator, and e-mailed
    choose_password_and_sign_in(client, link, "dominique@cc-crestois.fr")
    assert_sees_only_crestois(client)


class _Sink:
    def __init__(self, parts):
        self.parts = parts

    def write(self, text):
        self.parts.append(text)

    def flush(self):
        pass


def test_the_command_is_idempotent(world, django_capture_on_commit_callbacks):
    crestois, _, _ = world
    args = ["add_staff", "--email", "eve@cc-crestois.fr", "--interco", crestois.pk,
            "--role", "editor"]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        call_command(*args, stdout=_Sink([]))
    out = []
    with django_capture_on_commit_callbacks(execute=True):
        call_command(*args, stdout=_Sink(out))
    assert typeset("rien n'a changé") in "".join(out)
    assert "--send-link" in "".join(out)  # no password yet: how to send a new link
    assert get_user_model().objects.filter(email="eve@cc-crestois.fr").count() == 1
    assert IntercoMembership.objects.filter(user__email="eve@cc-crestois.fr").count() == 1
    assert len(mail.outbox) == 1  # no second e-mail
    with django_capture_on_commit_callbacks(execute=True):
        call_command(*args, "--send-link", stdout=_Sink([]))
    assert len(mail.outbox) == 2


def test_the_command_completes_an_existing_account_without_touching_its_password(world):
    crestois, privas, _ = world
    user = factories.user(username="frank", email="frank@ca-privas.fr", intercos=[privas])
    user.is_staff = False
    user.save()
    old_password = user.password
    call_command("add_staff", "--email", "FRANK@ca-privas.fr", "--interco", crestois.pk,
                 "--role", "moderator", stdout=_Sink([]))  # fmt: skip
    user.refresh_from_db()
    assert user.is_staff
    assert user.password == old_password
    assert dict(user.interco_memberships.values_list("interco", "role")) == {
        privas.pk: "editor",
        crestois.pk: "moderator",
    }
    assert mail.outbox == []


def test_the_command_explains_its_errors(world):
    crestois, _, _ = world
    with pytest.raises(CommandError, match="Interco inconnue.*999999999"):
        call_command("add_staff", "--email", "g@example.org", "--interco", "999999999",
                     "--role", "editor")  # fmt: skip
    with pytest.raises(CommandError, match="Adresse e-mail invalide"):
        call_command("add_staff", "--email", "not-an-address", "--interco", crestois.pk,
                     "--role", "editor")  # fmt: skip
    with pytest.raises(CommandError):
        call_command("add_staff", "--email", "g@example.org", "--interco", crestois.pk,
                     "--role", "boss")  # fmt: skip
    assert not get_user_model().objects.filter(email="g@example.org").exists()


def test_a_moderator_adds_members_to_their_own_interco_only(
    client, world, django_capture_on_commit_callbacks
):
    crestois, privas, _ = world
    moderator = factories.user(intercos=[crestois], role="moderator")
    client.force_login(moderator)
    page = client.get(ADD).content.decode()
    assert "CC du Crestois" in page and "CA Privas" not in page  # only their intercos offered
    response = client.post(
        ADD, {"name": "H", "email": "h@example.org", "intercos": [privas.pk], "role": "editor"}
    )
    assert response.status_code == 200  # the form again, with the error
    assert not get_user_model().objects.filter(email="h@example.org").exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ADD,
            {"name": "H", "email": "h@example.org", "intercos": [crestois.pk], "role": "editor"},
        )
    assert response.status_code == 302
    added = get_user_model().objects.get(email="h@example.org")
    assert list(added.interco_memberships.values_list("interco", flat=True)) == [crestois.pk]


def test_a_moderator_cannot_reactivate_an_account(client, world):
    crestois, _, _ = world
    moderator = factories.user(intercos=[crestois], role="moderator")
    gone = factories.user(email="gone@example.org", is_active=False)
    client.force_login(moderator)
    response = client.post(
        ADD, {"name": "G", "email": "gone@example.org", "intercos": [crestois.pk], "role": "editor"}
    )
    assert response.status_code == 200
    assert "désactivé" in response.content.decode()
    gone.refresh_from_db()
    assert not gone.is_active and not gone.interco_memberships.exists()


def test_editors_cannot_open_the_page(client, world):
    crestois, _, _ = world
    client.force_login(factories.user(intercos=[crestois], role="editor"))
    assert client.get(ADD).status_code == 403
    page = client.get(reverse("admin:intercos_interco_change", args=[crestois.pk]))
    assert ADD not in page.content.decode()


def test_the_page_is_linked_from_the_interco_page_for_its_moderators(client, world):
    crestois, privas, _ = world
    client.force_login(factories.user(intercos=[crestois], role="moderator"))
    own = client.get(reverse("admin:intercos_interco_change", args=[crestois.pk]))
    assert f"{ADD}?interco={crestois.pk}" in own.content.decode()
    other = client.get(reverse("admin:intercos_interco_change", args=[privas.pk]))
    assert ADD not in other.content.decode()


def test_the_django_add_user_form_requires_an_email(client, world):
    _, _, root = world
    client.force_login(root)
    page = client.get(reverse("admin:auth_user_add")).content.decode()
    assert 'name="email"' in page
    inline = {"interco_memberships-TOTAL_FORMS": "0", "interco_memberships-INITIAL_FORMS": "0"}
    data = {"username": "nomail", "usable_password": "false", **inline}
    response = client.post(reverse("admin:auth_user_add"), {**data, "email": ""})
    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert not get_user_model().objects.filter(username="nomail").exists()
    response = client.post(reverse("admin:auth_user_add"), {**data, "email": "n@example.org"})
    assert response.status_code == 302
    assert get_user_model().objects.get(username="nomail").email == "n@example.org"


def test_the_service_refuses_a_moderator_another_territory(world):
    crestois, privas, _ = world
    moderator = factories.user(intercos=[crestois], role="moderator")
    with pytest.raises(ValidationError, match="intercos dont vous êtes modérateur"):
        staff_member_add(by=moderator, email="i@example.org", intercos=[privas], role="editor")
    editor = factories.user(intercos=[crestois], role="editor")
    with pytest.raises(ValidationError):
        staff_member_add(by=editor, email="i@example.org", intercos=[crestois], role="editor")
    assert not get_user_model().objects.filter(email="i@example.org").exists()


def test_a_role_given_again_is_updated_not_duplicated(world):
    crestois, _, _ = world
    staff_member_add(by=None, email="j@example.org", intercos=[crestois], role="editor")
    result = staff_member_add(by=None, email="J@Example.org", intercos=[crestois], role="moderator")
    assert not result.created
    assert result.user.interco_memberships.get().role == "moderator"
    assert get_user_model().objects.filter(email__iexact="j@example.org").count() == 1


def test_a_moderator_cannot_give_an_existing_account_its_address(world):
    crestois, _, _ = world
    moderator = factories.user(intercos=[crestois], role="moderator")
    factories.user(username="k@example.org", email="")
    with pytest.raises(ValidationError, match="administrateur"):
        staff_member_add(
            by=moderator, email="k@example.org", intercos=[crestois], role="editor", send_link=True
        )
    account = get_user_model().objects.get(username="k@example.org")
    assert account.email == "" and not account.interco_memberships.exists()
    assert mail.outbox == []

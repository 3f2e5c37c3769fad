"""Moderators without an e-mail address are never told of anything: they are flagged."""

import html
import logging

import pytest
from django.core import mail
from django.core.checks import run_checks
from django.urls import reverse

from essmap.typography import typeset
from initiatives import services
from initiatives.opendata.freshness import freshness_digest_send
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def diois():
    ic = factories.interco(name="CC du Diois")
    commune = factories.commune(name="Die", interco=ic, postcodes="26150")
    silent = factories.user(intercos=[ic], role="moderator", username="silent", email="")
    told = factories.user(intercos=[ic], role="moderator", username="told", email="told@cc.fr")
    return ic, commune, silent, told


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_interco_page_warns_of_moderators_without_email(client, diois):
    ic, _, silent, told = diois
    client.force_login(told)
    text = page(client, reverse("admin:intercos_interco_change", args=[ic.pk]))
    assert "Modérateur·rices sans adresse e-mail" in text
    assert "silent (CC du Diois)" in text
    assert typeset("pas d'adresse e-mail") in text  # in the team list
    assert "told@cc.fr" in text


def test_an_interco_whose_moderators_have_email_shows_no_warning(client, diois):
    _, _, _, told = diois
    other = factories.interco(name="CA Privas")
    factories.user(intercos=[other], role="moderator", email="mod@privas.fr")
    client.force_login(told)
    text = page(client, reverse("admin:intercos_interco_change", args=[other.pk]))
    assert "Modérateur·rices sans adresse e-mail" not in text


def test_the_user_list_flags_accounts_that_cannot_work(client, diois):
    ic, _, _, _ = diois
    no_staff = factories.user(username="nostaff", intercos=[ic])
    no_staff.is_staff = False
    no_staff.save()
    factories.user(username="lonely")  # staff, no interco
    client.force_login(factories.user(superuser=True, username="root"))
    text = page(client, reverse("admin:auth_user_changelist"))
    assert "Modérateur·rices sans adresse e-mail" in text
    assert "modérateur·rice sans adresse e-mail" in text
    assert "pas de statut équipe" in text
    assert "rattaché·e à aucune interco" in text
    assert typeset("Ajouter un membre de l'équipe") in text


def test_manage_py_check_warns_of_moderators_without_email(diois):
    warnings = [m for m in run_checks() if m.id == "intercos.W001"]
    assert len(warnings) == 1
    assert "'silent'" in warnings[0].msg
    assert "CC du Diois" in warnings[0].msg


def test_no_check_warning_when_every_moderator_has_email():
    ic = factories.interco()
    factories.user(intercos=[ic], role="moderator", email="mod@example.org")
    factories.user(intercos=[ic], role="editor", email="")  # editors are not told anyway
    assert [m for m in run_checks() if m.id == "intercos.W001"] == []


def test_telling_the_moderators_logs_who_was_skipped(
    diois, caplog, django_capture_on_commit_callbacks
):
    _, commune, _, _ = diois
    with caplog.at_level(logging.WARNING, logger="initiatives.moderation"):
        with django_capture_on_commit_callbacks(execute=True):
            services.suggestion_create(
                name="Repair café", commune=commune, proposer_name="Sam",
                proposer_email="sam@example.org",
            )  # fmt: skip
    assert ["told@cc.fr"] in [m.to for m in mail.outbox]
    skipped = [r.getMessage() for r in caplog.records if "without an e-mail" in r.getMessage()]
    assert len(skipped) == 1
    assert "silent" in skipped[0]


def test_the_freshness_digest_logs_who_was_skipped(diois, caplog):
    with caplog.at_level(logging.WARNING, logger="initiatives.opendata.freshness"):
        freshness_digest_send()
    assert any(
        "silent" in r.getMessage() and "without an e-mail" in r.getMessage() for r in caplog.records
    )


def test_another_territorys_team_is_not_shown(client, diois):
    ic, _, _, _ = diois
    outsider = factories.user(intercos=[factories.interco(name="CA Privas")], role="moderator")
    client.force_login(outsider)
    text = page(client, reverse("admin:intercos_interco_change", args=[ic.pk]))
    assert "CC du Diois" in text  # the reference data stays readable
    assert "told@cc.fr" not in text
    assert "silent" not in text


def test_the_user_page_says_why_the_account_cannot_work(client, diois):
    ic, _, _, _ = diois
    no_staff = factories.user(username="nostaff", intercos=[ic])
    no_staff.is_staff = False
    no_staff.save()
    client.force_login(factories.user(superuser=True, username="root"))
    text = page(client, reverse("admin:auth_user_change", args=[no_staff.pk]))
    why = "Ce compte ne peut pas travailler dans l'espace des intercos : pas de statut"
    assert typeset(why) in text
    fine = factories.user(intercos=[ic], email="fine@example.org")
    text = page(client, reverse("admin:auth_user_change", args=[fine.pk]))
    assert "ne peut pas travailler" not in text

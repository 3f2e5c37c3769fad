"""The public "Proposer une initiative" form: happy path, errors, honeypot, rate limit."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from initiatives.models import Initiative
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    ic = factories.interco(name="CC du Val de Drôme")
    factories.user(intercos=[ic], role="moderator", email="moderation@cc.fr")
    return factories.commune(name="Loriol-sur-Drôme", interco=ic, postcodes="26270",
                             centre_lat=44.75, centre_lon=4.82)  # fmt: skip


def payload(place, **overrides):
    theme = factories.theme("alimentation", "Alimentation")
    data = {
        "name": "Épicerie solidaire de Loriol",
        "summary": "Produits locaux à prix solidaires",
        "commune": place.pk,
        "themes": [theme.pk],
        "website": "epicerie-loriol.fr",
        "phone": "04 75 00 00 00",
        "proposer_name": "Dominique",
        "proposer_email": "dominique@example.org",
        "homepage": "",
    }
    data.update(overrides)
    return data


def test_page_renders_without_account(client, place):
    response = client.get(reverse("propose"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Proposer une initiative" in body
    assert "Loriol-sur-Drôme (26270)" in body
    assert 'name="homepage"' in body and "hidden" in body
    scripts = re.findall(r"<script[^>]*>", body)
    assert all("src=" in tag or "application/json" in tag for tag in scripts)  # none inline


def test_happy_path_creates_pending_suggestion(client, place, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("propose"), payload(place))
    assert response.status_code == 302
    assert response["Location"] == reverse("propose_done")
    initiative = Initiative.objects.get()
    assert initiative.status == Initiative.Status.PENDING
    assert initiative.proposer_email == "dominique@example.org"
    assert initiative.website == "https://epicerie-loriol.fr"
    assert [t.slug for t in initiative.themes.all()] == ["alimentation"]
    assert initiative.search_name == "epicerie solidaire de loriol"
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["dominique@example.org", "moderation@cc.fr"]
    assert client.get(reverse("propose_done")).status_code == 200


def test_line_break_in_name_cannot_break_the_e_mails(
    client, place, django_capture_on_commit_callbacks
):
    name = "Épicerie\nBcc: victime@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("propose"), payload(place, name=name))
    # Was a 500 (BadHeaderError) after the save; a name is one line: a form error now.
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert mail.outbox == []


def test_suggestion_is_not_public(client, place):
    client.post(reverse("propose"), payload(place))
    assert not Initiative.objects.published().exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("proposer_email", "pas-un-courriel"),
        ("proposer_name", ""),
        ("commune", ""),
        ("commune", "99999"),
        ("phone", "123"),
        ("website", "javascript:alert(1)"),
    ],
)
def test_validation_errors_are_shown(client, place, field, value):
    response = client.post(reverse("propose"), payload(place, **{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'role="alert"' in response.content.decode()
    assert not Initiative.objects.exists()


def test_already_listed_initiative_is_refused(client, place):
    factories.initiative(name="Épicerie Solidaire de Loriol", commune=place)
    response = client.post(reverse("propose"), payload(place))
    assert response.status_code == 200
    assert "déjà dans l’annuaire" in response.context["form"].errors["name"][0]
    assert Initiative.objects.count() == 1


def test_honeypot_stores_nothing(client, place):
    response = client.post(reverse("propose"), payload(place, homepage="http://spam.example"))
    assert response.status_code == 302  # the bot is told nothing
    assert not Initiative.objects.exists()
    assert mail.outbox == []


def test_rate_limit_per_ip(client, place, settings):
    from initiatives import suggest_views

    limit = suggest_views.RATE_LIMIT
    for i in range(limit):
        response = client.post(
            reverse("propose"), payload(place, name=f"Initiative {i}"), REMOTE_ADDR="203.0.113.7"
        )
        assert response.status_code == 302
    response = client.post(
        reverse("propose"), payload(place, name="Une de trop"), REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 429
    assert not Initiative.objects.filter(name="Une de trop").exists()
    # Another address is not affected.
    response = client.post(
        reverse("propose"), payload(place, name="Autre adresse"), REMOTE_ADDR="198.51.100.2"
    )
    assert response.status_code == 302


def test_get_is_not_rate_limited(client, place):
    from initiatives import suggest_views

    for _ in range(suggest_views.RATE_LIMIT + 2):
        assert client.get(reverse("propose")).status_code == 200


def test_english_page(client, place):
    response = client.get(reverse("propose"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200

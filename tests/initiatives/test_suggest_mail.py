"""Suggestion e-mails: one-line fields stay one line; the acknowledgement, sent to an
unconfirmed address, carries no text of the proposer's beyond the initiative's name (one
line, truncated, links defused)."""

import pytest
from django.core import mail
from django.urls import reverse

from initiatives.models import Initiative
from initiatives.moderation import TITLE_MAX, mail_title
from tests.initiatives.test_suggest import payload, place  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["name", "summary", "address", "phone", "proposer_name"])
@pytest.mark.parametrize("breaker", ["\n", "\r\n", "\r", "\u2028", "\x0b", "\x85"])
def test_single_line_fields_refuse_line_breaks(client, place, field, breaker):  # noqa: F811
    value = f"Ligne un{breaker}Bcc: victime@example.org"
    response = client.post(reverse("propose"), payload(place, **{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Initiative.objects.exists()
    assert mail.outbox == []


def test_acknowledgement_has_no_free_text_from_the_proposer(
    client,
    place,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("propose"),
            payload(
                place,
                name="Gagnez 1000 euros sur https://arnaque.example/claim vite vite vite vite !",
                proposer_name="Cliquez sur arnaque.example pour votre prix",
                summary="Message caché dans le résumé",
                description="Appelez le 08 99 00 00 00, votre colis est bloqué",
                proposer_email="victime@example.org",
            ),
        )
    assert response.status_code == 302
    ack = next(m for m in mail.outbox if m.to == ["victime@example.org"])
    text = ack.subject + "\n" + ack.body
    for forbidden in ["arnaque.example", "https://", "Cliquez", "caché", "08 99", "colis"]:
        assert forbidden not in text, forbidden
    assert "Gagnez 1000 euros sur https[:]//arnaque[.]example" in ack.body
    assert "\n" not in ack.subject


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Épicerie solidaire", "Épicerie solidaire"),
        ("a" * 100, "a" * (TITLE_MAX - 1) + "…"),
        ("Voir www.exemple.fr", "Voir www[.]exemple[.]fr"),
        ("Écrire à x@y.fr", "Écrire à x[at]y[.]fr"),
        ("Nom\u202eesrever\u200b caché", "Nom esrever caché"),
        ("L'Épicerie 2.0", "L'Épicerie 2[.]0"),
    ],
)
def test_mail_title(name, expected):
    assert mail_title(name) == expected


def test_acknowledgements_to_one_address_share_the_daily_quota(
    client,
    place,  # noqa: F811
    settings,
    django_capture_on_commit_callbacks,
):
    """Proposals from many clients naming one victim's address: at most the daily quota of
    acknowledgements reaches it (counted in the database, with alerts and error reports)."""
    settings.MAILS_PER_UNCONFIRMED_ADDRESS = 2
    for n in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("propose"),
                payload(place, name=f"Proposition {n}", proposer_email="Victime+x@Example.org"),
                REMOTE_ADDR=f"198.51.100.{n + 1}",
            )
        assert response.status_code == 302
    acks = [m for m in mail.outbox if m.to == ["Victime+x@Example.org"]]
    assert len(acks) == 2
    assert Initiative.objects.count() == 4  # the proposals themselves are all kept

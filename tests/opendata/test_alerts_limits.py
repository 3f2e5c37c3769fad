"""The alert form cannot be used to mail a stranger's text, link, or many mails to anyone.

A hostile search reaches the confirmation and digest mails defanged (nothing a mail client
would link but this site), a re-post sends nothing within the resend window, each address
gets at most MAILS_PER_UNCONFIRMED_ADDRESS confirmations a day even with the cache down, and a
malformed token (``%00``…) answers 404, never 500.
"""

import re
import threading
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from essmap.mailsafe import defang
from initiatives.opendata import alerts
from initiatives.opendata.models import AlertSubscription, RecipientQuota
from initiatives.opendata.recipients import quota_take
from tests import factories
from tests.essmap.test_ratelimit import redis_cache
from tests.servers import free_port_in

pytestmark = pytest.mark.django_db
SITE = "https://essmap.example.org"  # tests/opendata/conftest.py
VICTIM = "victim@example.org"

HOSTILE = {
    "url": "q=http://evil.example/x",
    "markup": 'q=<a href="http://evil.example/x">cliquez ici</a>',
    "formula": 'q==HYPERLINK("http://evil.example/x";"Cliquez")',
    "bare domain": "q=Rendez-vous sur www.evil.example ou evil.example/promo",
    "address": "q=écrivez à boss@evil.example",
    "long": "q=" + "Gagnez evil.example " * 10,
    "crlf encoded": "q=Bonjour%0D%0A%0D%0Ahttp://evil.example/x%0D%0AMerci",
    "crlf raw": "q=Bonjour\r\n\r\nhttps://evil.example/x\r\nMerci",
    "unknown key": "http://evil.example/x=1&theme=alimentation",
    "unicode dots": "q=evil\u3002example\uff0eorg et e\u200bvil.example",
}
URL = re.compile(r"https?://\S+", re.IGNORECASE)
DOMAIN = re.compile(r"[\w-]+(?:\.|\u3002|\uff0e)[a-z]{2,}\b", re.IGNORECASE)


def _parts(message) -> list[str]:
    """The text part and every alternative (HTML) part of a sent message."""
    return [message.body, *(content for content, _type in getattr(message, "alternatives", []))]


def assert_nothing_clickable(message) -> None:
    assert "\n" not in message.subject and "\r" not in message.subject
    for part in _parts(message):
        for url in URL.findall(part):
            assert url.startswith(SITE + "/"), url  # every link is this site's
            assert not re.search(r"[./:@<>]", url.partition("?")[2]), url  # all encoded
        rest = URL.sub(" ", part)
        assert "://" not in rest
        assert "evil.example" not in part and "www." not in rest
        assert not re.search(r"\w@\w", rest), rest
        assert "<" not in part and ">" not in part
        assert DOMAIN.findall(rest) == [], DOMAIN.findall(rest)
        for line in part.splitlines():
            assert len(line) <= alerts.SUMMARY_MAX + 100, line


def _post(client, query, email=VICTIM, ip="198.51.100.1"):
    data = {"email": email, "frequency": "weekly", "query": query}
    return client.post("/alertes/", data, REMOTE_ADDR=ip)


@pytest.fixture
def food(db):
    return factories.theme("alimentation", "Alimentation")


@pytest.mark.parametrize("query", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_search_reaches_the_confirmation_mail_defanged(
    client, food, query, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, query)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert_nothing_clickable(message)
    # The confirmation link is still there, and whole.
    token = AlertSubscription.objects.get().token
    assert f"{SITE}/alertes/confirmer/{token}/" in message.body


def test_the_stored_search_is_canonical_and_on_one_line(client, food):
    _post(client, HOSTILE["crlf raw"] + "&theme=alimentation&utm_source=x&page=3")
    stored = AlertSubscription.objects.get().query
    assert stored == "q=Bonjour+https%3A%2F%2Fevil.example%2Fx+Merci&theme=alimentation"
    assert alerts.search_is_valid(stored)


def test_the_summary_shows_the_search_in_words_defanged_and_cut(food):
    summary = alerts.search_summary("theme=alimentation&q=" + "evil.example " * 12)
    # ":" may follow a no-break space once the French catalog is typeset.
    words, theme = re.fullmatch(r"Mots\s: (.*) · Thème\s: (.*)", summary).groups()
    assert words.startswith("evil[.]example evil[.]example") and words.endswith("…")
    assert len(words) == alerts.SUMMARY_VALUE_MAX + words.count("[.]") * 2
    assert theme == "Alimentation"
    keys = ["q", "near", "postcode", "theme", "legal_form", "interco", "commune", "match"]
    long = alerts.search_summary("&".join(f"{key}={'y' * 100}" for key in keys))
    assert len(long) == alerts.SUMMARY_MAX and long.endswith("…")
    assert alerts.search_summary("") == "toutes les initiatives"


def test_the_search_link_opens_the_same_search(client, food):
    factories.initiative(name="Épicerie evil.example", themes=[food])
    factories.initiative(name="Garage", themes=[])
    link = alerts.search_link("q=evil.example&theme=alimentation")
    assert link == f"{SITE}/?q=evil%2Eexample&theme=alimentation"
    html = client.get(link.removeprefix(SITE)).content.decode()
    assert "Épicerie evil.example" in html and "Garage" not in html


def test_defang():
    assert defang("http://a.example/x", limit=60) == "http[:]//a[.]example/x"
    assert defang("a\r\nb\x00c\u202ed", limit=60) == "a b c d"
    assert defang("x" * 100, limit=10) == "x" * 9 + "…"
    assert defang("<b>@</b>", limit=60) == "‹b›[at]‹/b›"


def test_hostile_search_reaches_the_digest_defanged(food):
    # An alert stored before searches were canonical: the digest defangs it all the same.
    sub = AlertSubscription.objects.create(
        email="ana@example.org",
        query="q=Alimentation%0D%0Ahttp://evil.example/x&theme=alimentation&http://evil.example=1",
        frequency="daily",
        confirmed_at=timezone.now() - timedelta(days=3),
    )
    item = factories.initiative(name="Alimentation locale", themes=[food])
    period = alerts.last_period("daily", timezone.localdate())
    alerts._send_digest(sub, period, [item])
    (message,) = mail.outbox
    assert message.to == [sub.email] and "Alimentation locale" in message.body
    assert "Mots\u00a0: Alimentation http[:]//evil[.]example/x" in message.body  # fr typography
    assert_nothing_clickable(message)


def test_the_digest_of_a_hostile_search_is_sent_and_defanged(client, food):
    # Through the form and the sending command: the stored search still finds its matches.
    _post(client, "q=evil.example&theme=alimentation")
    sub = AlertSubscription.objects.get()
    item = factories.initiative(name="Épicerie evil.example", themes=[food])
    today = timezone.localdate()
    period = alerts.last_period("weekly", today)
    AlertSubscription.objects.update(confirmed_at=period.start - timedelta(days=1))
    type(item).objects.filter(pk=item.pk).update(updated_at=period.start + timedelta(hours=12))
    mail.outbox.clear()
    assert alerts.alerts_send(frequency="weekly", today=today)["sent"] == 1
    (message,) = mail.outbox
    assert message.to == [sub.email]
    assert f"{SITE}/?q=evil%2Eexample&theme=alimentation" in message.body
    # The initiative's own (published) name is the directory's text, not the stranger's.
    body = message.body.replace("Épicerie evil.example", "Épicerie")
    message.body = body
    assert_nothing_clickable(message)


def test_a_repost_sends_nothing_within_the_window(
    client, food, settings, django_capture_on_commit_callbacks
):
    settings.ALERT_RESEND_WINDOW = 3600
    with django_capture_on_commit_callbacks(execute=True):
        for ip in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
            assert _post(client, "theme=alimentation", ip=ip).status_code == 302
    assert len(mail.outbox) == 1
    # After the window, the owner who lost the mail may have it again.
    AlertSubscription.objects.update(confirmation_sent_at=timezone.now() - timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(client, "theme=alimentation", ip="198.51.100.4").status_code == 302
    assert len(mail.outbox) == 2


def test_a_failed_mail_may_be_sent_again_at_once(
    client, food, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.opendata.test_alerts_limits.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, "theme=alimentation")
    assert AlertSubscription.objects.get().confirmation_sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, "theme=alimentation")
    assert len(mail.outbox) == 1


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_per_recipient_limit_holds_with_the_cache_down(
    client, food, settings, django_capture_on_commit_callbacks
):
    settings.MAILS_PER_UNCONFIRMED_ADDRESS = 3
    settings.ALERT_RATE_LIMIT = 1  # per client: fails open with the cache down
    dead = redis_cache(f"redis://127.0.0.1:{free_port_in(6390, 6399)}/0")
    queries = [f"q=mot{n}" for n in range(5)] + ["theme=alimentation"]
    addresses = [VICTIM, "Victim@Example.org", "victim+1@example.org", " victim+x@example.org"]
    with override_settings(CACHES=dead), django_capture_on_commit_callbacks(execute=True):
        statuses = [
            _post(client, query, email=addresses[n % 4], ip=f"203.0.113.{n}").status_code
            for n, query in enumerate(queries)
        ]
    # The page answers the same every time: it tells no one that the limit was reached.
    assert statuses == [302] * len(queries)
    assert AlertSubscription.objects.count() == len(queries)
    assert len(mail.outbox) == 3
    assert RecipientQuota.objects.get().count == 3
    assert VICTIM not in RecipientQuota.objects.get().recipient  # a hash, not the address
    # Another address is not affected, and the quota is per day.
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, "q=autre", email="other@example.org", ip="203.0.113.99")
    assert mail.outbox[-1].to == ["other@example.org"]
    assert len(mail.outbox) == 4


def test_old_quota_rows_are_deleted(db):
    RecipientQuota.objects.create(recipient="a" * 64, day=date(2020, 1, 1), count=3)
    kept = RecipientQuota.objects.create(recipient="b" * 64, day=timezone.localdate(), count=1)
    alerts.alerts_forget_unconfirmed()
    assert list(RecipientQuota.objects.all()) == [kept]


@pytest.mark.django_db(transaction=True)
def test_per_recipient_limit_is_atomic_under_concurrency(settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises the whole database)")
    settings.MAILS_PER_UNCONFIRMED_ADDRESS = 3
    day = timezone.localdate()
    granted, barrier = [], threading.Barrier(8)

    def worker():
        from django.db import connection as own

        try:
            barrier.wait()
            granted.append(quota_take(VICTIM, day=day))
        finally:
            own.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(granted) == [False] * 5 + [True] * 3
    assert RecipientQuota.objects.get().count == 3


# --- malformed tokens ------------------------------------------------------------------------
BAD_TOKENS = ["%00", "abc%00def", "%0D%0A", "a%20b", "x" * 65, "%C3%A9t%C3%A9"]


@pytest.mark.parametrize("kind", ["confirmer", "desinscrire"])
@pytest.mark.parametrize("token", BAD_TOKENS)
def test_malformed_tokens_are_404_never_500(kind, token):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    path = f"/alertes/{kind}/{token}/"
    assert client.get(path).status_code == 404
    # The one-click unsubscribe is a CSRF-exempt POST: it too must answer 404.
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 404


@pytest.mark.parametrize("token", ["\x00", "a\x00b", "", "a/b", "x" * 65])
def test_services_refuse_malformed_tokens(token):
    AlertSubscription.objects.create(email="a@example.org", query="")
    assert alerts.alert_confirm(token=token) is None
    assert alerts.alert_unsubscribe(token=token) is False
    assert AlertSubscription.objects.count() == 1


def test_a_valid_unknown_token_is_still_404_and_unsubscribe_still_answers(client):
    token = "A" * 43
    assert client.get(f"/alertes/confirmer/{token}/").status_code == 404
    assert client.post(f"/alertes/confirmer/{token}/").status_code == 404
    assert client.get(f"/alertes/desinscrire/{token}/").status_code == 200
    assert client.post(f"/alertes/desinscrire/{token}/").status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        {"query": "theme=%00"},
        {"query": "theme=alimentation\x00"},
        {"query": "q=a\x00b&theme=alimentation"},
        {"query": "\x00=1"},
        {"email": "victim@example.org\x00"},
        {"frequency": "weekly\x00"},
    ],
)
def test_nul_bytes_in_the_form_never_500(food, data):
    client = Client(raise_request_exception=False)
    post = {"email": VICTIM, "frequency": "weekly", "query": "theme=alimentation", **data}
    response = client.post("/alertes/", post, REMOTE_ADDR="198.51.100.1")
    assert response.status_code in (302, 400)
    for query in AlertSubscription.objects.values_list("query", flat=True):
        assert "\x00" not in query and "%00" not in query


def test_the_not_found_page_is_a_page(client):
    response = client.get("/alertes/desinscrire/%00/")
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]
    assert "<h1" in response.content.decode()

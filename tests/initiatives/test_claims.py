"""Claim a record: the form, the e-mailed link, granted by domain or queued for moderators."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from essmap.typography import typeset
from initiatives.claims import links
from initiatives.claims.domains import same_organisation
from initiatives.claims.models import ManagerClaim, ManagerLink, RecordManager
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def territory(settings):
    settings.SITE_URL = "https://essmap.example.org"
    ic = factories.interco(name="CC Drôme Sud")
    place = factories.commune(interco=ic, name="Dieulefit")
    initiative = factories.initiative(
        name="Recyclerie", commune=place, website="https://www.recyclerie-dieulefit.fr/"
    )
    moderator = factories.user(intercos=[ic], role="moderator", email="mod@example.org")
    return ic, initiative, moderator


def claim(client, initiative, REMOTE_ADDR="127.0.0.1", **data):  # noqa: N803
    data = {"name": "Ana Martin", "email": "ana@recyclerie-dieulefit.fr",
            "role": "Coordinatrice", "homepage": "", **data}  # fmt: skip
    return client.post(reverse("claims:claim", args=[initiative.slug]), data,
                       REMOTE_ADDR=REMOTE_ADDR)  # fmt: skip


def link_in(message) -> str:
    return re.search(r"https://essmap\.example\.org(/gerer/lien/[^/\s]+/)", message.body).group(1)


def test_every_record_page_offers_the_claim(client, territory):
    _ic, initiative, _mod = territory
    html = client.get(initiative.get_absolute_url()).content.decode()
    assert typeset("Vous gérez cette structure ? Mettez à jour sa fiche") in html
    assert f'href="/initiatives/{initiative.slug}/gerer/"' in html
    assert client.get(f"/initiatives/{initiative.slug}/gerer/").status_code == 200


def test_claim_with_the_sites_domain_is_granted_at_once(
    client, territory, django_capture_on_commit_callbacks
):
    _ic, initiative, _mod = territory
    with django_capture_on_commit_callbacks(execute=True):
        assert claim(client, initiative).status_code == 302
    assert RecordManager.objects.count() == 0  # nothing before the address is confirmed
    assert [m.to for m in mail.outbox] == [["ana@recyclerie-dieulefit.fr"]]
    url = link_in(mail.outbox[0])
    assert client.get(url).status_code == 200  # a button: mail scanners spend nothing
    assert ManagerLink.objects.get().used_at is None
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:edit", args=[initiative.slug])
    manager = RecordManager.objects.get()
    assert (manager.initiative, manager.email, manager.granted_by) == (
        initiative, "ana@recyclerie-dieulefit.fr", None)  # fmt: skip
    assert ManagerClaim.objects.get().status == "granted"
    assert client.get(response["Location"]).status_code == 200  # signed in


def test_claim_from_another_domain_is_queued_then_accepted(
    client, territory, django_capture_on_commit_callbacks
):
    _ic, initiative, moderator = territory
    with django_capture_on_commit_callbacks(execute=True):
        claim(client, initiative, email="ana.martin@gmail.com")
    url = link_in(mail.outbox[0])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url)
    assert page.status_code == 200 and "examiner votre demande" in page.content.decode()
    assert not RecordManager.objects.exists()
    pending = ManagerClaim.objects.get()
    assert pending.status == "pending"
    assert [m.to for m in mail.outbox] == [["mod@example.org"]]
    assert f"/admin/claims/managerclaim/{pending.pk}/change/" in mail.outbox[0].body
    assert client.get(reverse("claims:edit", args=[initiative.slug])).status_code == 404

    client.force_login(moderator)
    listing = client.get(reverse("admin:claims_managerclaim_changelist")).content.decode()
    assert "Ana Martin" in listing
    assert (
        'id="accept-claim"'
        in client.get(
            reverse("admin:claims_managerclaim_change", args=[pending.pk])
        ).content.decode()
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:claims_managerclaim_accept", args=[pending.pk]))
    assert response.status_code == 302
    assert RecordManager.objects.get().granted_by == moderator
    assert [m.to for m in mail.outbox] == [["ana.martin@gmail.com"]]
    assert "acceptée" in mail.outbox[0].body and "/gerer/lien/signin." in mail.outbox[0].body


def test_refused_claim_tells_the_claimant_and_grants_nothing(
    client, territory, django_capture_on_commit_callbacks
):
    _ic, initiative, moderator = territory
    with django_capture_on_commit_callbacks(execute=True):
        claim(client, initiative, email="ana@autre-asso.fr")
    client.post(link_in(mail.outbox[0]))
    pending = ManagerClaim.objects.get(status="pending")
    client.force_login(moderator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:claims_managerclaim_refuse", args=[pending.pk]))
    assert ManagerClaim.objects.get().status == "refused"
    assert not RecordManager.objects.exists()
    assert [m.to for m in mail.outbox] == [["ana@autre-asso.fr"]]
    assert "pas accepté" in mail.outbox[0].body


def test_moderators_of_another_territory_neither_see_nor_decide(client, territory):
    _ic, initiative, _mod = territory
    pending = ManagerClaim.objects.create(initiative=initiative, name="X", email="x@a.fr",
                                          role="r", status="pending")  # fmt: skip
    other = factories.user(intercos=[factories.interco()], role="moderator")
    client.force_login(other)
    listing = client.get(reverse("admin:claims_managerclaim_changelist")).content.decode()
    assert "x@a.fr" not in listing
    response = client.post(reverse("admin:claims_managerclaim_accept", args=[pending.pk]))
    assert response.status_code == 404
    assert ManagerClaim.objects.get().status == "pending"


@pytest.mark.parametrize(
    ("email", "website", "granted"),
    [
        ("ana@recyclerie.fr", "https://www.recyclerie.fr/", True),
        ("ana@contact.recyclerie.fr", "http://recyclerie.fr", True),
        ("ana@monasso.asso.fr", "https://www.monasso.asso.fr/", True),
        ("ana@autre.asso.fr", "https://www.monasso.asso.fr/", False),
        ("ana@free.fr", "http://recyclerie.free.fr/", False),  # a free-mail provider
        ("ana@wordpress.com", "https://recyclerie.wordpress.com/", False),  # a platform
        ("ana@recyclerie.fr", "", False),
        ("ana@recyclerie.fr.evil.com", "https://recyclerie.fr/", False),
    ],
)
def test_domain_rule(email, website, granted):
    assert same_organisation(email, website) is granted


def test_link_used_twice_expired_or_tampered_is_a_clear_page(
    client, territory, django_capture_on_commit_callbacks, settings
):
    _ic, initiative, _mod = territory
    with django_capture_on_commit_callbacks(execute=True):
        claim(client, initiative)
    url = link_in(mail.outbox[0])
    assert client.post(url).status_code == 302
    for method in (client.get, client.post):
        used = method(url)
        assert used.status_code == 410 and "Ce lien a déjà servi" in used.content.decode()
    tampered = url[:-3] + ("A" if url[-3] != "A" else "B") + url[-2:]
    for bad in (tampered, "/gerer/lien/claim.x/", "/gerer/lien/nope/", "/gerer/lien/%00/",
                "/gerer/lien/signin.%00abc/"):  # fmt: skip
        page = client.post(bad)
        assert page.status_code == 404, bad
        assert typeset("Ce lien n'est pas valide") in page.content.decode()
    token = links.make(purpose="signin", email="ana@recyclerie-dieulefit.fr")
    settings.CLAIM_LINK_MAX_AGE = -1
    expired = client.post(reverse("claims:link", args=[token]))
    assert expired.status_code == 410 and "Ce lien a expiré" in expired.content.decode()


def test_honeypot_and_rate_limits_per_client_and_per_address(client, territory, settings):
    _ic, initiative, _mod = territory
    assert claim(client, initiative, homepage="http://spam").status_code == 302
    assert not ManagerClaim.objects.exists()
    settings.CLAIM_RATE_LIMIT, settings.CLAIM_RATE_LIMIT_PER_ADDRESS = 3, 2
    assert claim(client, initiative, email="a1@x.fr").status_code == 302
    assert claim(client, initiative, email="a1@x.fr", REMOTE_ADDR="10.0.0.2").status_code == 302
    # the same address from a third client: over its own limit
    assert claim(client, initiative, email="a1@x.fr", REMOTE_ADDR="10.0.0.3").status_code == 429
    assert claim(client, initiative, email="a2@x.fr").status_code == 302
    assert claim(client, initiative, email="a3@x.fr").status_code == 302  # 3rd from 127.0.0.1
    assert claim(client, initiative, email="a4@x.fr").status_code == 429  # 4th
    # A flood on this record locks out nobody else: its real manager still gets through.
    assert claim(client, initiative, email="ana@recyclerie-dieulefit.fr",
                 REMOTE_ADDR="192.0.2.7").status_code == 302  # fmt: skip


def test_a_manager_can_leave_and_a_moderator_can_remove_one(client, territory):
    _ic, initiative, moderator = territory
    ana = RecordManager.objects.create(initiative=initiative, email="ana@x.fr", name="Ana")
    bob = RecordManager.objects.create(initiative=initiative, email="bob@x.fr", name="Bob")
    session = client.session
    session["claims_manager_email"] = "ana@x.fr"
    session.save()
    assert client.post(reverse("claims:leave", args=[initiative.slug])).status_code == 200
    assert list(RecordManager.objects.all()) == [bob]
    assert client.get(reverse("claims:edit", args=[initiative.slug])).status_code == 404
    client.force_login(moderator)
    response = client.post(reverse("admin:claims_recordmanager_delete", args=[bob.pk]),
                           {"post": "yes"})  # fmt: skip
    assert response.status_code == 302
    assert not RecordManager.objects.exists()
    assert ana.pk not in RecordManager.objects.values_list("pk", flat=True)


def test_unconfirmed_claims_and_links_expire_from_the_database(client, territory):
    _ic, initiative, _mod = territory
    claim(client, initiative)
    links.make(purpose="signin", email="a@x.fr")
    assert links.forget_old() == 0 and ManagerClaim.objects.count() == 1
    later = timezone.now() + timedelta(days=61)
    assert links.forget_old(now=later) == 2
    assert not ManagerClaim.objects.exists()


def test_a_decided_claims_address_is_erased_once_told(
    client, territory, django_capture_on_commit_callbacks
):
    _ic, initiative, moderator = territory
    pending = ManagerClaim.objects.create(initiative=initiative, name="X", email="x@a.fr",
                                          role="r", status="pending")  # fmt: skip
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:claims_managerclaim_refuse", args=[pending.pk]))
    assert [m.to for m in mail.outbox] == [["x@a.fr"]]
    assert ManagerClaim.objects.get().email == ""


def test_managers_addresses_are_never_public(client, territory):
    _ic, initiative, _mod = territory
    RecordManager.objects.create(initiative=initiative, email="secret@recyclerie.fr", name="A")
    for url in (initiative.get_absolute_url(), f"/api/v1/initiatives/{initiative.slug}/",
                "/api/v1/initiatives/?format=csv", "/api/v1/initiatives/?format=geojson",
                "/api/v1/initiatives/"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response) if response.streaming else response.content
        assert b"secret@recyclerie.fr" not in body, url


def test_a_moderator_invites_a_manager_from_the_admin(
    client, territory, django_capture_on_commit_callbacks
):
    _ic, initiative, moderator = territory
    client.force_login(moderator)
    data = {"initiative": initiative.pk, "email": "Bob@Recyclerie.fr", "name": "Bob",
            "role": "Président"}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:claims_recordmanager_add"), data)
    assert response.status_code == 302
    manager = RecordManager.objects.get()
    assert (manager.email, manager.granted_by) == ("bob@recyclerie.fr", moderator)
    assert [m.to for m in mail.outbox] == [["bob@recyclerie.fr"]]
    assert client.post(link_in(mail.outbox[0]))["Location"] == reverse("claims:home")
    # an editor (not a moderator) may not
    editor = factories.user(intercos=[_ic], role="editor")
    client.force_login(editor)
    response = client.post(reverse("admin:claims_recordmanager_add"), {**data, "email": "c@x.fr"})
    assert response.status_code == 403
    assert RecordManager.objects.count() == 1


def test_a_strangers_name_reaches_the_moderators_defanged(
    client, territory, django_capture_on_commit_callbacks
):
    _ic, initiative, _mod = territory
    with django_capture_on_commit_callbacks(execute=True):
        claim(client, initiative, email="x@autre.fr", name="Gagnez sur https://spam.example")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link_in(mail.outbox[0]))
    to_mod = mail.outbox[-1]
    assert to_mod.to == ["mod@example.org"]
    assert "https://spam.example" not in to_mod.body and "spam[.]example" in to_mod.body


def test_no_claim_on_a_record_that_is_not_public(client, territory):
    _ic, initiative, _mod = territory
    from initiatives.models import Initiative

    Initiative.objects.filter(pk=initiative.pk).update(status=Initiative.Status.DRAFT)
    assert client.get(reverse("claims:claim", args=[initiative.slug])).status_code == 404
    assert claim(client, initiative).status_code == 404
    assert not ManagerClaim.objects.exists()


def test_the_records_admin_page_invites_a_manager_and_lists_records_without_one(client, territory):
    _ic, initiative, moderator = territory
    other = factories.initiative(name="Épicerie", commune=initiative.commune)
    RecordManager.objects.create(initiative=other, email="e@epicerie.fr", name="Eve")
    client.force_login(moderator)
    page = client.get(reverse("admin:initiatives_initiative_change", args=[initiative.pk]))
    html = page.content.decode()
    invite = reverse("admin:claims_recordmanager_add") + f"?initiative={initiative.pk}"
    assert invite in html
    form = client.get(invite).content.decode()  # the record comes chosen in the form
    assert f'<option value="{initiative.pk}" selected>' in form
    changelist = reverse("admin:initiatives_initiative_changelist")
    without = client.get(changelist, {"gestion": "without"}).context["cl"].result_list
    with_one = client.get(changelist, {"gestion": "with"}).context["cl"].result_list
    assert [i.pk for i in without] == [initiative.pk]
    assert [i.pk for i in with_one] == [other.pk]
    # an editor sees neither the invitation nor the count
    editor = factories.user(intercos=[_ic], role="editor")
    client.force_login(editor)
    page = client.get(reverse("admin:initiatives_initiative_change", args=[initiative.pk]))
    assert invite not in page.content.decode()

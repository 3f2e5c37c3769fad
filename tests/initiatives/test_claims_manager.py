"""A manager's page: edits through the write rules, only their own record."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from initiatives.claims.models import ManagerLink, RecordManager
from initiatives.models import Initiative
from initiatives.opendata.models import ChangeReport
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def territory(settings):
    settings.SITE_URL = "https://essmap.example.org"
    ic = factories.interco(name="CC Drôme Sud")
    place = factories.commune(interco=ic, name="Dieulefit")
    a = factories.initiative(name="Recyclerie", commune=place, description="Ancienne.")
    b = factories.initiative(name="Épicerie solidaire", commune=place, description="B.")
    factories.user(intercos=[ic], role="moderator", email="mod@example.org")
    manager = RecordManager.objects.create(initiative=a, email="ana@recyclerie.fr", name="Ana")
    return a, b, manager


def sign_in(client, email="ana@recyclerie.fr"):
    session = client.session
    session["claims_manager_email"] = email
    session.save()


def form_of(initiative, **changes):
    data = {name: getattr(initiative, name) or "" for name in (
        "description", "email", "phone", "website", "opening_hours", "audience",
        "access_conditions", "name", "siret", "address", "postcode")}  # fmt: skip
    data["version"] = initiative.updated_at.isoformat()
    return {**data, **changes}


def test_manager_edits_hours_in_french_and_description(
    client, territory, django_capture_on_commit_callbacks
):
    a, _b, manager = territory
    sign_in(client)
    url = reverse("claims:edit", args=[a.slug])
    assert client.get(url).status_code == 200
    data = form_of(a, description="Dépôt et revente d'objets.",
                   opening_hours="lundi-vendredi 9h-12h 14h-18h",
                   audience="Tout public", access_conditions="Entrée libre")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    a.refresh_from_db()
    assert a.opening_hours == "Mo-Fr 09:00-12:00,14:00-18:00"
    assert a.description == "Dépôt et revente d'objets."
    assert (a.audience, a.access_conditions) == ("Tout public", "Entrée libre")
    public = client.get(a.get_absolute_url()).content.decode()
    assert "Dépôt et revente d" in public and "Entrée libre" in public
    assert "ana@recyclerie.fr" not in public  # a manager's address is never public
    assert [m.to for m in mail.outbox] == [["mod@example.org"]]
    assert "gestionnaire de la structure" in mail.outbox[0].body
    last = a.history.first()
    assert last.history_user is None
    assert last.history_change_reason == f"Ana (gestionnaire de la structure, n° {manager.pk})"
    assert not ChangeReport.objects.exists()
    page = client.get(url).content.decode()
    assert "Publié\xa0:" in page  # the typeset French catalog


def test_name_change_is_queued_as_a_diff_not_published(
    client, territory, django_capture_on_commit_callbacks
):
    a, _b, _manager = territory
    sign_in(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("claims:edit", args=[a.slug]),
                               form_of(a, name="La Recyclerie de Dieulefit"))  # fmt: skip
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.name == "Recyclerie"
    report = ChangeReport.objects.get()
    assert (report.field, report.current_value, report.proposed_value, report.from_manager) == (
        "name", "Recyclerie", "La Recyclerie de Dieulefit", True)  # fmt: skip
    assert "mod@example.org" in [m.to[0] for m in mail.outbox]


def test_manager_of_a_cannot_touch_b(client, territory):
    a, b, _manager = territory
    sign_in(client)
    for url in (reverse("claims:edit", args=[b.slug]), reverse("claims:exact", args=[b.slug]),
                reverse("claims:leave", args=[b.slug])):  # fmt: skip
        assert client.get(url).status_code in (404, 405)
        assert client.post(url, form_of(b, description="Piraté")).status_code == 404
    b.refresh_from_db()
    assert b.description == "B." and b.verified_at is None
    home = client.get(reverse("claims:home")).content.decode()
    assert a.name in home and b.name not in home


def test_no_session_no_access_and_drafts_are_out_of_reach(client, territory):
    a, _b, _manager = territory
    assert client.get(reverse("claims:edit", args=[a.slug])).status_code == 404
    assert client.post(reverse("claims:edit", args=[a.slug]), form_of(a)).status_code == 404
    assert client.get(reverse("claims:home"))["Location"] == reverse("claims:signin")
    sign_in(client)
    Initiative.objects.filter(pk=a.pk).update(status=Initiative.Status.DRAFT)
    assert client.get(reverse("claims:edit", args=[a.slug])).status_code == 404


def test_toujours_exact_confirms_through_the_write_authority(client, territory):
    a, _b, _manager = territory
    sign_in(client)
    response = client.post(reverse("claims:exact", args=[a.slug]))
    assert response.status_code == 200
    a.refresh_from_db()
    assert a.verified_at == timezone.localdate() and a.confirmed_by_structure
    public = client.get(a.get_absolute_url()).content.decode()
    assert "Fiche confirmée par la structure le" in public


def test_sign_in_link_by_email(client, territory, settings):
    a, _b, _manager = territory
    response = client.post(reverse("claims:signin"), {"email": "ANA@recyclerie.fr",
                                                      "homepage": ""})  # fmt: skip
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["ANA@recyclerie.fr"]]
    token = ManagerLink.objects.get().purpose
    assert token == "signin"
    # an address that manages nothing: the same answer, no mail
    client.post(reverse("claims:signin"), {"email": "nobody@x.fr", "homepage": ""})
    assert len(mail.outbox) == 1
    path = mail.outbox[0].body.split("https://essmap.example.org", 1)[1].split()[0]
    assert client.post(path)["Location"] == reverse("claims:home")
    assert a.name in client.get(reverse("claims:home")).content.decode()
    assert client.post(path).status_code == 410


def test_manager_cannot_set_fields_outside_the_table(territory):
    from initiatives import rules, rules_manager

    a, _b, manager = territory
    with pytest.raises(rules.WriteForbidden):
        rules_manager.manager_plan(manager=manager, current=a, values={"status": "archived"})
    with pytest.raises(Initiative.DoesNotExist):
        rules_manager.manager_plan(manager=manager, current=_b_of(territory), values={})


def _b_of(territory):
    return territory[1]


def test_invalid_hours_are_refused_with_a_message(client, territory):
    a, _b, _manager = territory
    sign_in(client)
    response = client.post(reverse("claims:edit", args=[a.slug]),
                           form_of(a, opening_hours="quand on peut"))  # fmt: skip
    assert response.status_code == 400
    assert "Horaires illisibles" in response.content.decode()


def test_an_edit_from_an_older_version_is_refused_and_nothing_is_lost(client, territory):
    a, _b, _manager = territory
    sign_in(client)
    stale_form = form_of(a, description="Ma version")
    from initiatives.services import initiative_update

    initiative_update(initiative=Initiative.objects.get(pk=a.pk), description="Par l'équipe")
    response = client.post(reverse("claims:edit", args=[a.slug]), stale_form)
    assert response.status_code == 409
    assert "Cette fiche a été modifiée" in response.content.decode()
    a.refresh_from_db()
    assert a.description == "Par l'équipe"


def test_sign_in_requests_are_limited_per_client_and_per_address(client, territory, settings):
    settings.CLAIM_RATE_LIMIT, settings.CLAIM_RATE_LIMIT_PER_ADDRESS = 5, 2
    url = reverse("claims:signin")
    for n in range(2):
        assert client.post(url, {"email": "ana@recyclerie.fr"},
                           REMOTE_ADDR=f"10.0.0.{n}").status_code == 302  # fmt: skip
    assert client.post(url, {"email": "ana@recyclerie.fr"},
                       REMOTE_ADDR="10.0.0.9").status_code == 429  # fmt: skip
    assert len(mail.outbox) == 2
    # IPv6: one /64 is one client
    for n in range(3):
        assert client.post(url, {"email": f"x{n}@y.fr"},
                           REMOTE_ADDR=f"2001:db8:1:2::{n + 1}").status_code == 302  # fmt: skip
    assert client.post(url, {"email": "x9@y.fr"}, REMOTE_ADDR="2001:db8:1:2::ff").status_code == 302
    assert client.post(url, {"email": "x8@y.fr"},
                       REMOTE_ADDR="2001:db8:1:2:ffff::1").status_code == 302  # fmt: skip
    assert client.post(url, {"email": "x7@y.fr"},
                       REMOTE_ADDR="2001:db8:1:2::77").status_code == 429  # fmt: skip


def test_manager_pages_in_english(client, territory):
    a, _b, _manager = territory
    sign_in(client)
    try:
        html = client.get("/en" + reverse("claims:edit", args=[a.slug])).content.decode()
        claim_page = client.get(f"/en/initiatives/{a.slug}/gerer/").content.decode()
    finally:
        translation.activate("fr")  # the middleware left English active in this thread
    assert "Published at once" in html and "Stop managing this record" in html
    assert "Do you run this structure? Update its record" in claim_page


def test_the_same_proposal_saved_twice_is_queued_once(client, territory):
    a, _b, _manager = territory
    sign_in(client)
    url = reverse("claims:edit", args=[a.slug])
    client.post(url, form_of(a, address="2 rue Neuve"))
    a.refresh_from_db()
    client.post(url, form_of(a, address="2 rue Neuve"))
    assert ChangeReport.objects.filter(field="address").count() == 1
    assert "Transmis aux modérateur·rices" in client.get(url).content.decode()

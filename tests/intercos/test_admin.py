"""Territories are read-only for staff; memberships are managed by superusers only."""

import pytest
from django.urls import reverse

from intercos.models import IntercoMembership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    ic_a = factories.interco(name="CC du Crestois")
    ic_b = factories.interco(name="CA Privas")
    commune = factories.commune(name="Crest", interco=ic_a)
    staff = factories.user(intercos=[ic_a], username="alice")
    root = factories.user(superuser=True, username="root")
    return ic_a, ic_b, commune, staff, root


def test_staff_reads_intercos_and_communes(client, data):
    ic_a, ic_b, commune, staff, _ = data
    client.force_login(staff)
    assert client.get(reverse("admin:intercos_interco_changelist")).status_code == 200
    response = client.get(reverse("admin:intercos_interco_change", args=[ic_b.pk]))
    assert response.status_code == 200
    assert b'name="name"' not in response.content  # view-only page, no form field
    assert (
        client.get(reverse("admin:intercos_commune_change", args=[commune.pk])).status_code == 200
    )


def test_staff_cannot_change_territories(client, data):
    ic_a, _, commune, staff, _ = data
    client.force_login(staff)
    response = client.post(
        reverse("admin:intercos_interco_change", args=[ic_a.pk]),
        {"name": "Renommée", "slug": ic_a.slug, "kind": "CC", "siren": ic_a.siren},
    )
    assert response.status_code == 403
    ic_a.refresh_from_db()
    assert ic_a.name == "CC du Crestois"
    assert client.get(reverse("admin:intercos_commune_add")).status_code == 403
    delete = reverse("admin:intercos_commune_delete", args=[commune.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def test_staff_cannot_give_themselves_another_interco(client, data):
    _, ic_b, _, staff, _ = data
    client.force_login(staff)
    add = reverse("admin:intercos_intercomembership_add")
    response = client.post(add, {"user": staff.pk, "interco": ic_b.pk, "role": "moderator"})
    assert response.status_code == 403
    assert client.get(reverse("admin:intercos_intercomembership_changelist")).status_code == 403
    own = staff.interco_memberships.get()
    change = reverse("admin:intercos_intercomembership_change", args=[own.pk])
    response = client.post(change, {"user": staff.pk, "interco": ic_b.pk, "role": "moderator"})
    assert response.status_code == 403
    assert list(staff.interco_memberships.values_list("interco", flat=True)) == [own.interco_id]
    # nor through the user page
    user_change = reverse("admin:auth_user_change", args=[staff.pk])
    assert client.get(user_change).status_code == 403


def test_superuser_manages_memberships(client, data):
    _, ic_b, _, staff, root = data
    client.force_login(root)
    add = reverse("admin:intercos_intercomembership_add")
    response = client.post(add, {"user": staff.pk, "interco": ic_b.pk, "role": "editor"})
    assert response.status_code == 302
    assert IntercoMembership.objects.filter(user=staff, interco=ic_b).exists()
    user_change = reverse("admin:auth_user_change", args=[staff.pk])
    body = client.get(user_change).content.decode()
    assert "interco_memberships-TOTAL_FORMS" in body


def test_superuser_edits_territories(client, data):
    ic_a, *_, root = data
    client.force_login(root)
    response = client.get(reverse("admin:intercos_interco_change", args=[ic_a.pk]))
    assert b'name="name"' in response.content


def test_admin_index_lists_apps_for_staff(client, data):
    *_, staff, _ = data
    client.force_login(staff)
    body = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:initiatives_initiative_changelist") in body
    assert reverse("admin:intercos_commune_changelist") in body
    assert reverse("admin:intercos_intercomembership_changelist") not in body

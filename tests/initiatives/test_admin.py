"""The staff workspace is scoped: staff of interco A never see or change interco B's records."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from initiatives.models import Initiative, KeyFigure, Partnership
from tests import factories

pytestmark = pytest.mark.django_db

CREST = (44.7286, 5.0228)
PRIVAS = (44.7353, 4.5987)


@pytest.fixture
def world():
    drome = factories.departement("26", "Drôme")
    ardeche = factories.departement("07", "Ardèche")
    ic_a = factories.interco(name="CC du Crestois", slug="cc-crestois", departements=[drome])
    ic_b = factories.interco(name="CA Privas", slug="ca-privas", departements=[ardeche])
    crest = factories.commune(
        name="Crest",
        insee="26108",
        postcodes="26400",
        departement=drome,
        interco=ic_a,
        centre_lat=CREST[0],
        centre_lon=CREST[1],
    )
    privas = factories.commune(
        name="Privas",
        insee="07186",
        postcodes="07000",
        departement=ardeche,
        interco=ic_b,
        centre_lat=PRIVAS[0],
        centre_lon=PRIVAS[1],
    )
    mine = factories.initiative(name="Recyclerie de Crest", commune=crest, postcode="26400")
    theirs = factories.initiative(name="Épicerie de Privas", commune=privas, postcode="07000")
    pending_theirs = factories.initiative(
        name="Jardin partagé de Privas", commune=privas, status=Initiative.Status.PENDING
    )
    return SimpleNamespace(
        ic_a=ic_a,
        ic_b=ic_b,
        crest=crest,
        privas=privas,
        mine=mine,
        theirs=theirs,
        pending_theirs=pending_theirs,
        staff_a=factories.user(intercos=[ic_a], role="moderator", username="alice"),
        staff_b=factories.user(intercos=[ic_b], role="moderator", username="bob"),
        root=factories.user(superuser=True, username="root"),
    )


def url(name, *args):
    return reverse(f"admin:initiatives_initiative_{name}", args=args)


def form_data(initiative=None, **overrides):
    """A complete POST body for the initiative change form (inlines empty)."""
    data = {
        "name": "Nouvelle initiative",
        "summary": "",
        "description": "",
        "kind": "structure",
        "legal_form": "association",
        "status": "draft",
        "address": "",
        "postcode": "",
        "latitude": "",
        "longitude": "",
        "website": "",
        "email": "",
        "phone": "",
        "opening_hours": "",
        "siret": "",
        "rna": "",
        "verified_by": "",
        "article_note": "",
        "proposer_name": "",
        "proposer_email": "",
        "rejection_reason": "",
        "partnerships-TOTAL_FORMS": "0",
        "partnerships-INITIAL_FORMS": "0",
        "figures-TOTAL_FORMS": "0",
        "figures-INITIAL_FORMS": "0",
    }
    if initiative is not None:
        data.update(
            name=initiative.name,
            kind=initiative.kind,
            legal_form=initiative.legal_form,
            status=initiative.status,
            postcode=initiative.postcode,
            commune=initiative.commune_id or "",
        )
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- list ---------------------------------------------------------------------------------


def test_changelist_shows_only_own_territory(client, world):
    client.force_login(world.staff_a)
    response = client.get(url("changelist"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Recyclerie de Crest" in body
    assert "Épicerie de Privas" not in body
    assert "Jardin partagé de Privas" not in body


def test_changelist_superuser_sees_everything(client, world):
    client.force_login(world.root)
    body = client.get(url("changelist")).content.decode()
    assert "Recyclerie de Crest" in body and "Épicerie de Privas" in body


def test_changelist_interco_filter_lists_only_own_intercos(client, world):
    client.force_login(world.staff_a)
    body = client.get(url("changelist")).content.decode()
    assert "CC du Crestois" in body
    assert "CA Privas" not in body


def test_staff_without_interco_has_no_access(client, world):
    client.force_login(factories.user(username="nobody"))
    assert client.get(url("changelist")).status_code == 403


def test_initiative_covering_territory_is_visible(client, world):
    covering = factories.initiative(name="Réseau départemental", coverage=[world.ic_a])
    client.force_login(world.staff_a)
    assert client.get(url("change", covering.pk)).status_code == 200


# --- change / delete / history by URL -------------------------------------------------------


@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_other_territory_record_by_url_is_refused(client, world, view):
    client.force_login(world.staff_a)
    response = client.get(url(view, world.theirs.pk))
    assert response.status_code == 404
    assert b'name="name"' not in response.content


@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_superuser_reaches_every_record(client, world, view):
    client.force_login(world.root)
    assert client.get(url(view, world.theirs.pk)).status_code == 200


@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_own_record_views_open(client, world, view):
    client.force_login(world.staff_a)
    assert client.get(url(view, world.mine.pk)).status_code == 200


def test_change_post_on_other_territory_changes_nothing(client, world):
    client.force_login(world.staff_a)
    data = form_data(world.theirs, name="Piraté")
    response = client.post(url("change", world.theirs.pk), data)
    assert response.status_code == 404
    world.theirs.refresh_from_db()
    assert world.theirs.name == "Épicerie de Privas"


def test_delete_post_on_other_territory_deletes_nothing(client, world):
    client.force_login(world.staff_a)
    response = client.post(url("delete", world.theirs.pk), {"post": "yes"})
    assert response.status_code == 404
    assert Initiative.objects.filter(pk=world.theirs.pk).exists()


def test_delete_own_record(client, world):
    client.force_login(world.staff_a)
    response = client.post(url("delete", world.mine.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Initiative.objects.filter(pk=world.mine.pk).exists()


def test_bulk_delete_action_ignores_other_territory_ids(client, world):
    client.force_login(world.staff_a)
    client.post(
        url("changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [world.mine.pk, world.theirs.pk],
            "post": "yes",
        },
    )
    assert Initiative.objects.filter(pk=world.theirs.pk).exists()
    assert not Initiative.objects.filter(pk=world.mine.pk).exists()


def test_history_of_deleted_other_record_is_refused(client, world):
    pk = world.theirs.pk
    world.theirs.delete()
    client.force_login(world.staff_a)
    assert client.get(url("history", pk)).status_code == 404  # as for any missing record


def test_history_revert_form_of_other_territory_is_refused(client, world):
    version = world.theirs.history.first()
    client.force_login(world.staff_a)
    response = client.get(url("simple_history", world.theirs.pk, version.history_id))
    assert response.status_code == 404  # as for a missing record: no existence oracle


# --- add ------------------------------------------------------------------------------------


def test_add_form_offers_only_own_communes_and_intercos(client, world):
    client.force_login(world.staff_a)
    response = client.get(url("add"))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.fields["commune"].queryset) == [world.crest]
    assert list(form.fields["coverage"].queryset) == [world.ic_a]
    assert list(form.fields["carried_by_interco"].queryset) == [world.ic_a]


def test_add_in_own_commune(client, world):
    client.force_login(world.staff_a)
    data = form_data(commune=world.crest.pk, postcode="26400", name="Atelier vélo de Crest")
    response = client.post(url("add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = Initiative.objects.get(name="Atelier vélo de Crest")
    assert created.slug == "atelier-velo-de-crest"
    assert created.search_name == "atelier velo de crest"  # written through the services
    assert created.history.first().history_user == world.staff_a


def test_add_in_other_commune_is_refused(client, world):
    client.force_login(world.staff_a)
    data = form_data(commune=world.privas.pk, name="Hors territoire")
    response = client.post(url("add"), data)
    assert response.status_code == 200
    assert "commune" in response.context["adminform"].form.errors
    assert not Initiative.objects.filter(name="Hors territoire").exists()


def test_add_covering_other_interco_is_refused(client, world):
    client.force_login(world.staff_a)
    data = form_data(name="Hors territoire", coverage=[world.ic_b.pk])
    response = client.post(url("add"), data)
    assert response.status_code == 200
    assert not Initiative.objects.filter(name="Hors territoire").exists()


def test_add_without_any_territory_is_refused(client, world):
    client.force_login(world.staff_a)
    response = client.post(url("add"), form_data(name="Nulle part"))
    assert response.status_code == 200
    assert "votre intercommunalité" in str(response.context["adminform"].form.non_field_errors())
    assert not Initiative.objects.filter(name="Nulle part").exists()


def test_superuser_adds_anywhere(client, world):
    client.force_login(world.root)
    data = form_data(commune=world.privas.pk, name="Ressourcerie de Privas")
    response = client.post(url("add"), data)
    assert response.status_code == 302
    assert Initiative.objects.filter(name="Ressourcerie de Privas").exists()


def test_editing_keeps_other_intercos_coverage(client, world):
    shared = factories.initiative(name="Réseau", coverage=[world.ic_a, world.ic_b])
    client.force_login(world.staff_a)
    data = form_data(shared, summary="Mis à jour", coverage=[world.ic_a.pk, world.ic_b.pk])
    response = client.post(url("change", shared.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    shared.refresh_from_db()
    assert shared.summary == "Mis à jour"
    assert set(shared.coverage.all()) == {world.ic_a, world.ic_b}


# --- export / review queue ----------------------------------------------------------------


def test_export_contains_only_own_territory(client, world):
    client.force_login(world.staff_a)
    response = client.get(url("export"))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert "Recyclerie de Crest" in body
    assert "Privas" not in body


def test_export_superuser_contains_everything(client, world):
    client.force_login(world.root)
    body = b"".join(client.get(url("export")).streaming_content).decode()
    assert "Recyclerie de Crest" in body and "Épicerie de Privas" in body


def test_export_follows_list_filters(client, world):
    client.force_login(world.root)
    response = client.get(url("export") + "?status__exact=pending")
    body = b"".join(response.streaming_content).decode()
    assert "Jardin partagé de Privas" in body
    assert "Recyclerie de Crest" not in body


def test_export_with_bad_filter_redirects(client, world):
    client.force_login(world.root)
    response = client.get(url("export") + "?nonsense__exact=1")
    assert response.status_code == 302


def test_review_queue_is_scoped(client, world):
    pending_mine = factories.initiative(
        name="Proposition de Crest", commune=world.crest, status=Initiative.Status.PENDING
    )
    client.force_login(world.staff_a)
    response = client.get(url("review"), follow=True)
    assert response.status_code == 200
    listed = list(response.context["cl"].result_list)
    assert listed == [pending_mine]


def test_review_queue_superuser_sees_all_pending(client, world):
    client.force_login(world.root)
    response = client.get(url("review"), follow=True)
    assert list(response.context["cl"].result_list) == [world.pending_theirs]


@pytest.mark.parametrize("view", ["publish", "reject"])
def test_moderation_of_other_territory_is_refused(client, world, view):
    client.force_login(world.staff_a)
    response = client.post(url(view, world.pending_theirs.pk), {"reason": "Non"})
    assert response.status_code == 404
    world.pending_theirs.refresh_from_db()
    assert world.pending_theirs.status == Initiative.Status.PENDING


def test_publish_action_ignores_other_territory(client, world):
    client.force_login(world.staff_a)
    client.post(
        url("changelist"),
        {"action": "publish_selected", "_selected_action": [world.pending_theirs.pk]},
    )
    world.pending_theirs.refresh_from_db()
    assert world.pending_theirs.status == Initiative.Status.PENDING


# --- partnerships and key figures -----------------------------------------------------------


@pytest.fixture
def related(world):
    return SimpleNamespace(
        p_mine=factories.partnership(initiative=world.mine, partner_interco=world.ic_a),
        p_theirs=factories.partnership(initiative=world.theirs, partner_interco=world.ic_b),
        f_mine=factories.key_figure(label="Tonnes réemployées", initiative=world.mine),
        f_theirs=factories.key_figure(label="Clients servis", initiative=world.theirs),
        f_interco_b=factories.key_figure(label="Emplois ESS Privas", interco=world.ic_b),
    )


def test_partnership_admin_is_scoped(client, world, related):
    client.force_login(world.staff_a)
    changelist = reverse("admin:initiatives_partnership_changelist")
    listed = list(client.get(changelist).context["cl"].result_list)
    assert listed == [related.p_mine]
    other = reverse("admin:initiatives_partnership_change", args=[related.p_theirs.pk])
    assert client.get(other).status_code == 404
    mine = reverse("admin:initiatives_partnership_change", args=[related.p_mine.pk])
    assert client.get(mine).status_code == 200


def test_partnership_cannot_be_attached_to_other_territory(client, world, related):
    client.force_login(world.staff_a)
    response = client.post(
        reverse("admin:initiatives_partnership_add"),
        {"initiative": world.theirs.pk, "partner_interco": world.ic_a.pk, "kind": "funding"},
    )
    assert response.status_code == 200
    assert "initiative" in response.context["adminform"].form.errors
    assert Partnership.objects.count() == 2


def test_key_figure_admin_is_scoped(client, world, related):
    client.force_login(world.staff_a)
    changelist = reverse("admin:initiatives_keyfigure_changelist")
    listed = set(client.get(changelist).context["cl"].result_list)
    assert listed == {related.f_mine}
    for figure in (related.f_theirs, related.f_interco_b):
        change = reverse("admin:initiatives_keyfigure_change", args=[figure.pk])
        assert client.get(change).status_code == 404


def test_key_figure_needs_a_scope_for_staff(client, world, related):
    client.force_login(world.staff_a)
    response = client.post(
        reverse("admin:initiatives_keyfigure_add"),
        {"label": "Sans portée", "value": "3", "source": related.f_mine.source_id, "position": 0},
    )
    assert response.status_code == 200
    assert not KeyFigure.objects.filter(label="Sans portée").exists()


def test_superuser_sees_every_key_figure(client, world, related):
    client.force_login(world.root)
    changelist = reverse("admin:initiatives_keyfigure_changelist")
    assert len(client.get(changelist).context["cl"].result_list) == 3


def test_inline_partnership_saved_with_initiative(client, world, related):
    client.force_login(world.staff_a)
    data = form_data(
        world.mine,
        **{
            "partnerships-TOTAL_FORMS": "1",
            "partnerships-INITIAL_FORMS": "0",
            "partnerships-0-kind": "pooling",
            "partnerships-0-partner_initiative": world.theirs.pk,
        },
    )
    response = client.post(url("change", world.mine.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Partnership.objects.filter(initiative=world.mine, kind="pooling").exists()


def test_inline_partner_must_be_published_or_own(client, world, related):
    client.force_login(world.staff_a)
    data = form_data(
        world.mine,
        **{
            "partnerships-TOTAL_FORMS": "1",
            "partnerships-INITIAL_FORMS": "0",
            "partnerships-0-kind": "pooling",
            "partnerships-0-partner_initiative": world.pending_theirs.pk,  # B's unpublished
        },
    )
    response = client.post(url("change", world.mine.pk), data)
    assert response.status_code == 200
    assert not Partnership.objects.filter(partner_initiative=world.pending_theirs).exists()


def test_raw_id_fields_do_not_name_another_territory_s_drafts(client, world):
    client.force_login(world.staff_a)
    secret = world.pending_theirs.name  # B's suggestion, typed by id
    partner = {
        "partnerships-TOTAL_FORMS": "1",
        "partnerships-0-kind": "pooling",
        "partnerships-0-partner_initiative": world.pending_theirs.pk,
    }
    for data in (
        form_data(world.mine, carried_by=world.pending_theirs.pk),
        form_data(world.mine, **partner),
    ):
        response = client.post(url("change", world.mine.pk), data)
        assert response.status_code == 200  # refused: not among the choices
        assert secret not in response.content.decode()
    # a record one may choose (any published one) is still named
    response = client.post(
        url("change", world.mine.pk), form_data(world.mine, carried_by=world.theirs.pk)
    )
    assert response.status_code == 302
    assert world.theirs.name in client.get(url("change", world.mine.pk)).content.decode()


# --- the form page ------------------------------------------------------------------------


def test_change_form_has_map_config_and_no_inline_script(client, world):
    import json
    import re

    client.force_login(world.staff_a)
    response = client.get(url("change", world.mine.pk))
    body = response.content.decode()
    config = json.loads(
        re.search(
            r'<script id="admin-map-config" type="application/json">(.*?)</script>', body, re.S
        ).group(1)  # fmt: skip
    )
    assert config["communeCentres"] == {world.crest.pk: list(CREST)}  # own communes only
    assert config["geocoderUrl"]
    assert 'id="essmap-map"' in body
    assert "leaflet/leaflet.js" in body and "initiatives/js/admin_map.js" in body
    for tag in re.findall(r"<script[^>]*>", body):
        assert "src=" in tag or "application/json" in tag, tag

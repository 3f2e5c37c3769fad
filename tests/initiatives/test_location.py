"""The approximate point (the commune's centre) is decided once, for every write path."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from initiatives.imports import import_apply
from initiatives.models import Initiative
from initiatives.services import initiative_create, initiative_update, points_settle
from tests import factories
from tests.initiatives.test_admin import form_data

pytestmark = pytest.mark.django_db

CREST = (44.7286, 5.0228)
DIE = (44.7536, 5.3703)


@pytest.fixture
def world():
    drome = factories.departement("26", "Drôme")
    ic = factories.interco(name="CC du Crestois", departements=[drome])
    crest = factories.commune(name="Crest", insee="26108", postcodes="26400", departement=drome,
                              interco=ic, centre_lat=CREST[0], centre_lon=CREST[1])  # fmt: skip
    die = factories.commune(name="Die", insee="26113", postcodes="26150", departement=drome,
                            interco=ic, centre_lat=DIE[0], centre_lon=DIE[1])  # fmt: skip
    factories.theme("alimentation", "Alimentation")
    admin = factories.user(superuser=True, username="root")
    factories.user(intercos=[ic], role="moderator", email="moderation@cc.fr")
    return {"crest": crest, "die": die, "admin": admin}


# --- one case, every write path ---------------------------------------------------------------
def by_service(world, name):
    initiative_create(name=name, commune=world["crest"], status="published")


def by_import(world, name):
    csv = f"nom;commune_insee;statut\n{name};26108;publiée\n".encode()
    report = import_apply(user=world["admin"], filename="liste.csv", content=csv)
    assert report.applied, [r.errors for r in report.rows] + report.file_errors


def by_api(world, name):
    api = APIClient()
    token, _ = Token.objects.get_or_create(user=world["admin"])
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.post("/api/v1/initiatives/", {"name": name, "commune": "26108"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["approximate_point"] is True


def by_suggestion(world, name, client):
    data = {
        "name": name, "summary": "", "commune": "26108", "themes": [], "website": "",
        "phone": "", "proposer_name": "Dominique", "proposer_email": "d@example.org",
        "homepage": "",
    }  # fmt: skip
    response = client.post(reverse("propose"), data)
    assert response.status_code == 302, response.context["form"].errors


def by_admin(world, name, client):
    client.force_login(world["admin"])
    response = client.post(
        reverse("admin:initiatives_initiative_add"), form_data(name=name, commune="26108")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors


PATHS = {"service": by_service, "import": by_import, "api": by_api}
CLIENT_PATHS = {"suggestion": by_suggestion, "admin": by_admin}


@pytest.mark.parametrize("path", [*PATHS, *CLIENT_PATHS])
def test_a_commune_without_coordinates_gets_its_centre_flagged_on_every_path(world, client, path):
    name = f"Cantine solidaire ({path})"
    if path in PATHS:
        PATHS[path](world, name)
    else:
        CLIENT_PATHS[path](world, name, client)
    created = Initiative.objects.get(name=name)
    assert (created.latitude, created.longitude) == CREST
    assert created.approximate_point is True
    assert created.address == ""  # never an invented address


def test_given_coordinates_are_exact(world):
    created = initiative_create(name="Atelier", commune=world["crest"], latitude=44.7, longitude=5)
    assert (created.latitude, created.longitude, created.approximate_point) == (44.7, 5, False)


def test_an_untouched_approximate_point_follows_the_commune(world):
    created = initiative_create(name="Atelier", commune=world["crest"])
    # The admin form and the API send the stored point back unchanged with the new commune.
    initiative_update(initiative=created, commune=world["die"], latitude=CREST[0],
                      longitude=CREST[1])  # fmt: skip
    assert (created.latitude, created.longitude, created.approximate_point) == (*DIE, True)
    # A point somebody moved is an address: exact from then on.
    initiative_update(initiative=created, latitude=44.76, longitude=5.37)
    assert (created.latitude, created.longitude, created.approximate_point) == (44.76, 5.37, False)


def test_no_commune_no_point(world):
    created = initiative_create(name="Réseau régional")
    assert (created.latitude, created.longitude, created.approximate_point) == (None, None, False)


def test_settling_stored_records_follows_new_centres(world):
    created = initiative_create(name="Atelier", commune=world["crest"])
    exact = initiative_create(name="Boutique", commune=world["crest"], latitude=44.7, longitude=5)
    world["crest"].__class__.objects.filter(pk="26108").update(centre_lat=44.73, centre_lon=5.03)
    assert points_settle() == 1
    created.refresh_from_db()
    exact.refresh_from_db()
    assert (created.latitude, created.longitude) == (44.73, 5.03)
    assert (exact.latitude, exact.longitude) == (44.7, 5)


def test_the_page_says_the_point_is_approximate(world, client):
    created = initiative_create(name="Atelier", commune=world["crest"], status="published")
    body = client.get(reverse("initiatives:detail", args=[created.slug])).content.decode()
    assert "position approximative : centre de la commune" in body.replace("\u00a0", " ")

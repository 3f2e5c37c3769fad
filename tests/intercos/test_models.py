import pytest

from intercos.models import Commune, Departement, Interco, IntercoMembership, IntercoPredecessor
from tests import factories
from tests.helpers import assert_db_refuses

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["7", "070", "2C", "AB", "999"])
def test_departement_code_format(code):
    assert_db_refuses(lambda: Departement.objects.create(code=code, name="X"))


@pytest.mark.parametrize("code", ["07", "2A", "2B", "971", "976"])
def test_departement_valid_codes(code):
    Departement(code=code, name="X").full_clean()  # the model's validation accepts it
    Departement.objects.create(code=code, name="X")  # and so does the database
    assert Departement.objects.get(pk=code).code == code


@pytest.mark.parametrize("siren", ["20007141", "2000714130", "20007141X"])
def test_interco_siren_format(siren):
    assert_db_refuses(lambda: Interco.objects.create(siren=siren, name="X", slug="x", kind="CC"))


@pytest.mark.parametrize("insee", ["7338", "073380", "2C001", "0733X"])
def test_commune_insee_format(insee):
    dep = factories.departement()
    assert_db_refuses(
        lambda: Commune.objects.create(insee=insee, name="X", search_name="x", departement=dep)
    )


def test_corsican_insee_is_valid():
    dep = factories.departement("2A", "Corse-du-Sud")
    ajaccio = Commune(insee="2A004", name="Ajaccio", search_name="ajaccio", departement=dep)
    ajaccio.full_clean()
    ajaccio.save()
    stored = Commune.objects.get(pk="2A004")
    assert (stored.name, stored.departement_id) == ("Ajaccio", "2A")


@pytest.mark.parametrize(("lat", "lon"), [(91, 4.8), (-91, 4.8), (44.9, 181), (44.9, None)])
def test_commune_centre_must_be_a_valid_point(lat, lon):
    assert_db_refuses(lambda: factories.commune(centre_lat=lat, centre_lon=lon))


def test_interco_slug_unique():
    factories.interco(slug="same")
    assert_db_refuses(lambda: factories.interco(slug="same"))


def test_predecessor_unique_per_interco_and_siren_format():
    ic = factories.interco()
    IntercoPredecessor.objects.create(interco=ic, name="CC du Pays de Vernoux")
    assert_db_refuses(
        lambda: IntercoPredecessor.objects.create(interco=ic, name="CC du Pays de Vernoux")
    )
    assert_db_refuses(
        lambda: IntercoPredecessor.objects.create(interco=ic, name="Autre", siren="12")
    )


def test_membership_unique_per_user_and_interco():
    ic = factories.interco()
    user = factories.user(intercos=[ic])
    assert_db_refuses(lambda: IntercoMembership.objects.create(user=user, interco=ic))


def test_commune_matching_by_name_without_accents_and_by_postcode():
    c = factories.commune(name="Saint-Péray", postcodes="07130")
    factories.commune(name="Valence", postcodes="26000 26500")
    assert list(Commune.objects.matching("saint peray")) == [c]
    assert list(Commune.objects.matching("PÉRAY")) == [c]
    assert list(Commune.objects.matching("0713")) == [c]
    assert Commune.objects.matching("26500").get().name == "Valence"
    assert not Commune.objects.matching("").exists()

"""Checks of the staff form: identifiers, postcode, contacts, point location, duplicates."""

import pytest

from initiatives.checks import point_location_error, similar_initiatives
from initiatives.forms import InitiativeAdminForm
from tests import factories

pytestmark = pytest.mark.django_db

CREST = (44.7286, 5.0228)
VALID_SIRET = "73282932000074"  # Luhn-valid


@pytest.fixture
def crest():
    drome = factories.departement("26", "Drôme")
    ic = factories.interco(name="CC du Crestois", departements=[drome])
    return factories.commune(
        name="Crest",
        insee="26108",
        postcodes="26400",
        departement=drome,
        interco=ic,
        centre_lat=CREST[0],
        centre_lon=CREST[1],
    )


def make_form(commune, user=None, instance=None, **data):
    base = {
        "name": "Atelier",
        "kind": "structure",
        "legal_form": "association",
        "status": "draft",
        "commune": commune.pk,
    }
    base.update(data)
    form_class = type("F", (InitiativeAdminForm,), {"current_user": user})
    return form_class(data=base, instance=instance)


def test_valid_form(crest):
    form = make_form(crest, siret=VALID_SIRET, postcode="26400", latitude=44.73, longitude=5.02)
    assert form.is_valid(), form.errors


def test_siret_check_digit(crest):
    form = make_form(crest, siret="73282932000075")
    assert not form.is_valid()
    assert "clé de contrôle" in form.errors["siret"][0]


def test_siret_length(crest):
    assert not make_form(crest, siret="1234").is_valid()


def test_postcode_must_match_commune(crest):
    form = make_form(crest, postcode="26000")
    assert not form.is_valid()
    assert "26400" in form.errors["postcode"][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "12345"),
        ("email", "pas-un-courriel"),
        ("website", "ftp://example.org/"),
        ("website", "javascript:alert(1)"),
        ("opening_hours", "tous les jours"),
    ],
)
def test_contact_formats(crest, field, value):
    form = make_form(crest, **{field: value})
    assert not form.is_valid()
    assert field in form.errors


def test_phone_formats_accepted(crest):
    assert make_form(crest, phone="04 75 25 00 00").is_valid()
    assert make_form(crest, phone="+33 4 75 25 00 00").is_valid()


def test_point_far_from_commune_is_refused(crest):
    # Swapped latitude and longitude: a classic slip, lands in the sea off Somalia.
    form = make_form(crest, latitude=CREST[1], longitude=CREST[0])
    assert not form.is_valid()
    assert "inversées" in form.errors["latitude"][0]


def test_point_in_another_departement_is_refused_with_contour(crest):
    crest.departement.contour = {
        "type": "Polygon",
        "coordinates": [[[4.6, 44.1], [5.8, 44.1], [5.8, 45.3], [4.6, 45.3], [4.6, 44.1]]],
    }
    crest.departement.save()
    crest.refresh_from_db()
    # Privas (Ardèche): 35 km from Crest, but outside the Drôme's outline.
    form = make_form(crest, latitude=44.7353, longitude=4.5987 - 0.2)
    assert not form.is_valid()
    assert "hors du département" in form.errors["latitude"][0]
    assert make_form(crest, latitude=44.75, longitude=5.1).is_valid()


def test_point_checked_against_france_without_centre():
    commune = factories.commune(name="Sans centre")
    assert point_location_error(40.0, -74.0, commune) is not None  # New York
    assert point_location_error(45.0, 5.0, commune) is None


def test_half_a_point_is_refused(crest):
    form = make_form(crest, latitude=44.7)
    assert not form.is_valid()
    assert "latitude" in form.errors


def test_duplicate_warning_for_similar_name(crest):
    factories.initiative(name="Recyclerie du Crestois", commune=crest)
    form = make_form(crest, name="La Recyclerie du Crestois")
    assert not form.is_valid()
    assert "nom proche" in form.errors["name"][0]
    confirmed = make_form(crest, name="La Recyclerie du Crestois", ignore_duplicate="on")
    assert confirmed.is_valid(), confirmed.errors


def test_no_duplicate_warning_for_different_name_or_commune(crest):
    factories.initiative(name="Recyclerie du Crestois", commune=crest)
    other = factories.commune(name="Die", departement=crest.departement)
    assert make_form(crest, name="Cantine solidaire").is_valid()
    assert similar_initiatives("Recyclerie du Crestois", other) == []


def test_editing_itself_is_not_a_duplicate(crest):
    existing = factories.initiative(name="Recyclerie du Crestois", commune=crest)
    form = make_form(crest, instance=existing, name="Recyclerie du Crestois")
    assert form.is_valid(), form.errors


def test_rejecting_from_form_needs_a_reason(crest):
    pending = factories.initiative(name="Proposée", commune=crest, status="pending")
    root = factories.user(superuser=True)
    form = make_form(crest, user=root, instance=pending, name="Proposée", status="archived")
    assert not form.is_valid()
    assert "rejection_reason" in form.errors


def test_editor_cannot_publish_from_form(crest):
    editor = factories.user(intercos=[crest.interco], role="editor")
    form = make_form(crest, user=editor, status="published")
    assert not form.is_valid()
    assert "status" in form.errors
    assert make_form(crest, user=editor, status="pending").is_valid()


def test_moderator_elsewhere_cannot_publish_here(crest):
    elsewhere = factories.interco(name="Ailleurs")
    user = factories.user(intercos=[crest.interco], role="editor")
    from intercos.models import IntercoMembership

    IntercoMembership.objects.create(user=user, interco=elsewhere, role="moderator")
    form = make_form(crest, user=user, status="published")
    assert not form.is_valid()
    assert "modérateur·rices" in form.errors["status"][0]


def test_french_hours_are_converted_and_shown_back_before_saving(crest):
    form = make_form(crest, opening_hours="lundi-vendredi 9h-12h 14h-18h")
    assert not form.is_valid()  # not saved yet: the staff member checks the conversion
    message = form.errors["opening_hours"][0]
    assert "Mo-Fr 09:00-12:00,14:00-18:00" in message
    html = form["opening_hours"].as_widget()
    assert 'value="Mo-Fr 09:00-12:00,14:00-18:00"' in html
    # Sent again as shown, it is accepted as typed.
    form = make_form(crest, opening_hours="Mo-Fr 09:00-12:00,14:00-18:00")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["opening_hours"] == "Mo-Fr 09:00-12:00,14:00-18:00"


def test_hours_the_parser_refuses_are_refused(crest):
    form = make_form(crest, opening_hours="Mo-Fr 25:00-26:00")
    assert not form.is_valid()
    assert "OpenStreetMap" in form.errors["opening_hours"][0]


# --- the suggestion form's commune picker -------------------------------------------------


@pytest.fixture
def picker_communes():
    drome = factories.departement("26", "Drôme")
    ic = factories.interco(name="CC Val de Drôme", departements=[drome])
    names = ["Volvent", "Étoile-sur-Rhône", "Eurre", "Allex", "Œuf-en-Ternois", "Crest"]
    return [factories.commune(name=n, departement=drome, interco=ic) for n in names]


def option_labels(html: str) -> list[str]:
    import re

    select = html[html.index('name="commune"') :]
    select = select[: select.index("</select>")]
    return [label for label in re.findall(r"<option value=\"\d+\"[^>]*>([^<(]+)", select)]


def test_the_commune_picker_sorts_accents_as_their_letter(picker_communes, client):
    from initiatives.forms import SuggestionForm

    field = SuggestionForm().fields["commune"]
    names = [label.split(" (")[0] for _value, label in field.choices][1:]
    assert names == ["Allex", "Crest", "Étoile-sur-Rhône", "Eurre", "Œuf-en-Ternois", "Volvent"]
    html = client.get("/proposer/").content.decode()
    assert [n.strip() for n in option_labels(html)] == names
    assert 'data-picker="commune"' in html
    assert 'id="commune-picker-config"' in html and "commune_picker" in html


def test_the_commune_picker_is_rendered_once_per_data_generation(
    picker_communes, client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from essmap.cache import data_changed
    from intercos.models import Commune

    client.get("/proposer/")
    with django_assert_max_num_queries(3):  # themes, session…: never the 6 communes again
        html = client.get("/proposer/").content.decode()
    assert "Volvent" in html
    Commune.objects.filter(name="Volvent").update(name="Volvent-le-Haut")
    assert "Volvent-le-Haut" not in client.get("/proposer/").content.decode()  # cached
    with django_capture_on_commit_callbacks(execute=True):
        data_changed()  # what every write of the territories does (intercos.services)
    assert "Volvent-le-Haut" in client.get("/proposer/").content.decode()


def test_the_commune_picker_keeps_the_chosen_commune_after_an_error(picker_communes, client):
    crest = next(c for c in picker_communes if c.name == "Crest")
    html = client.post("/proposer/", {"commune": crest.pk}).content.decode()
    assert f'<option value="{crest.pk}" selected>Crest' in html


def test_messages_naming_a_commune_elide_and_contract():
    from initiatives.checks import postcode_error
    from intercos.models import Commune

    teil = Commune(name="Le Teil", postcodes="07400")
    assert "ne correspond pas au Teil (07400)" in postcode_error("26400", teil)
    annonay = Commune(name="Annonay", postcodes="07100")
    assert "ne correspond pas à Annonay (07100)" in postcode_error("26400", annonay)

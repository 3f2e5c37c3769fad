"""What a spreadsheet leaves in a cell, made into what the forms accept."""

import pytest

from initiatives.import_cells import normalise, opening_hours, phone, website


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("475223344", "04 75 22 33 44"),
        ("475223344.0", "04 75 22 33 44"),
        ("4.75223344E8", "04 75 22 33 44"),
        ("0475223344", "04 75 22 33 44"),
        ("04.75.22.33.44", "04 75 22 33 44"),
        ("+33475223344", "+33 4 75 22 33 44"),
        ("04 75 22 33 44", "04 75 22 33 44"),
        ("pas de téléphone", "pas de téléphone"),
        ("12345", "12345"),
    ],
)
def test_phone_numbers_from_spreadsheets(cell, expected):
    assert phone(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("www.example.org", "https://www.example.org"),
        ("example.org/contact", "https://example.org/contact"),
        ("https://example.org", "https://example.org"),
        ("http://example.org", "http://example.org"),
        ("ftp://example.org", "ftp://example.org"),
        ("pas un site", "pas un site"),
    ],
)
def test_websites_get_a_scheme(cell, expected):
    assert website(cell) == expected


def test_french_hours_become_osm_and_nonsense_stays_for_the_checks():
    assert opening_hours("lundi-vendredi 9h-12h 14h-18h") == "Mo-Fr 09:00-12:00,14:00-18:00"
    assert opening_hours("Mo-Fr 09:00-18:00") == "Mo-Fr 09:00-18:00"
    assert opening_hours("quand on veut") == "quand on veut"


def test_normalise_only_touches_its_fields():
    assert normalise("phone", "475223344") == "04 75 22 33 44"
    assert normalise("name", "475223344") == "475223344"
    assert normalise("website", "") == ""

"""The initiative page's actions: the print layout's QR code is valid SVG inside HTML."""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from essmap.typography import typeset
from initiatives.page_actions import qr_svg
from tests import factories

URL = "https://essmap.example/initiatives/energie-solidaire/"


class DuplicateAttributes(HTMLParser):
    """Collects (tag, attribute) pairs written twice on one element, as the Nu checker does."""

    def __init__(self):
        super().__init__()
        self.duplicates = []
        self.svg_attrs = []

    def handle_starttag(self, tag, attrs):
        names = [name for name, _ in attrs]
        self.duplicates += [(tag, n) for n in sorted(set(names)) if names.count(n) > 1]
        if tag == "svg":
            self.svg_attrs.append(dict(attrs))


def parse(html: str) -> DuplicateAttributes:
    parser = DuplicateAttributes()
    parser.feed(html)
    parser.close()
    return parser


def test_qr_svg_has_no_duplicate_attribute():
    parser = parse(str(qr_svg(URL)))
    assert parser.duplicates == []
    [attrs] = parser.svg_attrs
    assert (attrs["role"], attrs["class"]) == ("img", "qr-code")
    assert int(attrs["width"]) == int(attrs["height"]) > 0


def test_qr_svg_is_well_formed_xml_with_its_title():
    # Our own SVG, not untrusted input; a duplicate attribute is a parse error here.
    root = ET.fromstring(str(qr_svg(URL)))  # noqa: S314
    assert root.tag == "svg"
    assert root.get("class") == "qr-code"
    assert root.find("title").text == typeset(f"Code QR de la fiche : {URL}")


def test_duplicate_attribute_checker_finds_one():
    assert parse('<svg class="a" role="img" class="b"></svg>').duplicates == [("svg", "class")]


@pytest.mark.django_db
def test_initiative_page_svgs_have_no_duplicate_attribute(client):
    initiative = factories.initiative(name="Énergie Solidaire", latitude=44.73, longitude=5.02)
    response = client.get(initiative.get_absolute_url())
    assert response.status_code == 200
    parser = parse(response.content.decode())
    assert any(attrs.get("class") == "qr-code" for attrs in parser.svg_attrs)
    assert [d for d in parser.duplicates if d[0] == "svg"] == []

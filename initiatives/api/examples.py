"""The OpenAPI examples of an initiative, written by the representation (no hand-written copy).

`ROW` and `RELATED` are one record of the fixtures (Energie Solidaire, fixtures/article.json;
long texts shortened) as the readers select it: its row (representation.ROW_VALUES, "themes",
DETAIL_VALUES) and its related rows. The examples are what `api_item` and `api_detail` make
of it when the schema is generated: a field added to the representation appears in them by
itself (tests/api/test_examples.py holds them to the serializers and the schema).
"""

from datetime import UTC, date, datetime
from decimal import Decimal

from drf_spectacular.utils import OpenApiExample

from ..representation import (
    DETAIL_VALUES,
    FIGURE_VALUES,
    PARTNERSHIP_VALUES,
    ROW_VALUES,
    PageLinks,
    api_detail,
    api_item,
)

ORIGIN = "http://127.0.0.1:8000"  # the address of `make run`
CRUSSOL = {"siren": "200041366", "name": "CC Rhône Crussol", "slug": "cc-rhone-crussol",
           "kind": "CC"}  # fmt: skip
ARTICLE = {
    "id": 1,
    "title": "La force des alliances locales : Comment la coopération en Drôme-Ardèche donne "
    "corps à l’économie sociale et solidaire",
    "publisher": "", "date": date(2025, 10, 17), "year": None, "url": "", "cited_in": None,
    "note": "",
}  # fmt: skip
UPDATED = datetime(2026, 11, 29, tzinfo=UTC)


def _prefixed(prefix: str, values: dict | None, names) -> dict:
    """The columns `prefix + name` of a related row (all None when there is none)."""
    return {f"{prefix}{name}": (values or {}).get(name) for name in names}


def _interco(prefix: str, interco: dict | None) -> dict:
    return _prefixed(prefix, interco, ("siren", "name", "slug", "kind"))


def _source(prefix: str, source: dict | None) -> dict:
    return _prefixed(prefix, source, ARTICLE)


ROW = {
    "pk": 4, "slug": "energie-solidaire", "name": "Energie Solidaire",
    "summary": "Dispositif de lutte contre la précarité énergétique de Rhône Crussol : "
    "7 conseillers issus de l’insertion, plus de 1 200 foyers accompagnés.",
    "kind": "service", "legal_form": "public_interco", "address": "", "postcode": "",
    "latitude": 44.93048, "longitude": 4.86555, "approximate_point": True, "website": "",
    "email": "", "phone": "", "opening_hours": "", "siret": "", "rna": "",
    "founded_year": None, "employees": None, "verified_at": None, "updated_at": UPDATED,
    "commune_id": "07102", "commune__name": "Guilherand-Granges", "commune__postcodes": "07500",
    "commune__departement_id": "07", "commune__interco_id": CRUSSOL["siren"],
    "commune__interco__name": CRUSSOL["name"], "commune__interco__slug": CRUSSOL["slug"],
    "commune__interco__kind": CRUSSOL["kind"], "origin": "interco", "register_source": "",
    "register_id": "", "finess": "", "register_date": None, "register_seen_at": None,
    "created_at": UPDATED,
    "themes": [
        {"slug": "energie", "name": "Énergie", "name_en": "Energy", "icon": "bolt",
         "colour": "#b34000"},
        {"slug": "insertion", "name": "Insertion par l’activité économique",
         "name_en": "Work integration (IAE)", "icon": "handshake", "colour": "#a94645"},
    ],
    "description": "Après la crise de l’énergie en 2022, la Communauté de Communes Rhône "
    "Crussol a fédéré associations, bailleurs sociaux et citoyens pour lancer le dispositif "
    "« Energie Solidaire ».",
    "verified_by": "",
    "article_note": "L’article ne donne pas d’adresse : le point est placé au centre de "
    "Guilherand-Granges, commune siège de la communauté de communes (position "
    "approximative).",
    "carried_by__slug": None, "carried_by__name": None, "carried_by__status": None,
    **_interco("carried_by_interco__", CRUSSOL),
    **_source("source__", ARTICLE),
}  # fmt: skip
RELATED = {
    "coverage": [CRUSSOL],
    "partnerships": [
        {
            "id": 5, "kind": "funding", "role": "partner", "start_year": None, "end_year": None,
            "description": "Micro-financements solidaires aux familles. Texte de l’article : « Un "
            "partenariat engagé avec le Crédit coopératif pour des micro-financements solidaires "
            "aux familles ».",
            "initiative__slug": "energie-solidaire", "initiative__name": "Energie Solidaire",
            "partner_initiative__slug": "credit-cooperatif",
            "partner_initiative__name": "Crédit coopératif",
            **_interco("partner_interco__", None), **_source("source__", ARTICLE),
        }
    ],
    "partner_of": [],
    "figures": [
        {
            "id": 16, "label": "Foyers accompagnés", "label_en": "Households supported",
            "measure": "count", "value": Decimal("1200"), "qualifier": "more_than",
            "unit": "foyers", "unit_en": "households", "year": None, "period": "sur deux ans",
            "period_en": "over two years", "departement": None, "note": "",
            "initiative__slug": "energie-solidaire", "initiative__name": "Energie Solidaire",
            **_interco("interco__", None), **_source("source__", ARTICLE),
        }
    ],
}  # fmt: skip

# The record has every column the readers select (a test checks it too).
assert set(ROW) == {*ROW_VALUES, "themes", *DETAIL_VALUES}
assert all(set(p) == set(PARTNERSHIP_VALUES) for p in RELATED["partnerships"])
assert all(set(f) == set(FIGURE_VALUES) for f in RELATED["figures"])


def _links() -> PageLinks:
    links = PageLinks()
    links.origin = ORIGIN
    return links


def list_item() -> dict:
    return api_item(ROW, _links())


def detail() -> dict:
    return api_detail(ROW, RELATED, _links())


class RepresentedExample(OpenApiExample):
    """An example whose value is built when the schema is generated (the URL conf, which
    the page addresses need, is loaded by then; not yet when this module is imported)."""

    def __init__(self, name: str, build, **kwargs):
        self.build = build
        super().__init__(name, **kwargs)

    @property
    def value(self):
        return self.build()

    @value.setter
    def value(self, _given):
        pass  # always built


# A list example is one item (one result of a page).
LIST_EXAMPLE = RepresentedExample(
    "Energie Solidaire",
    list_item,
    response_only=True,
    media_type="application/json",
    status_codes=["200"],
)
DETAIL_EXAMPLE = RepresentedExample(
    "Energie Solidaire", detail, response_only=True, status_codes=["200"]
)

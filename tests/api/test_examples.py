"""The OpenAPI examples are written by the representation (initiatives/api/examples.py):
every field of the list and detail representations is in them, and in the schema."""

import json

import pytest
import yaml
from django.core.management import call_command

from initiatives.api import examples
from initiatives.api.serializers import (
    InitiativeDetailSerializer,
    InitiativeListSerializer,
    KeyFigureSerializer,
    PartnershipSerializer,
    SourceSerializer,
)
from initiatives.representation import (
    API_ITEM_FIELDS,
    DETAIL_VALUES,
    FIGURE_VALUES,
    PARTNERSHIP_VALUES,
    ROW_VALUES,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--file", str(path))
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _plain(value):
    """As the schema holds it (JSON types)."""
    return json.loads(json.dumps(value))


def test_the_record_has_every_column_the_readers_select():
    assert set(examples.ROW) == {*ROW_VALUES, "themes", *DETAIL_VALUES}
    assert set(examples.RELATED["partnerships"][0]) == set(PARTNERSHIP_VALUES)
    assert set(examples.RELATED["figures"][0]) == set(FIGURE_VALUES)


def test_the_list_example_has_every_field_of_the_list_representation():
    item = examples.list_item()
    assert list(item) == list(API_ITEM_FIELDS) == InitiativeListSerializer.Meta.fields
    assert item["url"] == "http://127.0.0.1:8000/initiatives/energie-solidaire/"
    assert item["interco"]["siren"] == "200041366"


def test_the_detail_example_has_every_field_of_the_detail_representation():
    detail = examples.detail()
    assert list(detail) == InitiativeDetailSerializer.Meta.fields
    assert list(detail["partnerships"][0]) == PartnershipSerializer.Meta.fields
    assert list(detail["figures"][0]) == KeyFigureSerializer.Meta.fields
    assert list(detail["source"]) == SourceSerializer.Meta.fields
    assert detail["figures"][0]["value"] == 1200.0
    assert detail["partnerships"][0]["partner_initiative"]["slug"] == "credit-cooperatif"


def test_the_examples_are_built_when_asked_not_copied_at_import(monkeypatch):
    from initiatives import representation

    fewer = tuple(name for name in API_ITEM_FIELDS if name != "register_seen_at")
    monkeypatch.setattr(representation, "API_ITEM_FIELDS", fewer)
    assert "register_seen_at" not in examples.list_item()
    assert "register_seen_at" not in examples.LIST_EXAMPLE.value


def test_the_schema_documents_every_field_of_the_examples(schema):
    components = schema["components"]["schemas"]
    assert set(components["Initiative"]["properties"]) == set(examples.list_item())
    assert set(components["InitiativeDetail"]["properties"]) == set(examples.detail())


def test_the_schema_carries_the_generated_examples(schema):
    paths = schema["paths"]
    listed = paths["/api/v1/initiatives/"]["get"]["responses"]["200"]["content"]
    detail = paths["/api/v1/initiatives/{slug}/"]["get"]["responses"]["200"]["content"]
    list_value = listed["application/json"]["examples"]["EnergieSolidaire"]["value"]
    detail_value = detail["application/json"]["examples"]["EnergieSolidaire"]["value"]
    assert detail_value == _plain(examples.detail())
    assert list_value == _plain(examples.list_item())

"""The OpenAPI schema: valid, warning-free, every parameter and field described."""

import re

import pytest
import yaml
from django.core.management import call_command

from initiatives.filters import InitiativeFilterSet

pytestmark = pytest.mark.django_db

OURS = re.compile(r"^/api/v1/(?!map/)")  # the map endpoint is documented by its own module


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        # Raises (and so fails the test) on any warning or an invalid OpenAPI document.
        call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(path))
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_schema_is_openapi_3_and_lists_every_endpoint(schema):
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for path in (
        "/api/v1/initiatives/", "/api/v1/initiatives/{slug}/", "/api/v1/intercos/",
        "/api/v1/intercos/{siren}/", "/api/v1/communes/", "/api/v1/themes/",
        "/api/v1/partnerships/", "/api/v1/key-figures/", "/api/v1/sources/",
    ):  # fmt: skip
        assert path in paths


def _refs(node, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                found.add(value.rsplit("/", 1)[-1])
            else:
                _refs(value, found)
    elif isinstance(node, list):
        for item in node:
            _refs(item, found)
    return found


def _our_components(schema) -> set[str]:
    components = schema["components"]["schemas"]
    todo = _refs({p: v for p, v in schema["paths"].items() if OURS.match(p)}, set())
    done: set[str] = set()
    while todo:
        name = todo.pop()
        if name in done:
            continue
        done.add(name)
        todo |= _refs(components[name], set()) - done
    return done


def test_every_parameter_is_described(schema):
    missing = [
        (path, method, p["name"])
        for path, ops in schema["paths"].items()
        if OURS.match(path)
        for method, op in ops.items()
        for p in op.get("parameters", [])
        if not p.get("description")
    ]
    assert missing == []


def test_every_field_is_described(schema):
    components = schema["components"]["schemas"]
    missing = []
    for name in _our_components(schema):
        for field, spec in (components[name].get("properties") or {}).items():
            if not spec.get("description"):
                missing.append(f"{name}.{field}")
    assert missing == []


def test_every_filter_of_the_shared_filterset_is_documented(schema):
    documented = {p["name"] for p in schema["paths"]["/api/v1/initiatives/"]["get"]["parameters"]}
    assert set(InitiativeFilterSet.base_filters) <= documented
    assert {"page", "page_size", "cursor", "pagination", "format"} <= documented


def test_errors_and_formats_are_documented(schema):
    op = schema["paths"]["/api/v1/initiatives/"]["get"]
    assert set(op["responses"]["200"]["content"]) == {
        "application/json", "application/geo+json", "text/csv",
    }  # fmt: skip
    for code in ("400", "404", "429"):
        assert op["responses"][code]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/Error"
        )
    post = schema["paths"]["/api/v1/initiatives/"]["post"]
    assert {"401", "403"} <= set(post["responses"])
    assert schema["components"]["securitySchemes"]["tokenAuth"]


def test_examples_come_from_the_fixtures(schema):
    text = yaml.safe_dump(schema, allow_unicode=True)
    assert "Energie Solidaire" in text
    assert "200041366" in text and "CC Rhône Crussol" in text


@pytest.mark.parametrize("url", ["/api/v1/swagger/", "/api/v1/redoc/"])
def test_documentation_pages_are_served_without_a_cdn(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    styles = re.findall(r'<link[^>]*href="([^"]+)"', html)
    assert scripts
    for src in scripts + styles:
        assert src.startswith("/"), src  # served by the site itself
    # Swagger UI's files come from the sidecar; Redoc's bundle too, served by the site
    # without its vendor-hosted logo (essmap/api/redoc.py, tests/api/test_docs_offline.py)
    assert "/static/drf_spectacular_sidecar/" in html or "/api/v1/redoc/redoc.standalone.js" in html
    assert not re.search(r"<script>(?!\s*</script>)", html), "no inline script"


def test_schema_endpoint_serves_openapi(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "essmap API"


def test_no_code_docstring_leaks_into_operation_descriptions():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    descriptions = [
        op.get("description", "")
        for ops in schema["paths"].values()
        for op in ops.values()
        if isinstance(op, dict)
    ]
    assert descriptions
    for text in descriptions:
        assert "Mixed into" not in text and "DRF view" not in text, text
        assert "shared cache" not in text and "staff write" not in text, text


# Words French prose cannot do without and English never uses (as whole words).
FRENCH_WORDS = re.compile(
    r"\b(le|la|les|des|du|de|une|est|sont|pour|dans|avec|aux|au|sur|qui|et|ou|par)\b", re.I
)
NOT_PROSE = [
    re.compile(r"^\s*\* `[^`]*` - .*$", re.M),  # enum lines: "* `code` - Label" (data values)
    re.compile(r"`[^`]*`"),  # field names and values
    re.compile(r"«[^»]*»"),  # quoted French words
    re.compile(r"\]\([^)]*\)"),  # link targets
]


def french_prose(schema) -> list[tuple[str, str]]:
    """Every description or summary (examples apart: they are data) still written in French."""
    found = []

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "examples" or key == "example":
                    continue
                if key in ("description", "summary") and isinstance(value, str):
                    text = value
                    for pattern in NOT_PROSE:
                        text = pattern.sub(" ", text)
                    if FRENCH_WORDS.search(text):
                        found.append((f"{path}/{key}", value))
                else:
                    walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{path}[{i}]")

    walk(schema, "")
    return found


def test_descriptions_are_english_with_french_only_for_names_and_values(schema):
    assert french_prose(schema) == []


def test_the_french_prose_check_catches_french():
    schema = {"paths": {"/x/": {"get": {"description": "Numéro de page (à partir de 1).",
              "summary": "Modifier une initiative de son territoire"}}}}  # fmt: skip
    assert len(french_prose(schema)) == 2
    ok = {"description": "Kind.\n\n* `cc` - Communauté de communes", "summary": "`le` « de »"}
    assert french_prose(ok) == []

"""/api/v1/docs/: the API reference as a plain page, written on the server from the schema.

Light on a phone (no script, a few kilobytes of CSS) and readable by search engines; the
interactive Swagger UI (/api/v1/swagger/) and Redoc (/api/v1/redoc/) stay at their own
addresses, linked from it (docs/api.md). The schema is the one built at deploy
(`manage.py build_api_schema`), else built once by the process (essmap/api/schema.py).
"""

import re

from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SCHEMA_KWARGS, SpectacularAPIView

from .schema import built_schema, schema_document

METHODS = ("get", "post", "put", "patch", "delete")
_contexts: dict = {}
_CODE = re.compile(r"`([^`]+)`")


def inline_markdown(text: str) -> str:
    """The schema's descriptions use `code` spans only: escaped text with <code> elements."""
    return mark_safe(_CODE.sub(r"<code>\1</code>", escape(text or "")))  # noqa: S308 (escaped)


def _resolve(schema: dict, item: dict) -> dict:
    ref = item.get("$ref")
    if not ref:
        return item
    node = schema
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def _type_of(prop: dict) -> str:
    if "$ref" in prop:
        return prop["$ref"].rsplit("/", 1)[-1]
    if "allOf" in prop or "oneOf" in prop or "anyOf" in prop:
        parts = prop.get("allOf") or prop.get("oneOf") or prop.get("anyOf")
        return " | ".join(_type_of(p) for p in parts)
    kind = prop.get("type", "")
    if kind == "array":
        return f"array of {_type_of(prop.get('items', {}))}"
    if prop.get("format"):
        kind = f"{kind} ({prop['format']})"
    if prop.get("enum"):
        kind = f"{kind}: " + ", ".join(str(v) for v in prop["enum"] if v not in ("", None))
    return kind


def reference(schema: dict) -> dict:
    """Operations grouped by tag, and the data types with their fields, ready for the page."""
    tags = {tag["name"]: {**tag, "operations": []} for tag in schema.get("tags", [])}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if not operation:
                continue
            tag = (operation.get("tags") or ["other"])[0]
            group = tags.setdefault(tag, {"name": tag, "description": "", "operations": []})
            parameters = []
            for parameter in operation.get("parameters", []):
                parameter = _resolve(schema, parameter)
                parameters.append(
                    {
                        "name": parameter["name"],
                        "where": parameter.get("in", ""),
                        "required": parameter.get("required", False),
                        "type": _type_of(parameter.get("schema", {})),
                        "description": inline_markdown(parameter.get("description", "")),
                    }
                )
            group["operations"].append(
                {
                    "id": operation.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": inline_markdown(operation.get("description", "")),
                    "parameters": parameters,
                    "responses": [
                        (code, inline_markdown(_resolve(schema, r).get("description", "")))
                        for code, r in operation.get("responses", {}).items()
                    ],
                    "token": any("tokenAuth" in s for s in operation.get("security", [])),
                }
            )
    types = []
    for name, component in sorted(schema.get("components", {}).get("schemas", {}).items()):
        fields = [
            {
                "name": field,
                "type": _type_of(prop),
                "read_only": prop.get("readOnly", False),
                "description": inline_markdown(prop.get("description", "")),
            }
            for field, prop in component.get("properties", {}).items()
        ]
        if fields:
            types.append({"name": name, "fields": fields})
    info = schema.get("info", {})
    return {
        "info": info,
        "description": inline_markdown(info.get("description", "")),
        "groups": [group for group in tags.values() if group["operations"]],
        "types": types,
    }


@require_safe
@cache_control(public=True, max_age=60 * 60)
def api_reference(request):
    schema = schema_document()
    if _contexts.get("schema") is not schema:  # built once per schema, not per request
        _contexts.clear()
        _contexts.update(schema=schema, context=reference(schema))
    return render(request, "api/reference.html", _contexts["context"])


class SchemaView(SpectacularAPIView):
    """/api/v1/schema/: the file built at deploy (gzipped, cached, with an ETag) when the
    client asks for the default JSON; anything else (YAML, `lang`) or no file: built here."""

    @extend_schema(**SCHEMA_KWARGS)
    def get(self, request, *args, **kwargs):
        built = built_schema()
        if built is not None and _wants_default_json(request):
            return built.response(request)
        return super().get(request, *args, **kwargs)


def _wants_default_json(request) -> bool:
    query = request.query_params
    if set(query) - {"format"}:
        return False
    if "format" in query:
        return query["format"] in ("json", "openapi-json")
    accept = request.headers.get("Accept", "")
    return "json" in accept and "yaml" not in accept

"""The data·inclusion package's JSON schema (pydantic, JSON Schema 2020-12) as OpenAPI 3.0."""

from typing import Any

DROPPED = {"title", "examples", "default"}


def _convert(node: Any, defs: dict) -> Any:
    if isinstance(node, list):
        return [_convert(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _convert(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
    if "anyOf" in node:
        options = [o for o in node["anyOf"] if o.get("type") != "null"]
        nullable = len(options) < len(node["anyOf"])
        rest = {k: v for k, v in node.items() if k != "anyOf" and k not in DROPPED}
        converted = [_convert(o, defs) for o in options]
        result = converted[0] if len(converted) == 1 else {"anyOf": converted}
        result = {**result, **_convert(rest, defs)}
        if nullable:
            result["nullable"] = True
        return result
    result = {}
    for key, value in node.items():
        if key in DROPPED or key == "$defs":
            continue
        if key == "const":
            result["enum"] = [value]
        else:
            result[key] = _convert(value, defs)
    return result


def _without_descriptions(node: Any) -> Any:
    if isinstance(node, list):
        return [_without_descriptions(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {k: _without_descriptions(v) for k, v in node.items() if k != "description"}


def openapi_schema(model, descriptions: dict[str, str]) -> dict:
    """One record of `model` (a data·inclusion pydantic model) as an OpenAPI 3.0 schema.

    The package's own (French) prose is replaced by `descriptions`, in English, by field.
    """
    schema = model.model_json_schema(mode="serialization")
    converted = _without_descriptions(_convert(schema, schema.get("$defs", {})))
    for name, field in converted.get("properties", {}).items():
        if name in descriptions:
            field["description"] = descriptions[name]
    return converted

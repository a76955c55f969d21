"""OpenAPI 3.0's schema keywords said the JSON Schema 2020-12 way, for the validators that
check 3.0 documents: the engine's (engine/schemas.py) and the generator's (contract/
schema_checks.py). Each function rewrites one node in place; the callers walk the tree."""

from __future__ import annotations

from typing import Any


def exclusive_bounds_as_2020(node: dict[str, Any]) -> dict[str, Any]:
    """3.0's boolean `exclusiveMinimum: true` + `minimum: 5` is 2020-12's `exclusiveMinimum: 5`
    (a `false` flag just goes)."""
    for flag, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = node.get(flag)
        if isinstance(value, bool):
            del node[flag]
            if value and bound in node:
                node[flag] = node.pop(bound)
    return node


def nullable_as_2020(node: dict[str, Any]) -> dict[str, Any]:
    """3.0's `nullable: true` in 2020-12: "null" joins `type` (and `enum`, else it rejects
    null); beside a `$ref` or `allOf` (common though 3.0 leaves it undefined) the node becomes
    `anyOf` itself or null. Returns the node, or the `anyOf` that replaces it."""
    if node.pop("nullable", None) is not True:
        return node
    if isinstance(node.get("enum"), list) and None not in node["enum"]:
        node["enum"] = [*node["enum"], None]
    kind = node.get("type")
    if isinstance(kind, str):
        node["type"] = [kind, "null"]
    elif isinstance(kind, list):
        node["type"] = kind if "null" in kind else [*kind, "null"]
    elif "enum" not in node:
        return {"anyOf": [node, {"type": "null"}]}
    return node

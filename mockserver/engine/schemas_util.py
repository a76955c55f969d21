"""Small helpers to read schemas of a bundled document (local `$ref`s only)."""

from __future__ import annotations

from typing import Any

from mockserver.core import pointers


def resolve_ref(document: dict[str, Any], node: Any, depth: int = 0) -> Any:
    """Follow `$ref`s (local ones) until a node without one; guards against ref-only cycles."""
    while isinstance(node, dict) and "$ref" in node and depth < 32:
        ref = str(node["$ref"])
        node = pointers.resolve(document, ref[1:] if ref.startswith("#") else ref, {})
        depth += 1
    return node


def record_properties(document: dict[str, Any], schema: Any, *, siren: bool) -> dict[str, Any]:
    """The properties of the record a response or request schema describes.

    For Siren responses the record is the entity's `properties` property. allOf branches merge.
    """
    schema = resolve_ref(document, schema)
    if not isinstance(schema, dict):
        return {}
    merged: dict[str, Any] = {}
    for branch in schema.get("allOf", []):
        merged.update(record_properties(document, branch, siren=siren))
    own = schema.get("properties", {})
    if siren:
        inner = own.get("properties")
        if inner is not None:
            merged.update(record_properties(document, inner, siren=False))
        return merged
    merged.update(own)
    return merged

"""Small helpers to read schemas of a bundled document (local `$ref`s only)."""

from __future__ import annotations

from typing import Any

from specmock.core import documents


def resolve_ref(document: dict[str, Any], node: Any) -> Any:
    """Follow local `$ref`s until a node without one; {} where a ref names nothing (the linter
    reports those before anything is compiled)."""
    try:
        return documents.resolve_ref(document, node)
    except documents.RefError:
        return {}


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

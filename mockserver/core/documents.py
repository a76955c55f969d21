"""Reading a bundled contract document: following local `$ref`s, copying JSON values."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

MAX_REF_CHAIN = 64


class RefError(LookupError):
    """A `$ref` that names nothing, is not local, or starts a chain of refs that only point at
    refs. Seen by: code walking a document the linter did not check (it reports these first)."""


def resolve_ref(document: dict[str, Any], node: Any) -> Any:
    """Follow local `$ref`s until a node without one (siblings of a `$ref` are not merged)."""
    for _ in range(MAX_REF_CHAIN):
        if not (isinstance(node, dict) and "$ref" in node):
            return node
        node = ref_target(document, str(node["$ref"]))
    raise RefError("a cycle of $refs that point only to each other")


def ref_target(document: dict[str, Any], ref: str) -> Any:
    """The node a local reference names: a URI fragment holding a JSON pointer (RFC 6901)."""
    if not ref.startswith("#"):
        raise RefError(f"only local $refs are supported (the contract is bundled): {ref}")
    node: Any = document
    for raw in ref[1:].split("/")[1:]:
        token = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise RefError(f"$ref {ref} names nothing in the document")
    return node


def json_type(value: Any) -> str:
    """The JSON Schema type name of a JSON value ("integer" for whole numbers, never "number")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def copy_json(value: Any) -> Any:
    """A copy of a JSON value (dicts and lists copied, leaves shared: they are immutable), so an
    answer never aliases the contract document. Several times faster than copy.deepcopy."""
    if isinstance(value, dict):
        return {k: copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_json(v) for v in value]
    return value

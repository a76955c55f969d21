"""Schemas as the suites read them: local `$ref`s resolved, `allOf` merged, pointers found.

The bundled document of a contract has only local references (`#/components/...`); the suites
need plain nested dicts to build request bodies and to know which fields a record has.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from specmock.core.documents import json_type
from specmock.core.pointers import escape
from specmock.core.pointers import resolve as resolve_pointer

_MAX_DEPTH = 40


def resolve_refs(document: Mapping[str, Any], node: Any, _depth: int = 0) -> Any:
    """A copy of `node` with every local `$ref` replaced by what it names (cycles cut at depth)."""
    if _depth > _MAX_DEPTH:
        return {}
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            target = resolve_pointer(document, ref[1:], default={})
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            resolved = resolve_refs(document, target, _depth + 1)
            if siblings and isinstance(resolved, dict):
                return {**resolved, **resolve_refs(document, siblings, _depth + 1)}
            return resolved
        return {k: resolve_refs(document, v, _depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve_refs(document, item, _depth + 1) for item in node]
    return node


@dataclass(frozen=True)
class ObjectShape:
    """An object schema with its `allOf` parts merged: properties, required names, strictness."""

    properties: Mapping[str, Mapping[str, Any]]
    required: frozenset[str]
    closed: bool
    min_properties: int = 0

    def writable(self) -> dict[str, Mapping[str, Any]]:
        """The properties a client may send (not `readOnly`)."""
        return {n: s for n, s in self.properties.items() if not s.get("readOnly")}


def merged(schema: Mapping[str, Any]) -> dict[str, Any]:
    """`schema` with its `allOf` parts folded into it (properties and required lists unioned)."""
    out: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    for part in schema.get("allOf", []) or []:
        if not isinstance(part, Mapping):
            continue
        for key, value in merged(part).items():
            if key == "properties" and isinstance(out.get(key), dict):
                out[key] = {**out[key], **value}
            elif key == "required" and isinstance(out.get(key), list):
                out[key] = sorted({*out[key], *value})
            else:
                out.setdefault(key, value)
    return out


def object_shape(schema: Mapping[str, Any]) -> ObjectShape:
    """The merged object view of a (resolved) schema."""
    flat = merged(schema)
    properties = {
        name: merged(sub)
        for name, sub in (flat.get("properties") or {}).items()
        if isinstance(sub, dict)
    }
    return ObjectShape(
        properties=properties,
        required=frozenset(flat.get("required") or ()),
        closed=flat.get("additionalProperties") is False,
        min_properties=int(flat.get("minProperties", 0)),
    )


def types_of(schema: Mapping[str, Any]) -> frozenset[str]:
    """The JSON types a (merged) schema allows; empty when it does not say."""
    declared = schema.get("type")
    if isinstance(declared, str):
        return frozenset({declared})
    if isinstance(declared, list):
        return frozenset(t for t in declared if isinstance(t, str))
    if "enum" in schema:
        return frozenset(json_type(v) for v in schema["enum"])
    return frozenset()


def nullable(schema: Mapping[str, Any]) -> bool:
    """Whether the schema allows null (3.1 type lists, or 3.0 `nullable`)."""
    return "null" in types_of(schema) or bool(schema.get("nullable"))


def find_placeholder(template: Any, placeholder: str, pointer: str = "") -> str | None:
    """The JSON pointer of the string `placeholder` inside a response template, if present."""
    if template == placeholder:
        return pointer
    if isinstance(template, dict):
        for key, value in template.items():
            found = find_placeholder(value, placeholder, f"{pointer}/{escape(str(key))}")
            if found is not None:
                return found
    if isinstance(template, list):
        for index, value in enumerate(template):
            found = find_placeholder(value, placeholder, f"{pointer}/{index}")
            if found is not None:
                return found
    return None


def set_pointer(document: dict[str, Any], pointer: str, value: Any) -> dict[str, Any]:
    """Put `value` at `pointer` inside `document`, creating objects on the way; returns it."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.lstrip("/").split("/")]
    node = document
    for token in tokens[:-1]:
        node = node.setdefault(token, {})
    node[tokens[-1]] = value
    return document

"""Strings off the wire (parameters, form fields) into the JSON types their schema declares.

Coercion is best effort: a value that does not fit any declared type stays a string, so the
schema check that follows reports it at its pointer with the schema's own words.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from specmock.core.documents import json_type
from specmock.core.limits import INTEGER_TEXT, MAX_INTEGER_DIGITS
from specmock.engine.schemas_util import resolve_ref

_INTEGER = INTEGER_TEXT
# JSON's number grammar plus a leading '+', which clients put in query strings; a mantissa of more
# digits than CPython converts to an int stays text (the schema check then reports it).
_NUMBER = re.compile(
    rf"[+-]?(?:\d{{1,{MAX_INTEGER_DIGITS}}}(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_SCALARS = ("integer", "number", "boolean")
_BOOLEANS = {"true": True, "false": False}


@dataclass(frozen=True, slots=True)
class Shape:
    """What a schema says about a value's type, enough to coerce text.

    `types` is empty when the schema does not say (anything goes: text stays text).
    `binary` marks a file: a string with `format: binary`, `contentMediaType` or `contentEncoding`.
    """

    types: frozenset[str] = frozenset()
    items: Shape | None = None
    binary: bool = False

    @property
    def is_array(self) -> bool:
        """Whether the value is a list (repeated fields, comma lists)."""
        return "array" in self.types

    @property
    def is_structured(self) -> bool:
        """Whether the value is JSON (an object or array) rather than text, and not a file."""
        return bool(self.types & _STRUCTURED) and not self.types & _TEXTUAL

    @property
    def holds_files(self) -> bool:
        """Whether the value is a file or a list of files."""
        return self.binary or (self.items is not None and self.is_array and self.items.binary)


ANY = Shape()
_STRUCTURED = frozenset({"object", "array"})
_TEXTUAL = frozenset({"string", *_SCALARS})


def shape_of(schema: Any, document: dict[str, Any], depth: int = 0) -> Shape:
    """The `Shape` of `schema` (refs followed; allOf intersected, anyOf/oneOf united)."""
    schema = resolve_ref(document, schema)
    if not isinstance(schema, dict) or depth > 16:
        return ANY
    types, binary = _own_types(schema), _is_binary(schema)
    items = shape_of(schema["items"], document, depth + 1) if "items" in schema else None
    for branch in schema.get("allOf", []):
        inner = shape_of(branch, document, depth + 1)
        if inner.types:
            types = types & inner.types if types else inner.types
        binary, items = binary or inner.binary, items or inner.items
    alternatives = [shape_of(b, document, depth + 1)
                    for b in (*schema.get("anyOf", []), *schema.get("oneOf", []))]
    if alternatives and not types:
        united = [alt.types for alt in alternatives]
        types = frozenset().union(*united) if all(united) else frozenset()
        binary = binary or any(alt.binary for alt in alternatives)
    # 3.0's `nullable` adds null to whatever the rest allows (3.1 has no such keyword).
    if schema.get("nullable") is True and str(document.get("openapi", "")).startswith("3.0"):
        types = types | {"null"}
    return Shape(types=types, items=items, binary=binary)


def object_shapes(schema: Any, document: dict[str, Any]) -> tuple[dict[str, Shape], Shape | None]:
    """An object schema's property shapes (allOf merged) and the shape of any other property
    (None when it allows no others), one level deep: enough to coerce a styled parameter."""
    schema = resolve_ref(document, schema)
    if not isinstance(schema, dict):
        return {}, ANY
    properties: dict[str, Shape] = {}
    closed = False
    for branch in schema.get("allOf", []):
        inner, other = object_shapes(branch, document)
        properties.update(inner)
        closed = closed or other is None
    for name, sub in (schema.get("properties") or {}).items():
        properties[str(name)] = shape_of(sub, document, 1)
    extra = schema.get("additionalProperties", True)
    if extra is False or closed:
        return properties, None
    return properties, shape_of(extra, document, 1) if isinstance(extra, dict) else ANY


def is_object_schema(schema: Any, document: dict[str, Any], shape: Shape) -> bool:
    """Whether a parameter's value is an object: typed so, or untyped with properties."""
    if "object" in shape.types:
        return True
    resolved = resolve_ref(document, schema)
    return not shape.types and isinstance(resolved, dict) and (
        "properties" in resolved or "additionalProperties" in resolved)


def _own_types(schema: dict[str, Any]) -> frozenset[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return frozenset({declared})
    if isinstance(declared, list):
        return frozenset(str(t) for t in declared)
    values = schema["enum"] if isinstance(schema.get("enum"), list) else (
        [schema["const"]] if "const" in schema else [])
    return frozenset(json_type(v) for v in values)


def _is_binary(schema: dict[str, Any]) -> bool:
    if schema.get("type") not in (None, "string") and not (
            isinstance(schema.get("type"), list) and "string" in schema["type"]):
        return False
    return (schema.get("format") == "binary" or "contentMediaType" in schema
            or "contentEncoding" in schema)


def coerce_text(text: str, shape: Shape) -> Any:
    """One string as the type `shape` declares; unchanged when it fits none.

    "" is null when null is allowed: forms and query strings cannot say null otherwise.
    A schema that allows strings keeps the text as it is.
    """
    types = shape.types
    if text == "" and "null" in types:
        return None
    if not types or "string" in types:
        return text
    if "integer" in types and _INTEGER.fullmatch(text):
        return int(text)
    if "number" in types and _NUMBER.fullmatch(text):
        if _INTEGER.fullmatch(text):
            return int(text)
        number = float(text)
        return number if math.isfinite(number) else text  # 1e999 is no JSON number
    if "boolean" in types and text in _BOOLEANS:
        return _BOOLEANS[text]
    return text


def coerce_values(values: list[str], shape: Shape) -> Any:
    """Every value sent under one name: a list for arrays, else the last one (as Django does)."""
    if shape.is_array:
        item_shape = shape.items or ANY
        return [coerce_text(value, item_shape) for value in values]
    return coerce_text(values[-1], shape)

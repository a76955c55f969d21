"""Whether a value satisfies an OpenAPI Schema Object, by jsonschema_rs.

For the generator (behaviours/fake.py), which asks about the same few schemas many times per
value: each distinct schema is compiled once per document and direction (remembered by identity
and by its canonical text), and a `$ref` resolves against the document's components.

Before compiling, a schema is put in JSON Schema 2020-12 terms: OpenAPI 3.0's `nullable` and
boolean exclusive bounds as 2020-12 says them; with a direction, a property the direction leaves
out (writeOnly in a response, readOnly in a request) must be absent and is excused from
`required`, as OpenAPI says. Formats are asserted. A schema jsonschema_rs cannot compile (a
regex it refuses: `specmock lint` reports those) accepts nothing.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import jsonschema_rs
import orjson

from specmock.core import documents
from specmock.core.formats import with_format_bounds
from specmock.core.memo import PerDocument
from specmock.core.schema30 import exclusive_bounds_as_2020, nullable_as_2020

Direction = Literal["response", "request"]

_CHECKS_PER_DOCUMENT = 4096  # compiled checks remembered per (document, direction)
_DOCUMENTS = 16  # documents whose checks are remembered (tests load many)
_LITERAL_KEYS = frozenset({"example", "examples", "enum", "const", "default"})
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions",
                          "dependentSchemas"})
_REJECT_ALL = jsonschema_rs.Draft202012Validator(False)


class SchemaChecks:
    """The checks of one document for one direction (None: no readOnly/writeOnly rule)."""

    def __init__(self, document: dict[str, Any], direction: Direction | None) -> None:
        self.document = document
        self.forbidden = {"response": "writeOnly", "request": "readOnly"}.get(direction or "")
        self._by_identity: dict[int, tuple[Any, Any]] = {}
        self._by_text: dict[bytes, Any] = {}
        self._components: dict[str, Any] | None = None

    def valid(self, value: Any, schema: Any) -> bool:
        """Whether `value` satisfies `schema`."""
        if schema is True or schema == {}:
            return True
        try:
            return bool(self._compiled(schema).is_valid(value))
        except (ValueError, OverflowError, TypeError):
            return False  # past the checker's recursion limit, or not JSON: not a usable value

    def count_valid(self, value: Any, schemas: list[Any], stop_at: int = 2) -> int:
        """How many of the schemas the value satisfies (counting stops at `stop_at`)."""
        count = 0
        for schema in schemas:
            count += self.valid(value, schema)
            if count >= stop_at:
                break
        return count

    def is_forbidden(self, schema: Any) -> bool:
        """Whether the direction leaves out a property with this schema."""
        return self.forbidden is not None and flagged(self.document, schema, self.forbidden)

    def _compiled(self, schema: Any) -> Any:
        kept = self._by_identity.get(id(schema))
        if kept is not None and kept[0] is schema:
            return kept[1]
        text = _schema_text(schema)
        compiled = self._by_text.get(text)
        if compiled is None:
            compiled = self._compile(schema, refers=b'"$ref"' in text)
            _remember(self._by_text, text, compiled)
        _remember(self._by_identity, id(schema), (schema, compiled))
        return compiled

    def _compile(self, schema: Any, refers: bool) -> Any:
        root: Any = self.convert(schema)
        if refers:
            root = {"allOf": [root], **self._ref_root()}
        try:
            return jsonschema_rs.Draft202012Validator(root, validate_formats=True)
        except (ValueError, jsonschema_rs.ValidationError):
            return _REJECT_ALL

    def _ref_root(self) -> dict[str, Any]:
        """What a root around a schema with `$ref`s carries: the document's components, their
        schemas converted, and its paths (some refs point there)."""
        if self._components is None:
            components = dict(self.document.get("components") or {})
            schemas = components.get("schemas")
            if isinstance(schemas, dict):
                components["schemas"] = {k: self.convert(v) for k, v in schemas.items()}
            self._components = components
        return {"components": self._components, "paths": self.document.get("paths") or {}}

    def convert(self, node: Any) -> Any:
        """`node` in 2020-12 terms for this direction (a copy; the schema is not changed)."""
        if isinstance(node, list):
            return [self.convert(item) for item in node]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _LITERAL_KEYS or key.startswith("x-"):
                out[key] = value
            elif key in _SCHEMA_MAPS and isinstance(value, dict):
                out[key] = {name: self.convert(sub) for name, sub in value.items()}
            else:
                out[key] = self.convert(value)
        properties = node.get("properties")
        if self.forbidden is not None and isinstance(properties, dict):
            left_out = [name for name, sub in properties.items() if self.is_forbidden(sub)]
            out["properties"] = {**out["properties"], **dict.fromkeys(left_out, False)}
            if isinstance(out.get("required"), list):
                out["required"] = [name for name in out["required"] if name not in left_out]
        return nullable_as_2020(exclusive_bounds_as_2020(with_format_bounds(out)))


def flagged(document: dict[str, Any], schema: Any, flag: str, hops: int = 0) -> bool:
    """Whether `readOnly`/`writeOnly` is set on the schema, its reference or an allOf branch."""
    if not isinstance(schema, dict) or hops > 8:
        return False
    if schema.get(flag) is True:
        return True
    if "$ref" in schema:
        try:
            target = documents.ref_target(document, str(schema["$ref"]))
        except documents.RefError:
            return False
        if flagged(document, target, flag, hops + 1):
            return True
    return any(flagged(document, branch, flag, hops + 1) for branch in schema.get("allOf", []))


def _schema_text(schema: Any) -> bytes:
    """A schema's canonical JSON text: equal schemas, one compiled check."""
    try:
        return orjson.dumps(schema, option=orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError):  # integers beyond 64 bits
        return json.dumps(schema, sort_keys=True, default=repr).encode()


def _remember(memo: dict[Any, Any], key: Any, value: Any) -> None:
    if len(memo) >= _CHECKS_PER_DOCUMENT:
        del memo[next(iter(memo))]
    memo[key] = value


_shared: PerDocument[SchemaChecks] = PerDocument(_DOCUMENTS, SchemaChecks)  # type: ignore[arg-type]


def schema_checks(document: dict[str, Any], direction: Direction | None = None) -> SchemaChecks:
    """The document's checks for `direction`, shared by every generation from it (its compiled
    checks are what makes checking cheap; core/memo.PerDocument)."""
    return _shared.get(document, direction)

"""JSON Schema validators compiled once from a bundled OpenAPI document.

Checking is done by jsonschema_rs (a Rust implementation): on the request hot path it is about a
hundred times faster than the pure-Python `jsonschema` and reports the same instance locations.
A schema's local `$ref`s (`#/components/...`, `#/paths/...`) resolve against one jsonschema-rs
`Registry` per document and direction, holding its rewritten `components` (and `paths` when some
ref points there) under one URI; the refs are rebased onto that URI when a schema is compiled.
Every validator of a document shares that registry and compiles only the subschemas it reaches.
(Until issue 15 each validator's root carried its own copy of `components`: on a 659-operation
document 923 validators took 8 ms and 3.8 MB each, 8.4 s and 3.5 GB of a 8.6 s start; sharing
the registry builds the same validators in 0.05 s and 40 MB.)

Before compiling, schemas are rewritten once (never per request):

* OpenAPI 3.0 keywords become JSON Schema 2020-12: `nullable: true` adds "null" to `type`, a
  boolean `exclusiveMinimum`/`exclusiveMaximum` takes the bound from `minimum`/`maximum`.
* For a direction, `required` forgets the properties that direction leaves out: a client never
  sends `readOnly` ones, a server never returns `writeOnly` ones (OpenAPI 3.x rules).
* A numeric `format` with a range (`int32`, `int64`, `float`, ...: core/formats.py) becomes
  `minimum`/`maximum` (a tighter declared bound is kept): JSON Schema treats formats as
  annotations, and jsonschema-rs checks formats of strings only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import jsonschema_rs
import orjson

from specmock.core.formats import NUMBER_FORMATS, format_range, with_format_bounds
from specmock.core.limits import brief
from specmock.core.memo import PerDocument
from specmock.core.pointers import escape
from specmock.core.schema30 import exclusive_bounds_as_2020, nullable_as_2020
from specmock.engine.schemas_util import resolve_ref
from specmock.engine.violations import Violation

Direction = Literal["request", "response"]

CHECKED_FORMATS = frozenset({"date", "date-time", "email", "uuid", "uri"})
"""Formats that are asserted. Other standard formats are not: real servers rarely check them,
and a mock that is stricter than the service it stands for breaks working clients."""

_UNCHECKED_STANDARD_FORMATS = (
    "time", "duration", "idn-email", "hostname", "idn-hostname", "ipv4", "ipv6", "uri-reference",
    "iri", "iri-reference", "uri-template", "json-pointer", "relative-json-pointer", "regex",
)

# Keys whose value is data, not a schema: rewriting `nullable` inside an example would be wrong.
_LITERAL_KEYS = frozenset({"example", "examples", "enum", "const", "default"})
# Keys whose value maps arbitrary names to schemas: a property may be called "default".
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions",
                          "dependentSchemas", "schemas"})
_OMITTED_IN: dict[str, str] = {"request": "readOnly", "response": "writeOnly"}


def _accept_any(_value: str) -> bool:
    return True


_FORMATS = {name: _accept_any for name in _UNCHECKED_STANDARD_FORMATS}


@dataclass(frozen=True, slots=True)
class SchemaError:
    """One failed check: where in the checked value (`path` tokens) and what is wrong."""

    path: tuple[str | int, ...]
    message: str
    keyword: str = ""  # the failed keyword, camelCase as in JSON Schema: minLength, required
    limit: Any = None  # its limit where it has one (minLength: 20)


def pointer_of(path: tuple[str | int, ...] | list[str | int]) -> str:
    """The JSON pointer of an instance location given as tokens."""
    return "".join("/" + escape(str(token)) for token in path)


# How many failed checks one validation reports: enough for every field of a real form, bounded so
# a 500k-element invalid array does not build a 500k-line answer.
MAX_ERRORS = 100


class TooDeepError(ValueError):
    """A value nested deeper than the validator can follow; the request answers 400."""


def _located(error: Any, root: Any = None) -> list[SchemaError]:
    path = tuple(error.instance_path)
    kind = error.kind
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
        return [SchemaError((*path, str(kind.property)), brief(error.message), "required")]
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties):
        return [SchemaError((*path, name), brief(f'Property "{name}" is not allowed'),
                            "additionalProperties")
                for name in kind.unexpected]
    name = type(kind).__name__
    keyword = name[:1].lower() + name[1:]
    limit = getattr(kind, "limit", None)
    message = brief(error.message)
    if keyword in ("minimum", "maximum"):
        message += _format_note(root, error.schema_path, limit)
    return [SchemaError(path, message, keyword, limit)]


def _format_note(roots: Any, schema_path: Any, limit: Any) -> str:
    """" (the int32 range is ...)" where the failed bound is the one a numeric format set.

    `roots`: the schemas the path may start in: the validator's own root, then the registry
    document its `$ref`s resolve in (a path through a ref starts there: /components/...)."""
    for root in roots if isinstance(roots, tuple) else (roots,):
        node = root
        for token in list(schema_path)[:-1]:
            if isinstance(node, dict):
                node = node.get(token)
            elif isinstance(node, list) and isinstance(token, int) and token < len(node):
                node = node[token]
            else:
                node = None
                break
        bounds = format_range(node) if isinstance(node, dict) else None
        if bounds is not None and limit in bounds:
            return f" (the {node['format']} range is {bounds[0]} to {bounds[1]})"
    return ""


class SchemaValidator:
    """One compiled schema. Cheap to call; compiled once by `compile_schema`."""

    __slots__ = ("_compiled", "_root")

    def __init__(self, compiled: jsonschema_rs.Validator, root: Any = None) -> None:
        self._compiled = compiled
        self._root = root  # the schema as compiled, to word the bounds a format set

    def is_valid(self, value: Any) -> bool:
        """Whether `value` passes (the fast path: no error objects are built).

        Raises `TooDeepError` for a value nested beyond the validator's recursion limit.
        """
        try:
            return self._compiled.is_valid(value)
        except ValueError as exc:
            raise TooDeepError(str(exc)) from None

    def schema_errors(self, value: Any) -> list[SchemaError]:
        """Every failed check (at most `MAX_ERRORS`), located at the offending instance.

        `required` and `additionalProperties` failures point at the missing or unexpected
        property itself rather than at the object holding it, so a client sees which field.
        Messages quote at most a few hundred characters of the input (`brief`).
        """
        found: list[SchemaError] = []
        try:
            for error in self._compiled.iter_errors(value):
                found.extend(_located(error, self._root))
                if len(found) >= MAX_ERRORS:
                    break
        except ValueError as exc:  # jsonschema-rs's recursion limit, on absurdly nested input
            raise TooDeepError(str(exc)) from None
        return found[:MAX_ERRORS]

    def errors(self, value: Any) -> list[Violation]:
        """Every failed check as a body `Violation`, pointers relative to `value`."""
        return [
            Violation("body", str(error.path[0]) if error.path else "", pointer_of(error.path),
                      error.message)
            for error in self.schema_errors(value)
        ]


def compile_schema(schema: Any, document: dict[str, Any], *,
                   direction: Direction | None = None) -> SchemaValidator:
    """A validator for `schema`, whose local refs resolve against the whole `document`.

    `direction` "request" ignores `required` on readOnly properties, "response" on writeOnly
    ones; None keeps `required` as written.
    """
    prepared = _prepared(document, direction)
    root = {"allOf": [_rebased(prepared.convert(schema))]}
    compiled = jsonschema_rs.Draft202012Validator(root, validate_formats=True, formats=_FORMATS,
                                                  registry=prepared.registry(schema))
    return SchemaValidator(compiled, (root, prepared.resource(schema)))


def convert_schema(schema: Any, document: dict[str, Any], *,
                   direction: Direction | None = None) -> Any:
    """`schema` as it is checked: 3.0 keywords rewritten, `required` filtered for `direction`."""
    return _prepared(document, direction).convert(schema)


DOCUMENT_URI = "urn:specmock:document"
"""Where a document's rewritten `components` (and `paths`) sit in its validators' registry."""


class _Prepared:
    """A document's rewrite rules and the registry its compiled schemas' refs resolve in."""

    def __init__(self, document: dict[str, Any], direction: Direction | None) -> None:
        self.document = document
        self.openapi30 = str(document.get("openapi", "3.1")).startswith("3.0")
        self.omitted_flag = _OMITTED_IN.get(direction or "")
        self.bounded = _mentions_number_formats(document)
        self._paths_referenced = _refers_to_paths(document.get("components", {})) or \
            _refers_to_paths(document.get("paths", {}))
        # Built on first use: without `paths`, and with them (only when some ref needs them).
        self._registries: dict[bool, jsonschema_rs.Registry] = {}
        self._resources: dict[bool, dict[str, Any]] = {}

    def registry(self, schema: Any) -> jsonschema_rs.Registry:
        """The registry `schema`'s refs resolve in: components, and paths where needed."""
        with_paths = self._paths_referenced or _refers_to_paths(schema)
        found = self._registries.get(with_paths)
        if found is None:
            found = jsonschema_rs.Registry([(DOCUMENT_URI, self.resource(schema))],
                                           draft=jsonschema_rs.Draft202012)
            self._registries[with_paths] = found
        return found

    def resource(self, schema: Any) -> dict[str, Any]:
        """The document the registry holds for `schema` (rewritten components, and paths)."""
        with_paths = self._paths_referenced or _refers_to_paths(schema)
        found = self._resources.get(with_paths)
        if found is None:
            resource = {"components": self.convert(self.document.get("components", {}))}
            if with_paths:
                resource["paths"] = self.convert(self.document.get("paths", {}))
            found = self._resources[with_paths] = _rebased(resource)
        return found

    def convert(self, node: Any) -> Any:
        """`node` rewritten (a copy; the document is never changed)."""
        # A schema built outside the document (a request's) may name a format the rest lacks.
        bounded = self.bounded or _mentions_number_formats(node)
        if not self.openapi30 and self.omitted_flag is None and not bounded:
            return node
        return self._walk(node, bounded)

    def _walk(self, node: Any, bounded: bool) -> Any:
        if isinstance(node, list):
            return [self._walk(item, bounded) for item in node]
        if not isinstance(node, dict):
            return node
        converted: dict[str, Any] = {}
        for key, value in node.items():
            if key in _LITERAL_KEYS:
                converted[key] = value
            elif key in _SCHEMA_MAPS and isinstance(value, dict):
                converted[key] = {name: self._walk(sub, bounded) for name, sub in value.items()}
            else:
                converted[key] = self._walk(value, bounded)
        if self.omitted_flag is not None:
            _drop_omitted_required(converted, node, self.document, self.omitted_flag)
        if self.openapi30:
            exclusive_bounds_as_2020(converted)
        if bounded:
            with_format_bounds(converted)
        return nullable_as_2020(converted) if self.openapi30 else converted


def _mentions_number_formats(document: dict[str, Any]) -> bool:
    """Whether any ranged numeric format appears in the document (else nothing is rewritten
    for it): one scan of the serialised text, far cheaper than walking every schema."""
    try:
        text = orjson.dumps(document, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return True
    return any(f'"{name}"'.encode() in text for name in NUMBER_FORMATS)


def _drop_omitted_required(converted: dict[str, Any], original: dict[str, Any],
                           document: dict[str, Any], flag: str) -> None:
    required, properties = original.get("required"), original.get("properties")
    if not isinstance(required, list) or not isinstance(properties, dict):
        return
    converted["required"] = [
        name for name in required if not _flagged(properties.get(name), document, flag)
    ]


def _flagged(schema: Any, document: dict[str, Any], flag: str, depth: int = 0) -> bool:
    """Whether a property schema is marked `flag` (readOnly/writeOnly), through refs and allOf."""
    if not isinstance(schema, dict) or depth > 8:
        return False
    if schema.get(flag) is True:
        return True
    resolved = resolve_ref(document, schema)
    if isinstance(resolved, dict) and resolved is not schema and resolved.get(flag) is True:
        return True
    branches = resolved.get("allOf", []) if isinstance(resolved, dict) else []
    return any(_flagged(branch, document, flag, depth + 1) for branch in branches)


def _rebased(node: Any) -> Any:
    """`node` with its local refs (`#/...`) pointing into the registry's document (a copy)."""
    if isinstance(node, list):
        return [_rebased(item) for item in node]
    if not isinstance(node, dict):
        return node
    rebased: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and value.startswith("#"):
            rebased[key] = DOCUMENT_URI + value
        elif key in _LITERAL_KEYS:
            rebased[key] = value
        elif key in _SCHEMA_MAPS and isinstance(value, dict):
            rebased[key] = {name: _rebased(sub) for name, sub in value.items()}
        else:
            rebased[key] = _rebased(value)
    return rebased


def _refers_to_paths(node: Any) -> bool:
    """Whether any `$ref` under `node` points into `#/paths/` (then paths join the ref root)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/paths/"):
                return True
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return False


_prepared_cache: PerDocument[_Prepared] = PerDocument(16, _Prepared)  # type: ignore[arg-type]


def _prepared(document: dict[str, Any], direction: Direction | None) -> _Prepared:
    """The rewritten document, shared by every schema compiled from it (rewritten once)."""
    return _prepared_cache.get(document, direction)

"""An operation's parameters (path, query, header, cookie): declared once, read per request.

Values are read with their OpenAPI `style`/`explode`, every combination the specification
defines (engine/styles.py splits the text; coercion.py turns the strings into the schema's
types), and `content` parameters are parsed as JSON. Checking them against their schemas is the
validator's job: this module reads, and reports text that breaks its style as a violation that
says how to send it (`hint`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

import orjson

from specmock.behaviours.prefer import CONTROL_PARAMETERS
from specmock.core.exchange import Request
from specmock.core.pointers import escape
from specmock.core.styles import DEFAULT_STYLE, default_explode, serialise_pairs, serialise_text
from specmock.engine.coercion import (
    ANY,
    Shape,
    coerce_text,
    is_object_schema,
    object_shapes,
    shape_of,
)
from specmock.engine.mediatypes import essence, is_json
from specmock.engine.schemas_util import resolve_ref
from specmock.engine.styles import (
    Kind,
    Raw,
    StyleError,
    read_deep_object,
    read_delimited,
    read_exploded_object,
    read_text,
)
from specmock.engine.violations import Violation

LOCATIONS = ("path", "query", "header", "cookie")
# OpenAPI: header parameters with these names are ignored (they are described elsewhere).
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
_PLACES = {"path": "Path", "query": "Query", "header": "Header", "cookie": "Cookie"}


@dataclass(frozen=True, slots=True)
class ParameterSpec:
    """One declared parameter, with what is needed to read it cheaply."""

    name: str
    location: str
    required: bool
    schema: Any  # None when the parameter declares none (it is then not checked)
    shape: Shape
    style: str
    explode: bool
    json_content: bool  # declared through `content` with a JSON media type
    allow_empty: bool  # `allowEmptyValue`: an empty value counts as sent, and is not checked
    kind: Kind = "primitive"
    fields: dict[str, Shape] = field(default_factory=dict)  # an object's property shapes
    other: Shape | None = ANY  # the shape of its undeclared properties (None: none allowed)
    hint: str = ""  # how a client sends a valid value ("color[R]=100&color[G]=200")

    @property
    def checked(self) -> bool:
        """Whether the value goes through the schema check."""
        return self.schema is not None

    @property
    def place(self) -> str:
        """Where it is sent and how, as a client reads it: 'Query parameter "color"
        (deepObject)'; the style is named where it is not the location's plain default."""
        plain = self.style == DEFAULT_STYLE[self.location] and self.kind == "primitive"
        if self.json_content:
            how = " (JSON)"
        elif plain:
            how = ""
        else:
            how = f" ({self.style}{', exploded' if self.explode else ''})"
        return f'{_PLACES[self.location]} parameter "{self.name}"{how}'

    def advice(self) -> str:
        """What to send instead, for a violation's message ('' when nothing can be said)."""
        return f"; send it as {self.hint}" if self.hint else ""


def declared_parameters(operation: dict[str, Any], path_item: dict[str, Any],
                        document: dict[str, Any]) -> list[ParameterSpec]:
    """The parameters of an operation: the path item's, overridden by name+location by its own."""
    by_key: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in (*path_item.get("parameters", []), *operation.get("parameters", [])):
        parameter = resolve_ref(document, raw)
        if isinstance(parameter, dict) and "name" in parameter and "in" in parameter:
            by_key[(str(parameter["name"]), str(parameter["in"]))] = parameter
    return [
        _spec(parameter, document) for (name, location), parameter in by_key.items()
        if location in LOCATIONS and not (location == "header" and name.lower() in _IGNORED_HEADERS)
    ]


def _spec(parameter: dict[str, Any], document: dict[str, Any]) -> ParameterSpec:
    location = str(parameter["in"])
    schema, json_content = parameter.get("schema"), False
    if schema is None and isinstance(parameter.get("content"), dict) and parameter["content"]:
        media_type, media = next(iter(parameter["content"].items()))
        schema = resolve_ref(document, media).get("schema")
        json_content = is_json(essence(media_type))
    style = str(parameter.get("style", DEFAULT_STYLE[location]))
    explode = bool(parameter.get("explode", default_explode(style)))
    shape = shape_of(schema, document) if schema is not None else ANY
    kind: Kind = "primitive"
    fields: dict[str, Shape] = {}
    other: Shape | None = ANY
    if json_content:
        kind = "primitive"  # one JSON text, whatever it holds
    elif shape.is_array:
        kind = "array"
    elif schema is not None and is_object_schema(schema, document, shape):
        kind = "object"
        fields, other = object_shapes(schema, document)
    name = str(parameter["name"])
    return ParameterSpec(
        name=name,
        location=location,
        required=bool(parameter.get("required", location == "path")),
        schema=schema,
        shape=shape,
        style=style,
        explode=explode,
        json_content=json_content,
        allow_empty=location == "query" and parameter.get("allowEmptyValue") is True,
        kind=kind,
        fields=fields,
        other=other,
        hint=_hint(name, location, style, explode,
                   _sample(schema, document, _json_kind(shape) if json_content else kind),
                   json_content),
    )


class ParameterReader:
    """Reads every declared parameter from a request, coerced; undeclared query ones as text.

    Each read takes a list to which it appends the values that break their style (the value
    is then left out, and the schema check does not report it again).
    """

    def __init__(self, specs: list[ParameterSpec]) -> None:
        self._path = [s for s in specs if s.location == "path"]
        self._query = [s for s in specs if s.location == "query"]
        self._header = [s for s in specs if s.location == "header"]
        self._cookie = [s for s in specs if s.location == "cookie"]
        self._declared_query = frozenset(s.name for s in self._query)
        self._deep_prefixes = tuple(s.name + "[" for s in self._query if s.style == "deepObject")
        # Form-exploded objects take other names of the query string as their properties.
        self._spread = [s for s in self._query if _spread(s)]
        self._spread_names = frozenset(
            name for s in self._spread for name in s.fields)
        self._spread_open = any(s.other is not None for s in self._spread)
        present = {"path": self._path, "query": self._query, "header": self._header,
                   "cookie": self._cookie}
        self.locations = tuple(location for location, mine in present.items() if mine)
        """The locations that declare at least one parameter."""
        self.has_headers = bool(self._header)
        """Whether any header is declared (else `headers` is always empty)."""
        self.has_cookies = bool(self._cookie)
        """Whether any cookie is declared (else `cookies` is always empty)."""

    def path(self, raw: dict[str, str], problems: list[Violation] | None = None
             ) -> dict[str, Any]:
        """Path parameters coerced; ones the contract does not declare kept as text."""
        values: dict[str, Any] = dict(raw)
        for spec in self._path:
            if spec.name in raw:
                _put(values, spec, lambda s=spec: _from_text(raw[s.name], s), problems)
        return values

    def query(
        self, pairs: Sequence[tuple[str, str]], problems: list[Violation] | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """(declared parameters coerced, undeclared ones as text: a list when repeated)."""
        grouped: dict[str, list[str]] = {}
        for name, value in pairs:
            grouped.setdefault(name, []).append(value)
        declared: dict[str, Any] = {}
        for spec in self._query:
            if spec.style == "deepObject":
                deep = read_deep_object(spec.name, pairs)
                if deep:
                    declared[spec.name] = _coerced(deep, spec)
                elif spec.name in grouped:  # `color=red` for `color[R]=100`
                    _problem(problems, spec, "is sent as one value, not by its properties")
            elif _spread(spec):
                spread = read_exploded_object(
                    pairs, frozenset(spec.fields) if spec.other is None else None,
                    self._declared_query - {spec.name})
                if spread:
                    declared[spec.name] = _coerced(spread, spec)
            elif spec.name in grouped:
                values = grouped[spec.name]
                if spec.allow_empty and values[-1] == "":
                    declared[spec.name] = ""  # sent, and empty is allowed: nothing to check
                    continue
                _put(declared, spec, lambda s=spec, v=values: _from_values(v, s), problems)
        extra = {
            name: values[0] if len(values) == 1 else values
            for name, values in grouped.items()
            if name not in self._declared_query and not name.startswith(self._deep_prefixes)
            and not self._spread_takes(name)
            and name not in CONTROL_PARAMETERS  # the mock's own controls, not the operation's
        }
        return declared, extra

    def _spread_takes(self, name: str) -> bool:
        return bool(self._spread) and (self._spread_open or name in self._spread_names)

    def headers(self, request: Request, problems: list[Violation] | None = None
                ) -> dict[str, Any]:
        """Declared headers coerced, by their declared names (lookup is case-insensitive)."""
        values: dict[str, Any] = {}
        for spec in self._header:
            raw = request.headers.get(spec.name.lower())
            if raw is not None:
                _put(values, spec, lambda s=spec, r=raw: _from_text(r.strip(), s), problems)
        return values

    def cookies(self, request: Request, problems: list[Violation] | None = None
                ) -> dict[str, Any]:
        """Declared cookies coerced (form style: exploded lists and objects are several)."""
        if not self._cookie or "cookie" not in request.headers:
            return {}
        jar = cookie_pairs(request.headers["cookie"])
        names = frozenset(name for name, _ in jar)
        values: dict[str, Any] = {}
        for spec in self._cookie:
            if _spread(spec):
                spread = read_exploded_object(
                    jar, frozenset(spec.fields) if spec.other is None else None,
                    frozenset(s.name for s in self._cookie) - {spec.name})
                if spread:
                    values[spec.name] = _coerced(spread, spec)
            elif spec.name in names:
                sent = [value for name, value in jar if name == spec.name]
                _put(values, spec, lambda s=spec, v=sent: _from_values(v, s), problems)
        return values


def cookie_pairs(header: str) -> list[tuple[str, str]]:
    """A Cookie header as (name, value) pairs in order, repeats kept, values percent-decoded
    (form style encodes them) and unquoted."""
    pairs: list[tuple[str, str]] = []
    for part in header.split(";"):
        name, equals, value = part.strip().partition("=")
        if not equals or not name:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        pairs.append((name, unquote(value)))
    return pairs


def _spread(spec: ParameterSpec) -> bool:
    """A form-style exploded object: its properties are parameters of their own."""
    return spec.kind == "object" and spec.style == "form" and spec.explode \
        and spec.location in ("query", "cookie")


def _put(values: dict[str, Any], spec: ParameterSpec, read: Any,
         problems: list[Violation] | None) -> None:
    try:
        values[spec.name] = read()
    except StyleError as error:
        _problem(problems, spec, str(error))


def _problem(problems: list[Violation] | None, spec: ParameterSpec, what: str) -> None:
    if problems is not None:
        problems.append(Violation(
            spec.location, spec.name, f"/{spec.location}/{escape(spec.name)}",
            f"{spec.place} {_as_clause(what)}{spec.advice()}."))


def _as_clause(what: str) -> str:
    """A style error's wording after the parameter's name."""
    return what if what.startswith("is ") else f"does not fit its style: {what}"


def _from_values(values: list[str], spec: ParameterSpec) -> Any:
    """A query parameter (or cookie) from every value sent under its name."""
    if spec.json_content:
        return _json(values[-1], spec)
    if spec.kind == "array" and spec.explode and spec.style != "deepObject":
        return _coerced(values, spec)
    return _from_text(values[-1], spec, query=True)


def _from_text(text: str, spec: ParameterSpec, *, query: bool = False) -> Any:
    """A parameter from one text value, split by its style."""
    if spec.json_content:
        return _json(text, spec)
    if query or spec.location == "cookie":
        raw: Raw = read_delimited(text, spec.style, spec.explode, spec.kind)
    else:
        raw = read_text(spec.name, text, spec.style, spec.explode, spec.kind)
    if spec.location == "header":
        raw = _stripped(raw)
    return _coerced(raw, spec)


def _stripped(raw: Raw) -> Raw:
    """Header items lose the spaces around them ("1, 2" is [1, 2])."""
    if isinstance(raw, list):
        return [item.strip() for item in raw]
    if isinstance(raw, dict):
        return {key.strip(): value.strip() if isinstance(value, str) else value
                for key, value in raw.items()}
    return raw.strip()


def _coerced(raw: Raw, spec: ParameterSpec) -> Any:
    """Strings as the schema's types: items by the item schema, properties by theirs."""
    if isinstance(raw, list):
        items = spec.shape.items or ANY
        return [coerce_text(item, items) for item in raw]
    if isinstance(raw, dict):
        return {key: _property(value, spec.fields.get(key, spec.other or ANY))
                for key, value in raw.items()}
    return coerce_text(raw, spec.shape)


def _property(value: str | list[str], shape: Shape) -> Any:
    if isinstance(value, list):
        return [coerce_text(item, shape.items or ANY) for item in value]
    if shape.is_array:
        return [coerce_text(item, shape.items or ANY) for item in value.split(",")] \
            if value else []
    return coerce_text(value, shape)


def _json(text: str, spec: ParameterSpec) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        if not spec.shape.types or "string" in spec.shape.types:
            return text  # a plain string for a string schema, as clients send it
        raise StyleError("is not JSON, which its `content` declares") from None


# --- hints ------------------------------------------------------------------------------------

_SAMPLES = {"integer": 1, "number": 1.5, "boolean": True, "string": "text", "null": None}


def _sample(schema: Any, document: dict[str, Any], kind: Kind, depth: int = 0) -> Any:
    """A small value of the parameter's schema for the hint: its examples, else by type."""
    schema = resolve_ref(document, schema)
    if not isinstance(schema, dict) or depth > 2:
        return "text"
    for key in ("example", "default"):
        if key in schema and _fits(schema[key], kind):
            return schema[key]
    if isinstance(schema.get("enum"), list) and schema["enum"] and kind == "primitive":
        return schema["enum"][0]
    if kind == "array":
        item = _sample(schema.get("items", {}), document, "primitive", depth + 1)
        return [item, item]
    if kind == "object":
        properties = dict(schema.get("properties") or {})
        for branch in schema.get("allOf", []):
            properties.update((resolve_ref(document, branch) or {}).get("properties") or {})
        chosen = list(properties.items())[:3]
        if not chosen:
            return {"key": "value"}
        return {name: _sample(sub, document, "primitive", depth + 1) for name, sub in chosen}
    types = schema.get("type")
    kind_name = types if isinstance(types, str) else (
        next((t for t in types if t != "null"), "string") if isinstance(types, list) else None)
    if kind_name is None and "format" in schema and schema["format"] in ("int32", "int64"):
        kind_name = "integer"
    if kind_name in _SAMPLES:
        minimum = schema.get("minimum")
        if kind_name in ("integer", "number") and isinstance(minimum, int | float) \
                and not isinstance(minimum, bool):
            return minimum if kind_name == "number" else int(minimum)
        return _SAMPLES[kind_name]
    return "text"


def _json_kind(shape: Shape) -> Kind:
    if shape.is_array:
        return "array"
    return "object" if "object" in shape.types else "primitive"


def _fits(value: Any, kind: Kind) -> bool:
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    return not isinstance(value, list | dict)


def _hint(name: str, location: str, style: str, explode: bool, sample: Any,
          json_content: bool) -> str:
    """The text a client sends for `sample` ("color[R]=100&color[G]=200", "X-Ids: 1,2")."""
    if json_content:
        text = orjson.dumps(sample).decode()
        return f"{name}={text}" if location in ("query", "cookie") else text
    if location in ("query", "cookie"):
        pairs = serialise_pairs(name, sample, style, explode)
        return ("; " if location == "cookie" else "&").join(
            f"{quote(k, safe='[]')}={quote(v, safe=',|:/')}" for k, v in pairs)
    text = serialise_text(name, sample, style, explode)
    return f"{name}: {text}" if location == "header" else text

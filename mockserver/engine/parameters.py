"""An operation's parameters (path, query, header, cookie): declared once, read per request.

Values are read with their OpenAPI `style`/`explode` (form and simple; arrays from repeated
names or comma lists) and coerced from text to the schema's types (see coercion.py). Checking
them against their schemas is the validator's job: this module only reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from typing import Any

import orjson

from mockserver.behaviours.prefer import CONTROL_PARAMETERS
from mockserver.core.exchange import Request
from mockserver.engine.coercion import ANY, Shape, coerce_text, coerce_values, shape_of
from mockserver.engine.mediatypes import essence, is_json
from mockserver.engine.schemas_util import resolve_ref

LOCATIONS = ("path", "query", "header", "cookie")
# OpenAPI: header parameters with these names are ignored (they are described elsewhere).
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
_DEFAULT_STYLE = {"path": "simple", "query": "form", "header": "simple", "cookie": "form"}
_DELIMITERS = {"form": ",", "simple": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


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
    allow_empty: bool  # `allowEmptyValue`: an empty value means the parameter was not sent

    @property
    def checked(self) -> bool:
        """Whether the value goes through the schema check (deepObject values are kept as text)."""
        return self.schema is not None and self.style != "deepObject"


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
    style = str(parameter.get("style", _DEFAULT_STYLE[location]))
    return ParameterSpec(
        name=str(parameter["name"]),
        location=location,
        required=bool(parameter.get("required", location == "path")),
        schema=schema,
        shape=shape_of(schema, document) if schema is not None else ANY,
        style=style,
        explode=bool(parameter.get("explode", style == "form")),
        json_content=json_content,
        allow_empty=location == "query" and parameter.get("allowEmptyValue") is True,
    )


class ParameterReader:
    """Reads every declared parameter from a request, coerced; undeclared query ones as text."""

    def __init__(self, specs: list[ParameterSpec]) -> None:
        self._path = [s for s in specs if s.location == "path"]
        self._query = [s for s in specs if s.location == "query"]
        self._header = [s for s in specs if s.location == "header"]
        self._cookie = [s for s in specs if s.location == "cookie"]
        self._declared_query = frozenset(s.name for s in self._query)
        self._deep_prefixes = tuple(s.name + "[" for s in self._query if s.style == "deepObject")
        present = {"path": self._path, "query": self._query, "header": self._header,
                   "cookie": self._cookie}
        self.locations = tuple(location for location, mine in present.items() if mine)
        """The locations that declare at least one parameter."""
        self.has_headers = bool(self._header)
        """Whether any header is declared (else `headers` is always empty)."""
        self.has_cookies = bool(self._cookie)
        """Whether any cookie is declared (else `cookies` is always empty)."""

    def path(self, raw: dict[str, str]) -> dict[str, Any]:
        """Path parameters coerced; ones the contract does not declare kept as text."""
        values: dict[str, Any] = dict(raw)
        for spec in self._path:
            if spec.name in raw:
                values[spec.name] = _from_text(raw[spec.name], spec)
        return values

    def query(
        self, pairs: Sequence[tuple[str, str]]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """(declared parameters coerced, undeclared ones as text: a list when repeated)."""
        grouped: dict[str, list[str]] = {}
        for name, value in pairs:
            grouped.setdefault(name, []).append(value)
        declared: dict[str, Any] = {}
        for spec in self._query:
            if spec.style == "deepObject":
                deep = _deep_object(spec.name, pairs)
                if deep:
                    declared[spec.name] = deep
            elif spec.name in grouped and not (spec.allow_empty and grouped[spec.name][-1] == ""):
                declared[spec.name] = _from_values(grouped[spec.name], spec)
        extra = {
            name: values[0] if len(values) == 1 else values
            for name, values in grouped.items()
            if name not in self._declared_query and not name.startswith(self._deep_prefixes)
            and name not in CONTROL_PARAMETERS  # the mock's own controls, not the operation's
        }
        return declared, extra

    def headers(self, request: Request) -> dict[str, Any]:
        """Declared headers coerced, by their declared names (lookup is case-insensitive)."""
        values: dict[str, Any] = {}
        for spec in self._header:
            raw = request.headers.get(spec.name.lower())
            if raw is not None:
                values[spec.name] = _from_text(raw, spec)
        return values

    def cookies(self, request: Request) -> dict[str, Any]:
        """Declared cookies coerced."""
        if not self._cookie or "cookie" not in request.headers:
            return {}
        jar = SimpleCookie()
        try:
            jar.load(request.headers["cookie"])
        except CookieError:
            return {}
        return {spec.name: _from_text(jar[spec.name].value, spec)
                for spec in self._cookie if spec.name in jar}


def _from_values(values: list[str], spec: ParameterSpec) -> Any:
    """A query parameter from all values sent under its name."""
    if spec.json_content:
        return _json_or_text(values[-1])
    if spec.shape.is_array and not spec.explode:
        return _from_text(values[-1], spec)
    return coerce_values(values, spec.shape)


def _from_text(text: str, spec: ParameterSpec) -> Any:
    """A parameter from one text value (arrays as delimited lists)."""
    if spec.json_content:
        return _json_or_text(text)
    if spec.shape.is_array:
        if text == "":
            return []
        delimiter = _DELIMITERS.get(spec.style, ",")
        items = text.split(delimiter)
        if spec.location == "header":
            items = [item.strip() for item in items]
        return coerce_values(items, spec.shape)
    return coerce_text(text.strip() if spec.location == "header" else text, spec.shape)


def _json_or_text(text: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return text


def _deep_object(name: str, pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    """`filter[color]=red&filter[size]=L` as {"color": "red", "size": "L"} (values kept as text)."""
    prefix = name + "["
    return {key[len(prefix):-1]: value for key, value in pairs
            if key.startswith(prefix) and key.endswith("]")}

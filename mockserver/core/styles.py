"""OpenAPI parameter styles written out: a value as the text a client sends for it.

The OpenAPI serialisation rules (3.0 and 3.1, "Style Values" and "Style Examples") for every
style and `explode`: path `simple`/`label`/`matrix`, query `form`/`spaceDelimited`/
`pipeDelimited`/`deepObject`, header `simple`, cookie `form`. Values are primitives, lists of
primitives or flat objects of primitives (the spec defines nothing deeper).

Path, header and cookie values come out as one text (before percent-encoding, which is the
client's job); query values as (name, value) pairs. The engine reads them back
(`mockserver/engine/styles.py`); this side is used for the engine's "send it as" hints, by the
suites, and by the round-trip tests that hold the two to each other.
"""

from __future__ import annotations

from typing import Any

DEFAULT_STYLE = {"path": "simple", "query": "form", "header": "simple", "cookie": "form"}
DELIMITERS = {"form": ",", "simple": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


def default_explode(style: str) -> bool:
    """OpenAPI: `explode` defaults to true for `form` (and `deepObject` only works exploded)."""
    return style in ("form", "deepObject")


def primitive_text(value: Any) -> str:
    """A primitive as parameter text: JSON's spelling of booleans and null, numbers as written."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    return str(value)


def serialise_text(name: str, value: Any, style: str, explode: bool) -> str:
    """`value` of a path, header or cookie parameter as the one text that carries it.

    A cookie's exploded list or object is several cookies: see `serialise_pairs`.
    """
    if style == "label":
        return _label(value, explode)
    if style == "matrix":
        return _matrix(name, value, explode)
    return _simple(value, explode)


def serialise_pairs(name: str, value: Any, style: str, explode: bool) -> list[tuple[str, str]]:
    """`value` of a query parameter (or a form-style cookie) as (name, text) pairs, in order."""
    if style == "deepObject":
        return [(f"{name}[{key}]", primitive_text(item)) for key, item in _items(value)]
    delimiter = DELIMITERS.get(style, ",")
    if isinstance(value, dict):
        if explode:
            return [(key, primitive_text(item)) for key, item in value.items()]
        return [(name, delimiter.join(_flat(value)))]
    if isinstance(value, list):
        if explode:
            return [(name, primitive_text(item)) for item in value]
        return [(name, delimiter.join(primitive_text(item) for item in value))]
    return [(name, primitive_text(value))]


def _items(value: Any) -> list[tuple[str, Any]]:
    return list(value.items()) if isinstance(value, dict) else []


def _flat(value: dict[str, Any]) -> list[str]:
    """{"R": 100, "G": 200} as ["R", "100", "G", "200"] (the non-exploded object form)."""
    return [text for key, item in value.items() for text in (key, primitive_text(item))]


def _simple(value: Any, explode: bool) -> str:
    if isinstance(value, dict):
        if explode:
            return ",".join(f"{key}={primitive_text(item)}" for key, item in value.items())
        return ",".join(_flat(value))
    if isinstance(value, list):
        return ",".join(primitive_text(item) for item in value)
    return primitive_text(value)


def _label(value: Any, explode: bool) -> str:
    separator = "." if explode else ","
    if isinstance(value, dict):
        if explode:
            return "".join(f".{key}={primitive_text(item)}" for key, item in value.items())
        return "." + ",".join(_flat(value))
    if isinstance(value, list):
        return "." + separator.join(primitive_text(item) for item in value)
    return "." + primitive_text(value)


def _matrix(name: str, value: Any, explode: bool) -> str:
    if isinstance(value, dict):
        if explode:
            return "".join(_matrix_pair(key, item) for key, item in value.items())
        return f";{name}=" + ",".join(_flat(value))
    if isinstance(value, list):
        if explode:
            return "".join(_matrix_pair(name, item) for item in value)
        return f";{name}=" + ",".join(primitive_text(item) for item in value)
    return _matrix_pair(name, value)


def _matrix_pair(name: str, value: Any) -> str:
    # The spec writes an empty value as the bare name (";color").
    text = primitive_text(value)
    return f";{name}={text}" if text != "" else f";{name}"

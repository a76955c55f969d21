"""OpenAPI parameter styles read back: the text a client sent, as the strings it carries.

The inverse of `mockserver/core/styles.py` for every style and `explode` the specification
defines: a primitive stays one string, an array becomes a list of strings, an object a dict of
strings (coercion to the schema's types comes after, in parameters.py). Text that does not fit
its style raises `StyleError` with what was expected, so the client is told how to send it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from specmock.core.styles import DELIMITERS

Kind = Literal["primitive", "array", "object"]
Raw = str | list[str] | dict[str, str | list[str]]


class StyleError(ValueError):
    """Text that breaks its parameter's style; the message says what was expected."""


def read_text(name: str, text: str, style: str, explode: bool, kind: Kind) -> Raw:
    """A path or header value (or a non-exploded cookie) by its style."""
    if style == "label":
        return _label(text, explode, kind)
    if style == "matrix":
        return _matrix(name, text, explode, kind)
    return _simple(text, explode, kind, ",")


def read_delimited(text: str, style: str, explode: bool, kind: Kind) -> Raw:
    """A query (or cookie) value sent under the parameter's own name, not exploded."""
    delimiter = DELIMITERS.get(style, ",")
    if kind == "array":
        return [] if text == "" else text.split(delimiter)
    if kind == "object":
        return _pairs(text.split(delimiter) if text else [], delimiter)
    return text


def read_exploded_object(pairs: Sequence[tuple[str, str]], names: frozenset[str] | None,
                         taken: frozenset[str]) -> dict[str, str | list[str]]:
    """A form-exploded object: each property is its own query parameter (or cookie).

    `names` are the declared properties; None when any other name may be one (then every
    name not `taken` by another parameter is). A repeated name is a list.
    """
    found: dict[str, str | list[str]] = {}
    for key, value in pairs:
        if key in taken or (names is not None and key not in names):
            continue
        _add(found, key, value)
    return found


def read_deep_object(name: str, pairs: Sequence[tuple[str, str]]) -> dict[str, str | list[str]]:
    """`color[R]=100&color[G]=200` as {"R": "100", "G": "200"} (a repeated key is a list)."""
    prefix = name + "["
    found: dict[str, str | list[str]] = {}
    for key, value in pairs:
        if key.startswith(prefix) and key.endswith("]"):
            _add(found, key[len(prefix):-1], value)
    return found


def _add(found: dict[str, str | list[str]], key: str, value: str) -> None:
    if key not in found:
        found[key] = value
        return
    before = found[key]
    found[key] = [*before, value] if isinstance(before, list) else [before, value]


def _simple(text: str, explode: bool, kind: Kind, separator: str) -> Raw:
    if kind == "primitive":
        return text
    items = [] if text == "" else text.split(separator)
    if kind == "array":
        return items
    if explode:
        return _assignments(items, separator)
    return _pairs(items, separator)


def _label(text: str, explode: bool, kind: Kind) -> Raw:
    if not text.startswith("."):
        raise StyleError('label style starts with "."')
    rest = text[1:]
    if kind == "primitive":
        return rest
    separator = "." if explode else ","
    items = [] if rest == "" else rest.split(separator)
    if kind == "array":
        return items
    return _assignments(items, separator) if explode else _pairs(items, separator)


def _matrix(name: str, text: str, explode: bool, kind: Kind) -> Raw:
    if not text.startswith(";"):
        raise StyleError(f'matrix style starts with ";{name}="' if kind != "object" or not explode
                         else 'matrix style starts with ";"')
    segments = text[1:].split(";")
    if kind == "object" and explode:
        return _assignments(segments, ";")
    values = [_matrix_value(name, segment) for segment in segments]
    if kind == "array" and explode:
        return values
    if len(values) != 1:
        raise StyleError(f'matrix style sends ";{name}=" once unless exploded')
    if kind == "primitive":
        return values[0]
    items = [] if values[0] == "" else values[0].split(",")
    return items if kind == "array" else _pairs(items, ",")


def _matrix_value(name: str, segment: str) -> str:
    key, equals, value = segment.partition("=")
    if key != name:
        raise StyleError(f'matrix style names the parameter: ";{name}=..."')
    return value if equals else ""


def _pairs(items: list[str], separator: str) -> dict[str, str | list[str]]:
    """["R", "100", "G", "200"] as {"R": "100", "G": "200"} (the non-exploded object form)."""
    if len(items) % 2:
        shown = "space" if separator == " " else f'"{separator}"'
        raise StyleError(f"an object is sent as key{separator}value pairs, each "
                         f"separated by {shown}; an odd number of items came")
    return dict(zip(items[::2], items[1::2], strict=True))


def _assignments(items: list[str], separator: str) -> dict[str, str | list[str]]:
    """["R=100", "G=200"] as {"R": "100", "G": "200"} (the exploded object form)."""
    found: dict[str, str | list[str]] = {}
    for item in items:
        key, equals, value = item.partition("=")
        if not equals:
            raise StyleError(f'an exploded object is sent as key=value items separated by '
                             f'"{separator}"; "{item}" has no "="')
        found[key] = value
    return found

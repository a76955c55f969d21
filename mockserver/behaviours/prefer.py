"""The `Prefer` request header, Prism-style: `Prefer: code=404, example=notFound, dynamic=true`,
and the same controls as query parameters (`?__code=404&__example=notFound&__dynamic=true`).

Preferences are separated by commas (RFC 7240) or, as clients also write them, semicolons;
names are case-insensitive, values may be quoted, spaces around `=` are allowed. Unknown
preferences (`return=minimal`, `respond-async`) are ignored, and of a repeated one only the
first counts (RFC 7240 section 2). A value that cannot mean what its name asks is a 400: a client
that asked for `code=abc` should learn that, not get the default response.

Where a request sends both forms, the header wins name by name (Prism reads the query only when
there is no header; here a query control still adds what the header does not say).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from specmock.core.exchange import Request
from specmock.core.limits import INTEGER_TEXT, MAX_INTEGER_DIGITS, brief
from specmock.core.problems import ApiError

_WHOLE = INTEGER_TEXT
_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")

_T = TypeVar("_T")
CONTROL_PREFIX = "__"
CONTROL_PARAMETERS = frozenset({"__code", "__example", "__dynamic", "__seed"})
"""Query parameters that are the mock's per-request controls (Prism's), never the operation's."""


@dataclass(frozen=True, slots=True)
class Preference:
    """What one request asks of a static answer; None: not asked (the defaults apply).

    `code`: the status to answer with; `example`: the name of a documented example;
    `dynamic`: generate the body from the schema even where an example exists;
    `seed`: the seed of generated data for this request only.
    """

    code: int | None = None
    example: str | None = None
    dynamic: bool | None = None
    seed: int | None = None


def parse_prefer(header: str | None) -> Preference:
    """The preferences of a `Prefer` header (None or "" for none).

    Raises `ApiError` (badRequest, field "Prefer") for a malformed code, seed, dynamic or example.
    """
    return _preference(preference_values(header), _HEADER)


def request_preference(header: str | None, query: Sequence[tuple[str, str]] = ()) -> Preference:
    """What a request asks for through its `Prefer` header and its `__code`, `__example`,
    `__dynamic` and `__seed` query parameters (the header wins name by name).

    Raises `ApiError` (badRequest, naming the header or the query parameter) for a bad value.
    """
    from_header = parse_prefer(header)
    controls: dict[str, str | None] = {}
    for name, value in query:
        if name in CONTROL_PARAMETERS:
            controls.setdefault(name[len(CONTROL_PREFIX):], value)
    if not controls:
        return from_header
    from_query = _preference(controls, _QUERY)
    return Preference(
        code=_first(from_header.code, from_query.code),
        example=_first(from_header.example, from_query.example),
        dynamic=_first(from_header.dynamic, from_query.dynamic),
        seed=_first(from_header.seed, from_query.seed),
    )


def preference_of(request: Request) -> Preference:
    """What `request` asks for, from its `Prefer` header and its control query parameters."""
    query = request.query if CONTROL_PREFIX in request.query_string else ()
    return request_preference(request.header("prefer") or None, query)


def asks_for_answer(request: Request) -> bool:
    """Whether the request may ask for a documented answer (a `Prefer` header or a control
    query parameter), so that the preferences are worth reading."""
    return "prefer" in request.headers or CONTROL_PREFIX in request.query_string


def _first(mine: _T | None, other: _T | None) -> _T | None:
    return mine if mine is not None else other


@dataclass(frozen=True, slots=True)
class _Source:
    """Where preferences were read, for the error that names a bad one."""

    label: str  # how a preference is named in messages: "Prefer: code", "__code"
    field: str
    pointer: str

    def name(self, preference: str) -> str:
        return self.label.format(preference)

    def field_of(self, preference: str) -> str:
        return self.field.format(preference)

    def pointer_of(self, preference: str) -> str:
        return self.pointer.format(preference)


_HEADER = _Source("Prefer: {}", "Prefer", "/header/Prefer")
_QUERY = _Source("__{}", "__{}", "/query/__{}")


def _preference(values: dict[str, str | None], source: _Source) -> Preference:
    return Preference(
        code=_code(values["code"], source) if "code" in values else None,
        example=_example(values["example"], source) if "example" in values else None,
        dynamic=_flag(values["dynamic"], source) if "dynamic" in values else None,
        seed=_seed(values["seed"], source) if "seed" in values else None,
    )


def preference_values(header: str | None) -> dict[str, str | None]:
    """Every preference of a `Prefer` header by lower-case name (the first of a repeated one;
    None for one without a value), for behaviours that read preferences of their own
    (`fault=`, `latency=`: behaviours/faults.py)."""
    values: dict[str, str | None] = {}
    for name, value in _pairs(header or ""):
        values.setdefault(name, value)
    return values


def _pairs(header: str) -> Iterator[tuple[str, str | None]]:
    """(lower-case name, value or None) for each `name[=value]` element of the header."""
    for element in _split(header):
        name, equals, value = element.partition("=")
        name = name.strip().lower()
        if name:
            yield name, _unquote(value.strip()) if equals else None


def _split(header: str) -> Iterator[str]:
    """The header cut at commas and semicolons that are not inside a quoted string."""
    current: list[str] = []
    quoted = escaped = False
    for char in header:
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char in ",;" and not quoted:
            yield "".join(current)
            current = []
            continue
        current.append(char)
    yield "".join(current)


def _unquote(value: str) -> str:
    """A quoted-string's content with its backslash escapes undone; other values as they are."""
    if len(value) < 2 or not (value.startswith('"') and value.endswith('"')):
        return value
    out: list[str] = []
    escaped = False
    for char in value[1:-1]:
        if char == "\\" and not escaped:
            escaped = True
            continue
        out.append(char)
        escaped = False
    return "".join(out)


def _bad(detail: str, source: _Source, preference: str) -> ApiError:
    return ApiError(kind="badRequest", detail=detail, field=source.field_of(preference),
                    pointer=source.pointer_of(preference))


def _code(value: str | None, source: _Source) -> int:
    if value is None or not re.fullmatch(r"[0-9]{3}", value) or not 100 <= int(value) <= 599:
        raise _bad(f"{source.name('code')} must be an HTTP status from 100 to 599, "
                   f"got {brief(repr(value), 60)}.", source, "code")
    return int(value)


def _example(value: str | None, source: _Source) -> str:
    if not value:
        raise _bad(f"{source.name('example')} must name one of the response's examples, "
                   "got nothing.", source, "example")
    return value


def _flag(value: str | None, source: _Source) -> bool:
    if not value:
        return True  # a bare `dynamic` (RFC 7240 allows a preference without a value; `?__dynamic`)
    lowered = value.lower()
    if lowered in _TRUE or lowered in _FALSE:
        return lowered in _TRUE
    raise _bad(f"{source.name('dynamic')} must be true or false, got {brief(repr(value), 60)}.",
               source, "dynamic")


def _seed(value: str | None, source: _Source) -> int:
    if value is None or not _WHOLE.fullmatch(value):
        raise _bad(f"{source.name('seed')} must be a whole number of at most "
                   f"{MAX_INTEGER_DIGITS} digits, got {brief(repr(value), 60)}.", source, "seed")
    return int(value)

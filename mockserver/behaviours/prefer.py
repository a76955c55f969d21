"""The `Prefer` request header, Prism-style: `Prefer: code=404, example=notFound, dynamic=true`.

Preferences are separated by commas (RFC 7240) or, as clients also write them, semicolons;
names are case-insensitive, values may be quoted, spaces around `=` are allowed. Unknown
preferences (`return=minimal`, `respond-async`) are ignored, and of a repeated one only the
first counts (RFC 7240 section 2). A value that cannot mean what its name asks is a 400: a client
that asked for `code=abc` should learn that, not get the default response.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from mockserver.core.limits import INTEGER_TEXT, MAX_INTEGER_DIGITS, brief
from mockserver.core.problems import ApiError

_WHOLE = INTEGER_TEXT
_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")


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
    values = preference_values(header)
    return Preference(
        code=_code(values["code"]) if "code" in values else None,
        example=_example(values["example"]) if "example" in values else None,
        dynamic=_flag(values["dynamic"]) if "dynamic" in values else None,
        seed=_seed(values["seed"]) if "seed" in values else None,
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


def _bad(detail: str) -> ApiError:
    return ApiError(kind="badRequest", detail=detail, field="Prefer", pointer="/header/Prefer")


def _code(value: str | None) -> int:
    if value is None or not re.fullmatch(r"[0-9]{3}", value) or not 100 <= int(value) <= 599:
        raise _bad(f"Prefer: code must be an HTTP status from 100 to 599, got {value!r}.")
    return int(value)


def _example(value: str | None) -> str:
    if not value:
        raise _bad("Prefer: example must name one of the response's examples, got nothing.")
    return value


def _flag(value: str | None) -> bool:
    if value is None:
        return True  # a bare `dynamic`, as RFC 7240 allows a preference without a value
    lowered = value.lower()
    if lowered in _TRUE or lowered in _FALSE:
        return lowered in _TRUE
    raise _bad(f"Prefer: dynamic must be true or false, got {value!r}.")


def _seed(value: str | None) -> int:
    if value is None or not _WHOLE.fullmatch(value):
        raise _bad(f"Prefer: seed must be a whole number of at most {MAX_INTEGER_DIGITS} digits, "
                   f"got {brief(repr(value), 60)}.")
    return int(value)

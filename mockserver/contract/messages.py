"""Short, one-line wording shared by the checks."""

from __future__ import annotations

import json
from typing import Any

MAX_MESSAGE = 200
_MAX_VALUE = 60


def shorten(text: str, limit: int = MAX_MESSAGE) -> str:
    """The first line of `text`, cut to `limit` characters."""
    lines = text.strip().splitlines()
    first = lines[0] if lines else ""
    return first if len(first) <= limit else first[: limit - 3] + "..."


def describe(value: Any) -> str:
    """A value as a message shows it: scalars as JSON, containers by kind."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return shorten(text, _MAX_VALUE)


def type_message(expected: Any, value: Any) -> str:
    """ "expected string, got 5" for a JSON Schema `type` failure."""
    names = expected if isinstance(expected, list) else [expected]
    return f"expected {' or '.join(str(name) for name in names)}, got {describe(value)}"


def one_of_message(value: Any, allowed: list[Any]) -> str:
    """ "\"lst\" is not one of: static, list" for an `enum` or `const` failure."""
    shown = ", ".join(describe(item) for item in allowed)
    return shorten(f"{describe(value)} is not one of: {shown}")

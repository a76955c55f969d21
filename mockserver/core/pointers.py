"""JSON pointers (RFC 6901)."""

from __future__ import annotations

from typing import Any

_MISSING = object()


def escape(token: str) -> str:
    """One reference token escaped for use in a pointer."""
    return token.replace("~", "~0").replace("/", "~1")


def resolve(document: Any, pointer: str, default: Any = None) -> Any:
    """The value at `pointer` ("" is the whole document), or `default` when there is none."""
    if pointer in ("", "/") and pointer == "":
        return document
    current = document
    for raw in pointer.lstrip("/").split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(current, dict):
            current = current.get(token, _MISSING)
        elif isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            return default
        if current is _MISSING:
            return default
    return current

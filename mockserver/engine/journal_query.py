"""Queries over the journal: `POST /__specmock/journal/find` and `/count`, as in WireMock.

A query is a JSON object; every key given must match (an empty object matches everything):

- `method`: a method or a list of them (any case);
- `path`: a glob over the path (`/institutes/*`, `*/samples/?`); `pathRegex`: a regular
  expression the whole path must match;
- `status`: a status, a list of them, or a class such as `"4xx"`;
- `headers` / `responseHeaders`: header name to a glob over its value (`true`: present at all).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fnmatch import fnmatchcase
from typing import Any

from specmock.engine.journal import METHOD, PATH, REQUEST_HEADERS, RESPONSE_HEADERS, STATUS

ACCEPTED = ('A query is an object with any of: "method" (a method or a list), "path" (a glob), '
            '"pathRegex" (a regular expression), "status" (a status, a list, or "4xx"), '
            '"headers" and "responseHeaders" (name to a glob over the value, or true).')

Row = tuple[Any, ...]
Test = Callable[[Row], bool]


class QueryError(ValueError):
    """A journal query that cannot be run; `pointer` names the part. Seen by: the admin API,
    which answers 400 with the message and what is accepted."""

    def __init__(self, message: str, pointer: str) -> None:
        super().__init__(message)
        self.pointer = pointer


def compile_query(query: Any) -> Test:
    """The test a journal row must pass for `query` (raises QueryError)."""
    if not isinstance(query, dict):
        raise QueryError(f"The query must be a JSON object. {ACCEPTED}", "/body")
    unknown = sorted(set(query) - set(_PARTS))
    if unknown:
        raise QueryError(f"Unknown key {unknown[0]!r}. {ACCEPTED}", f"/body/{unknown[0]}")
    tests = [_PARTS[key](value, f"/body/{key}") for key, value in query.items()]
    return lambda row: all(test(row) for test in tests)


def _strings(value: Any, pointer: str, what: str) -> list[str]:
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) and v for v in values):
        raise QueryError(f"{what} must be a non-empty string or a list of them.", pointer)
    return values


def _one_string(value: Any, pointer: str, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise QueryError(f"{what} must be a non-empty string.", pointer)
    return value


def _method(value: Any, pointer: str) -> Test:
    wanted = {v.upper() for v in _strings(value, pointer, "method")}
    return lambda row: row[METHOD].upper() in wanted


def _path(value: Any, pointer: str) -> Test:
    glob = _one_string(value, pointer, "path")
    return lambda row: fnmatchcase(row[PATH], glob)


def _path_regex(value: Any, pointer: str) -> Test:
    text = _one_string(value, pointer, "pathRegex")
    try:
        pattern = re.compile(text)
    except re.error as error:
        raise QueryError(f"pathRegex is not a regular expression: {error}.", pointer) from None
    return lambda row: pattern.fullmatch(row[PATH]) is not None


def _status(value: Any, pointer: str) -> Test:
    if isinstance(value, str):
        found = re.fullmatch(r"([1-5])xx", value.lower())
        if found is None:
            raise QueryError('status as text is a class: "1xx" to "5xx".', pointer)
        hundreds = int(found.group(1))
        return lambda row: row[STATUS] // 100 == hundreds
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise QueryError('status must be a status code, a list of them, or a class like "4xx".',
                         pointer)
    wanted = set(values)
    return lambda row: row[STATUS] in wanted


def _headers_test(value: Any, pointer: str, position: int) -> Test:
    if not isinstance(value, dict) or not value:
        raise QueryError("a header filter is an object of header names to globs (or true).",
                         pointer)
    wanted: list[tuple[str, str | None]] = []
    for name, glob in value.items():
        if glob is True:
            wanted.append((name.lower(), None))
        elif isinstance(glob, str):
            wanted.append((name.lower(), glob))
        else:
            raise QueryError(f"{name}: expected a glob over the value, or true.",
                             f"{pointer}/{name}")

    def test(row: Row) -> bool:
        headers = row[position]
        pairs = headers.items() if isinstance(headers, dict) else headers
        values: dict[str, list[str]] = {}
        for key, text in pairs:
            values.setdefault(key.lower(), []).append(text)
        for name, glob in wanted:
            if name not in values:
                return False
            if glob is not None and not any(fnmatchcase(v, glob) for v in values[name]):
                return False
        return True

    return test


_PARTS: dict[str, Callable[[Any, str], Test]] = {
    "method": _method,
    "path": _path,
    "pathRegex": _path_regex,
    "status": _status,
    "headers": lambda value, pointer: _headers_test(value, pointer, REQUEST_HEADERS),
    "responseHeaders": lambda value, pointer: _headers_test(value, pointer, RESPONSE_HEADERS),
}

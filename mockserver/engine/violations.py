"""One thing wrong with a request, as data (shared by schemas, bodies and validation), and the
`sl-violations` header that lists such findings (Prism's header, written by the mock for an
invalid request and by the proxy for both directions: one rendering for both)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

VIOLATIONS_HEADER = "sl-violations"
MAX_VIOLATIONS_HEADER = 8192
"""Bytes of the header at most: items are dropped from the end (halving) until it fits, so the
value stays a JSON array (Prism cuts the text instead); the journal keeps them all."""


@dataclass(frozen=True, slots=True)
class Violation:
    """One problem in a request.

    `location` is "path", "query", "header", "cookie" or "body"; `field` is the parameter name or
    the top-level body property ('' for the whole body); `pointer` is a JSON pointer into the
    request as a whole (/query/limit, /body/items/0/qty), or into the value that was checked
    when a lone schema or body parser reports it. `keyword`: the JSON Schema keyword that failed
    (`required`, `type`, ...), '' when the problem is not a schema check (an unreadable body).
    """

    location: str
    field: str
    pointer: str
    message: str
    keyword: str = ""


def violation_item(side: str, pointer: str, code: str, message: str,
                   rule: str | None = None) -> dict[str, Any]:
    """One item of the `sl-violations` header, in Prism's fields: `location` is the side
    ("request" or "response") followed by the pointer's tokens (`["request", "query", "limit"]`),
    `severity` "Error", `code` what failed; `rule` (the proxy's finding kind) where given."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    item: dict[str, Any] = {"location": [side, *tokens], "severity": "Error", "code": code,
                            "message": message}
    if rule is not None:
        item = {"rule": rule, **item}
    return item


def request_items(violations: Sequence[Violation]) -> list[dict[str, Any]]:
    """The header items of a request's violations."""
    return [violation_item("request", v.pointer or f"/{v.location}", v.keyword or v.location,
                           v.message) for v in violations]


def violations_header(items: list[dict[str, Any]]) -> tuple[str, str]:
    """(name, value) of the `sl-violations` header listing `items` (as many as fit)."""
    value = json.dumps(items, ensure_ascii=True, separators=(",", ":"))
    while len(value) > MAX_VIOLATIONS_HEADER and len(items) > 1:
        items = items[: len(items) // 2]
        value = json.dumps(items, ensure_ascii=True, separators=(",", ":"))
    return VIOLATIONS_HEADER, value

"""Bounds on what one request's input may make the mock do, shared by every layer.

Each bound keeps a client from turning a few bytes of input into a traceback or a stall:
CPython refuses to turn more than 4,300 digits into an int, jsonschema-rs stops at its own
recursion limit, and an error message that quotes a 9 MB input is itself 9 MB.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# CPython's default int <-> str conversion limit (sys.int_info.default_max_str_digits). Text with
# more digits is not read as a number at all, so the schema check reports it as a type mismatch.
MAX_INTEGER_DIGITS = 4300
INTEGER_TEXT = re.compile(rf"[+-]?\d{{1,{MAX_INTEGER_DIGITS}}}")

# Members (object keys plus array items) a JSON body may hold. Django refuses forms of more than
# 1000 fields; a JSON body of 500,000 keys took 4 s of error reporting (each error carries the
# object it is about) while every other client waited.
MAX_JSON_MEMBERS = 100_000
# Bodies shorter than this cannot hold that many members (each takes at least two bytes), so
# they are not counted: the usual request pays nothing.
_COUNTED_FROM_BYTES = 2 * MAX_JSON_MEMBERS


def too_many_members(value: Any, size: int) -> bool:
    """Whether a parsed JSON value of `size` bytes holds more than `MAX_JSON_MEMBERS`."""
    if size < _COUNTED_FROM_BYTES:
        return False
    count, pending = 0, [value]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            count += len(node)
            pending.extend(v for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            count += len(node)
            pending.extend(v for v in node if isinstance(v, dict | list))
        if count > MAX_JSON_MEMBERS:
            return True
    return False


# How much of a client's input an error message may quote.
MAX_QUOTED_CHARS = 300


def whole_number(text: str) -> int | None:
    """`text` as an int when it is a decimal integer CPython can convert, else None."""
    return int(text) if INTEGER_TEXT.fullmatch(text) else None


def brief(message: str, limit: int = MAX_QUOTED_CHARS) -> str:
    """`message` cut to `limit` characters, saying how much was left out."""
    if len(message) <= limit:
        return message
    return f"{message[:limit]}... ({len(message) - limit} more characters)"

# The longest key text a memo remembers. A base URL is scheme, a host name (at most 253
# characters by RFC 1035) and a port; a path longer than this is a client's choice, not an API's.
# Longer keys are answered the long way and never kept, so no client can fill memory through the
# Host header or the URL.
MAX_REMEMBERED_KEY_CHARS = 300


def rememberable(*texts: str) -> bool:
    """Whether keys made of these texts are short enough to be remembered."""
    return sum(map(len, texts)) <= MAX_REMEMBERED_KEY_CHARS


@dataclass(frozen=True)
class HttpLimits:
    """What one connection may send, as a serious HTTP server bounds it (docs/http-limits.md).

    The sizes are Apache httpd's defaults (LimitRequestLine, LimitRequestFieldSize,
    LimitRequestFields); the idle time is uvicorn's keep-alive default. Past a size the request
    is answered 414 or 431; a request not complete `request_timeout` seconds after its first
    byte is answered 408; a connection idle `idle_timeout` seconds, before its first request or
    between two, is closed. `max_connections` beyond which requests (but the admin health
    check) get 503; None: the process's descriptor limit less a reserve.
    """

    max_url_bytes: int = 8190
    max_header_bytes: int = 8190
    max_header_count: int = 100
    request_timeout: float = 30.0
    idle_timeout: float = 5.0
    max_connections: int | None = None

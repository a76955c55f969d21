"""Bounds on what one request's input may make the mock do, shared by every layer.

Each bound keeps a client from turning a few bytes of input into a traceback or a stall:
CPython refuses to turn more than 4,300 digits into an int, jsonschema-rs stops at its own
recursion limit, and an error message that quotes a 9 MB input is itself 9 MB.
"""

from __future__ import annotations

import re

# CPython's default int <-> str conversion limit (sys.int_info.default_max_str_digits). Text with
# more digits is not read as a number at all, so the schema check reports it as a type mismatch.
MAX_INTEGER_DIGITS = 4300
INTEGER_TEXT = re.compile(rf"[+-]?\d{{1,{MAX_INTEGER_DIGITS}}}")

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

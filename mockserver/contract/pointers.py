"""JSON pointers (RFC 6901) and `$ref` strings, as token tuples.

Inside this layer a location is a tuple of reference tokens; it becomes a pointer string only
when it is shown or written back into a document.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

Tokens = tuple[str, ...]


def escape(token: str) -> str:
    """One reference token escaped for a pointer: `~` as `~0`, `/` as `~1`."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    """The reference token an escaped token stands for."""
    return token.replace("~1", "/").replace("~0", "~")


def to_pointer(tokens: Iterable[str | int]) -> str:
    """The JSON pointer string of `tokens` ("" for the whole document)."""
    return "".join("/" + escape(str(token)) for token in tokens)


def parse_pointer(pointer: str) -> Tokens:
    """The tokens of a JSON pointer string. Raises ValueError when it is not a pointer."""
    if pointer == "":
        return ()
    if not pointer.startswith("/"):
        raise ValueError(f"a JSON pointer starts with '/': {pointer!r}")
    return tuple(unescape(token) for token in pointer[1:].split("/"))


def to_fragment(tokens: Iterable[str | int]) -> str:
    """A local `$ref` to `tokens`: '#' and the pointer, with '%' percent-encoded.

    Other characters are written as they are (`#/paths/~1samples~1{id}`), which URI-based
    resolvers (they percent-decode the fragment) and plain pointer walkers both read back.
    """
    return "#" + to_pointer(tokens).replace("%", "%25")


@dataclass(frozen=True)
class ParsedRef:
    """A `$ref` split into the document it names ("" for the same one) and a pointer."""

    document: str
    tokens: Tokens


def parse_ref(ref: str) -> ParsedRef:
    """Split and decode a `$ref` (percent-encoding, then `~1`/`~0`). Raises ValueError.

    Only JSON-pointer fragments are supported, not plain-name anchors (`#foo`).
    """
    document, _, fragment = ref.partition("#")
    decoded = unquote(fragment)
    if decoded and not decoded.startswith("/"):
        raise ValueError(
            f"the fragment {fragment!r} is not a JSON pointer (anchors are not supported)"
        )
    return ParsedRef(unquote(document), parse_pointer(decoded))

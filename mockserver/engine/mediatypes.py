"""Media types and media ranges (RFC 9110 section 8.3.1), as OpenAPI content maps use them."""

from __future__ import annotations

from collections.abc import Iterable


def essence(value: str) -> str:
    """`type/subtype` in lower case, parameters dropped ('' when there is none)."""
    return value.split(";", 1)[0].strip().lower()


def in_range(media_range: str, media_type: str) -> bool:
    """Whether `media_type` falls in `media_range` (`*/*`, `image/*` or an exact type).

    Suffixes are not ranges: application/vnd.x+json is not application/json.
    """
    if media_range in ("*/*", media_type):
        return True
    major, _, minor = media_range.partition("/")
    return minor == "*" and media_type.partition("/")[0] == major


def best_range(media_type: str, ranges: Iterable[str]) -> str | None:
    """The most specific of `ranges` that holds `media_type`: exact, then `type/*`, then `*/*`."""
    matching = [r for r in ranges if in_range(r, media_type)]
    return min(matching, key=lambda r: r.count("*"), default=None)


def is_json(media_type: str) -> bool:
    """Whether a body of this type is parsed as JSON (application/json and any +json type)."""
    return media_type == "application/json" or media_type.endswith("+json")


def is_form(media_type: str) -> bool:
    """Whether a body of this type holds named fields."""
    return media_type in ("multipart/form-data", "application/x-www-form-urlencoded")


def is_xml(media_type: str) -> bool:
    """Whether a body of this type is XML (application/xml, text/xml and any +xml type)."""
    return media_type in ("application/xml", "text/xml") or media_type.endswith("+xml")


def charset_of(content_type: str, default: str = "utf-8") -> str:
    """The `charset` parameter of a Content-Type, else `default`."""
    for parameter in content_type.split(";")[1:]:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return default


def with_charset(declared: str) -> str:
    """The Content-Type to answer for a declared media type: as declared, plus
    `charset=utf-8` for text and XML that name none (what the mock encodes them in)."""
    media_type = essence(declared)
    textual = media_type.startswith("text/") or is_xml(media_type)
    if not textual or "*" in media_type or "charset=" in declared.lower():
        return declared
    return f"{declared}; charset=utf-8"

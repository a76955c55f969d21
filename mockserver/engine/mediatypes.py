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

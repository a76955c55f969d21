"""Hypothesis strategies for single field values, from their (merged) JSON Schema.

Only what request bodies of contracts use: enums, strings with patterns, lengths and date
formats, bounded integers and numbers, booleans, nullable types. Text stays printable and
trimmed, so failure messages and curl commands stay readable.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from specmock.suites_support.schemas import merged, nullable, types_of

WORD = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789äöüßé"
TEXT = WORD + " -_.,()/"
MAX_TEXT = 24
JSON_VALUES = 8


def value_strategy(schema: Mapping[str, Any], *, allow_null: bool = True) -> st.SearchStrategy[Any]:
    """Valid values of a scalar schema (null included, rarely, when the schema allows it)."""
    schema = merged(schema)
    base = _base(schema)
    if allow_null and nullable(schema):
        return st.one_of(base, base, base, st.none())
    return base


def allows(schema: Mapping[str, Any], value: Any) -> bool:
    """Whether a string value fits the schema's pattern (for the empty string of references)."""
    pattern = merged(schema).get("pattern")
    return isinstance(pattern, str) and re.fullmatch(pattern, value) is not None


def file_content(media_type: str) -> st.SearchStrategy[bytes]:
    """Real file content of a media type: a ZIP archive, a JSON object, or text."""
    if media_type == "application/zip":
        return st.text(TEXT, min_size=1, max_size=60).map(_zip)
    if media_type.endswith("json"):
        return st.dictionaries(st.text(WORD, min_size=1, max_size=8), _text(1, 16), max_size=4).map(
            lambda d: json.dumps(d).encode()
        )
    return st.binary(min_size=1, max_size=64)


def json_object_with_keys(keys: list[str]) -> st.SearchStrategy[bytes]:
    """A JSON object with exactly these keys and text values, encoded.

    Always draws the same number of values, whatever the keys: the keys come from the target,
    and what hypothesis draws must not depend on it.
    """
    values = st.lists(_text(0, 16), min_size=JSON_VALUES, max_size=JSON_VALUES)
    return values.map(
        lambda v: json.dumps(
            {k: v[i % JSON_VALUES] for i, k in enumerate(keys)}, ensure_ascii=False
        ).encode()
    )


def pick(options: list[Any]) -> st.SearchStrategy[Any]:
    """One of `options`, drawn the same way however many there are (they come from the target,
    and what hypothesis draws must not depend on it)."""
    if not options:
        return st.nothing()
    return st.integers(0, 2**16 - 1).map(lambda i: options[i % len(options)])


def _base(schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from([v for v in schema["enum"] if v is not None] or [None])
    kinds = types_of(schema) - {"null"}
    if "integer" in kinds:
        return _integers(schema)
    if "number" in kinds:
        return _numbers(schema)
    if "boolean" in kinds:
        return st.booleans()
    if "string" in kinds or not kinds:
        return _strings(schema)
    if "example" in schema:
        return st.just(schema["example"])
    return st.nothing()


def _integers(schema: Mapping[str, Any]) -> st.SearchStrategy[int]:
    low = schema.get("minimum", 0)
    high = schema.get("maximum", max(low, 0) + 10**6)
    if "exclusiveMinimum" in schema:
        low = schema["exclusiveMinimum"] + 1
    if "exclusiveMaximum" in schema:
        high = schema["exclusiveMaximum"] - 1
    return st.integers(int(low), int(high))


def _numbers(schema: Mapping[str, Any]) -> st.SearchStrategy[float]:
    low = float(schema.get("minimum", schema.get("exclusiveMinimum", 0)))
    high = float(schema.get("maximum", schema.get("exclusiveMaximum", low + 10**4)))
    thousandths = st.integers(int(low * 1000) + 1, int(high * 1000) - 1)
    return thousandths.map(lambda n: n / 1000)


def _strings(schema: Mapping[str, Any]) -> st.SearchStrategy[str]:
    fmt = schema.get("format")
    if fmt == "date":
        return st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)
    if fmt == "date-time":
        moments = st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2030, 12, 31))
        return moments.map(lambda d: d.replace(microsecond=0).isoformat() + "Z")
    low, high = int(schema.get("minLength", 1)), int(schema.get("maxLength", MAX_TEXT))
    if isinstance(schema.get("pattern"), str):
        return st.from_regex(schema["pattern"], fullmatch=True).filter(
            lambda s: low <= len(s) <= high and s.isprintable()
        )
    return _text(max(low, 1), min(high, MAX_TEXT))


def _text(low: int, high: int) -> st.SearchStrategy[str]:
    return (
        st.text(TEXT, min_size=low, max_size=high)
        .map(lambda s: s.strip())
        .filter(lambda s: len(s) >= low)
    )


def _zip(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.txt", text)
    return buffer.getvalue()

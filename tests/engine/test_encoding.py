"""Answer bodies into bytes by media type (engine/encoding.py, mediatypes.with_charset)."""

from __future__ import annotations

from typing import Any

import pytest

from specmock.engine.encoding import encode_body
from specmock.engine.mediatypes import with_charset


@pytest.mark.parametrize(("body", "content_type", "expected"), [
    ("ok", "application/json", b'"ok"'),
    ("ok", "application/vnd.x+json; charset=utf-8", b'"ok"'),
    ("ok", "text/plain", b"ok"),
    ("<a/>", "application/xml", b"<a/>"),
    ("caf\u00e9", "text/plain; charset=iso-8859-1", b"caf\xe9"),
    (b"\x00\xff", "application/octet-stream", b"\x00\xff"),
    (12, "text/plain", b"12"),
    (True, "text/plain", b"true"),
    (None, "text/plain", b""),
    ({"a": 1}, "text/plain", b'{"a":1}'),
])
def test_a_body_is_encoded_by_its_media_type(body: Any, content_type: str,
                                             expected: bytes) -> None:
    assert encode_body(body, content_type, None, {}) == expected


def test_a_plain_string_under_an_xml_type_is_an_element_holding_it() -> None:
    encoded = encode_body("a & b", "application/xml", {"type": "string", "xml": {"name": "s"}}, {})
    assert encoded.endswith(b"<s>a &amp; b</s>")


def test_a_structure_under_an_xml_type_is_written_as_xml() -> None:
    encoded = encode_body({"a": 1}, "application/atom+xml", {"xml": {"name": "feed"}}, {})
    assert encoded.endswith(b"<feed><a>1</a></feed>")


@pytest.mark.parametrize(("declared", "answered"), [
    ("text/plain", "text/plain; charset=utf-8"),
    ("application/xml", "application/xml; charset=utf-8"),
    ("text/html; charset=iso-8859-1", "text/html; charset=iso-8859-1"),
    ("application/json", "application/json"),
    ("text/*", "text/*"),
])
def test_text_and_xml_say_their_charset(declared: str, answered: str) -> None:
    assert with_charset(declared) == answered

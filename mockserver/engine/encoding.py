"""Answer bodies into bytes, by the media type answered and its schema.

JSON types (application/json, any +json) are JSON; XML types are written from the schema with
its `xml` hints (engine/xml_bodies.py), a string of markup being the XML document itself; any
other type (text/*, YAML, CSV, images) carries a string as its text, bytes as they are, and a
number or boolean as its text. A structure under a non-JSON, non-XML type is written as JSON
text, the one rendering a reader can still make sense of (Prism refuses it with a 500).
"""

from __future__ import annotations

from typing import Any

import orjson

from specmock.engine.mediatypes import charset_of, essence, is_json, is_xml
from specmock.engine.xml_bodies import write_xml


def encode_body(body: Any, content_type: str, schema: Any, document: dict[str, Any]) -> bytes:
    """`body` as the bytes of a `content_type` answer (`schema` shapes XML)."""
    if isinstance(body, bytes):
        return body
    media_type = essence(content_type)
    if is_json(media_type):
        return orjson.dumps(body)
    if is_xml(media_type) and not (isinstance(body, str) and body.lstrip().startswith("<")):
        # A value (a generated string too) is written as XML; a string that is markup is the
        # document itself (an example written out in the contract).
        return write_xml(body, schema if schema is not None else {}, document)
    if isinstance(body, str):
        return _text(body, content_type)
    if body is None:
        return b""
    if isinstance(body, bool):
        return b"true" if body else b"false"
    if isinstance(body, (int, float)):
        return str(body).encode()
    return orjson.dumps(body)


def _text(body: str, content_type: str) -> bytes:
    """A string in the charset the type names (UTF-8 when it names none or one unknown)."""
    try:
        return body.encode(charset_of(content_type))
    except (LookupError, UnicodeEncodeError):
        return body.encode()

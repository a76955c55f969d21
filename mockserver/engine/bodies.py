"""Request bodies into Python values: JSON, multipart and urlencoded forms, text.

Parsing needs no schema (`parse_body`). Forms then go through a `FormReader`, compiled once per
media type object, that gives each field the type its schema declares: form values are text
on the wire, so "3" becomes 3 for an integer property and file parts become `UploadedFile`s.
Pointers in the `Violation`s made here are relative to the body ("" is the whole body).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import orjson
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header

from specmock.core.limits import MAX_JSON_MEMBERS, too_many_members
from specmock.core.pointers import escape
from specmock.engine.coercion import ANY, Shape, coerce_text, shape_of
from specmock.engine.mediatypes import essence, in_range, is_json
from specmock.engine.schemas_util import record_properties, resolve_ref
from specmock.engine.violations import Violation

# What stands in for a file while the schema is checked: the checker knows JSON values only.
FILE_PLACEHOLDER = ""


@dataclass(frozen=True, slots=True, repr=False)
class UploadedFile:
    """A file sent in a multipart body.

    `content_type` is the part's own Content-Type, else guessed from the filename, else
    application/octet-stream (text/plain for a part without a filename, as RFC 7578 says).
    """

    field: str
    filename: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        """The length of the content in bytes."""
        return len(self.data)

    def __repr__(self) -> str:
        # The content can be megabytes: logs and test reports show its size instead.
        return (f"UploadedFile(field={self.field!r}, filename={self.filename!r}, "
                f"content_type={self.content_type!r}, size={self.size})")


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a multipart body (or one urlencoded field), before any schema is applied.

    `content_type` is the part's Content-Type header as sent (None when it has none): only a
    declared type is checked against the contract's `encoding`.
    """

    name: str
    filename: str | None
    content_type: str | None
    data: bytes

    @property
    def is_file(self) -> bool:
        """A part with a filename, or typed as something other than text."""
        return self.filename is not None or (
            self.content_type is not None and essence(self.content_type) != "text/plain")

    def text(self) -> str:
        """The content as text, in the part's charset (UTF-8 when it names none)."""
        charset = _charset(self.content_type or "", "utf-8")
        return self.data.decode(charset)

    def upload(self) -> UploadedFile:
        """The part as a file."""
        guessed = mimetypes.guess_type(self.filename)[0] if self.filename else None
        default = "application/octet-stream" if self.filename is not None else "text/plain"
        content_type = self.content_type or guessed or default
        return UploadedFile(self.name, self.filename or "", content_type, self.data)


class BodyParseError(ValueError):
    """A body that cannot be read at all. `violation` says why, at pointer ""."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.violation = Violation("body", "", "", message)


def parse_body(data: bytes, content_type: str) -> Any:
    """The body as a Python value, by its media type (`content_type` is the full header).

    JSON (and any +json type) -> its value; multipart -> {name: str | UploadedFile | list};
    urlencoded -> {name: str | list[str]}; text/* -> str; anything else -> the bytes.
    """
    media_type = essence(content_type)
    if is_json(media_type):
        return parse_json(data)
    if media_type == "multipart/form-data":
        return _plain_form(parse_multipart(data, content_type))
    if media_type == "application/x-www-form-urlencoded":
        return _plain_form(parse_urlencoded(data))
    if media_type.startswith("text/"):
        return parse_text(data, content_type)
    return data


def parse_json(data: bytes) -> Any:
    """A JSON document; where it breaks is told by line and column."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise BodyParseError(
            f"Malformed JSON at line {error.lineno} column {error.colno}: {error.msg}.") from None
    if too_many_members(value, len(data)):
        raise BodyParseError(f"The JSON body holds more than {MAX_JSON_MEMBERS} members (object "
                             "keys and array items); send fewer.")
    return value


def parse_text(data: bytes, content_type: str) -> str:
    """A text body in its declared charset (UTF-8 by default)."""
    charset = _charset(content_type, "utf-8")
    try:
        return data.decode(charset)
    except (UnicodeDecodeError, LookupError):
        raise BodyParseError(f"The body is not valid {charset} text.") from None


def parse_urlencoded(data: bytes) -> list[Part]:
    """An application/x-www-form-urlencoded body as text parts, in order."""
    try:
        pairs = parse_qsl(data.decode("utf-8"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise BodyParseError("The form body is not valid UTF-8.") from None
    return [Part(name, None, None, value.encode()) for name, value in pairs]


def parse_multipart(data: bytes, content_type: str) -> list[Part]:
    """A multipart/form-data body as parts, in order, using the boundary of `content_type`."""
    boundary = parse_options_header(content_type)[1].get(b"boundary")
    if not boundary:
        raise BodyParseError("The multipart Content-Type has no boundary parameter.")
    collector = _PartCollector()
    try:
        parser = MultipartParser(boundary, collector.callbacks())
        parser.write(data)
    except FormParserError as error:
        raise BodyParseError(f"Malformed multipart body: {error}.") from None
    # The parser does not check that the body ended; a truncated upload must not pass.
    if parser.state != MultipartState.END:
        raise BodyParseError("Malformed multipart body: it ends before the closing boundary.")
    return collector.parts


class _PartCollector:
    """Gathers headers and data from the streaming parser's callbacks into `Part`s."""

    def __init__(self) -> None:
        self.parts: list[Part] = []
        self._headers: dict[str, str] = {}
        self._name, self._value, self._data = bytearray(), bytearray(), bytearray()

    def callbacks(self) -> Any:
        """The callback table MultipartParser expects."""
        return {
            "on_part_begin": self._begin,
            "on_header_field": _appender(self._name),
            "on_header_value": _appender(self._value),
            "on_header_end": self._header_end,
            "on_part_data": _appender(self._data),
            "on_part_end": self._end,
        }

    def _begin(self) -> None:
        self._headers = {}
        self._data.clear()

    def _header_end(self) -> None:
        # Header bytes are taken as latin-1 so that non-ASCII (UTF-8) names survive to _utf8.
        name = self._name.decode("latin-1").strip().lower()
        self._headers[name] = self._value.decode("latin-1").strip()
        self._name.clear()
        self._value.clear()

    def _end(self) -> None:
        disposition = parse_options_header(self._headers.get("content-disposition", ""))[1]
        if b"name" not in disposition:
            raise FormParserError("a part has no name in its Content-Disposition")
        filename = disposition.get(b"filename")
        self.parts.append(Part(
            name=_html5_unescape(_utf8(disposition[b"name"])),
            filename=None if filename is None else _html5_unescape(_utf8(filename)),
            content_type=self._headers.get("content-type"),
            data=bytes(self._data),
        ))


def _appender(buffer: bytearray) -> Callable[[bytes, int, int], None]:
    def append(data: bytes, start: int, end: int) -> None:
        buffer.extend(data[start:end])
    return append


def _utf8(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _html5_unescape(value: str) -> str:
    """Undo the escaping browsers, curl and urllib3 apply to names (WHATWG HTML, form data)."""
    if "%" not in value:
        return value
    return value.replace("%22", '"').replace("%0D", "\r").replace("%0A", "\n")


def _charset(content_type: str, default: str) -> str:
    for parameter in content_type.split(";")[1:]:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return default


def _plain_form(parts: list[Part]) -> dict[str, Any]:
    """Parts by name, no schema: text fields as str, files as UploadedFile, repeats as lists."""
    form: dict[str, Any] = {}
    for part in parts:
        value: Any = part.upload() if part.is_file else _text_or_upload(part)
        if part.name not in form:
            form[part.name] = value
        elif isinstance(form[part.name], list):
            form[part.name].append(value)
        else:
            form[part.name] = [form[part.name], value]
    return form


def _text_or_upload(part: Part) -> str | UploadedFile:
    try:
        return part.text()
    except (UnicodeDecodeError, LookupError):
        return part.upload()


@dataclass(frozen=True, slots=True)
class _FieldSpec:
    shape: Shape
    content_types: tuple[str, ...]  # the `encoding` media ranges; empty: not declared


class FormReader:
    """Reads form parts into the object a media type's schema describes. Built once per operation.

    Each field is typed by its property schema: text is coerced (see coercion.py); a binary
    property takes any part as an `UploadedFile` (clients differ in how they send it); an
    object or array property parses its part as JSON. A part whose Content-Type is outside the
    field's declared `encoding.contentType` is a violation on that field.
    """

    def __init__(self, media: dict[str, Any], document: dict[str, Any]) -> None:
        schema = resolve_ref(document, media.get("schema", {}))
        encoding = media.get("encoding", {})
        properties = record_properties(document, schema, siren=False)
        self._fields = {name: _FieldSpec(shape_of(sub, document), _ranges(encoding.get(name)))
                        for name, sub in properties.items()}
        for name, spec in encoding.items():
            self._fields.setdefault(name, _FieldSpec(ANY, _ranges(spec)))
        extra = schema.get("additionalProperties") if isinstance(schema, dict) else None
        self._other = _FieldSpec(shape_of(extra, document) if isinstance(extra, dict) else ANY, ())

    def read(self, parts: list[Part]) -> tuple[dict[str, Any], list[Violation]]:
        """The form as an object, and what was wrong with its parts."""
        grouped: dict[str, list[Part]] = {}
        for part in parts:
            grouped.setdefault(part.name, []).append(part)
        form: dict[str, Any] = {}
        violations: list[Violation] = []
        for name, group in grouped.items():
            spec = self._fields.get(name, self._other)
            violations.extend(_content_type_violations(name, group, spec.content_types))
            try:
                form[name] = _field_value(group, spec.shape)
            except (UnicodeDecodeError, LookupError):
                violations.append(_field_violation(name, "The value is not text in its charset."))
        return form, violations


def _ranges(encoding: Any) -> tuple[str, ...]:
    if not isinstance(encoding, dict) or not encoding.get("contentType"):
        return ()
    return tuple(essence(r) for r in str(encoding["contentType"]).split(",") if r.strip())


def _content_type_violations(name: str, parts: list[Part],
                             ranges: tuple[str, ...]) -> list[Violation]:
    if not ranges:
        return []
    return [
        _field_violation(name, f"The part's content type {part.content_type!r} is not one of "
                               f"the declared {', '.join(ranges)}.")
        for part in parts
        if part.content_type is not None
        and not any(in_range(r, essence(part.content_type)) for r in ranges)
    ]


def _field_violation(name: str, message: str) -> Violation:
    return Violation("body", name, "/" + escape(name), message)


def _field_value(parts: list[Part], shape: Shape) -> Any:
    """One field's value. Repeated parts make a list for arrays; otherwise the last one counts."""
    if shape.is_array:
        items = shape.items or ANY
        # One part may carry a whole JSON array (of objects, numbers) instead of repeated parts.
        textual = not items.types or "string" in items.types or items.holds_files
        if len(parts) == 1 and not textual:
            whole = _json_value(parts[0])
            if isinstance(whole, list):
                return whole
        return [_part_value(part, items) for part in parts]
    return _part_value(parts[-1], shape)


def _part_value(part: Part, shape: Shape) -> Any:
    if shape.holds_files:
        return part.upload()
    if shape.is_structured:
        parsed = _json_value(part)
        return part.text() if parsed is _NOT_JSON else parsed
    if part.is_file and not shape.types:
        return part.upload()  # an undeclared file stays a file
    return coerce_text(part.text(), shape)


_NOT_JSON = object()


def _json_value(part: Part) -> Any:
    try:
        return orjson.loads(part.data)
    except orjson.JSONDecodeError:
        return _NOT_JSON


def without_files(body: Any) -> tuple[Any, list[tuple[str | int, ...]]]:
    """`body` with each UploadedFile (top level or in a top-level list) replaced for the check.

    Returns the copy and the locations replaced: failures exactly there concern the stand-in,
    not the client's value, and are ignored (the file's presence and type were checked here).
    """
    if not isinstance(body, dict):
        return body, []
    copy: dict[str, Any] = {}
    replaced: list[tuple[str | int, ...]] = []
    for name, value in body.items():
        if isinstance(value, UploadedFile):
            copy[name] = FILE_PLACEHOLDER
            replaced.append((name,))
        elif isinstance(value, list) and any(isinstance(v, UploadedFile) for v in value):
            copy[name] = [FILE_PLACEHOLDER if isinstance(v, UploadedFile) else v for v in value]
            replaced.extend((name, i) for i, v in enumerate(value) if isinstance(v, UploadedFile))
        else:
            copy[name] = value
    return copy, replaced

"""Request bodies parsed by media type, and form fields typed by their schema."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from requests.models import RequestEncodingMixin
from urllib3 import encode_multipart_formdata

from specmock.engine.bodies import (
    BodyParseError,
    FormReader,
    Part,
    UploadedFile,
    parse_body,
    parse_json,
    parse_multipart,
    parse_urlencoded,
    without_files,
)
from specmock.engine.coercion import Shape, coerce_text

DOCUMENT: dict[str, Any] = {"openapi": "3.1.0", "paths": {}, "components": {"schemas": {}}}

# Names as browsers and urllib3 can send them: no '%' or '\\', which they leave ambiguous.
FIELD_NAMES = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="%\\"), min_size=1)


def multipart(fields: dict[str, Any]) -> tuple[bytes, str]:
    """A multipart body as `requests` builds it: str values are fields, tuples are files."""
    files = {k: v for k, v in fields.items() if isinstance(v, tuple)}
    data = {k: v for k, v in fields.items() if not isinstance(v, tuple)}
    if not files:  # requests' encoder insists on at least one file
        return encode_multipart_formdata(data)
    body, content_type = RequestEncodingMixin._encode_files(files, data)
    return body, content_type


def read_form(schema: dict[str, Any], fields: dict[str, Any],
              encoding: dict[str, Any] | None = None) -> tuple[dict[str, Any], list[Any]]:
    """Encode `fields`, parse them and read them with a FormReader for `schema`."""
    body, content_type = multipart(fields)
    media = {"schema": schema, "encoding": encoding or {}}
    return FormReader(media, DOCUMENT).read(parse_multipart(body, content_type))


# --------------------------------------------------------------------------------------- JSON

def test_json_body_is_parsed() -> None:
    # Given a JSON object body
    data = b'{"name": "x", "items": [1, 2]}'
    # When it is parsed as application/json
    value = parse_body(data, "application/json; charset=utf-8")
    # Then it is the object
    assert value == {"name": "x", "items": [1, 2]}


def test_a_json_suffix_type_is_parsed_as_json() -> None:
    # Given a body of a +json media type
    # When it is parsed
    value = parse_body(b"[true]", "application/merge-patch+json")
    # Then it is read as JSON
    assert value == [True]


def test_malformed_json_is_a_violation_of_the_whole_body_with_line_and_column() -> None:
    # Given a JSON body broken on its second line
    data = b'{"a": 1,\n "b" }'
    # When it is parsed
    with pytest.raises(BodyParseError) as caught:
        parse_json(data)
    # Then the violation is at the body itself and says where it broke
    violation = caught.value.violation
    assert (violation.location, violation.pointer) == ("body", "")
    assert "line 2 column 6" in violation.message


def test_text_body_is_decoded_in_its_charset() -> None:
    # Given a latin-1 text body
    # When it is parsed with its charset
    value = parse_body("café".encode("latin-1"), "text/plain; charset=latin-1")
    # Then the text is right
    assert value == "café"


def test_an_unknown_media_type_stays_bytes() -> None:
    # Given a ZIP body
    # When it is parsed
    value = parse_body(b"PK\x03\x04", "application/zip")
    # Then it is left as bytes
    assert value == b"PK\x03\x04"


# ---------------------------------------------------------------------------------- multipart

def test_multipart_fields_are_strings_and_file_parts_are_uploaded_files() -> None:
    # Given a form with a text field and a file part
    archive = ("a.zip", b"PK..", "application/zip")
    body, content_type = multipart({"name": "cell", "archive": archive})
    # When it is parsed without a schema
    form = parse_body(body, content_type)
    # Then the field is text and the file keeps its name, type and bytes
    assert form == {"name": "cell",
                    "archive": UploadedFile("archive", "a.zip", "application/zip", b"PK..")}


def test_a_repeated_multipart_field_is_a_list() -> None:
    # Given a form sending "tag" twice
    body, content_type = encode_multipart_formdata([("tag", "a"), ("tag", "b")])
    # When it is parsed
    form = parse_body(body, content_type)
    # Then both values are kept, in order
    assert form == {"tag": ["a", "b"]}


def test_a_file_without_content_type_takes_one_guessed_from_its_name() -> None:
    # Given a file part without Content-Type (requests sends none unless told)
    body, content_type = multipart({"archive": ("sample.zip", b"PK")})
    # When it is parsed
    parts = parse_multipart(body, content_type)
    # Then the part says nothing, and the upload's type is guessed from the filename
    assert parts[0].content_type is None
    assert parts[0].upload().content_type == "application/zip"


def test_multipart_without_boundary_is_a_violation() -> None:
    # Given a multipart Content-Type without its boundary
    body, _ = encode_multipart_formdata({"a": "1"})
    # When it is parsed
    with pytest.raises(BodyParseError) as caught:
        parse_multipart(body, "multipart/form-data")
    # Then the whole body is reported, naming the boundary
    assert caught.value.violation.pointer == ""
    assert "boundary" in caught.value.violation.message


def test_a_truncated_multipart_body_is_a_violation() -> None:
    # Given a multipart body cut before its closing boundary
    body, content_type = encode_multipart_formdata({"a": "1", "b": "2"})
    # When it is parsed
    with pytest.raises(BodyParseError) as caught:
        parse_multipart(body[: len(body) // 2], content_type)
    # Then it is malformed
    assert "Malformed multipart" in caught.value.violation.message


def test_garbage_under_a_multipart_type_is_a_violation() -> None:
    # Given a body that is not multipart at all
    # When it is parsed as multipart
    with pytest.raises(BodyParseError):
        parse_multipart(b'{"a": 1}', "multipart/form-data; boundary=xyz")
    # Then it is rejected (the raise above)


def test_a_part_without_a_name_is_a_violation() -> None:
    # Given a multipart body whose part has no name
    body = b'--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n'
    # When it is parsed
    with pytest.raises(BodyParseError) as caught:
        parse_multipart(body, "multipart/form-data; boundary=b")
    # Then the body is malformed (RFC 7578 requires a name)
    assert "name" in caught.value.violation.message


def test_multipart_names_escaped_by_clients_are_restored() -> None:
    # Given a field name with a quote and a newline (sent as %22 and %0A, as browsers do)
    body, content_type = encode_multipart_formdata({'a"b\nc': "v"})
    # When it is parsed
    form = parse_body(body, content_type)
    # Then the name is as the client meant it
    assert form == {'a"b\nc': "v"}


@given(st.dictionaries(FIELD_NAMES, st.text(), max_size=8))
def test_any_dict_of_strings_survives_a_multipart_round_trip(fields: dict[str, str]) -> None:
    # Given any form of text fields, encoded by urllib3
    body, content_type = encode_multipart_formdata(fields)
    # When it is parsed back
    form = parse_body(body, content_type)
    # Then the same fields come out
    assert form == fields


# -------------------------------------------------------------------------------- urlencoded

def test_urlencoded_fields_are_strings_and_repeats_are_lists() -> None:
    # Given an urlencoded body with a repeated name and an empty value
    data = b"name=a+b&tag=x&tag=y&empty="
    # When it is parsed
    form = parse_body(data, "application/x-www-form-urlencoded")
    # Then values are text, blanks kept, repeats gathered
    assert form == {"name": "a b", "tag": ["x", "y"], "empty": ""}


def test_urlencoded_parts_carry_no_content_type() -> None:
    # Given an urlencoded body
    # When it is split into parts
    parts = parse_urlencoded(b"n=1")
    # Then each part is plain text
    assert parts == [Part("n", None, None, b"1")]


# -------------------------------------------------------------------- form fields by schema

SAMPLE_FORM: dict[str, Any] = {
    "type": "object",
    "properties": {
        "count": {"type": "integer"},
        "ratio": {"type": "number"},
        "active": {"type": "boolean"},
        "note": {"type": "string"},
        "parent": {"type": ["integer", "null"]},
        "tags": {"type": "array", "items": {"type": "integer"}},
        "info": {"type": "object"},
        "archive": {"type": "string", "format": "binary"},
        "photos": {"type": "array", "items": {"type": "string", "contentMediaType": "image/png"}},
    },
}


SAMPLE_READER = FormReader({"schema": SAMPLE_FORM}, DOCUMENT)


@pytest.mark.parametrize(("name", "sent", "read"), [
    ("count", "42", 42),
    ("count", "-3", -3),
    ("ratio", "2.5", 2.5),
    ("ratio", "7", 7),
    ("active", "true", True),
    ("active", "false", False),
    ("note", "42", "42"),
    ("parent", "", None),
    ("parent", "5", 5),
])
def test_form_values_take_the_type_of_their_property(name: str, sent: str, read: Any) -> None:
    # Given a text form value for a typed property
    # When the form is read
    form, violations = read_form(SAMPLE_FORM, {name: sent})
    # Then the value has the declared type
    assert (form[name], violations) == (read, [])
    assert type(form[name]) is type(read)


@pytest.mark.parametrize(("name", "sent"), [("count", "abc"), ("count", ""), ("count", "1.5"),
                                            ("active", "yes"), ("ratio", "nan")])
def test_a_value_that_does_not_coerce_stays_text(name: str, sent: str) -> None:
    # Given a form value that does not fit its property's type
    # When the form is read
    form, _ = read_form(SAMPLE_FORM, {name: sent})
    # Then it stays text, for the schema check to report
    assert form[name] == sent


def test_repeated_fields_make_an_array_of_coerced_items() -> None:
    # Given an integer array sent as repeated fields
    body, content_type = encode_multipart_formdata([("tags", "1"), ("tags", "2")])
    # When the form is read
    form, _ = SAMPLE_READER.read(parse_multipart(body, content_type))
    # Then it is a list of integers
    assert form["tags"] == [1, 2]


def test_a_single_field_for_an_array_property_is_a_one_item_list() -> None:
    # Given one value for an array property
    # When the form is read
    form, _ = read_form(SAMPLE_FORM, {"tags": "7"})
    # Then it is a list of one
    assert form["tags"] == [7]


def test_an_object_property_reads_its_part_as_json() -> None:
    # Given an object property sent as a JSON part
    # When the form is read
    form, _ = read_form(SAMPLE_FORM, {"info": (None, '{"a": 1}', "application/json")})
    # Then the object is parsed
    assert form["info"] == {"a": 1}


def test_a_binary_property_takes_its_part_as_a_file() -> None:
    # Given a ZIP file part for a binary property
    # When the form is read
    form, violations = read_form(SAMPLE_FORM, {"archive": ("a.zip", b"PK", "application/zip")})
    # Then it is an UploadedFile
    assert form["archive"] == UploadedFile("archive", "a.zip", "application/zip", b"PK")
    assert violations == []


def test_a_plain_text_part_for_a_binary_property_is_accepted_as_a_file() -> None:
    # Given a client that sends the file's content as an ordinary field
    # When the form is read
    form, violations = read_form(SAMPLE_FORM, {"archive": '{"k": 1}'})
    # Then it is a file anyway (clients differ in how they send files)
    assert form["archive"] == UploadedFile("archive", "", "text/plain", b'{"k": 1}')
    assert violations == []


def test_repeated_file_parts_for_an_array_of_binaries_are_files() -> None:
    # Given two images for an array of binary strings
    fields = [("photos", ("a.png", b"1", "image/png")), ("photos", ("b.png", b"2", "image/png"))]
    body, content_type = encode_multipart_formdata(fields)
    # When the form is read
    form, _ = SAMPLE_READER.read(parse_multipart(body, content_type))
    # Then both are files
    assert [f.filename for f in form["photos"]] == ["a.png", "b.png"]


def test_a_part_outside_the_declared_encoding_is_a_violation_on_its_field() -> None:
    # Given a binary field whose encoding declares application/zip, sent as text/plain
    encoding = {"archive": {"contentType": "application/zip"}}
    # When the form is read
    _, violations = read_form(SAMPLE_FORM, {"archive": ("a.txt", b"hi", "text/plain")}, encoding)
    # Then the field is reported, with what was expected
    assert [(v.field, v.pointer) for v in violations] == [("archive", "/archive")]
    assert "application/zip" in violations[0].message


def test_an_encoding_range_accepts_any_subtype() -> None:
    # Given an encoding declaring application/* and image/png
    encoding = {"archive": {"contentType": "image/png, application/*"}}
    # When a ZIP is sent
    _, violations = read_form(SAMPLE_FORM, {"archive": ("a.zip", b"PK", "application/zip")},
                              encoding)
    # Then it is accepted
    assert violations == []


def test_a_part_without_content_type_is_not_checked_against_the_encoding() -> None:
    # Given a file part whose client did not say its type
    encoding = {"archive": {"contentType": "application/zip"}}
    # When the form is read
    _, violations = read_form(SAMPLE_FORM, {"archive": ("archive.bin", b"PK")}, encoding)
    # Then nothing is reported: only a declared type can be wrong
    assert violations == []


def test_form_properties_come_through_refs_and_all_of() -> None:
    # Given a form schema composed of a referenced schema
    document = {"openapi": "3.1.0", "components": {"schemas": {
        "Base": {"type": "object", "properties": {"count": {"type": "integer"}}}}}}
    schema = {"allOf": [{"$ref": "#/components/schemas/Base"}]}
    parts = parse_urlencoded(b"count=3")
    # When the form is read
    form, _ = FormReader({"schema": schema}, document).read(parts)
    # Then the referenced property's type applies
    assert form == {"count": 3}


def test_openapi_30_nullable_reference_makes_an_empty_value_null() -> None:
    # Given a 3.0 form property that is a nullable reference to an integer
    document = {"openapi": "3.0.3", "components": {"schemas": {"Id": {"type": "integer"}}}}
    schema = {"type": "object", "properties": {
        "parent": {"allOf": [{"$ref": "#/components/schemas/Id"}], "nullable": True}}}
    reader = FormReader({"schema": schema}, document)
    # When parent= and parent=4 are read
    empty, _ = reader.read(parse_urlencoded(b"parent="))
    four, _ = reader.read(parse_urlencoded(b"parent=4"))
    # Then they are null and 4
    assert (empty, four) == ({"parent": None}, {"parent": 4})


def test_files_are_replaced_for_the_schema_check_and_their_places_listed() -> None:
    # Given a form holding a file, a list with a file and text
    upload = UploadedFile("f", "a", "x/y", b"")
    body = {"f": upload, "many": [upload, "t"], "n": 1}
    # When files are taken out
    seen, replaced = without_files(body)
    # Then they are stand-ins at known places, the rest untouched
    assert seen == {"f": "", "many": ["", "t"], "n": 1}
    assert replaced == [("f",), ("many", 0)]


# ------------------------------------------------------------------------------- coercion

@given(st.integers())
def test_any_integer_text_coerces_to_that_integer(n: int) -> None:
    # Given the text of an integer
    # When it is coerced for an integer schema
    value = coerce_text(str(n), Shape(frozenset({"integer"})))
    # Then it is the integer
    assert value == n


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_finite_float_text_coerces_to_that_number(x: float) -> None:
    # Given the text of a finite float
    # When it is coerced for a number schema
    value = coerce_text(repr(x), Shape(frozenset({"number"})))
    # Then it is the same number
    assert value == x


@given(st.text())
def test_text_for_a_string_schema_is_never_changed(text: str) -> None:
    # Given any text
    # When it is coerced for a string schema
    value = coerce_text(text, Shape(frozenset({"string"})))
    # Then it is unchanged
    assert value == text

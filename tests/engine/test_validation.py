"""Requests checked against their operation: parameters, bodies, media types, schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from requests.models import RequestEncodingMixin
from urllib3 import encode_multipart_formdata

from specmock.core.exchange import Request
from specmock.core.problems import ApiError
from specmock.engine.bodies import UploadedFile
from specmock.engine.schemas import compile_schema
from specmock.engine.validation import (
    RequestValidator,
    ValidationFailed,
    ValidInput,
    Violation,
)

DMLF = Path(__file__).resolve().parents[2] / "contracts" / "dmlf" / "openapi.yaml"

SCHEMAS: dict[str, Any] = {
    "Item": {"type": "object", "required": ["name", "qty"],
             "properties": {"name": {"type": "string"}, "qty": {"type": "integer", "minimum": 0}}},
    "Order": {"type": "object", "required": ["name"],
              "properties": {"id": {"type": "integer", "readOnly": True},
                             "name": {"type": "string"},
                             "status": {"type": "string", "enum": ["open", "closed"]},
                             "items": {"type": "array",
                                       "items": {"$ref": "#/components/schemas/Item"}}}},
    "Node": {"type": "object", "required": ["name"],
             "properties": {"name": {"type": "string"},
                            "children": {"type": "array",
                                         "items": {"$ref": "#/components/schemas/Node"}}}},
}


def document(schemas: dict[str, Any] | None = None, version: str = "3.1.0") -> dict[str, Any]:
    """A bundled document with the given component schemas."""
    return {"openapi": version, "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {**SCHEMAS, **(schemas or {})}}}


def json_body(schema: dict[str, Any], *, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def validator(operation: dict[str, Any], path_item: dict[str, Any] | None = None,
              doc: dict[str, Any] | None = None) -> RequestValidator:
    return RequestValidator(operation, path_item or {}, doc or document())


def request(query: str = "", *, body: Any = None, content_type: str = "application/json",
            headers: dict[str, str] | None = None, method: str = "POST") -> Request:
    """A request; a non-bytes body is JSON-encoded."""
    raw = body if isinstance(body, bytes) else b"" if body is None else json.dumps(body).encode()
    all_headers = {"content-type": content_type, **(headers or {})} if raw else dict(headers or {})
    return Request(method, "/x", query, all_headers, raw)


def failure(check: RequestValidator, req: Request, path: dict[str, str] | None = None,
            ) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        check.validate(path or {}, req)
    return caught.value


def pointers(error: ValidationFailed) -> list[str]:
    return [v.pointer for v in error.violations]


LIMIT = {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}}
LISTING = {"parameters": [LIMIT]}


# ------------------------------------------------------------------------------- query

def test_an_integer_query_parameter_is_coerced() -> None:
    # Given an operation with an integer `limit`
    # When limit=25 is sent
    inputs = validator(LISTING).validate({}, request("limit=25"))
    # Then the validated query holds the integer
    assert inputs.query == {"limit": 25}


@given(st.integers(min_value=1))
def test_any_integer_limit_coerces_to_itself(n: int) -> None:
    # Given an operation with an integer `limit` (minimum 1)
    # When limit=str(n) is sent
    inputs = CHECK_LIMIT.validate({}, request(f"limit={n}"))
    # Then the validated value is n
    assert inputs.query["limit"] == n


CHECK_LIMIT = validator(LISTING)


def test_a_non_integer_query_value_is_reported_at_its_pointer() -> None:
    # Given an operation with an integer `limit`
    # When limit=abc is sent
    error = failure(CHECK_LIMIT, request("limit=abc"))
    # Then a 400 names the parameter, its pointer and the value
    assert (error.status, error.kind, error.field, error.pointer) == (
        400, "badRequest", "limit", "/query/limit")
    assert "abc" in error.detail
    assert "integer" in error.detail


def test_an_empty_value_for_an_integer_parameter_is_a_violation() -> None:
    # Given an operation with an integer `limit`
    # When limit= (empty) is sent
    error = failure(CHECK_LIMIT, request("limit="))
    # Then it is reported
    assert error.pointer == "/query/limit"


def test_allow_empty_value_makes_an_empty_parameter_absent() -> None:
    # Given an integer filter that allows an empty value (django-filter ignores those)
    check = validator({"parameters": [{**LIMIT, "allowEmptyValue": True}]})
    # When limit= is sent
    inputs = check.validate({}, request("limit="))
    # Then the parameter counts as not sent
    assert "limit" not in inputs.query


def test_a_missing_required_query_parameter_is_reported() -> None:
    # Given a required query parameter
    check = validator({"parameters": [{"name": "q", "in": "query", "required": True,
                                       "schema": {"type": "string"}}]})
    # When the request omits it
    error = failure(check, request())
    # Then it is reported at its pointer
    assert (error.field, error.pointer) == ("q", "/query/q")
    assert "required" in error.detail


def test_a_value_outside_the_enum_is_reported() -> None:
    # Given an enum query parameter
    check = validator({"parameters": [{"name": "status", "in": "query",
                                       "schema": {"type": "string", "enum": ["open", "closed"]}}]})
    # When another value is sent
    error = failure(check, request("status=lost"))
    # Then the violation names the value and where
    assert error.pointer == "/query/status"
    assert "lost" in error.detail


def test_undeclared_query_parameters_are_kept_as_text() -> None:
    # Given an operation declaring only `limit`
    # When unknown parameters come along (servers ignore them)
    inputs = CHECK_LIMIT.validate({}, request("limit=2&debug=1&tag=a&tag=b"))
    # Then they pass, as text (a list when repeated)
    assert inputs.query == {"limit": 2, "debug": "1", "tag": ["a", "b"]}


def test_an_exploded_array_parameter_gathers_repeated_names() -> None:
    # Given an integer array parameter (form style, exploded by default)
    check = validator({"parameters": [{"name": "id", "in": "query", "schema": {
        "type": "array", "items": {"type": "integer"}}}]})
    # When it is repeated
    inputs = check.validate({}, request("id=1&id=2"))
    # Then the values are a list of integers
    assert inputs.query["id"] == [1, 2]


def test_a_non_exploded_array_parameter_is_a_comma_list() -> None:
    # Given an integer array parameter with explode: false
    check = validator({"parameters": [COMMA_IDS]})
    # When it is sent as one comma-separated value
    inputs = check.validate({}, request("id=1,2"))
    # Then the items are integers
    assert inputs.query["id"] == [1, 2]


def test_a_bad_item_of_an_array_parameter_is_pointed_at() -> None:
    # Given an integer array parameter with explode: false
    check = validator({"parameters": [COMMA_IDS]})
    # When its second item is not a number
    error = failure(check, request("id=1,x"))
    # Then the pointer names the item
    assert error.pointer == "/query/id/1"


COMMA_IDS = {"name": "id", "in": "query", "explode": False,
             "schema": {"type": "array", "items": {"type": "integer"}}}


def test_a_boolean_parameter_reads_true_and_false() -> None:
    # Given a boolean query parameter
    flag = {"name": "flag", "in": "query", "schema": {"type": "boolean"}}
    check = validator({"parameters": [flag]})
    # When flag=false is sent
    inputs = check.validate({}, request("flag=false"))
    # Then it is the boolean
    assert inputs.query["flag"] is False


def test_operation_parameters_override_path_item_ones_by_name_and_location() -> None:
    # Given a path item declaring `limit` as a string and an operation redeclaring it as integer
    path_item = {"parameters": [{"name": "limit", "in": "query", "schema": {"type": "string"}}]}
    check = validator(LISTING, path_item)
    # When limit=abc is sent
    error = failure(check, request("limit=abc"))
    # Then the operation's declaration applies
    assert error.pointer == "/query/limit"


def test_referenced_parameters_are_resolved() -> None:
    # Given a parameter declared in components and referenced
    doc = document()
    doc["components"]["parameters"] = {"Limit": LIMIT}
    check = validator({"parameters": [{"$ref": "#/components/parameters/Limit"}]}, doc=doc)
    # When limit=0 is sent (below the minimum)
    error = failure(check, request("limit=0"))
    # Then the referenced schema is applied
    assert error.pointer == "/query/limit"


# --------------------------------------------------------------------------- path, header

def test_a_path_parameter_is_coerced_and_checked() -> None:
    # Given an integer path parameter
    check = validator({"parameters": [{"name": "id", "in": "path", "required": True,
                                       "schema": {"type": "integer"}}]})
    # When a number and a word are sent
    inputs = check.validate({"id": "7"}, request())
    error = failure(check, request(), {"id": "seven"})
    # Then the number is an integer, and the word is reported
    assert inputs.path == {"id": 7}
    assert (error.field, error.pointer) == ("id", "/path/id")


def test_header_parameters_are_case_insensitive_and_coerced() -> None:
    # Given an integer header parameter declared in mixed case
    check = validator({"parameters": [{"name": "X-Page", "in": "header", "required": True,
                                       "schema": {"type": "integer"}}]})
    # When it arrives lower-cased (as the Request keeps headers)
    inputs = check.validate({}, request(headers={"x-page": "3"}))
    # Then it is read under its declared name
    assert inputs.headers == {"X-Page": 3}


def test_a_missing_required_header_is_reported_under_its_declared_name() -> None:
    # Given a required header
    check = validator({"parameters": [{"name": "X-Page", "in": "header", "required": True,
                                       "schema": {"type": "integer"}}]})
    # When it is missing
    error = failure(check, request())
    # Then the pointer uses the contract's name
    assert error.pointer == "/header/X-Page"


def test_authorization_content_type_and_accept_headers_are_not_parameters() -> None:
    # Given header parameters that OpenAPI says to ignore, all required
    names = ["Authorization", "Content-Type", "Accept"]
    check = validator({"parameters": [{"name": n, "in": "header", "required": True,
                                       "schema": {"type": "integer"}} for n in names]})
    # When none is sent
    inputs = check.validate({}, request())
    # Then nothing is reported
    assert inputs.headers == {}


def test_a_cookie_parameter_is_read() -> None:
    # Given an integer cookie parameter
    check = validator({"parameters": [{"name": "page", "in": "cookie",
                                       "schema": {"type": "integer"}}]})
    # When it is sent among others
    inputs = check.validate({}, request(headers={"cookie": "a=b; page=4"}))
    # Then it is coerced
    assert inputs.cookies == {"page": 4}


# ---------------------------------------------------------------------------- JSON bodies

ORDER = {"requestBody": json_body({"$ref": "#/components/schemas/Order"})}
CHECK_ORDER = validator(ORDER)


def test_a_valid_json_body_is_returned_parsed() -> None:
    # Given an operation taking an Order
    body = {"name": "o", "items": [{"name": "a", "qty": 1}]}
    # When a valid order is sent
    inputs = CHECK_ORDER.validate({}, request(body=body))
    # Then the body and its media type are returned
    assert inputs == ValidInput({}, {}, {}, body, "application/json")


def test_a_missing_required_body_field_is_reported_at_its_pointer() -> None:
    # Given an Order requires `name`
    # When an order without it is sent
    error = failure(CHECK_ORDER, request(body={"status": "open"}))
    # Then the pointer is the missing property, and so is the field
    assert (error.field, error.pointer) == ("name", "/body/name")
    assert "required" in error.detail


def test_a_wrong_type_deep_in_the_body_is_reported_at_its_pointer() -> None:
    # Given an Order's items have integer quantities
    # When the first item's qty is text
    error = failure(CHECK_ORDER, request(body={"name": "o", "items": [{"name": "a", "qty": "1"}]}))
    # Then the pointer goes down to it, and the field is the top-level property
    assert (error.field, error.pointer) == ("items", "/body/items/0/qty")
    assert "/body/items/0/qty" in error.detail


def test_every_violation_is_listed_on_the_error() -> None:
    # Given a request with a bad parameter and a body with two problems
    check = validator({**ORDER, **LISTING})
    body = {"status": "lost", "items": [{"name": "a", "qty": -1}]}
    # When it is validated
    error = failure(check, request("limit=0", body=body))
    # Then all are listed, in request order, the first one leading
    assert sorted(pointers(error)) == sorted(
        ["/query/limit", "/body/name", "/body/status", "/body/items/0/qty"])
    assert error.pointer == "/query/limit"
    assert all(isinstance(v, Violation) for v in error.violations)


def test_malformed_json_is_a_400_at_the_body() -> None:
    # Given an operation taking JSON
    # When the body is not JSON
    error = failure(CHECK_ORDER, request(body=b'{"name": '))
    # Then a 400 at /body says where it broke
    assert (error.status, error.pointer, error.field) == (400, "/body", "")
    assert "line 1 column" in error.detail


def test_a_missing_required_body_is_reported_at_the_body() -> None:
    # Given a required body
    # When none is sent
    error = failure(CHECK_ORDER, request())
    # Then /body is reported
    assert error.pointer == "/body"


def test_an_optional_body_may_be_absent() -> None:
    # Given an optional body
    check = validator({"requestBody": json_body({"type": "object"}, required=False)})
    # When none is sent
    inputs = check.validate({}, request())
    # Then body and media type are None
    assert (inputs.body, inputs.media_type) == (None, None)


def test_read_only_properties_are_not_required_in_requests() -> None:
    # Given a schema requiring its read-only `id` (common in generated contracts)
    doc = document({"Thing": {"type": "object", "required": ["id", "name"], "properties": {
        "id": {"type": "integer", "readOnly": True}, "name": {"type": "string"}}}})
    check = validator({"requestBody": json_body({"$ref": "#/components/schemas/Thing"})}, doc=doc)
    # When a client sends it without `id`
    inputs = check.validate({}, request(body={"name": "n"}))
    # Then it passes: clients do not send read-only properties
    assert inputs.body == {"name": "n"}


def test_a_recursive_schema_is_checked_at_any_depth() -> None:
    # Given a recursive Node schema
    check = validator({"requestBody": json_body({"$ref": "#/components/schemas/Node"})})
    tree = {"name": "a", "children": [{"name": "b", "children": [{"children": []}]}]}
    # When a grandchild lacks its name
    error = failure(check, request(body=tree))
    # Then the pointer reaches it
    assert error.pointer == "/body/children/0/children/0/name"


# ----------------------------------------------------------------------------- media types

def test_an_undeclared_media_type_is_415() -> None:
    # Given an operation taking JSON only
    # When text/plain is sent
    with pytest.raises(ApiError) as caught:
        CHECK_ORDER.validate({}, request(body=b"hello", content_type="text/plain"))
    # Then it is a 415 naming what is accepted
    assert (caught.value.status, caught.value.kind) == (415, "unsupportedMediaType")
    assert "text/plain" in caught.value.detail
    assert "application/json" in caught.value.detail


def test_a_json_suffix_type_is_not_json_unless_declared() -> None:
    # Given an operation taking application/json
    # When application/merge-patch+json is sent
    with pytest.raises(ApiError) as caught:
        CHECK_ORDER.validate({}, request(body={"name": "o"},
                                         content_type="application/merge-patch+json"))
    # Then it is unsupported
    assert caught.value.status == 415


def test_a_body_without_content_type_is_415() -> None:
    # Given an operation taking JSON
    # When a body comes without Content-Type
    with pytest.raises(ApiError) as caught:
        CHECK_ORDER.validate({}, Request("POST", "/x", "", {}, b'{"name": "o"}'))
    # Then it is unsupported
    assert caught.value.status == 415


def test_media_type_parameters_and_case_are_ignored() -> None:
    # Given an operation taking JSON
    # When the type comes in capitals with a charset
    inputs = CHECK_ORDER.validate({}, request(body={"name": "o"},
                                              content_type="Application/JSON; charset=utf-8"))
    # Then it is JSON
    assert inputs.media_type == "application/json"


def test_a_declared_media_range_accepts_its_subtypes() -> None:
    # Given an operation declaring application/* with a JSON schema
    check = validator({"requestBody": {"content": {"application/*": {"schema": {
        "type": "object", "required": ["name"]}}}}})
    # When a +json body is sent without `name`
    error = failure(check, request(body={}, content_type="application/vnd.x+json"))
    # Then it was accepted, parsed as JSON and checked
    assert error.pointer == "/body/name"
    assert check.accepted_media_types == ("application/*",)


def test_a_binary_body_is_kept_as_bytes() -> None:
    # Given an operation taking application/octet-stream
    check = validator({"requestBody": {"required": True, "content": {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
    # When bytes are sent
    inputs = check.validate({}, request(body=b"\x00\x01", content_type="application/octet-stream"))
    # Then they are the body
    assert inputs.body == b"\x00\x01"


def test_a_body_on_an_operation_without_request_body_is_415() -> None:
    # Given an operation declaring no body
    # When a body is sent anyway
    with pytest.raises(ApiError) as caught:
        CHECK_LIMIT.validate({}, request(body={"x": 1}, content_type="text/plain"))
    # Then it is refused as Prism refuses it, saying the operation takes none
    assert (caught.value.status, caught.value.kind) == (415, "unsupportedMediaType")
    assert "takes no request body" in caught.value.detail


def test_an_empty_body_on_an_operation_without_request_body_passes() -> None:
    # Given an operation declaring no body
    # When a request comes with a Content-Type but no bytes
    inputs = CHECK_LIMIT.validate({}, Request("POST", "/x", "", {"content-type": "text/plain"},
                                              b""))
    # Then there is nothing to refuse
    assert (inputs.body, inputs.media_type) == (None, None)


# ---------------------------------------------------------------------------------- forms

SAMPLE = {
    "type": "object",
    "required": ["sample_id", "institute", "sample_info"],
    "properties": {
        "sample_id": {"type": "string", "pattern": "^[0-9]{6}$"},
        "institute": {"type": "integer", "minimum": 1},
        "parent": {"type": ["integer", "null"]},
        "sample_info": {"type": "string", "format": "binary"},
        "supplementary_file": {"type": "string", "format": "binary"},
    },
}
SAMPLE_MEDIA = {"schema": SAMPLE, "encoding": {
    "sample_info": {"contentType": "application/json"},
    "supplementary_file": {"contentType": "application/zip"}}}
CHECK_SAMPLE = validator({"requestBody": {"required": True, "content": {
    "multipart/form-data": SAMPLE_MEDIA, "application/x-www-form-urlencoded": {"schema": SAMPLE}}}})


def multipart_request(data: dict[str, str], files: dict[str, Any]) -> Request:
    """A multipart request encoded the way `requests` does (data= plus files=)."""
    body, content_type = RequestEncodingMixin._encode_files(files, data)
    return request(body=body, content_type=content_type)


def test_multipart_with_json_and_zip_files_and_integer_fields_is_read() -> None:
    # Given a sample creation with form fields, a JSON file and a ZIP file
    req = multipart_request(
        {"sample_id": "240616", "institute": "1", "parent": "2"},
        {"sample_info": ("info.json", b'{"k": 1}', "application/json"),
         "supplementary_file": ("sample.zip", b"PK\x03\x04", "application/zip")})
    # When it is validated
    inputs = CHECK_SAMPLE.validate({}, req)
    # Then integers are integers and files are UploadedFiles
    assert inputs.media_type == "multipart/form-data"
    assert inputs.body["institute"] == 1
    assert inputs.body["parent"] == 2
    assert inputs.body["sample_info"] == UploadedFile(
        "sample_info", "info.json", "application/json", b'{"k": 1}')
    assert inputs.body["supplementary_file"].data == b"PK\x03\x04"


def test_a_multipart_file_of_the_wrong_content_type_is_reported_on_its_field() -> None:
    # Given the ZIP part is sent as text/plain
    req = multipart_request({"sample_id": "240616", "institute": "1"},
                            {"sample_info": ("info.json", b"{}", "application/json"),
                             "supplementary_file": ("notes.txt", b"hi", "text/plain")})
    # When it is validated
    error = failure(CHECK_SAMPLE, req)
    # Then the field is reported
    assert (error.field, error.pointer) == ("supplementary_file", "/body/supplementary_file")
    assert "application/zip" in error.detail


def test_a_missing_required_file_is_reported() -> None:
    # Given a sample without its sample_info file
    req = multipart_request({"sample_id": "240616", "institute": "1"},
                            {"supplementary_file": ("s.zip", b"PK", "application/zip")})
    # When it is validated
    error = failure(CHECK_SAMPLE, req)
    # Then the missing file is reported
    assert (error.field, error.pointer) == ("sample_info", "/body/sample_info")


def test_a_form_field_that_does_not_coerce_is_reported_at_its_pointer() -> None:
    # Given institute=abc
    info = ("i.json", b"{}", "application/json")
    body, content_type = encode_multipart_formdata(
        {"sample_id": "240616", "institute": "abc", "sample_info": info})
    # When it is validated
    error = failure(CHECK_SAMPLE, request(body=body, content_type=content_type))
    # Then the field's pointer is reported, with the text sent
    assert error.pointer == "/body/institute"
    assert "abc" in error.detail


def test_an_empty_form_value_is_null_for_a_nullable_property() -> None:
    # Given parent="" for a nullable integer
    req = multipart_request({"sample_id": "240616", "institute": "1", "parent": ""},
                            {"sample_info": ("i.json", b"{}", "application/json")})
    # When it is validated
    inputs = CHECK_SAMPLE.validate({}, req)
    # Then parent is None
    assert inputs.body["parent"] is None


def test_an_urlencoded_body_is_read_and_coerced() -> None:
    # Given the same schema sent urlencoded (the file as its text)
    data = b"sample_id=240616&institute=3&sample_info=%7B%7D"
    # When it is validated
    inputs = CHECK_SAMPLE.validate({}, request(body=data,
                                              content_type="application/x-www-form-urlencoded"))
    # Then fields are typed and the binary field holds the text as a file
    assert inputs.body["institute"] == 3
    assert inputs.body["sample_info"].data == b"{}"


def test_a_broken_multipart_body_is_a_400_at_the_body() -> None:
    # Given a multipart body cut in half
    body, content_type = encode_multipart_formdata({"sample_id": "1", "institute": "2"})
    # When it is validated
    error = failure(CHECK_SAMPLE, request(body=body[:30], content_type=content_type))
    # Then the body is reported
    assert error.pointer == "/body"


# -------------------------------------------------------------------------------- OpenAPI 3.0

def test_openapi_30_nullable_accepts_null() -> None:
    # Given a 3.0 document whose `note` is nullable and `name` is not
    doc = document({"Memo": {"type": "object", "properties": {
        "note": {"type": "string", "nullable": True}, "name": {"type": "string"}}}}, "3.0.3")
    check = validator({"requestBody": json_body({"$ref": "#/components/schemas/Memo"})}, doc=doc)
    # When both are null
    error = failure(check, request(body={"note": None, "name": None}))
    # Then only the non-nullable one is reported
    assert pointers(error) == ["/body/name"]


def test_openapi_30_nullable_reference_accepts_null() -> None:
    # Given a 3.0 nullable property that is a $ref through allOf
    doc = document({"Memo": {"type": "object", "properties": {
        "item": {"allOf": [{"$ref": "#/components/schemas/Item"}], "nullable": True}}}}, "3.0.3")
    check = validator({"requestBody": json_body({"$ref": "#/components/schemas/Memo"})}, doc=doc)
    # When item is null
    inputs = check.validate({}, request(body={"item": None}))
    # Then it passes
    assert inputs.body == {"item": None}


def test_openapi_30_boolean_exclusive_minimum_excludes_the_bound() -> None:
    # Given a 3.0 parameter with minimum 0 and exclusiveMinimum: true
    param = {"name": "n", "in": "query",
             "schema": {"type": "integer", "minimum": 0, "exclusiveMinimum": True}}
    check = validator({"parameters": [param]}, doc=document(version="3.0.3"))
    # When n=0 and n=1 are sent
    error = failure(check, request("n=0"))
    inputs = check.validate({}, request("n=1"))
    # Then 0 is out and 1 is in
    assert (error.pointer, inputs.query["n"]) == ("/query/n", 1)


def test_openapi_30_empty_form_value_is_null_for_a_nullable_field() -> None:
    # Given a 3.0 urlencoded form with a nullable integer
    doc = document(version="3.0.3")
    schema = {"type": "object", "properties": {"parent": {"type": "integer", "nullable": True}}}
    check = validator({"requestBody": {"content": {
        "application/x-www-form-urlencoded": {"schema": schema}}}}, doc=doc)
    # When parent="" is sent
    inputs = check.validate({}, request(body=b"parent=",
                                        content_type="application/x-www-form-urlencoded"))
    # Then it is null
    assert inputs.body == {"parent": None}


# ------------------------------------------------------------------------ compiled schemas

def test_a_compiled_schema_reports_pointers_relative_to_the_value() -> None:
    # Given the Order schema compiled on its own (as the response checker uses it)
    check = compile_schema({"$ref": "#/components/schemas/Order"}, document())
    # When an order with a bad item is checked
    violations = check.errors({"name": "o", "items": [{"name": "a", "qty": "x"}]})
    # Then the pointer starts at the value
    assert [(v.field, v.pointer) for v in violations] == [("items", "/items/0/qty")]


@pytest.mark.parametrize(("fmt", "bad"), [("date", "2024-02-30"), ("date-time", "yesterday"),
                                          ("email", "nobody"), ("uuid", "123"),
                                          ("uri", "not a uri")])
def test_checked_formats_reject_bad_values(fmt: str, bad: str) -> None:
    # Given a string schema with a checked format
    check = compile_schema({"type": "string", "format": fmt}, document())
    # When a bad value is checked
    violations = check.errors(bad)
    # Then it is reported
    assert len(violations) == 1


def test_other_formats_are_not_asserted() -> None:
    # Given a format real servers rarely check
    check = compile_schema({"type": "string", "format": "time"}, document())
    # When a value without offset is checked
    # Then it passes
    assert check.errors("12:00:00") == []


def test_refs_into_paths_resolve() -> None:
    # Given a schema referring into #/paths/
    doc = document()
    doc["paths"] = {"/a": {"post": {"requestBody": json_body({"type": "integer"})}}}
    ref = "#/paths/~1a/post/requestBody/content/application~1json/schema"
    # When a value is checked against it
    check = compile_schema({"$ref": ref}, doc)
    # Then the path's schema applies
    assert (check.errors(1), len(check.errors("x"))) == ([], 1)


# ------------------------------------------------------------------ the DMLF contract (if any)

@pytest.mark.skipif(not DMLF.exists(), reason="contracts/dmlf/openapi.yaml is not written yet")
def test_dmlf_sample_creation_from_the_documents_example_validates() -> None:
    # Given the DMLF contract's sample creation, and its documented example sent as the
    # document does it (data= plus files=)
    contract = yaml.safe_load(DMLF.read_text())
    path_item = contract["paths"]["/samples/"]
    check = RequestValidator(path_item["post"], path_item, contract)
    example = path_item["post"]["requestBody"]["content"]["multipart/form-data"]["examples"][
        "documented"]["value"]
    data = {k: str(v) for k, v in example.items() if k != "sample_info"}
    files = {"sample_info": ("info.json", example["sample_info"].encode(), "application/json")}
    # When it is validated
    inputs = check.validate({}, multipart_request(data, files))
    # Then integers are coerced and the info file is a file
    assert inputs.body["institute"] == 1
    assert isinstance(inputs.body["sample_info"], UploadedFile)


# ------------------------------------------------------------------ compiled on first use

def test_a_request_validator_compiles_on_its_first_request_only() -> None:
    # Given a validator for an operation with a body schema that refers to components
    check = validator({"requestBody": json_body({"$ref": "#/components/schemas/Order"})})
    compiled_before = check.is_compiled
    # When its first request is validated
    inputs = check.validate({}, request(body={"name": "o"}))
    # Then nothing was compiled before it, and the checks are kept after it
    assert (compiled_before, check.is_compiled, inputs.body) == (False, True, {"name": "o"})


def test_validators_of_one_document_resolve_the_same_component_alike() -> None:
    # Given one document and two operations whose bodies refer to the same component
    doc = document()
    first = validator({"requestBody": json_body({"$ref": "#/components/schemas/Item"})}, doc=doc)
    second = validator({"requestBody": json_body({"$ref": "#/components/schemas/Item"})},
                       doc=doc)
    # When both check the same invalid item
    found = [_violations_of(v, {"name": "a", "qty": -1}) for v in (first, second)]
    # Then both report it at the same place
    assert found[0] == found[1] == [("qty", "/body/qty")]


def _violations_of(check: RequestValidator, body: Any) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as failed:
        check.validate({}, request(body=body))
    return [(v.field, v.pointer) for v in failed.value.violations]

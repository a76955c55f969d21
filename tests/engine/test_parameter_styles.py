"""Parameters read by their OpenAPI style and explode: every location, style and value kind."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from specmock.core.exchange import Request
from specmock.core.styles import serialise_pairs, serialise_text
from specmock.engine.validation import RequestValidator, ValidationFailed, ValidInput

DOCUMENT: dict[str, Any] = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
                            "paths": {}}
INTEGERS = {"type": "array", "items": {"type": "integer"}}
WORDS = {"type": "array", "items": {"type": "string"}}
COLOR = {"type": "object", "properties": {"R": {"type": "integer"}, "G": {"type": "integer"},
                                          "B": {"type": "integer"}}}
LABELS = {"type": "object", "properties": {"role": {"type": "string"},
                                           "firstName": {"type": "string"}}}


def validator(parameter: dict[str, Any]) -> RequestValidator:
    return RequestValidator({"parameters": [parameter]}, {}, DOCUMENT)


def send(parameter: dict[str, Any], *, query: str = "", path: str | None = None,
         header: str | None = None, cookie: str | None = None) -> ValidInput:
    """The validated inputs for one request carrying the parameter as given."""
    headers: dict[str, str] = {}
    if header is not None:
        headers[parameter["name"].lower()] = header
    if cookie is not None:
        headers["cookie"] = cookie
    path_params = {parameter["name"]: path} if path is not None else {}
    return validator(parameter).validate(path_params, Request("GET", "/x", query, headers, b""))


def refused(parameter: dict[str, Any], **sent: Any) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        send(parameter, **sent)
    return caught.value


def value_of(parameter: dict[str, Any], inputs: ValidInput) -> Any:
    where = {"path": inputs.path, "query": inputs.query, "header": inputs.headers,
             "cookie": inputs.cookies}[parameter["in"]]
    return where[parameter["name"]]


def param(location: str, schema: dict[str, Any], style: str | None = None,
          explode: bool | None = None, name: str = "color") -> dict[str, Any]:
    declared: dict[str, Any] = {"name": name, "in": location, "schema": schema,
                                "required": location == "path"}
    if style is not None:
        declared["style"] = style
    if explode is not None:
        declared["explode"] = explode
    return declared


# ------------------------------------------------------------- the specification's own examples

# OpenAPI's "Style Examples" table: color = 5 / [blue, black, brown] / {R: 100, G: 200, B: 150}.
SPEC_TABLE = [
    ("simple", False, ["blue", "black", "brown"], "blue,black,brown"),
    ("simple", True, {"R": 100, "G": 200, "B": 150}, "R=100,G=200,B=150"),
    ("simple", False, {"R": 100, "G": 200, "B": 150}, "R,100,G,200,B,150"),
    ("label", False, 5, ".5"),
    ("label", True, ["blue", "black", "brown"], ".blue.black.brown"),
    ("label", False, ["blue", "black", "brown"], ".blue,black,brown"),
    ("label", True, {"R": 100, "G": 200, "B": 150}, ".R=100.G=200.B=150"),
    ("matrix", False, 5, ";color=5"),
    ("matrix", True, ["blue", "black", "brown"], ";color=blue;color=black;color=brown"),
    ("matrix", False, {"R": 100, "G": 200, "B": 150}, ";color=R,100,G,200,B,150"),
    ("matrix", True, {"R": 100, "G": 200, "B": 150}, ";R=100;G=200;B=150"),
]


@pytest.mark.parametrize(("style", "explode", "value", "text"), SPEC_TABLE)
def test_path_values_are_written_as_the_specification_table_shows(
        style: str, explode: bool, value: Any, text: str) -> None:
    # Given a value from the specification's table / When it is written in its style
    # Then it is the table's text
    assert serialise_text("color", value, style, explode) == text


@pytest.mark.parametrize(("style", "explode", "value", "text"), SPEC_TABLE)
def test_path_values_in_the_specification_table_read_back(
        style: str, explode: bool, value: Any, text: str) -> None:
    # Given a path parameter of the value's kind in the table's style
    schema = {int: {"type": "integer"}, list: WORDS, dict: COLOR}[type(value)]
    # When the table's text is the path segment
    inputs = send(param("path", schema, style, explode), path=text)
    # Then the value is read back, typed
    assert inputs.path["color"] == value


@pytest.mark.parametrize(("style", "explode", "value", "query"), [
    ("form", True, ["blue", "black", "brown"], "color=blue&color=black&color=brown"),
    ("form", False, ["blue", "black", "brown"], "color=blue,black,brown"),
    ("form", True, {"R": 100, "G": 200, "B": 150}, "R=100&G=200&B=150"),
    ("form", False, {"R": 100, "G": 200, "B": 150}, "color=R,100,G,200,B,150"),
    ("spaceDelimited", False, ["blue", "black", "brown"], "color=blue%20black%20brown"),
    ("pipeDelimited", False, ["blue", "black", "brown"], "color=blue|black|brown"),
    ("spaceDelimited", False, {"R": 100, "G": 200, "B": 150},
     "color=R%20100%20G%20200%20B%20150"),
    ("pipeDelimited", False, {"R": 100, "G": 200, "B": 150}, "color=R|100|G|200|B|150"),
    ("deepObject", True, {"R": 100, "G": 200, "B": 150},
     "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"),
])
def test_query_values_in_the_specification_table_read_back(
        style: str, explode: bool, value: Any, query: str) -> None:
    # Given a query parameter of the value's kind in the table's style
    schema = WORDS if isinstance(value, list) else COLOR
    # When the table's query string is sent
    inputs = send(param("query", schema, style, explode), query=query)
    # Then the value is read back, typed
    assert inputs.query["color"] == value


# ------------------------------------------------------------------------------- good and bad

def test_a_deep_object_is_read_from_its_bracketed_properties() -> None:
    # Given a deepObject query parameter
    color = param("query", COLOR, "deepObject", True)
    # When color[R]=100&color[G]=200 is sent
    inputs = send(color, query="color[R]=100&color[G]=200")
    # Then it is the object, integers typed
    assert inputs.query == {"color": {"R": 100, "G": 200}}


def test_a_deep_object_property_of_the_wrong_type_is_pointed_at() -> None:
    # Given a deepObject query parameter of integer properties
    color = param("query", COLOR, "deepObject", True)
    # When one property is a word
    error = refused(color, query="color[R]=red")
    # Then the violation points into the object and says how to send it
    assert error.pointer == "/query/color/R"
    assert 'Query parameter "color" (deepObject, exploded)' in error.detail
    assert "color[R]=1" in error.detail


def test_a_deep_object_sent_as_one_value_says_how_to_send_it() -> None:
    # Given a deepObject query parameter
    color = param("query", COLOR, "deepObject", True)
    # When it is sent as color=red
    error = refused(color, query="color=red")
    # Then the answer names it and shows the bracket form
    assert error.pointer == "/query/color"
    assert "not by its properties" in error.detail
    assert "send it as color[R]=1&color[G]=1&color[B]=1" in error.detail


def test_a_required_deep_object_missing_is_reported_once() -> None:
    # Given a required deepObject parameter
    color = {**param("query", COLOR, "deepObject", True), "required": True}
    # When nothing is sent
    error = refused(color)
    # Then it is reported missing
    assert [v.pointer for v in error.violations] == ["/query/color"]
    assert "required" in error.detail


def test_a_form_exploded_object_takes_its_properties_from_the_query() -> None:
    # Given a form object parameter (explode by default) and an undeclared parameter beside it
    # When its properties come as parameters of their own
    inputs = send(param("query", {**LABELS, "additionalProperties": False}),
                  query="role=admin&firstName=Alex&debug=1")
    # Then they make the object, and the other parameter stays apart
    assert inputs.query == {"color": {"role": "admin", "firstName": "Alex"}, "debug": "1"}


def test_a_non_exploded_object_with_an_odd_item_count_is_refused() -> None:
    # Given a form object parameter with explode: false
    color = param("query", COLOR, "form", False)
    # When a key comes without its value
    error = refused(color, query="color=R,100,G")
    # Then the answer says objects are key,value pairs and shows one
    assert "key,value pairs" in error.detail
    assert "send it as color=R,1,G,1,B,1" in error.detail


def test_a_pipe_delimited_array_is_split_on_pipes() -> None:
    # Given a pipeDelimited integer array
    # When ids=1|2|3 is sent
    inputs = send(param("query", INTEGERS, "pipeDelimited", name="ids"), query="ids=1|2|3")
    # Then it is the list of integers
    assert inputs.query["ids"] == [1, 2, 3]


def test_a_bad_item_of_a_space_delimited_array_is_pointed_at() -> None:
    # Given a spaceDelimited integer array
    ids = param("query", INTEGERS, "spaceDelimited", name="ids")
    # When its third item is a word
    error = refused(ids, query="ids=1+2+x")
    # Then the pointer names the item and the hint shows the delimiter
    assert error.pointer == "/query/ids/2"
    assert "ids=1%201" in error.detail


@pytest.mark.parametrize(("style", "text", "expected"), [
    ("label", "5", '"."'),
    ("matrix", "5", '";color="'),
    ("matrix", ";other=5", '";color=..."'),
])
def test_a_path_value_without_its_style_prefix_is_refused(
        style: str, text: str, expected: str) -> None:
    # Given a path parameter in label or matrix style
    color = param("path", {"type": "integer"}, style)
    # When the segment lacks the style's prefix
    error = refused(color, path=text)
    # Then the answer names the parameter and the prefix expected
    assert (error.pointer, error.field) == ("/path/color", "color")
    assert expected in error.detail


def test_an_exploded_header_object_is_read_from_assignments() -> None:
    # Given an exploded header object
    header = param("header", COLOR, "simple", True, name="X-Color")
    # When "R=100, G=200" is sent
    inputs = send(header, header="R=100, G=200")
    # Then it is the object
    assert inputs.headers == {"X-Color": {"R": 100, "G": 200}}


def test_an_exploded_cookie_array_is_read_from_repeated_cookies() -> None:
    # Given a form cookie array (exploded by default)
    ids = param("cookie", INTEGERS, name="ids")
    # When the cookie is sent twice
    inputs = send(ids, cookie="ids=1; other=x; ids=2")
    # Then both values are read
    assert inputs.cookies == {"ids": [1, 2]}


def test_a_json_content_parameter_is_parsed_and_checked() -> None:
    # Given a query parameter declared by `content: application/json`
    parameter = {"name": "filter", "in": "query",
                 "content": {"application/json": {"schema": COLOR}}}
    # When valid JSON, then broken JSON is sent
    inputs = send(parameter, query="filter=" + quote('{"R": 1}'))
    error = refused(parameter, query="filter=" + quote('{"R": 1'))
    # Then the first is the object; the second is refused, with a JSON example
    assert inputs.query == {"filter": {"R": 1}}
    assert "is not JSON" in error.detail
    assert 'filter={"R":1,"G":1,"B":1}' in error.detail


def test_an_allowed_empty_value_satisfies_a_required_parameter() -> None:
    # Given a required integer parameter that allows an empty value
    flag = {"name": "flag", "in": "query", "required": True, "allowEmptyValue": True,
            "schema": {"type": "integer"}}
    # When flag= is sent, and then nothing
    inputs = send(flag, query="flag=")
    error = refused(flag)
    # Then the empty value passes (and is not handed on); the absent one is missing
    assert "flag" not in inputs.query
    assert error.pointer == "/query/flag"


def test_allow_reserved_values_arrive_unencoded() -> None:
    # Given a string parameter with allowReserved
    path = {"name": "path", "in": "query", "allowReserved": True, "schema": {"type": "string"}}
    # When reserved characters are sent as they are
    inputs = send(path, query="path=/a/b:c@d!$'()*+,;")
    # Then the value keeps them ('+' is a space in a query string, as everywhere)
    assert inputs.query["path"] == "/a/b:c@d!$'()* ,;"


# --------------------------------------------------------------------------------- round trips

NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1,
                max_size=6)
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_~", min_size=1, max_size=8)
PRIMITIVES = st.one_of(
    st.tuples(st.just({"type": "integer"}), st.integers(-(10**12), 10**12)),
    st.tuples(st.just({"type": "boolean"}), st.booleans()),
    st.tuples(st.just({"type": "string"}), WORD),
)


@st.composite
def typed_values(draw: st.DrawFn, kind: str) -> tuple[dict[str, Any], Any]:
    """(schema, value) of the kind: a primitive, a non-empty array, a non-empty flat object."""
    if kind == "primitive":
        return draw(PRIMITIVES)
    if kind == "array":
        item_schema, first = draw(PRIMITIVES)
        strategy = {"integer": st.integers(-999, 999), "boolean": st.booleans(),
                    "string": WORD}[item_schema["type"]]
        return {"type": "array", "items": item_schema}, [first, *draw(
            st.lists(strategy, max_size=4))]
    names = draw(st.lists(NAMES, min_size=1, max_size=4, unique=True))
    typed = [draw(PRIMITIVES) for _ in names]
    schema = {"type": "object", "additionalProperties": False,
              "properties": {name: s for name, (s, _) in zip(names, typed, strict=True)}}
    return schema, {name: v for name, (_, v) in zip(names, typed, strict=True)}


COMBINATIONS = [
    (location, style, explode, kind)
    for location, styles in (("path", ("simple", "label", "matrix")),
                             ("header", ("simple",)),
                             ("cookie", ("form",)),
                             ("query", ("form", "spaceDelimited", "pipeDelimited", "deepObject")))
    for style in styles
    for explode in (False, True)
    for kind in ("primitive", "array", "object")
    # deepObject is for objects, exploded; space/pipe exploded are form's repeated names
    if not (style == "deepObject" and (kind != "object" or not explode))
    and not (style in ("spaceDelimited", "pipeDelimited") and (kind == "primitive" or explode))
]


def wire(parameter: dict[str, Any], value: Any) -> dict[str, Any]:
    """What a client sends for `value`: the text serialised by the style, percent-encoded."""
    name, location = parameter["name"], parameter["in"]
    style, explode = parameter["style"], parameter["explode"]
    if location == "query":
        return {"query": urlencode(serialise_pairs(name, value, style, explode),
                                   quote_via=quote)}
    if location == "cookie":
        pairs = serialise_pairs(name, value, style, explode)
        return {"cookie": "; ".join(f"{k}={quote(v, safe='')}" for k, v in pairs)}
    text = serialise_text(name, value, style, explode)
    return {"path": text} if location == "path" else {"header": text}


@pytest.mark.parametrize(("location", "style", "explode", "kind"), COMBINATIONS)
@given(data=st.data())
def test_every_style_reads_back_what_it_writes(location: str, style: str, explode: bool,
                                                kind: str, data: st.DataObject) -> None:
    # Given a parameter of a kind in a style, and a value of its schema
    schema, value = data.draw(typed_values(kind))
    parameter = {**param(location, schema, style, explode, name="p"), "required": True}
    # When the value is sent as the style writes it
    inputs = send(parameter, **wire(parameter, value))
    # Then the mock reads the same value back
    assert value_of(parameter, inputs) == value

"""The document's own answer to an invalid request, and dynamic bodies that are always valid."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from specmock.behaviours.prefer import Preference
from specmock.behaviours.static import StaticResponder
from specmock.engine.schemas import compile_schema
from tests.behaviours.test_fake import DOCUMENT as SCHEMAS_DOCUMENT
from tests.behaviours.test_fake import json_schemas
from tests.behaviours.test_static import described, responder

ERROR = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {"code": {"type": "integer"}, "message": {"type": "string"}},
}
PROBLEM_FILL = {"type": "https://specmock.dev/problems/badRequest", "title": "Bad Request",
                "status": 400, "detail": "0 is less than the minimum of 1",
                "instance": "/pets", "pointer": "/query/limit"}


def problem_fill(status: int) -> dict[str, Any]:
    """The mock's own account of the error, as answered with `status`."""
    return {**PROBLEM_FILL, "status": status}


def example(value: Any) -> dict[str, Any]:
    return {"application/json": {"example": value}}


# --- which documented response answers an invalid request ---------------------------------------


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        (["200", "400", "422", "4XX", "default"], (422, "422")),
        (["200", "400", "4XX", "default"], (400, "400")),
        (["200", "4XX", "default"], (422, "4XX")),
        (["200", "default"], (422, "default")),
    ],
)
def test_a_failed_check_looks_for_422_then_400_then_a_range_then_default(
    declared: list[str], expected: tuple[int, str]
) -> None:
    # Given an operation whose responses each show which key they are
    pets = responder({key: described(example({"key": key})) for key in declared})
    # When the answer to an invalid request is asked for (Prism's order: 422, then 400)
    answer = pets.error_answer((422, 400), Preference())
    # Then the first declared exactly wins, then a range, then default, with the first status
    assert answer is not None
    assert (answer.status, answer.body["key"]) == expected


def test_without_an_error_response_there_is_no_documented_answer() -> None:
    # Given an operation declaring only its success and a 404
    pets = responder({"200": described(example({})), "404": described(example({}))})
    # When the answer to an invalid request is asked for
    # Then there is none (the mock answers problem+json)
    assert pets.error_answer((422, 400), Preference()) is None


def test_a_named_example_counts_only_where_that_status_was_asked_for() -> None:
    # Given a 422 with two named examples
    examples = {"first": {"value": {"n": 1}}, "second": {"value": {"n": 2}}}
    pets = responder({"422": described({"application/json": {"examples": examples}})})
    # When an invalid request asks for example=second, with and without code=422
    asked = pets.error_answer((422, 400), Preference(code=422, example="second"))
    unasked = pets.error_answer((422, 400), Preference(example="second"))
    # Then the example is used only where the request also asked for the 422 (as in Prism)
    assert asked is not None
    assert unasked is not None
    assert (asked.body, unasked.body) == ({"n": 2}, {"n": 1})


def test_a_media_type_the_client_refuses_still_answers_the_error() -> None:
    # Given a 400 documented as XML only
    pets = responder({"400": described({"application/xml": {"example": "<error/>"}})})
    # When an invalid request accepts only JSON
    answer = pets.error_answer((422, 400), Preference(), accept="application/json")
    # Then the error is answered anyway, in the type the document declares
    assert answer is not None
    assert (answer.status, answer.media_type) == (400, "application/xml")


def test_a_schema_that_accepts_the_problem_gets_it_whole() -> None:
    # Given a 400 whose schema only needs a detail
    problem = {"type": "object", "required": ["detail"],
               "properties": {"detail": {"type": "string"}}}
    pets = responder({"400": described({"application/problem+json": {"schema": problem}})})
    # When an invalid request is answered with the mock's account of it
    answer = pets.error_answer((422, 400), Preference(), fill=problem_fill)
    # Then that account is the body, with the status it is answered with
    assert answer is not None
    assert answer.body == {**PROBLEM_FILL, "status": 400}


def test_a_schema_of_its_own_shape_is_filled_where_the_names_say_the_same() -> None:
    # Given a 400 whose closed schema names the status `code` and the detail `message`
    closed = {**ERROR, "additionalProperties": False}
    pets = responder({"400": described({"application/json": {"schema": closed}})})
    # When an invalid request is answered with the mock's account of it
    answer = pets.error_answer((422, 400), Preference(), fill=problem_fill)
    # Then the generated object carries the status and the detail, saying where
    assert answer is not None
    assert answer.body == {"code": 400, "message": "0 is less than the minimum of 1 "
                                                   "(at /query/limit)"}


def test_an_example_is_not_replaced_by_the_fill() -> None:
    # Given a 400 with an example of its own
    pets = responder({"400": described({"application/json": {
        "schema": ERROR, "example": {"code": 1, "message": "documented"}}})})
    # When an invalid request is answered with the mock's account of it
    answer = pets.error_answer((422, 400), Preference(), fill=problem_fill)
    # Then the document's example is answered as it is
    assert answer is not None
    assert answer.body == {"code": 1, "message": "documented"}


# --- dynamic bodies -------------------------------------------------------------------------------


def test_dynamic_without_a_schema_keeps_the_example() -> None:
    # Given a text response with an example and no schema
    hours = responder({"200": described({"text/plain": {"example": "08:00-18:00"}})})
    # When dynamic data is asked for
    answer = hours.answer(Preference(dynamic=True))
    # Then the example is answered (there is nothing to generate from), never null
    assert answer.body == "08:00-18:00"


def test_a_media_type_with_nothing_documented_is_an_empty_body() -> None:
    # Given a JSON response with neither schema nor example
    bare = responder({"200": described({"application/json": {}})})
    # When it is answered, static or dynamic
    # Then the body is empty, never a made-up null
    assert bare.answer(Preference()).body == b""
    assert bare.answer(Preference(dynamic=True)).body == b""


# The generator strategy's components, in a 3.0 document (its `nullable` is then honoured).
OPENAPI30 = {**SCHEMAS_DOCUMENT, "openapi": "3.0.3"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=json_schemas, seed=st.integers(0, 2**32), example=st.booleans())
def test_a_dynamic_answer_is_always_valid_by_jsonschema_rs(
    schema: dict[str, Any], seed: int, example: bool
) -> None:
    # Given any schema of the generator's strategy as a 3.0 response body (nullable counts),
    # with an example beside it or not; one that jsonschema_rs cannot compile (a Python-only
    # regex) is refused by `specmock lint` and left out
    try:
        check = compile_schema(schema, OPENAPI30, direction="response")
    except jsonschema_rs.ValidationError:
        assume(False)
    media: dict[str, Any] = {"schema": schema}
    if example:
        media["example"] = "an example the dynamic answer must not use"
    operation = {"operationId": "anything", "responses": {"200": described(
        {"application/json": media})}}
    answers = StaticResponder(operation, OPENAPI30, seed=seed)
    # When `Prefer: dynamic=true` (or `__dynamic=true`) is answered, with and without a seed
    bodies = [answers.answer(Preference(dynamic=True)).body,
              answers.answer(Preference(dynamic=True, seed=seed)).body]
    # Then each body validates with the engine's own jsonschema_rs check of responses
    for body in bodies:
        assert check.is_valid(body), (body, check.schema_errors(body)[:3])

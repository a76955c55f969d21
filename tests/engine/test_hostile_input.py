"""Input chosen to break a server: never a 500 and never an answer as large as the input.

Each test sends one kind of hostile input to the engine in process (tests/fixtures/tiny) and
asserts the status a client gets and that the answer stays small.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from urllib3 import encode_multipart_formdata

from specmock.core.limits import (
    MAX_INTEGER_DIGITS,
    MAX_QUOTED_CHARS,
    brief,
    too_many_members,
    whole_number,
)
from specmock.engine.app import MockEngine
from specmock.engine.options import EngineOptions
from specmock.engine.schemas import TooDeepError, compile_schema
from tests.engine.test_pipeline import TINY, login, payload, send

HUGE_INTEGER = "9" * (MAX_INTEGER_DIGITS + 700)
# An answer may quote a few hundred characters of the input, plus its own words and pointers.
SMALL_ANSWER = 4 * MAX_QUOTED_CHARS


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return yaml.safe_load(TINY.read_text())


@pytest.fixture
def engine(document: dict[str, Any]) -> MockEngine:
    return MockEngine(document, EngineOptions(check_responses=True))


@pytest.fixture
def token(engine: MockEngine) -> str:
    return login(engine)["access"]


def _book(**fields: Any) -> dict[str, Any]:
    return {"title": "Dune", "isbn": "978-0441013593", "shelf": 3, "genre": "sf", **fields}


def test_an_integer_path_id_beyond_the_digit_limit_is_404(engine: MockEngine, token: str) -> None:
    # Given a book id with more digits than CPython turns into an int
    # When it is read
    response = send(engine, "GET", f"/books/{HUGE_INTEGER}", token=token)

    # Then it names no resource: 404, as any other id off the path's schema
    assert response.status == 404


def test_an_integer_query_value_beyond_the_digit_limit_is_400(engine: MockEngine,
                                                               token: str) -> None:
    # When a list is asked for with a limit of five thousand digits
    response = send(engine, "GET", "/books", token=token, query=f"limit={HUGE_INTEGER}")

    # Then the parameter is refused by name, and the answer quotes only part of the value
    assert response.status == 400
    assert payload(response)["pointer"] == "/query/limit"
    assert len(response.body) < SMALL_ANSWER


def test_an_integer_form_field_beyond_the_digit_limit_is_400(engine: MockEngine,
                                                              token: str) -> None:
    # Given a multipart create whose integer field has five thousand digits
    before = len(payload(send(engine, "GET", "/books", token=token)))
    body, content_type = encode_multipart_formdata(
        {**{k: str(v) for k, v in _book().items()}, "shelf": HUGE_INTEGER})

    # When it is sent
    response = send(engine, "POST", "/books", token=token, body=body,
                    headers={"content-type": content_type})

    # Then the field is refused, nothing is stored, and the answer stays small
    assert response.status == 400
    assert payload(response)["pointer"] == "/body/shelf"
    assert len(response.body) < SMALL_ANSWER
    assert len(payload(send(engine, "GET", "/books", token=token))) == before


def test_a_prefer_seed_beyond_the_digit_limit_is_400(engine: MockEngine) -> None:
    # When a static answer is asked for with a seed of five thousand digits
    response = send(engine, "GET", "/status", headers={"prefer": f"seed={HUGE_INTEGER}"})

    # Then the preference is refused in a few words
    assert response.status == 400
    assert "Prefer: seed" in payload(response)["detail"]
    assert len(response.body) < SMALL_ANSWER


@pytest.mark.parametrize("depth", [300, 1000])
def test_json_nested_beyond_the_validators_reach_is_400(engine: MockEngine, token: str,
                                                        depth: int) -> None:
    # Given a create whose extra field nests arrays hundreds of levels deep
    nested = "[" * depth + "]" * depth
    body = json.dumps(_book(isbn=f"deep-{depth}"))[:-1] + f', "extra": {nested}}}'

    # When it is sent
    response = send(engine, "POST", "/books", token=token, body=body.encode(),
                    headers={"content-type": "application/json"})

    # Then it is stored (the extra field is allowed) or, past what the validator can follow, a
    # 400 about the body: never a 500 from its recursion limit
    assert response.status in (201, 400)
    if response.status == 400:
        assert payload(response)["pointer"].startswith("/body")


def test_an_invalid_array_of_many_items_gets_a_bounded_answer(engine: MockEngine,
                                                              token: str) -> None:
    # Given a create whose integer field is a list of fifty thousand strings
    body = json.dumps(_book(shelf=["x" * 20] * 50_000)).encode()

    # When it is sent
    response = send(engine, "POST", "/books", token=token, body=body,
                    headers={"content-type": "application/json"})

    # Then it is refused with an answer a tiny fraction of the input's size
    assert response.status == 400
    assert len(response.body) < SMALL_ANSWER
    assert len(body) > 100 * len(response.body)


@given(st.text(max_size=2000))
def test_brief_never_exceeds_its_limit_by_more_than_its_note(text: str) -> None:
    # When any message is cut
    cut = brief(text, 50)

    # Then it is the message itself when short, else its start and how much was left out
    if len(text) <= 50:
        assert cut == text
    else:
        assert cut.startswith(text[:50])
        assert cut.endswith(f"({len(text) - 50} more characters)")


@given(st.integers(min_value=-(10**80), max_value=10**80))
def test_whole_number_reads_every_integer_written_in_decimal(value: int) -> None:
    assert whole_number(str(value)) == value


def test_whole_number_refuses_text_past_the_digit_limit() -> None:
    assert whole_number("1" * MAX_INTEGER_DIGITS) is not None
    assert whole_number("1" * (MAX_INTEGER_DIGITS + 1)) is None


# --- the admin clock ------------------------------------------------------------------------

@pytest.mark.parametrize("command", [{}, {"advance": -60}, {"advance": 1.7e308},
                                     {"advance": 60, "rewind": True}])
def test_a_clock_command_it_cannot_carry_out_is_400_and_changes_nothing(
        engine: MockEngine, command: dict[str, Any]) -> None:
    # Given the mock's clock reading
    before = payload(send(engine, "GET", "/__specmock/clock"))["offset"]

    # When the admin API is asked to move it in a way it does not accept
    response = send(engine, "POST", "/__specmock/clock", json_body=command)

    # Then that is a 400 saying what is accepted, and the clock is where it was
    assert response.status == 400
    assert "advance" in payload(response)["detail"]
    assert payload(send(engine, "GET", "/__specmock/clock"))["offset"] == before


def test_tokens_are_still_issued_after_a_refused_huge_advance(engine: MockEngine) -> None:
    # Given two refused attempts to push the clock past the year 9999
    for _ in range(2):
        send(engine, "POST", "/__specmock/clock", json_body={"advance": 1.7e308})

    # When a client logs in
    tokens = login(engine)

    # Then it gets its tokens
    assert tokens["access"]


def test_a_json_body_of_half_a_million_keys_is_refused_by_its_size(engine: MockEngine,
                                                                   token: str) -> None:
    # Given a 9 MB JSON object of 500,000 keys
    body = json.dumps({f"k{n}": n for n in range(500_000)}).encode()

    # When it is sent
    response = send(engine, "POST", "/books", token=token, body=body,
                    headers={"content-type": "application/json"})

    # Then it is refused for the number of its members, in a small answer
    assert response.status == 400
    assert "more than 100000 members" in payload(response)["detail"]
    assert len(response.body) < SMALL_ANSWER


@given(st.recursive(st.integers() | st.text(max_size=3),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=3), inner, max_size=4), max_leaves=30))
def test_small_bodies_are_never_counted_as_too_large(value: Any) -> None:
    assert not too_many_members(value, len(json.dumps(value)))


def test_members_are_counted_at_every_depth() -> None:
    nested = {"a": [{"b": list(range(60_000))}, {"c": {f"k{n}": n for n in range(50_000)}}]}
    assert too_many_members(nested, 10**6)


def test_an_error_about_a_deeply_nested_value_is_too_deep_not_a_crash() -> None:
    # Given a closed object schema and an object whose unexpected member nests 1000 levels
    # (jsonschema-rs hands each error's instance back to Python, and stops at its recursion
    # limit when that instance is this deep)
    validator = compile_schema({"type": "object", "properties": {"a": {"type": "string"}},
                                "additionalProperties": False}, {})
    value = {"x": orjson.loads(b"[" * 1000 + b"]" * 1000)}

    # When its errors are asked for, Then the limit is reported as TooDeepError
    assert not validator.is_valid(value)
    with pytest.raises(TooDeepError):
        validator.schema_errors(value)


def test_a_404_for_a_long_path_quotes_only_part_of_it(engine: MockEngine, token: str) -> None:
    response = send(engine, "GET", "/nowhere/" + "x" * 60_000, token=token)
    assert response.status == 404
    assert len(response.body) < SMALL_ANSWER

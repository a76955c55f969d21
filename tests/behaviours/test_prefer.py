"""Parsing the `Prefer` header (Prism's `code`, `example`, `dynamic`, plus `seed`) and the same
controls as query parameters (`__code`, `__example`, `__dynamic`, `__seed`)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from specmock.behaviours.prefer import (
    Preference,
    asks_for_answer,
    parse_prefer,
    preference_of,
    request_preference,
)
from specmock.core.exchange import Request
from specmock.core.problems import ApiError


def test_no_header_prefers_nothing() -> None:
    # Given no Prefer header (or an empty one)
    # When it is parsed
    # Then every preference is unset
    assert parse_prefer("") == Preference() == parse_prefer(None)


def test_prism_style_preferences_are_all_read() -> None:
    # Given Prism's comma-separated form
    header = "code=404, example=notFound, dynamic=true, seed=7"
    # When it is parsed
    preference = parse_prefer(header)
    # Then each value has its type
    assert preference == Preference(code=404, example="notFound", dynamic=True, seed=7)


def test_spaces_case_of_names_and_semicolons_are_tolerated() -> None:
    # Given odd spacing, upper-case names and RFC 7240 parameter separators
    header = "  CODE = 201 ;Dynamic=FALSE;  Example =  created "
    # When it is parsed
    preference = parse_prefer(header)
    # Then the values are read as if written neatly
    assert preference == Preference(code=201, example="created", dynamic=False)


def test_a_quoted_value_keeps_commas_and_escaped_quotes() -> None:
    # Given a quoted example name holding a comma, a semicolon and an escaped quote
    header = r'example="not found, really; \"gone\"", code=404'
    # When it is parsed
    preference = parse_prefer(header)
    # Then the name is the quoted string's content
    assert preference.example == 'not found, really; "gone"'
    assert preference.code == 404


def test_unknown_preferences_are_ignored() -> None:
    # Given standard preferences specmock does not act on, beside one it does
    header = "return=minimal, respond-async, wait=10, code=202"
    # When it is parsed
    preference = parse_prefer(header)
    # Then only the known one is kept
    assert preference == Preference(code=202)


def test_the_first_of_a_repeated_preference_wins() -> None:
    # Given the same preference twice (RFC 7240: only the first counts)
    # When it is parsed
    preference = parse_prefer("code=200, code=500")
    # Then the first value is used
    assert preference.code == 200


def test_a_bare_dynamic_means_true() -> None:
    # Given `dynamic` without a value
    # When it is parsed
    # Then dynamic generation is asked for
    assert parse_prefer("dynamic").dynamic is True


def test_a_negative_seed_is_a_seed() -> None:
    # Given a negative whole number as seed
    # When it is parsed
    # Then it is kept as an integer
    assert parse_prefer("seed=-3").seed == -3


@pytest.mark.parametrize(
    "header",
    [
        "code=abc",
        "code=",
        "code",
        "code=99",
        "code=600",
        "code=2xx",
        "code=40 4",
        "dynamic=maybe",
        "seed=1.5",
        "seed=",
        "seed=x",
        "example=",
        "example",
    ],
)
def test_a_malformed_value_is_a_bad_request_about_the_header(header: str) -> None:
    # Given a preference whose value cannot mean what its name asks
    # When it is parsed
    with pytest.raises(ApiError) as caught:
        parse_prefer(header)
    # Then the error is a 400 that points at the Prefer header
    error = caught.value
    assert (error.kind, error.status, error.field, error.pointer) == (
        "badRequest",
        400,
        "Prefer",
        "/header/Prefer",
    )
    assert error.detail.startswith("Prefer:")


@given(
    code=st.integers(100, 599),
    seed=st.integers(-(2**63), 2**63),
    name=st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=20),
    dynamic=st.booleans(),
)
def test_any_well_formed_header_round_trips(code: int, seed: int, name: str, dynamic: bool) -> None:
    # Given a header written from arbitrary valid values
    header = f'seed={seed}; code={code}, example="{name}", dynamic={str(dynamic).lower()}'
    # When it is parsed
    preference = parse_prefer(header)
    # Then the values come back unchanged
    assert preference == Preference(code=code, example=name, dynamic=dynamic, seed=seed)


# --- the same controls as query parameters (Prism's `__code`, `__example`, ...) ----------------


def test_query_controls_are_read_like_the_header() -> None:
    # Given Prism's query-parameter controls
    query = [("__code", "404"), ("__example", "tom"), ("__dynamic", "true"), ("__seed", "7")]
    # When the request's preferences are read
    preference = request_preference(None, query)
    # Then each has the meaning of its header form
    assert preference == Preference(code=404, example="tom", dynamic=True, seed=7)


def test_the_header_wins_name_by_name_over_the_query() -> None:
    # Given a header asking for a code and a query asking for a code and a seed
    query = [("__code", "500"), ("__seed", "3")]
    # When the request's preferences are read
    preference = request_preference("code=404", query)
    # Then the header's code and the query's seed count
    assert (preference.code, preference.seed) == (404, 3)


def test_other_query_parameters_are_no_controls() -> None:
    # Given query parameters of the operation (and one that only looks like a control)
    query = [("limit", "5"), ("code", "404"), ("__other", "1")]
    # When the request's preferences are read
    # Then nothing is preferred
    assert request_preference(None, query) == Preference()


def test_a_bare_dynamic_query_parameter_means_true() -> None:
    # Given `?__dynamic` without a value
    # When the request's preferences are read
    # Then dynamic data is asked for
    assert request_preference(None, [("__dynamic", "")]).dynamic is True


@pytest.mark.parametrize(
    ("name", "value"), [("__code", "abc"), ("__code", "99"), ("__dynamic", "maybe"),
                        ("__seed", "x"), ("__example", "")]
)
def test_a_malformed_query_control_is_a_bad_request_naming_the_parameter(
    name: str, value: str
) -> None:
    # Given a control query parameter whose value cannot mean what its name asks
    # When the request's preferences are read
    with pytest.raises(ApiError) as caught:
        request_preference(None, [(name, value)])
    # Then a 400 names the parameter and points at it
    error = caught.value
    assert (error.status, error.field, error.pointer) == (400, name, f"/query/{name}")
    assert error.detail.startswith(name)


def test_controls_are_read_from_a_request() -> None:
    # Given a request with a control in its query string and another in its Prefer header
    request = Request("GET", "/pets/1", "__code=404&limit=2", {"prefer": "dynamic=true"})
    # When its preferences are read
    # Then both count, and the request is known to ask for an answer
    assert preference_of(request) == Preference(code=404, dynamic=True)
    assert asks_for_answer(request)
    assert not asks_for_answer(Request("GET", "/pets/1", "limit=2"))

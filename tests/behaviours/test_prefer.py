"""Parsing the `Prefer` header (Prism's `code`, `example`, `dynamic`, plus `seed`)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.behaviours.prefer import Preference, parse_prefer
from mockserver.core.problems import ApiError


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

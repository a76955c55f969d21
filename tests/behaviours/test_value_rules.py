"""Field rules beyond JSON Schema: pattern, date, time and highest-id bounds."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from specmock.behaviours.value_rules import RuleBrokenError, check_value

TODAY = dt.date(2024, 6, 20)
RULES = [
    {"pattern": r"^\d{6}_\d{6}_\d{6}$", "message": "format"},
    {
        "slice": [0, 6],
        "date": "%y%m%d",
        "past": True,
        "message": "bad date",
        "pastMessage": "future",
    },
    {"slice": [7, 13], "time": "%H%M%S", "message": "bad time"},
    {"slice": [14, 16], "atMostHighestId": "institutes", "message": "inst {value} > {highest}"},
    {"slice": [16, 20], "atMostHighestId": "methods", "message": "method {value} > {highest}"},
]
HIGHEST = {"institutes": 7, "methods": 102}


def _check(value: str) -> None:
    check_value(value, RULES, TODAY, HIGHEST.get)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("240616-125138-010102", "format"),
        ("241332_125138_010102", "bad date"),
        ("240620_125138_010102", "future"),
        ("240616_256138_010102", "bad time"),
        ("240616_125138_080102", "inst 8 > 7"),
        ("240616_125138_010103", "method 103 > 102"),
    ],
)
def test_the_first_broken_rule_answers_with_its_message(value: str, message: str) -> None:
    # Given a value that breaks one rule, when it is checked, then that rule's message comes back
    with pytest.raises(RuleBrokenError, match=f"^{message}$"):
        _check(value)


@given(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=TODAY - dt.timedelta(days=1)),
    st.times(),
    st.integers(min_value=0, max_value=7),
    st.integers(min_value=0, max_value=102),
)
def test_every_id_within_the_rules_passes(
    day: dt.date, moment: dt.time, institute: int, method: int
) -> None:
    # Given an id with a past date, a valid time and codes within the highest ids
    value = f"{day:%y%m%d}_{moment:%H%M%S}_{institute:02d}{method:04d}"
    # When it is checked, then no rule is broken
    _check(value)

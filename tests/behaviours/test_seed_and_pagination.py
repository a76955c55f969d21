"""Seed generation and limit/offset windows."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from specmock.behaviours.pagination import PaginationSpec, window
from specmock.behaviours.seed import seed_records
from specmock.core.problems import ApiError


def test_literal_records_come_first_then_generated_ones() -> None:
    seed = {
        "records": [{"id": 1}],
        "generate": {"count": 2, "fields": {"id": {"sequence": {"start": 10}}}},
    }
    assert list(seed_records(seed, random.Random(0))) == [{"id": 1}, {"id": 10}, {"id": 11}]


def test_each_generator_kind_makes_its_value() -> None:
    fields = {
        "v": {"value": "x"},
        "s": {"sequence": {"start": 5, "step": 2}},
        "c": {"cycle": ["a", "b"]},
        "f": {"format": "FW-{n}"},
        "r": {"choice": [7]},
    }
    records = list(seed_records({"generate": {"count": 3, "fields": fields}}, random.Random(0)))
    assert records[2] == {"v": "x", "s": 9, "c": "a", "f": "FW-2", "r": 7}


def test_the_same_seed_generates_the_same_records() -> None:
    seed = {"generate": {"count": 20, "fields": {"x": {"choice": list(range(100))}}}}
    assert list(seed_records(seed, random.Random(3))) == list(seed_records(seed, random.Random(3)))


def test_offset_counts_records_by_default() -> None:
    assert window(PaginationSpec(), {"limit": 5, "offset": 5}).start == 5


def test_offset_counts_pages_when_declared() -> None:
    assert window(PaginationSpec(offset_unit="pages"), {"limit": 10, "offset": 1}).start == 10


def test_a_limit_above_the_maximum_is_a_bad_request_naming_the_parameter() -> None:
    with pytest.raises(ApiError) as caught:
        window(PaginationSpec(limit_maximum=1000), {"limit": 1001})
    assert (caught.value.status, caught.value.pointer) == (400, "/query/limit")


def test_a_negative_offset_is_a_bad_request() -> None:
    with pytest.raises(ApiError) as caught:
        window(PaginationSpec(), {"offset": -1})
    assert caught.value.pointer == "/query/offset"


@given(
    limit=st.integers(1, 1000),
    offset=st.integers(0, 10_000),
    unit=st.sampled_from(["records", "pages"]),
)
def test_the_window_start_follows_the_offset_unit(limit: int, offset: int, unit: str) -> None:
    win = window(
        PaginationSpec(offset_unit=unit, limit_maximum=1000), {"limit": limit, "offset": offset}
    )
    assert win.start == (offset * limit if unit == "pages" else offset)

"""Throttling: declared rates per scope, counted on an injected clock."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from specmock.behaviours.throttle import RateError, Throttle, parse_rate, too_many_requests
from specmock.core.clock import ControllableClock
from specmock.core.problems import ApiError

DAY = 86400


def _throttle(clock: ControllableClock, **scopes: dict[str, object]) -> Throttle:
    return Throttle.from_contract({"scopes": scopes}, clock)


def _frozen() -> ControllableClock:
    clock = ControllableClock(lambda: 1_700_000_000.0)
    clock.freeze()
    return clock


@pytest.mark.parametrize(
    ("rate", "expected"),
    [("10/day", (10, DAY)), ("500/d", (500, DAY)), ("3/hour", (3, 3600)), ("5/10s", (5, 10))],
)
def test_rates_read_as_drf_reads_them(rate: str, expected: tuple[int, int]) -> None:
    # Given a rate text, when it is parsed, then count and window are DRF's
    assert parse_rate(rate) == expected


@pytest.mark.parametrize("rate", ["ten/day", "10/fortnight", "10"])
def test_a_malformed_rate_is_an_error(rate: str) -> None:
    # Given a rate that is not <count>/<period>, when it is parsed, then it is refused
    with pytest.raises(RateError):
        parse_rate(rate)


@given(st.integers(min_value=1, max_value=30))
def test_the_request_after_the_rate_is_refused_with_retry_after(count: int) -> None:
    # Given an anonymous rate of `count` a day
    clock = _frozen()
    throttle = _throttle(clock, anon={"rate": f"{count}/day", "who": "anonymous"})
    # When `count` requests pass, then the next one is a 429 with the wait in Retry-After
    for _ in range(count):
        throttle.check("POST", "10.0.0.1", None)
    with pytest.raises(ApiError) as refused:
        throttle.check("POST", "10.0.0.1", None)
    assert refused.value.status == 429
    assert refused.value.headers == [("retry-after", str(DAY))]
    assert refused.value.detail == f"Request was throttled. Expected available in {DAY} seconds."


def test_advancing_the_clock_past_the_window_frees_the_client() -> None:
    # Given a client that used its one request of the day
    clock = _frozen()
    throttle = _throttle(clock, anon={"rate": "1/day", "who": "anonymous"})
    throttle.check("GET", "10.0.0.1", None)
    # When the clock passes the window, then it is let through again
    clock.advance(DAY + 1)
    throttle.check("GET", "10.0.0.1", None)


def test_clients_are_counted_apart() -> None:
    # Given one client at its limit, when another client asks, then it is let through
    clock = _frozen()
    throttle = _throttle(clock, anon={"rate": "1/day"})
    throttle.check("GET", "10.0.0.1", None)
    throttle.check("GET", "10.0.0.2", None)
    with pytest.raises(ApiError):
        throttle.check("GET", "10.0.0.1", None)


def test_an_anonymous_scope_does_not_count_authenticated_callers() -> None:
    # Given an anonymous rate of 1, when an authenticated caller asks twice, then both pass
    throttle = _throttle(_frozen(), anon={"rate": "1/day", "who": "anonymous"})
    throttle.check("GET", "10.0.0.1", "1")
    throttle.check("GET", "10.0.0.1", "1")


def test_a_method_scope_counts_only_its_methods() -> None:
    # Given a POST rate of 1, when GETs follow a POST, then they pass and a second POST does not
    throttle = _throttle(_frozen(), post={"rate": "1/day", "methods": ["POST"]})
    throttle.check("POST", "10.0.0.1", None)
    throttle.check("GET", "10.0.0.1", None)
    with pytest.raises(ApiError):
        throttle.check("POST", "10.0.0.1", None)


def test_a_user_scope_counts_by_user_not_address() -> None:
    # Given a per-user rate of 1, when two users share an address, then each gets its request
    throttle = _throttle(_frozen(), user={"rate": "1/day", "key": "user"})
    throttle.check("GET", "10.0.0.1", "1")
    throttle.check("GET", "10.0.0.1", "2")
    with pytest.raises(ApiError):
        throttle.check("GET", "10.0.0.9", "1")


def test_reset_forgets_every_count() -> None:
    # Given a client at its limit, when the throttle is reset, then it is let through
    throttle = _throttle(_frozen(), anon={"rate": "1/day"})
    throttle.check("GET", "10.0.0.1", None)
    throttle.reset()
    throttle.check("GET", "10.0.0.1", None)


def test_a_disabled_throttle_lets_everything_through() -> None:
    # Given declared rates but throttling off, when many requests come, then none is refused
    throttle = Throttle.from_contract({"scopes": {"a": {"rate": "1/day"}}}, _frozen(), False)
    for _ in range(5):
        throttle.check("GET", "10.0.0.1", None)


def test_the_wait_is_what_is_left_of_the_oldest_requests_window() -> None:
    # Given two requests an hour apart at a rate of 2 a day
    clock = _frozen()
    throttle = _throttle(clock, anon={"rate": "2/day"})
    throttle.check("GET", "c", None)
    clock.advance(3600)
    throttle.check("GET", "c", None)
    # When a third comes, then the wait is the rest of the first one's day
    with pytest.raises(ApiError) as refused:
        throttle.check("GET", "c", None)
    assert refused.value.headers == [("retry-after", str(DAY - 3600))]


def test_the_429_helper_rounds_the_wait_up() -> None:
    # Given a fractional wait, when the 429 is made, then Retry-After is the next whole second
    assert too_many_requests(2.1).headers == [("retry-after", "3")]

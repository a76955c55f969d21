"""Fault rules as data: parsing, matching, probabilities and delays from the seeded source."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from specmock.behaviours.faults import FaultPlan, Faults, FaultSpecError, parse_rule
from specmock.core.exchange import Request, Response
from specmock.core.problems import ApiError


def _decisions(faults: Faults, count: int, path: str = "/x") -> list[bool]:
    return [faults.decide(Request("GET", path), None) is not None for _ in range(count)]


@pytest.mark.parametrize(
    ("spec", "pointer"),
    [
        ({"fault": "explode"}, "/fault"),
        ({"fault": "error", "status": 404}, "/status"),
        ({"latency": {"fixed": -1}}, "/latency"),
        ({"latency": {"uniform": {"min": 9, "max": 1}}}, "/latency"),
        ({"latency": {"gamma": 3}}, "/latency"),
        ({"fault": "reset", "probability": 1.5}, "/probability"),
        ({"fault": "slowBody", "bytesPerSecond": 0}, "/bytesPerSecond"),
        ({"fault": "reset", "paths": "/x"}, "/paths"),
        ({"fault": "reset", "colour": "red"}, "/colour"),
        ({"name": "nothing"}, ""),
    ],
)
def test_a_rule_that_means_nothing_is_refused_with_where(
    spec: dict[str, Any], pointer: str
) -> None:
    with pytest.raises(FaultSpecError) as caught:
        parse_rule(spec, 1, "admin")
    assert caught.value.pointer == pointer


def test_a_429_carries_retry_after_by_default() -> None:
    # Given an error fault answering 429 without retryAfter
    plan = FaultPlan(parse_rule({"fault": "error", "status": 429}, 1, "admin"), 0.0)
    # Then its error is tooManyRequests with a Retry-After of one second
    error = plan.error()
    assert (error.kind, error.status) == ("tooManyRequests", 429)
    assert error.headers == [("retry-after", "1")]


@pytest.mark.parametrize(("status", "kind"), [(500, "serverError"), (502, "badGateway"),
                                              (503, "serviceUnavailable")])
def test_an_error_fault_renders_through_the_errors_kind(status: int, kind: str) -> None:
    plan = FaultPlan(parse_rule({"fault": "error", "status": status}, 1, "admin"), 0.0)
    assert (plan.error().kind, plan.error().status) == (kind, status)


@given(st.floats(0, 5000), st.floats(0, 5000), st.integers())
def test_a_uniform_latency_stays_within_its_bounds(a: float, b: float, seed: int) -> None:
    low, high = min(a, b), max(a, b)
    rule = parse_rule({"latency": {"uniform": {"min": low, "max": high}}}, 1, "admin")
    assert rule.latency is not None
    assert low / 1000 <= rule.latency.sample(random.Random(seed)) <= high / 1000


@given(st.floats(0.1, 5000), st.floats(0, 2), st.integers())
def test_a_lognormal_latency_is_positive_and_repeats_with_its_seed(
    median: float, sigma: float, seed: int
) -> None:
    rule = parse_rule({"latency": {"lognormal": {"median": median, "sigma": sigma}}}, 1, "admin")
    assert rule.latency is not None
    first = [rule.latency.sample(random.Random(seed)) for _ in range(3)]
    assert all(delay >= 0 for delay in first)
    assert first == [rule.latency.sample(random.Random(seed)) for _ in range(3)]


def test_a_fixed_latency_is_exact() -> None:
    rule = parse_rule({"latency": {"fixed": 250}}, 1, "admin")
    assert rule.latency is not None
    assert rule.latency.sample(random.Random(0)) == 0.25


@given(st.floats(0, 1), st.integers(0, 2**32))
def test_the_same_seed_makes_the_same_faults(probability: float, seed: int) -> None:
    # Given two mocks with the same seed and the same rule
    rules = [{"fault": "reset", "probability": probability}]
    one, two = Faults(rules, seed=seed), Faults(rules, seed=seed)
    # Then they fault the same requests
    assert _decisions(one, 20) == _decisions(two, 20)


def test_probability_zero_never_fires_and_one_always_does() -> None:
    assert not any(_decisions(Faults([{"fault": "reset", "probability": 0}]), 50))
    assert all(_decisions(Faults([{"fault": "reset", "probability": 1}]), 50))


def test_a_probability_fires_about_that_often() -> None:
    fired = sum(_decisions(Faults([{"fault": "reset", "probability": 0.3}], seed=7), 2000))
    assert 500 < fired < 700


@pytest.mark.parametrize(
    ("match", "request_", "applies"),
    [
        ({"operations": ["getBook"]}, ("GET", "/books/1", "getBook"), True),
        ({"operations": ["getBook"]}, ("GET", "/books", "listBooks"), False),
        ({"paths": ["/books/*"]}, ("GET", "/books/1", None), True),
        ({"paths": ["/books/*"]}, ("GET", "/shelves/1", None), False),
        ({"methods": ["post"]}, ("POST", "/x", None), True),
        ({"methods": ["post"]}, ("GET", "/x", None), False),
        ({}, ("DELETE", "/anything", None), True),
    ],
)
def test_a_rule_applies_per_operation_path_pattern_method_or_everywhere(
    match: dict[str, Any], request_: tuple[str, str, str | None], applies: bool
) -> None:
    faults = Faults([{"fault": "empty", **match}])
    method, path, operation_id = request_
    assert (faults.decide(Request(method, path), operation_id) is not None) is applies


def test_runtime_rules_come_first_and_reset_clears_them() -> None:
    # Given a declared reset everywhere and a runtime 503 on top
    faults = Faults([{"fault": "reset"}])
    (added,) = faults.add([{"fault": "error", "status": 503}])
    plan = faults.decide(Request("GET", "/x"), None)
    assert plan is not None
    assert plan.rule.id == added.id
    # When reset, the declared rule is what is left
    faults.reset()
    plan = faults.decide(Request("GET", "/x"), None)
    assert plan is not None
    assert plan.rule.fault == "reset"


def test_prefer_picks_a_fault_for_one_request() -> None:
    plan = Faults().decide(Request("GET", "/x", headers={"prefer": "fault=502, latency=40"}), None)
    assert plan is not None
    assert (plan.rule.fault, plan.rule.status, plan.delay) == ("error", 502, 0.04)


@pytest.mark.parametrize("prefer", ["fault=explode", "fault=404", "latency=soon"])
def test_a_prefer_fault_that_means_nothing_is_a_400(prefer: str) -> None:
    with pytest.raises(ApiError) as caught:
        Faults().decide(Request("GET", "/x", headers={"prefer": prefer}), None)
    assert (caught.value.kind, caught.value.field) == ("badRequest", "Prefer")


def test_a_slow_body_is_paced_in_pieces() -> None:
    # Given a slow body of 1000 bytes at 100 bytes a second
    plan = FaultPlan(parse_rule({"fault": "slowBody", "bytesPerSecond": 100}, 1, "admin"), 0.0)
    response = Response(200, [], b"x" * 1000)
    note = plan.deliver(response, random.Random(0))
    # Then the wire sends it in 10-byte pieces, one every 100 ms: ten seconds in all
    assert response.wire is not None
    assert response.wire.chunk == 10
    assert note["pacing"] == {"bytesPerSecond": 100, "chunkBytes": 10, "pieces": 100,
                              "intervalMs": 100.0, "plannedMs": 10000.0}


def test_a_429_fault_is_the_throttles_own_answer() -> None:
    # Given an injected 429 and the throttle's 429 for the same wait
    from specmock.behaviours.throttle import DEFAULT_DETAIL, too_many_requests

    plan = FaultPlan(parse_rule({"fault": "error", "status": 429, "retryAfter": 3}, 1, "admin"), 0)
    injected, throttled = plan.error(), too_many_requests(3)
    # Then a client sees one kind of rate limit: same kind, status, Retry-After and wording
    assert (injected.kind, injected.status, injected.headers) == (
        throttled.kind, throttled.status, throttled.headers
    )
    assert injected.detail.endswith(DEFAULT_DETAIL.format(wait=3))

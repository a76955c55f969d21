"""Token requests of a suite run: the budget, one login per run, refreshes, and 429."""

from __future__ import annotations

import json

import pytest
from _pytest.outcomes import Skipped
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from specmock.suites_support import ContractModel
from specmock_suites.client import ApiClient
from specmock_suites.context import BUNDLED, ContractRef, Credentials, SuiteOptions, SuiteSession
from specmock_suites.ledger import TokenLedger
from tests.suites_selftest.harness import ROOT

DMLF = ContractModel.load(BUNDLED / "dmlf")
DEMO = Credentials("demo", "demo-pass-123")


def session(target: str | None, budget: str | None = None) -> SuiteSession:
    """A suite session for DMLF with these options."""
    options = SuiteOptions.from_values(["contracts/dmlf"], target, None, None, None, ROOT, budget)
    return SuiteSession(options)


def test_the_budget_is_the_tightest_throttle_scope_counting_the_token_endpoints() -> None:
    """Given DMLF's throttle (anonymous 10/day, POST 500/day, ...), then the token budget is
    the anonymous scope's 10 a day."""
    budget = DMLF.token_budget
    assert budget is not None
    assert (budget.requests, budget.scope, budget.rate) == (10, "anon", "10/day")


def test_a_deployment_gets_the_contracts_budget_and_the_bundled_mock_none() -> None:
    """Given a target, then its ledger holds the contract's budget; the bundled mock (served
    without throttling) is unlimited; --token-budget wins over both."""
    contract = ContractRef("dmlf", BUNDLED / "dmlf")
    assert session("http://127.0.0.1:9").ledger(contract).budget == 10
    assert session(None).ledger(contract).budget is None
    assert session("http://127.0.0.1:9", "3").ledger(contract).budget == 3


def test_negative_checks_keep_requests_back_and_a_spent_budget_skips() -> None:
    """Given a budget of 3 with 2 kept back, then one request fits and the next is skipped
    with the reason."""
    ledger = TokenLedger(3, "--token-budget")
    assert ledger.allows(1, reserve=2)
    ledger.spend("wrong credentials", reserve=2)
    assert not ledger.allows(1, reserve=2)
    with pytest.raises(Skipped, match="token budget is spent"):
        ledger.spend("wrong credentials", reserve=2)
    assert ledger.used == 1


def token_server(httpserver: HTTPServer, calls: list[str]) -> None:
    """A token endpoint and a refresh endpoint that count their calls."""

    def obtain(request: Request) -> Response:
        calls.append("obtain")
        return Response(
            json.dumps({"access": "a.b.c", "refresh": "r.e.f"}),
            200,
            content_type="application/json",
        )

    def refresh(request: Request) -> Response:
        calls.append("refresh")
        return Response(json.dumps({"access": "n.e.w"}), 200, content_type="application/json")

    httpserver.expect_request("/api/token/", method="POST").respond_with_handler(obtain)
    httpserver.expect_request("/api/token/refresh/", method="POST").respond_with_handler(refresh)


def test_clients_of_one_run_share_one_login_and_refresh_when_stale(
    httpserver: HTTPServer,
) -> None:
    """Given two clients of one run, when both need a token, then one login is made; once the
    token is stale, the next client refreshes instead of logging in again."""
    calls: list[str] = []
    token_server(httpserver, calls)
    ledger = TokenLedger(10, "test")
    base = httpserver.url_for("/").rstrip("/")
    first = ApiClient(base, DMLF, DEMO, ledger).login()
    second = ApiClient(base, DMLF, DEMO, ledger).login()
    assert first == second
    ledger.stale = True
    third = ApiClient(base, DMLF, DEMO, ledger).login()
    assert calls == ["obtain", "refresh"]
    assert third.access == "n.e.w"
    assert ledger.used == 2


def test_a_long_retry_after_stops_token_requests_and_skips_with_the_reason(
    httpserver: HTTPServer,
) -> None:
    """Given a throttled token endpoint (429, Retry-After one day), when a client logs in,
    then the test is skipped saying so and no further token request is made."""
    httpserver.expect_request("/api/token/", method="POST").respond_with_json(
        {"detail": "Request was throttled."}, status=429, headers={"Retry-After": "86400"}
    )
    ledger = TokenLedger(10, "test")
    client = ApiClient(httpserver.url_for("/").rstrip("/"), DMLF, DEMO, ledger)
    with pytest.raises(Skipped, match="Retry-After 86400 s"):
        client.login()
    with pytest.raises(Skipped, match="throttles this client"):
        client.login()
    assert len(httpserver.log) == 1

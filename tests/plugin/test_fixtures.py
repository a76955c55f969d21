"""The pytest plugin: a running mock per contract, reset per test, clock control, httpserver."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from specmock.testing import RunningMock

CREDENTIALS = {"username": "alice", "password": "secret-1"}


def _token(mock: RunningMock) -> str:
    return str(requests.post(mock.url + "/token", json=CREDENTIALS, timeout=5).json()["access"])


def test_the_fixture_serves_the_contract_on_a_loopback_port(specmock: RunningMock) -> None:
    assert specmock.url.startswith("http://127.0.0.1:")
    assert requests.get(specmock.url + "/status", timeout=5).json() == {"state": "up"}


@pytest.mark.parametrize("attempt", [1, 2])
def test_state_is_reset_before_each_test(specmock: RunningMock, attempt: int) -> None:
    # Given book 1 from the seed, deleted by the first run of this test
    headers = {"Authorization": f"Bearer {_token(specmock)}"}
    # Then each run finds it again, because the fixture reset the state
    assert requests.get(specmock.url + "/books/1", headers=headers, timeout=5).status_code == 200
    requests.delete(specmock.url + "/books/1", headers=headers, timeout=5)


def test_advance_expires_tokens_without_sleeping(specmock: RunningMock) -> None:
    headers = {"Authorization": f"Bearer {_token(specmock)}"}
    specmock.advance(60)
    assert requests.get(specmock.url + "/books", headers=headers, timeout=5).status_code == 401


def test_the_journal_lists_this_tests_requests(specmock: RunningMock) -> None:
    requests.get(specmock.url + "/status", timeout=5)
    assert [(e["method"], e["path"]) for e in specmock.journal()] == [("GET", "/status")]


def test_httpserver_expectations_win_over_the_contract(specmock_httpserver: Any) -> None:
    # Given an ad-hoc expectation for one path
    specmock_httpserver.expect_request("/status").respond_with_json({"state": "degraded"})
    # When that path and a contract path are requested
    ad_hoc = requests.get(specmock_httpserver.url_for("/status"), timeout=5)
    contract = requests.post(specmock_httpserver.url_for("/token"), json=CREDENTIALS, timeout=5)
    # Then the expectation answers the first, the contract the second
    assert ad_hoc.json() == {"state": "degraded"}
    assert set(contract.json()) == {"access", "refresh"}


def test_without_a_contract_the_fixture_says_how_to_configure_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x(specmock):\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*override the `specmock_contract` fixture*"])
    assert result.ret != 0


THROTTLED_TEST = """
import pytest, requests

@pytest.fixture(scope="session")
def specmock_contract():
    return {contract!r}

def test_logins(specmock):
    creds = {{"username": "demo", "password": "demo-pass-123"}}
    statuses = [requests.post(specmock.url + "/api/token/", json=creds, timeout=5).status_code
                for _ in range(11)]
    assert statuses[-1] == {last}
"""


@pytest.mark.parametrize(("flags", "last"), [((), 200), (("--specmock-throttle",), 429)])
def test_throttling_is_off_in_the_fixture_unless_asked_for(
    pytester: pytest.Pytester, flags: tuple[str, ...], last: int
) -> None:
    # Given DMLF's 10 anonymous requests a day, when a test logs in 11 times, then the 11th is
    # let through by default and throttled with --specmock-throttle
    contract = str(Path(__file__).resolve().parents[2] / "contracts" / "dmlf")
    pytester.makepyfile(THROTTLED_TEST.format(contract=contract, last=last))
    result = pytester.runpytest("-p", "no:cacheprovider", *flags)
    assert result.ret == 0, result.stdout.str()[-2000:]

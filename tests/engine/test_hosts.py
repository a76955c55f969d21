"""The Host a request names: one well-formed host, on the allow-list when there is one."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from specmock.cli import served_names
from specmock.core.exchange import Request
from specmock.core.problems import ApiError
from specmock.engine.app import MockEngine
from specmock.engine.hosts import HostPolicy, host_name
from specmock.engine.options import EngineOptions

FREEZERWORKS = Path(__file__).resolve().parents[2] / "contracts" / "freezerworks"


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost", "mock.internal:80",
                                  "[::1]:8000", "[2001:db8::1]", "a-b.c_d.example"])
def test_a_well_formed_host_is_accepted(host: str) -> None:
    HostPolicy().check(Request("GET", "/", headers={"host": host}))


@pytest.mark.parametrize("host", ['x"><script>', "a.test, b.test", "h:99999", "h:", "",
                                  "a b", "evil.example/path", "user@host", "[::1", "-a.test"])
def test_a_host_that_cannot_stand_in_a_link_is_400(host: str) -> None:
    with pytest.raises(ApiError) as refused:
        HostPolicy().check(Request("GET", "/", headers={"host": host}))
    assert refused.value.status == 400
    assert refused.value.pointer == "/header/host"


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_an_accepted_host_holds_no_character_that_breaks_a_link(host: str) -> None:
    name = host_name(host)
    if name is not None:
        assert not set(host) & set(" \"'<>\\/@,;\r\n\t\x00")


def test_with_an_allow_list_other_names_are_refused_by_name() -> None:
    policy = HostPolicy.of(["127.0.0.1:8000", "localhost"])
    policy.check(Request("GET", "/", headers={"host": "LOCALHOST:8000"}))
    with pytest.raises(ApiError, match="not served here"):
        policy.check(Request("GET", "/", headers={"host": "evil.example"}))


def test_a_loopback_bind_serves_its_address_and_localhost() -> None:
    assert set(served_names("127.0.0.1", [])) == {"127.0.0.1", "localhost", "[::1]"}


def test_a_public_url_adds_its_host() -> None:
    assert "mock.internal:8443" in served_names("127.0.0.1", ["https://mock.internal:8443/api"])


def test_an_ipv6_bind_is_bracketed() -> None:
    assert "[::1]" in served_names("::1", [])


def test_a_refused_host_is_never_written_into_the_answer() -> None:
    # Given a Siren mock (its errors carry a self link) serving only 127.0.0.1
    engine = MockEngine.from_path(FREEZERWORKS, EngineOptions(
        allowed_hosts=("127.0.0.1",), public_url="http://127.0.0.1:8000"))

    # When a request names another host
    answer = engine.handle(Request("GET", "/api/v1/samples/100001",
                                   headers={"host": "evil.example"},
                                   base_url="http://evil.example"))

    # Then it is a 400 that says which names are served, and no link points at the other host
    assert answer.status == 400
    assert b"evil.example" not in answer.body.replace(b"The Host evil.example", b"")

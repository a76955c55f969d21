"""Each fault as a client sees it on the wire, chosen each of the four ways: declared in the
contract, set through the admin API, asked for with `Prefer`, and from pytest with the `specmock`
fixture's `fault(...)` context manager.

The contract is tests/fixtures/faults (one declared fault per /faulty/<kind> path). No timed
asserts: a slow body is slow by the mock's measure (its journal's pacing), a silent server is
one the client stops waiting for.
"""

from __future__ import annotations

import http.client
import re
import socket
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from specmock.testing import RunningMock

FAULTS = Path(__file__).resolve().parents[1] / "fixtures" / "faults"

# (path, extra headers) of a request that gets the fault
Target = tuple[str, dict[str, str]]
Arm = Callable[[RunningMock, dict[str, Any]], AbstractContextManager[Target]]
PREFER_OF_RULE = {"bytesPerSecond": "bytes-per-second", "retryAfter": "retry-after"}


@pytest.fixture(scope="session")
def specmock_contract() -> str:
    return str(FAULTS)


@contextmanager
def declared(mock: RunningMock, rule: dict[str, Any]) -> Iterator[Target]:
    name = str(rule.get("status") or rule["fault"])
    yield f"/faulty/{name}", {}


@contextmanager
def admin(mock: RunningMock, rule: dict[str, Any]) -> Iterator[Target]:
    added = requests.post(mock.url + "/__specmock/faults", json={**rule, "paths": ["/notes"]},
                          timeout=5)
    assert added.status_code == 201
    yield "/notes", {}
    assert requests.delete(mock.url + "/__specmock/faults", timeout=5).status_code == 204


@contextmanager
def prefer(mock: RunningMock, rule: dict[str, Any]) -> Iterator[Target]:
    fault = str(rule["status"]) if rule["fault"] == "error" else rule["fault"]
    extra = [f"{PREFER_OF_RULE[k]}={v}" for k, v in rule.items() if k in PREFER_OF_RULE]
    yield "/notes", {"Prefer": ", ".join([f"fault={fault}", *extra])}


@contextmanager
def helper(mock: RunningMock, rule: dict[str, Any]) -> Iterator[Target]:
    with mock.fault(paths=["/notes"], **rule):
        yield "/notes", {}


WAYS = pytest.mark.parametrize("arm", [declared, admin, prefer, helper],
                               ids=["contract", "admin", "prefer", "pytest"])


def raw(mock: RunningMock, target: Target, timeout: float = 5) -> socket.socket:
    """A socket that has sent GET target and waits for the answer."""
    path, headers = target
    where = urlsplit(mock.url)
    sock = socket.create_connection((where.hostname, where.port), timeout=timeout)
    lines = [f"GET {path} HTTP/1.1", f"Host: {where.netloc}",
             *(f"{k}: {v}" for k, v in headers.items())]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    return sock


def read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def last_fault(mock: RunningMock) -> dict[str, Any]:
    fault: dict[str, Any] = mock.journal()[-1]["fault"]
    return fault


@WAYS
def test_a_reset_is_a_reset(specmock: RunningMock, arm: Arm) -> None:
    with (
        arm(specmock, {"fault": "reset"}) as target,
        raw(specmock, target) as sock,
        pytest.raises(ConnectionResetError),
    ):
        read_all(sock)
    assert last_fault(specmock)["fault"] == "reset"


@WAYS
def test_an_empty_response_closes_without_a_byte(specmock: RunningMock, arm: Arm) -> None:
    with arm(specmock, {"fault": "empty"}) as target:
        with raw(specmock, target) as sock:
            assert read_all(sock) == b""
        with pytest.raises(requests.ConnectionError, match="without response"):
            requests.get(specmock.url + target[0], headers=target[1], timeout=5)


@WAYS
def test_garbage_is_not_http(specmock: RunningMock, arm: Arm) -> None:
    with arm(specmock, {"fault": "garbage"}) as target, raw(specmock, target) as sock:
        received = read_all(sock)
    assert len(received) == 64
    assert not received.startswith(b"HTTP/")


@WAYS
def test_a_broken_chunk_breaks_the_clients_read(specmock: RunningMock, arm: Arm) -> None:
    with (
        arm(specmock, {"fault": "brokenChunk"}) as target,
        pytest.raises(requests.exceptions.ChunkedEncodingError),
    ):
        requests.get(specmock.url + target[0], headers=target[1], timeout=5)


@WAYS
def test_no_answer_until_the_client_gives_up(specmock: RunningMock, arm: Arm) -> None:
    with (
        arm(specmock, {"fault": "noAnswer", "hold": 5}) as target,
        raw(specmock, target, timeout=0.3) as sock,
        pytest.raises(TimeoutError),
    ):
        sock.recv(1)
    assert last_fault(specmock)["fault"] == "noAnswer"


@WAYS
def test_a_slow_body_arrives_whole_at_the_declared_pace(specmock: RunningMock, arm: Arm) -> None:
    rule = {"fault": "slowBody", "bytesPerSecond": 200000}
    with arm(specmock, rule) as target:
        response = requests.get(specmock.url + target[0], headers=target[1], timeout=5)
    assert response.status_code == 200
    assert response.json()
    pacing = last_fault(specmock)["pacing"]
    assert pacing["bytesPerSecond"] == 200000
    assert pacing["chunkBytes"] == 20000
    assert pacing["pieces"] == -(-len(response.content) // 20000)


@WAYS
@pytest.mark.parametrize(("status", "retry_after"), [(500, None), (502, None), (503, 7), (429, 3)])
def test_an_error_answer_in_the_contracts_shape(
    specmock: RunningMock, arm: Arm, status: int, retry_after: int | None
) -> None:
    rule: dict[str, Any] = {"fault": "error", "status": status}
    if retry_after is not None:
        rule["retryAfter"] = retry_after
    with arm(specmock, rule) as target:
        response = requests.get(specmock.url + target[0], headers=target[1], timeout=5)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == status
    assert response.headers.get("retry-after") == (str(retry_after) if retry_after else None)


@pytest.mark.parametrize("kind", ["fixed", "uniform", "lognormal"])
def test_declared_latency_delays_the_real_answer(specmock: RunningMock, kind: str) -> None:
    response = requests.get(f"{specmock.url}/faulty/{kind}", timeout=5)
    assert response.status_code == 200
    delay = last_fault(specmock)["delay_ms"]
    assert {"fixed": delay == 30.0, "uniform": 10 <= delay <= 40, "lognormal": delay > 0}[kind]


def test_keep_alive_survives_a_delayed_answer(specmock: RunningMock) -> None:
    # Given one connection: a delayed answer, then a plain one on the same socket
    where = urlsplit(specmock.url)
    connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=5)
    connection.request("GET", "/notes", headers={"Prefer": "latency=20"})
    first = connection.getresponse()
    first.read()
    connection.request("GET", "/notes")
    second = connection.getresponse()
    # Then both are answered, in order
    assert (first.status, second.status) == (200, 200)
    assert [e.get("fault", {}).get("fault") for e in specmock.journal()] == ["latency", None]
    connection.close()


def test_pipelined_answers_stay_in_order_behind_a_delay(specmock: RunningMock) -> None:
    # Given two requests sent at once on one socket, the first delayed
    where = urlsplit(specmock.url)
    with socket.create_connection((where.hostname, where.port), timeout=5) as sock:
        host = f"Host: {where.netloc}\r\n"
        sock.sendall(f"GET /notes HTTP/1.1\r\n{host}Prefer: fault=503, latency=30\r\n\r\n"
                     f"GET /notes HTTP/1.1\r\n{host}Connection: close\r\n\r\n".encode())
        received = read_all(sock)
    # Then the delayed 503 comes first, the 200 after it
    assert re.findall(rb"HTTP/1\.1 (\d{3}) ", received) == [b"503", b"200"]


@contextmanager
def latency_declared(mock: RunningMock) -> Iterator[Target]:
    yield "/faulty/fixed", {}  # declared: {fixed: 30}


@contextmanager
def latency_admin(mock: RunningMock) -> Iterator[Target]:
    rule = {"latency": {"fixed": 30}, "paths": ["/notes"]}
    assert requests.post(mock.url + "/__specmock/faults", json=rule, timeout=5).status_code == 201
    yield "/notes", {}


@contextmanager
def latency_prefer(mock: RunningMock) -> Iterator[Target]:
    yield "/notes", {"Prefer": "latency=30"}


@contextmanager
def latency_helper(mock: RunningMock) -> Iterator[Target]:
    with mock.fault(latency={"fixed": 30}, paths=["/notes"]):
        yield "/notes", {}


@pytest.mark.parametrize(
    "arm", [latency_declared, latency_admin, latency_prefer, latency_helper],
    ids=["contract", "admin", "prefer", "pytest"],
)
def test_latency_delays_the_real_answer_each_way(
    specmock: RunningMock, arm: Callable[[RunningMock], AbstractContextManager[Target]]
) -> None:
    with arm(specmock) as (path, headers):
        response = requests.get(specmock.url + path, headers=headers, timeout=5)
    assert response.status_code == 200
    assert response.json()
    assert last_fault(specmock) | {"rule": None, "name": None} == {
        "rule": None, "name": None, "fault": "latency", "delay_ms": 30.0
    }

"""HTTP limits on the wire: sizes answered 414/431, slow and silent clients cut off, a cap.

Each test talks to a real server (ServerThread, the pytest plugin's) over a raw socket, since
what is tested is what a client sees on the connection.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from specmock.core.limits import HttpLimits
from specmock.engine.app import MockEngine
from specmock.engine.options import EngineOptions
from specmock.http.server import ServerThread

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny" / "openapi.yaml"
SHORT = HttpLimits(max_url_bytes=1024, max_header_bytes=512, max_header_count=20,
                   request_timeout=1.0, idle_timeout=1.0, max_connections=4)


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    engine = MockEngine.from_path(TINY, EngineOptions(http=SHORT))
    running = ServerThread(engine).start()
    yield running
    running.stop()


def _connect(server: ServerThread) -> socket.socket:
    sock = socket.create_connection((server.host, server.port), timeout=10)
    return sock


def _exchange(server: ServerThread, data: bytes) -> bytes:
    with _connect(server) as sock:
        sock.sendall(data)
        return _read_all(sock)


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _status_and_body(answer: bytes) -> tuple[int, dict[str, object]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), json.loads(body)


def test_a_request_target_past_the_limit_is_414_and_the_connection_closes(
        server: ServerThread) -> None:
    answer = _exchange(server, b"GET /status?q=" + b"x" * 2000 + b" HTTP/1.1\r\nHost: a\r\n\r\n")
    status, body = _status_and_body(answer)
    assert status == 414
    assert "longer than 1024 bytes" in str(body["detail"])


def test_a_header_past_the_limit_is_431(server: ServerThread) -> None:
    answer = _exchange(server, b"GET /status HTTP/1.1\r\nHost: a\r\nX-Big: " + b"v" * 600
                       + b"\r\n\r\n")
    status, body = _status_and_body(answer)
    assert status == 431
    assert "X-Big header is longer than 512 bytes" in str(body["detail"])


def test_more_headers_than_the_limit_is_431(server: ServerThread) -> None:
    many = b"".join(b"X-H%d: v\r\n" % n for n in range(50))
    status, body = _status_and_body(_exchange(server, b"GET /status HTTP/1.1\r\nHost: a\r\n"
                                              + many + b"\r\n"))
    assert status == 431
    assert "more than 20 header fields" in str(body["detail"])


def test_headers_within_the_limits_are_answered(server: ServerThread) -> None:
    answer = _exchange(server, b"GET /status HTTP/1.1\r\nHost: a\r\nConnection: close\r\n"
                       + b"X-Fine: " + b"v" * 400 + b"\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200 ")


@pytest.mark.slow
def test_a_connection_that_sends_nothing_is_closed(server: ServerThread) -> None:
    # Given a connection that never sends a byte
    with _connect(server) as sock:
        # When the idle timeout passes, Then the server closes it (recv sees the end)
        assert _read_all(sock) == b""


@pytest.mark.slow
def test_a_body_that_never_comes_is_answered_408(server: ServerThread) -> None:
    # Given a request that promises 100 bytes of body and sends 10
    with _connect(server) as sock:
        sock.sendall(b"POST /books HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"title\":1")
        # When the request timeout passes, Then it is a 408 and the connection closes
        status, body = _status_and_body(_read_all(sock))
    assert status == 408
    assert "not complete" in str(body["detail"])


@pytest.mark.slow
def test_past_the_connection_cap_requests_are_503_but_health_answers(
        server: ServerThread) -> None:
    # Given four connections held open (the cap), each with a request answered
    held = [_connect(server) for _ in range(4)]
    try:
        for sock in held:
            sock.sendall(b"GET /status HTTP/1.1\r\nHost: a\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")

        # When one more client asks for an operation, and another for the health check
        refused = _exchange(server, b"GET /status HTTP/1.1\r\nHost: a\r\n\r\n")
        health = _exchange(server, b"GET /__specmock/health HTTP/1.1\r\nHost: a\r\n"
                                   b"Connection: close\r\n\r\n")
    finally:
        for sock in held:
            sock.close()

    # Then the operation is a 503 that says when to come back, and the health check answers
    assert refused.startswith(b"HTTP/1.1 503 ")
    assert b"retry-after: 1" in refused.lower()
    assert health.startswith(b"HTTP/1.1 200 ")


def test_an_http_1_1_request_without_host_is_400(server: ServerThread) -> None:
    status, body = _status_and_body(_exchange(server, b"GET /status HTTP/1.1\r\n\r\n"))
    assert status == 400
    assert "must carry a Host header" in str(body["detail"])


def test_an_http_1_0_request_without_host_is_answered(server: ServerThread) -> None:
    assert _exchange(server, b"GET /status HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.1 200 ")

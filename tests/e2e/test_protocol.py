"""The HTTP protocol that answers from the engine without ASGI (mockserver/http/protocol.py).

Raw sockets against a real server thread on the tiny contract: what HTTP clients rely on and
what the ASGI path did, byte for byte where it matters: pipelining order, `100 Continue`,
connection close, chunked bodies, the body limit, bad requests, keep-alive.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from specmock.engine.app import MockEngine
from specmock.engine.options import EngineOptions
from specmock.http import server as server_module
from specmock.http.protocol import EngineHttpProtocol
from specmock.http.server import ServerThread

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny"
MAX_BODY = 4096


@dataclass
class Answer:
    """One parsed HTTP response."""

    status: int
    headers: dict[str, str]
    body: bytes


@pytest.fixture(scope="module")
def mock() -> Iterator[ServerThread]:
    engine = MockEngine.from_path(TINY, EngineOptions(max_body_bytes=MAX_BODY))
    with ServerThread(engine) as running:
        yield running


@pytest.fixture
def conn(mock: ServerThread) -> Iterator[socket.socket]:
    sock = socket.create_connection((mock.host, mock.port), timeout=5)
    yield sock
    sock.close()


def _read_answers(sock: socket.socket, count: int) -> tuple[list[Answer], bytes]:
    """`count` responses from the socket (and whatever followed them)."""
    data = b""
    answers: list[Answer] = []
    while len(answers) < count:
        parsed = _parse_one(data)
        if parsed is None:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
            continue
        answer, data = parsed
        answers.append(answer)
    return answers, data


def _parse_one(data: bytes) -> tuple[Answer, bytes] | None:
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        return None
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    if len(rest) < length:
        return None
    return Answer(status, headers, rest[:length]), rest[length:]


def _closed(sock: socket.socket, within: float = 5.0) -> bool:
    """Whether the server closes the connection within `within` seconds."""
    sock.settimeout(within)
    try:
        return sock.recv(1) == b""
    except (TimeoutError, ConnectionResetError):
        return False


def _get(path: str, extra: str = "") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: mock.test\r\n{extra}\r\n".encode()


def _token_request(body: bytes, extra: str = "") -> bytes:
    return (b"POST /token HTTP/1.1\r\nHost: mock.test\r\ncontent-type: application/json\r\n"
            + extra.encode() + b"\r\n" + body)


CREDENTIALS = json.dumps({"username": "alice", "password": "secret-1"}).encode()


def test_pipelined_requests_are_answered_in_order(conn: socket.socket) -> None:
    # Given three requests sent in one write
    conn.sendall(_get("/status") + _get("/nowhere") + _get("/books"))
    # When the answers are read, Then they come in the order asked
    answers, _ = _read_answers(conn, 3)
    assert [a.status for a in answers] == [200, 404, 401]


def test_links_use_the_host_the_client_asked_for(conn: socket.socket) -> None:
    conn.sendall(_token_request(CREDENTIALS, f"content-length: {len(CREDENTIALS)}\r\n"))
    (token,), _ = _read_answers(conn, 1)
    access = json.loads(token.body)["access"]
    conn.sendall(_get("/books/1", f"Authorization: Bearer {access}\r\n"))
    (book,), _ = _read_answers(conn, 1)
    assert book.status == 200, book.body
    assert json.loads(book.body)["id"] == 1


def test_expect_continue_is_answered_before_the_body_is_sent(conn: socket.socket) -> None:
    # Given a request that waits for 100 Continue before its body
    conn.sendall(_token_request(b"", f"content-length: {len(CREDENTIALS)}\r\n"
                                     "expect: 100-continue\r\n"))
    # When the server asks for the body
    interim = conn.recv(65536)
    assert interim.startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
    conn.sendall(CREDENTIALS)
    # Then the final answer follows it
    (answer,), _ = _read_answers(conn, 1)
    assert answer.status == 200
    assert "access" in json.loads(answer.body)


def test_a_chunked_body_reaches_the_engine_whole(conn: socket.socket) -> None:
    half = len(CREDENTIALS) // 2
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part)
                      for part in (CREDENTIALS[:half], CREDENTIALS[half:])) + b"0\r\n\r\n"
    conn.sendall(_token_request(chunks, "transfer-encoding: chunked\r\n"))
    (answer,), _ = _read_answers(conn, 1)
    assert answer.status == 200, answer.body


def test_a_body_over_the_limit_is_413(conn: socket.socket) -> None:
    body = b"x" * (MAX_BODY + 10)
    conn.sendall(_token_request(body, f"content-length: {len(body)}\r\n"))
    (answer,), _ = _read_answers(conn, 1)
    assert answer.status == 413


def test_http_1_0_closes_after_the_answer(conn: socket.socket) -> None:
    conn.sendall(b"GET /status HTTP/1.0\r\nHost: mock.test\r\n\r\n")
    (answer,), rest = _read_answers(conn, 1)
    assert answer.status == 200
    assert answer.headers.get("connection") == "close"
    assert rest == b""
    assert _closed(conn)


def test_connection_close_closes_after_the_answer(conn: socket.socket) -> None:
    conn.sendall(_get("/status", "Connection: close\r\n"))
    (answer,), _ = _read_answers(conn, 1)
    assert answer.status == 200
    assert answer.headers.get("connection") == "close"
    assert _closed(conn)


def test_a_kept_alive_connection_serves_request_after_request(conn: socket.socket) -> None:
    for _ in range(3):
        conn.sendall(_get("/status"))
        (answer,), _ = _read_answers(conn, 1)
        assert answer.status == 200
        assert "connection" not in answer.headers


def test_a_malformed_request_is_400_and_closed(conn: socket.socket) -> None:
    conn.sendall(b"NOT AN HTTP REQUEST\r\n\r\n")
    (answer,), _ = _read_answers(conn, 1)
    assert answer.status == 400
    assert _closed(conn)


def test_a_malformed_header_is_answered_in_the_contracts_error_shape(
    mock: ServerThread, conn: socket.socket
) -> None:
    # Given a request whose Content-Length is not a number (schemathesis sends such headers)
    conn.sendall(b"GET /things HTTP/1.1\r\nHost: mock\r\ncontent-length: mK\r\n\r\n")
    # When it is answered
    (answer,), _ = _read_answers(conn, 1)
    # Then with a 400 problem+json (the tiny contract's error shape) naming the path and why,
    # in the journal like any answer, and the connection is closed
    assert answer.status == 400
    assert answer.headers["content-type"] == "application/problem+json"
    problem = json.loads(answer.body)
    assert problem["instance"] == "/things"
    assert "not well-formed HTTP/1.1" in problem["detail"]
    assert _closed(conn)
    last = mock.engine.journal.entries()[-1]
    assert (last["method"], last["path"], last["status"]) == ("GET", "/things", 400)


def test_a_malformed_header_gets_drf_detail_from_the_dmlf_mock() -> None:
    # Given the DMLF mock, whose errors are DRF's {"detail": ...} in application/json
    engine = MockEngine.from_path(TINY.parents[2] / "contracts" / "dmlf")
    with ServerThread(engine) as running:
        sock = socket.create_connection((running.host, running.port), timeout=5)
        # When a request with a broken Content-Length reaches it
        sock.sendall(b"GET /methods/ HTTP/1.1\r\nHost: mock\r\ncontent-length: mK\r\n\r\n")
        (answer,), _ = _read_answers(sock, 1)
        sock.close()
    # Then the answer is the contract's documented error shape, not the server's plain text
    assert answer.status == 400
    assert answer.headers["content-type"] == "application/json"
    assert "not well-formed HTTP/1.1" in json.loads(answer.body)["detail"]


def test_an_upgrade_is_ignored_then_the_connection_closed(conn: socket.socket) -> None:
    # Given a request asking to switch to WebSocket (RFC 9110 7.8: a server may ignore it)
    conn.sendall(_get("/status", "Connection: Upgrade\r\nUpgrade: websocket\r\n"))
    # Then it is answered as HTTP, and the connection closes
    (answer,), _ = _read_answers(conn, 1)
    assert answer.status == 200
    assert _closed(conn)


def test_head_has_no_body(conn: socket.socket) -> None:
    conn.sendall(b"HEAD /status HTTP/1.1\r\nHost: mock.test\r\n\r\n" + _get("/status"))
    answers, _ = _read_answers(conn, 2)
    assert answers[0].status == 200
    assert answers[0].body == b""
    assert answers[1].status == 200
    assert json.loads(answers[1].body)["state"] in ("up", "degraded")


def test_no_content_has_no_content_length(conn: socket.socket) -> None:
    conn.sendall(_token_request(CREDENTIALS, f"content-length: {len(CREDENTIALS)}\r\n"))
    (token,), _ = _read_answers(conn, 1)
    bearer = f"Authorization: Bearer {json.loads(token.body)['access']}\r\n"
    conn.sendall(f"DELETE /books/2 HTTP/1.1\r\nHost: mock.test\r\n{bearer}\r\n".encode())
    (answer,), _ = _read_answers(conn, 1)
    assert answer.status == 204
    assert "content-length" not in answer.headers


# ------------------------------------------------------------------------ keep-alive timeout


@pytest.fixture
def short_keep_alive(monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerThread]:
    original = server_module._config

    def with_short_keep_alive(*args: object, **kwargs: object) -> object:
        config = original(*args, **kwargs)  # type: ignore[arg-type]
        config.timeout_keep_alive = 0.3  # type: ignore[assignment]
        return config

    monkeypatch.setattr(server_module, "_config", with_short_keep_alive)
    engine = MockEngine.from_path(TINY, replace(EngineOptions()))
    with ServerThread(engine) as running:
        yield running


def test_an_idle_connection_is_closed_after_the_keep_alive_time(
    short_keep_alive: ServerThread,
) -> None:
    with socket.create_connection((short_keep_alive.host, short_keep_alive.port)) as sock:
        sock.sendall(_get("/status"))
        _read_answers(sock, 1)
        assert _closed(sock, within=5.0)


def test_a_busy_connection_outlives_the_keep_alive_time(short_keep_alive: ServerThread) -> None:
    # Given a connection that sends a request every 0.1 s for three keep-alive times
    with socket.create_connection((short_keep_alive.host, short_keep_alive.port)) as sock:
        sock.settimeout(5)
        until = time.monotonic() + 0.9
        answered = 0
        while time.monotonic() < until:
            sock.sendall(_get("/status"))
            (answer,), _ = _read_answers(sock, 1)
            answered += answer.status == 200
            threading.Event().wait(0.1)
        # Then every request was answered on the same connection
        assert answered >= 5


def test_a_client_that_reads_late_gets_every_answer(mock: ServerThread,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # Given many pipelined requests for large answers, sent before any answer is read, so
    # that the server's send buffer fills and it has to stop reading for a while
    paused: list[bool] = []
    original = EngineHttpProtocol.pause_writing

    def counting_pause(self: EngineHttpProtocol) -> None:
        paused.append(True)
        original(self)

    monkeypatch.setattr(EngineHttpProtocol, "pause_writing", counting_pause)
    # Generous socket timeout: on a loaded 2-core machine 3000 answers take seconds to come.
    with socket.create_connection((mock.host, mock.port), timeout=60) as sock:
        sock.sendall(_token_request(CREDENTIALS, f"content-length: {len(CREDENTIALS)}\r\n"))
        (token,), _ = _read_answers(sock, 1)
        bearer = f"Authorization: Bearer {json.loads(token.body)['access']}\r\n"
        count = 3000
        request = _get("/books?limit=50", bearer)
        sender = threading.Thread(target=sock.sendall, args=(request * count,))
        sender.start()
        # The server pauses once its send buffer is full: wait for that (not a fixed time,
        # which a loaded machine may not honour), for at most 30 s.
        deadline = time.monotonic() + 30
        while not paused and time.monotonic() < deadline:
            threading.Event().wait(0.01)
        # When the client then reads
        answers, _ = _read_answers(sock, count)
        sender.join(timeout=10)
    # Then every answer arrives, whole and in order, after the server paused at least once
    assert len(answers) == count
    assert {a.status for a in answers} == {200}
    assert len({a.body for a in answers}) == 1
    assert paused

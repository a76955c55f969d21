"""The hot-path shortcuts made for the benchmarks answer exactly what the long way answers.

Remembered token decodings (behaviours/tokens.py), remembered routes (engine/pipeline.py), the
journal's rows (engine/journal.py) and the coalescing transport (http/server.py). No timing.
"""

from __future__ import annotations

import asyncio
import base64
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest

from mockserver.behaviours import tokens as tokens_module
from mockserver.behaviours.tokens import TokenRejected, TokenService, TokenSettings, parse_bearer
from mockserver.core.clock import ControllableClock
from mockserver.core.exchange import Request
from mockserver.engine import pipeline as pipeline_module
from mockserver.engine.app import MockEngine
from mockserver.engine.journal import Journal, JournalEntry
from mockserver.http.server import CoalescingTransport

ROOT = Path(__file__).resolve().parents[2]
T0 = 1_700_000_000.0


def _service(settings: TokenSettings | None = None) -> tuple[TokenService, ControllableClock]:
    clock = ControllableClock(base=lambda: T0)
    return TokenService(settings or TokenSettings(), clock, secret=b"k" * 32,
                        rng=random.Random(0)), clock


def _reason(result: object) -> str:
    assert isinstance(result, TokenRejected), result
    return result.reason


# ------------------------------------------------------------------------ remembered decodings


def test_a_remembered_token_still_expires_with_the_clock() -> None:
    service, clock = _service(TokenSettings(access_ttl=60))
    token = service.issue_access(7)
    assert isinstance(service.verify(token), dict)
    clock.advance(61)
    assert _reason(service.verify(token)) == "expired"
    clock.advance(-61)
    assert isinstance(service.verify(token), dict)


def test_a_remembered_token_is_still_checked_for_its_type() -> None:
    service, _ = _service()
    pair = service.issue(7)
    assert isinstance(service.verify(pair.refresh, "refresh"), dict)
    assert _reason(service.verify(pair.refresh, "access")) == "wrong_type"
    assert isinstance(service.verify(pair.access, "access"), dict)
    assert _reason(service.verify(pair.access, "refresh")) == "wrong_type"


def test_changing_the_returned_claims_changes_no_later_verification() -> None:
    service, _ = _service()
    token = service.issue_access(7)
    claims = service.verify(token)
    assert isinstance(claims, dict)
    claims["token_type"] = "refresh"
    claims["user_id"] = 99
    again = service.verify(token)
    assert isinstance(again, dict)
    assert (again["token_type"], again["user_id"]) == ("access", 7)


def test_a_changed_token_is_refused_after_the_original_was_remembered() -> None:
    service, _ = _service()
    token = service.issue_access(7)
    assert isinstance(service.verify(token), dict)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["user_id"] = 8
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert _reason(service.verify(f"{header}.{forged_payload}.{signature}")) == "bad_signature"
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert _reason(service.verify(f"{header}.{payload}.{flipped}")) == "bad_signature"


def test_new_claim_names_apply_to_remembered_tokens() -> None:
    service, _ = _service()
    token = service.issue_access(7)
    assert isinstance(service.verify(token), dict)
    service.settings = TokenSettings(user_id_claim="sub")
    assert _reason(service.verify(token)) == "missing_claims"


def test_another_instance_refuses_a_token_this_one_remembers() -> None:
    service, clock = _service()
    other = TokenService(TokenSettings(), clock, secret=b"o" * 32)
    token = service.issue_access(7)
    assert isinstance(service.verify(token), dict)
    assert _reason(other.verify(token)) == "bad_signature"


def test_remembered_decodings_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens_module, "DECODED_CACHE_SIZE", 3)
    service, _ = _service()
    issued = [service.issue_access(user) for user in range(10)]
    for token in issued:
        assert isinstance(service.verify(token), dict)
    assert len(service._decoded) <= 3
    assert all(isinstance(service.verify(token), dict) for token in issued)


def _parse_bearer_by_the_rule(header: str) -> str | None:
    parts = re.split(r"[ \t]+", header.strip(" \t"))
    if len(parts) != 2 or parts[0].lower() != "bearer" or not parts[1]:
        return None
    return parts[1]


@pytest.mark.parametrize("header", [
    "Bearer abc", "bearer abc", "BEARER abc", "Bearer  abc", "Bearer\tabc", " Bearer abc",
    "Bearer abc ", "Bearer abc\t", "Bearer", "Bearer ", "Bearer a b", "Basic abc", "Bearerabc",
    "Bearer abc\n", "Token abc", "", "Bearer \t", "bEaReR x.y.z",
])
def test_the_fast_bearer_reading_agrees_with_the_rule(header: str) -> None:
    assert parse_bearer(header) == _parse_bearer_by_the_rule(header)


# ------------------------------------------------------------------------ remembered routes


@pytest.fixture(scope="module")
def dmlf() -> MockEngine:
    return MockEngine.from_path(ROOT / "contracts/dmlf")


def _token(engine: MockEngine) -> str:
    body = json.dumps({"username": "demo", "password": "demo-pass-123"}).encode()
    answer = engine.handle(Request("POST", "/api/token/", headers={
        "content-type": "application/json"}, body=body))
    assert answer.status == 200
    return str(json.loads(answer.body)["access"])


def test_remembered_routes_answer_as_the_router(dmlf: MockEngine,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline_module, "ROUTE_CACHE_SIZE", 2)
    headers = {"authorization": f"Bearer {_token(dmlf)}"}
    for _ in range(2):
        for record_id in (1, 2, 3, 1):
            answer = dmlf.handle(Request("GET", f"/institutes/{record_id}/", headers=headers))
            assert answer.status == 200
            assert json.loads(answer.body)["id"] == record_id
        assert dmlf.handle(Request("GET", "/institutes/abc/", headers=headers)).status == 404
        assert dmlf.handle(Request("GET", "/institutes/1", headers=headers)).status == 301
        assert dmlf.handle(Request("GET", "/nowhere/", headers=headers)).status == 404
    assert len(dmlf.pipeline._routes) <= 2


# ------------------------------------------------------------------------ the journal


def test_the_journal_keeps_rows_and_reads_them_as_before() -> None:
    journal = Journal(size=2)
    journal.record(JournalEntry(1.0, "GET", "/a", "", 200, 0.5, "op"))
    journal.add(2.0, "POST", "/b", "x=1", 201, 0.123456, None)
    journal.add(3.0, "GET", "/c", "", 404, 1.0, None)
    assert journal.entries() == [
        {"time": 2.0, "method": "POST", "path": "/b", "query": "x=1", "status": 201,
         "duration_ms": 0.123, "operation_id": None},
        {"time": 3.0, "method": "GET", "path": "/c", "query": "", "status": 404,
         "duration_ms": 1.0, "operation_id": None},
    ]
    journal.clear()
    assert journal.entries() == []


# ------------------------------------------------------------------------ coalesced writes


class _FakeTransport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closing = False
        self.aborted = False

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def abort(self) -> None:
        self.aborted = self.closing = True

    def get_write_buffer_size(self) -> int:
        return 0

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 1)}.get(name, default)

    def pause_reading(self) -> None:
        self.writes.append(b"<paused>")


def _coalescing() -> tuple[CoalescingTransport, _FakeTransport, asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    fake = _FakeTransport()
    return CoalescingTransport(fake, loop), fake, loop  # type: ignore[arg-type]


def test_writes_of_one_step_go_out_as_one_in_order() -> None:
    transport, fake, loop = _coalescing()
    try:
        transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
        transport.write(bytearray(b"body"))
        assert fake.writes == []
        assert transport.get_write_buffer_size() == 23
        loop.run_until_complete(asyncio.sleep(0))
        assert fake.writes == [b"HTTP/1.1 200 OK\r\n\r\nbody"]
    finally:
        loop.close()


def test_flush_close_and_large_writes_keep_the_order() -> None:
    transport, fake, loop = _coalescing()
    try:
        transport.write(b"a")
        transport.flush()
        transport.write(b"b")
        big = b"x" * (64 * 1024)
        transport.write(big)
        transport.write(b"c")
        transport.close()
        assert fake.writes == [b"a", b"b", big, b"c"]
        assert fake.closing
        loop.run_until_complete(asyncio.sleep(0))
        assert fake.writes == [b"a", b"b", big, b"c"]
    finally:
        loop.close()


def test_abort_drops_what_is_kept_and_other_calls_pass_through() -> None:
    transport, fake, loop = _coalescing()
    try:
        transport.write(b"kept")
        transport.abort()
        loop.run_until_complete(asyncio.sleep(0))
        assert fake.writes == []
        assert fake.aborted
        assert transport.is_closing()
        assert transport.get_extra_info("peername") == ("127.0.0.1", 1)
        transport.pause_reading()
        assert fake.writes == [b"<paused>"]
    finally:
        loop.close()

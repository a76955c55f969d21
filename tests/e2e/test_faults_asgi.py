"""Faults through the ASGI app (what serves where httptools is missing): the messages it sends."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from specmock.engine.app import MockEngine
from specmock.http.asgi import AsgiApp, FaultAbortError

FAULTS = Path(__file__).resolve().parents[1] / "fixtures" / "faults"


def _run(path: str, prefer: str = "") -> tuple[list[dict[str, Any]], BaseException | None]:
    app = AsgiApp(MockEngine.from_path(FAULTS))
    sent: list[dict[str, Any]] = []
    headers = [(b"prefer", prefer.encode())] if prefer else []
    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(),
             "query_string": b"", "headers": headers}
    messages = [{"type": "http.request", "body": b""}, {"type": "http.disconnect"}]

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(dict(message))

    try:
        asyncio.run(app(scope, receive, send))
    except FaultAbortError as error:
        return sent, error
    return sent, None


def test_a_slow_body_goes_out_in_pieces() -> None:
    sent, _ = _run("/notes", "fault=slowBody, bytes-per-second=100000")
    bodies = [m for m in sent if m["type"] == "http.response.body"]
    assert [m["more_body"] for m in bodies] == [False]  # one 10 kB piece holds this small list
    sent, _ = _run("/faulty/plain", "fault=slowBody, bytes-per-second=400")
    pieces = [m["body"] for m in sent if m["type"] == "http.response.body"]
    assert len(pieces) > 1
    assert all(len(piece) == 40 for piece in pieces[:-1])


@pytest.mark.parametrize("fault", ["reset", "empty", "garbage", "brokenChunk"])
def test_a_connection_fault_drops_the_connection_mid_answer(fault: str) -> None:
    sent, error = _run("/notes", f"fault={fault}")
    assert error is not None
    assert [m["type"] for m in sent] == ["http.response.start"]


def test_no_answer_waits_for_the_client_to_leave() -> None:
    sent, error = _run("/notes", "fault=noAnswer")
    assert (sent, error) == ([], None)

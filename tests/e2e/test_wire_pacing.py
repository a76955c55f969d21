"""http/wire.py with an injected sleep and a recording transport: the waits and writes a fault
makes, seen without waiting."""

from __future__ import annotations

import asyncio
from typing import Any

from specmock.core.exchange import Wire
from specmock.http.wire import deliver


class RecordingTransport(asyncio.WriteTransport):
    """Keeps what is written and whether it was closed or aborted."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, Any]] = []
        self.closing = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.events.append(("write", bytes(data)))

    def close(self) -> None:
        self.closing = True
        self.events.append(("close", None))

    def abort(self) -> None:
        self.closing = True
        self.events.append(("abort", None))

    def is_closing(self) -> bool:
        return self.closing

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return default


def _run(wire: Wire, body: bytes = b"") -> tuple[list[float], list[tuple[str, Any]], bool]:
    transport = RecordingTransport()
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        transport.events.append(("sleep", seconds))

    usable = asyncio.run(deliver(transport, wire, b"HEAD", body, asyncio.Event(), sleep))
    return waits, transport.events, usable


def test_a_slow_body_is_written_in_pieces_at_its_pace() -> None:
    # Given 50 bytes at 100 bytes a second, in 10-byte pieces, after a 0.2 s delay
    waits, events, usable = _run(
        Wire(delay=0.2, action="slowBody", bytes_per_second=100, chunk=10), b"x" * 50
    )
    # Then: the delay, the head and the first piece, then 0.1 s between pieces
    assert waits == [0.2, 0.1, 0.1, 0.1, 0.1]
    writes = [data for kind, data in events if kind == "write"]
    assert writes == [b"HEAD"] + [b"x" * 10] * 5
    assert events[:3] == [("sleep", 0.2), ("write", b"HEAD"), ("write", b"x" * 10)]
    assert usable


def test_latency_then_the_answer_whole() -> None:
    waits, events, usable = _run(Wire(delay=0.5), b"BODY")
    assert (waits, events, usable) == ([0.5], [("sleep", 0.5), ("write", b"HEADBODY")], True)


def test_a_reset_aborts_without_writing() -> None:
    _, events, usable = _run(Wire(action="reset"))
    assert (events, usable) == ([("abort", None)], False)


def test_garbage_is_written_then_the_connection_closed() -> None:
    _, events, usable = _run(Wire(action="garbage", garbage=b"\x00\xff"))
    assert (events, usable) == ([("write", b"\x00\xff"), ("close", None)], False)


def test_empty_closes_without_writing() -> None:
    _, events, usable = _run(Wire(action="empty"))
    assert (events, usable) == ([("close", None)], False)

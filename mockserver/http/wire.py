"""Carrying out a fault on the wire (the engine decided it: behaviours/faults.py, `Wire`).

Waiting is real and asynchronous (`asyncio.sleep` on the server's loop), so a delayed or slow
answer never holds up other connections. The protocol (protocol.py) hands over the raw
transport; the ASGI app (asgi.py) can only approximate the faults that need the socket itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections.abc import Awaitable, Callable
from typing import Any

from specmock.core.exchange import Wire

# What a broken chunk looks like: a chunked head, then a size line that is not hexadecimal.
BROKEN_CHUNK = b"zz\r\nspecmock: a broken chunk\r\n"
_CHUNKED_HEAD = (
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
)
_LINGER_NOW = struct.pack("ii", 1, 0)  # SO_LINGER on, 0 s: close() sends an RST
Sleep = Callable[[float], Awaitable[Any]]


def reset(transport: asyncio.BaseTransport) -> None:
    """Close the connection with a TCP RST (the client reads ECONNRESET), nothing sent."""
    sock: Any = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_NOW)
    abort = getattr(transport, "abort", None)
    abort() if abort is not None else transport.close()


async def deliver(
    transport: asyncio.WriteTransport,
    wire: Wire,
    head: bytes,
    body: bytes,
    closed: asyncio.Event,
    sleep: Sleep = asyncio.sleep,
) -> bool:
    """Send `head` and `body` as `wire` says; whether the connection may carry more answers.

    `closed` is set when the connection is lost (a client giving up ends `noAnswer`); `sleep`
    waits (injected so that tests see the waits without waiting)."""
    if wire.delay:
        await sleep(wire.delay)
    if transport.is_closing():
        return False
    action = wire.action
    if action == "answer":
        transport.write(head + body)
        return True
    if action == "slowBody":
        return await _paced(transport, wire, head, body, sleep)
    if action == "reset":
        reset(transport)
        return False
    if action == "garbage":
        transport.write(wire.garbage)
    elif action == "brokenChunk":
        transport.write(_CHUNKED_HEAD + BROKEN_CHUNK)
    elif action == "noAnswer":
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(closed.wait(), wire.hold)
    transport.close()  # empty, and the end of the others
    return False


async def _paced(
    transport: asyncio.WriteTransport, wire: Wire, head: bytes, body: bytes, sleep: Sleep
) -> bool:
    """The head at once, then the body in `chunk`-byte pieces at `bytes_per_second`."""
    transport.write(head)
    interval = wire.chunk / wire.bytes_per_second
    for start in range(0, len(body), wire.chunk):
        if start:
            await sleep(interval)
            if transport.is_closing():
                return False
        transport.write(body[start : start + wire.chunk])
    return True

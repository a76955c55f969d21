"""A bare ASGI application: bytes in, `Request` to the engine, `Response` back to bytes.

No web framework in the hot path; the engine is synchronous and answers in microseconds, so it
runs inline on the event loop. Header names, a small set, are decoded and encoded once and
remembered.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any
from urllib.parse import quote

from specmock.core.exchange import Request, Response

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# Header names seen, decoded (lower case) and encoded once; bounded in count and in the length of
# a name kept, since clients choose them (100 names of 1 MiB would otherwise stay for good).
_NAME_CACHE_SIZE = 512
_CACHED_NAME_BYTES = 64
_DECODED_NAMES: dict[bytes, str] = {}
_ENCODED_NAMES: dict[str, bytes] = {}


class Engine:
    """What the adapter needs of an engine (duck-typed; `MockEngine` is one)."""

    def handle(self, request: Request) -> Response:  # pragma: no cover - protocol
        """Answer a request."""
        raise NotImplementedError


class AsgiApp:
    """Serves an engine over ASGI. Bodies beyond `max_body_bytes` are not read into memory:
    reading stops at the limit and the engine sees a body one byte over it (and answers 413)."""

    def __init__(self, engine: Any, max_body_bytes: int = 10 * 1024 * 1024) -> None:
        self.engine = engine
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind != "http":
            if kind == "lifespan":
                await _lifespan(receive, send)
            return
        body = await self._body(receive)
        response = self.engine.handle(_request(scope, body))
        if response.wire is not None:
            await _send_faulted(send, receive, response)
        else:
            await _send(send, response)

    async def _body(self, receive: Receive) -> bytes:
        message = await receive()
        if not message.get("more_body", False):  # the whole body in one message (or none)
            body: bytes = message.get("body", b"")
            return body if len(body) <= self.max_body_bytes else body[: self.max_body_bytes + 1]
        return await self._chunked_body(message, receive)

    async def _chunked_body(self, first: Message, receive: Receive) -> bytes:
        message = first
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = message.get("body", b"")
            if size <= self.max_body_bytes:
                chunks.append(chunk)
            size += len(chunk)
            if not message.get("more_body", False):
                break
            message = await receive()
        body = b"".join(chunks)
        return body[: self.max_body_bytes + 1]


def _request(scope: Scope, body: bytes) -> Request:
    raw_path = scope.get("raw_path")
    return request_from_parts(
        scope["method"],
        raw_path.decode("latin-1") if raw_path else quote(scope.get("path", "/")),
        scope.get("query_string", b""),
        scope.get("headers", ()),
        scope.get("scheme", "http"),
        scope.get("server"),
        body,
        scope.get("client"),
    )


def request_from_parts(
    method: str,
    path: str,
    query_string: bytes,
    raw_headers: Iterable[tuple[bytes, bytes]],
    scheme: str,
    server: tuple[str, int | None] | None,
    body: bytes,
    client: tuple[str, int] | list[Any] | None = None,
) -> Request:
    """The engine's `Request` from what an HTTP server parsed (ASGI or our protocol)."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in raw_headers:
        name = _DECODED_NAMES.get(raw_name) or _decode_name(raw_name)
        value = raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    host = headers.get("host")
    if not host:
        where = server or ("127.0.0.1", 80)
        host = f"{where[0]}:{where[1]}"
    return Request(
        method=method,
        path=path.split("?", 1)[0],
        query_string=query_string.decode("latin-1"),
        headers=headers,
        body=body,
        base_url=f"{scheme}://{host}",
        client=str(client[0]) if client else "",
    )


def _decode_name(raw: bytes) -> str:
    name = raw.decode("latin-1").lower()
    if len(_DECODED_NAMES) < _NAME_CACHE_SIZE and len(raw) <= _CACHED_NAME_BYTES:
        _DECODED_NAMES[raw] = name
    return name


def _encode_name(name: str) -> bytes:
    raw = name.encode("latin-1")
    if len(_ENCODED_NAMES) < _NAME_CACHE_SIZE and len(raw) <= _CACHED_NAME_BYTES:
        _ENCODED_NAMES[name] = raw
    return raw


def encoded_headers(response: Response) -> list[tuple[bytes, bytes]]:
    """The response's headers as bytes, with a content-length (unless one is there or the
    status forbids one: 1xx, 204, 304)."""
    headers = []
    has_length = False
    for name, value in response.headers:
        raw = _ENCODED_NAMES.get(name) or _encode_name(name)
        has_length = has_length or raw.lower() == b"content-length"
        headers.append((raw, value.encode("latin-1")))
    if not has_length and not _bodiless(response.status):
        headers.append((b"content-length", b"%d" % len(response.body)))
    return headers


def _bodiless(status: int) -> bool:
    return status < 200 or status in (204, 304)


async def _send(send: Send, response: Response) -> None:
    headers = encoded_headers(response)
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


class FaultAbortError(Exception):
    """Raised to make the ASGI server drop the connection mid-answer (a fault, see below)."""


async def _send_faulted(send: Send, receive: Receive, response: Response) -> None:
    """A fault through ASGI (the server for this app has no httptools): latency, a slow body and
    no answer as on the protocol; reset, empty, garbage and broken chunk can only be
    approximated, since ASGI gives no socket: a head is sent, then the connection dropped."""
    wire = response.wire
    assert wire is not None
    if wire.delay:
        await asyncio.sleep(wire.delay)
    if wire.action == "answer":
        await _send(send, response)
    elif wire.action == "slowBody":
        await _send_paced(send, response, wire.chunk, wire.chunk / wire.bytes_per_second)
    elif wire.action == "noAnswer":
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(_disconnected(receive), wire.hold)
    else:
        headers = [(b"content-length", b"1024")]  # promised, never sent
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        raise FaultAbortError(wire.action)


async def _send_paced(send: Send, response: Response, chunk: int, interval: float) -> None:
    headers = encoded_headers(response)
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    body = response.body
    for start in range(0, len(body), chunk):
        if start:
            await asyncio.sleep(interval)
        more = start + chunk < len(body)
        piece = body[start : start + chunk]
        await send({"type": "http.response.body", "body": piece, "more_body": more})
    if not body:
        await send({"type": "http.response.body", "body": b""})


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return

"""uvicorn's httptools protocol, answering each request synchronously from the engine.

Why: the engine is synchronous and answers in microseconds, yet going through ASGI costs a task,
a request-response cycle object, message dicts and several awaits per request: measured here,
a constant answer goes out 35k times a second through uvicorn's ASGI path against 110k times
straight from an httptools protocol, so ASGI was three quarters of specmock's time per request.
This protocol keeps everything of uvicorn's but that: the server, its sockets, start-up, signal
handling and graceful shutdown, connection tracking, the httptools parser and its callbacks,
flow control, keep-alive. When a request is complete (`on_message_complete`), it is handed to
the engine and its response queued, in order, so pipelined requests are answered in the order
they came; what one read of the socket produced is sent in one write at the end of that read
(uvicorn writes the head and the body of a response separately: two system calls and two TCP
segments per response, which on loopback cost as much as all our request handling).

Behaviour kept from the ASGI path (AsgiApp, still the app uvicorn is configured with and what
another ASGI server would run): bodies are read up to the engine's limit and the engine answers
413 beyond it; `Expect: 100-continue` is answered with `100 Continue`; a response carries a
content-length; HTTP/1.0 and `Connection: close` close the connection after the response.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import resource
from collections import deque
from typing import Any, cast

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from specmock.core.exchange import Response
from specmock.core.limits import HttpLimits, brief
from specmock.core.problems import ApiError
from specmock.http.asgi import AsgiApp, encoded_headers, request_from_parts
from specmock.http.wire import deliver

log = logging.getLogger("specmock")

_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_CLOSE = b"connection: close\r\n"
_HEALTH = b"/__specmock/health"
# Descriptors kept free beyond the connection cap, so the admin health check (and a 503 for the
# rest) can still be answered when clients hold every other one.
DESCRIPTOR_RESERVE = 64


@functools.lru_cache(maxsize=8)  # asked per connection; the answer is the process's
def connection_cap(limits: HttpLimits) -> int:
    """Connections beyond which requests get 503: the configured cap, else the descriptor
    limit less `DESCRIPTOR_RESERVE`."""
    if limits.max_connections is not None:
        return limits.max_connections
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return max(soft - DESCRIPTOR_RESERVE, 1) if soft != resource.RLIM_INFINITY else 1 << 20
_FAILED = Response(500, [("content-type", "text/plain; charset=utf-8")], b"Internal Server Error")


class EngineHttpProtocol(HttpToolsProtocol):
    """One connection: parse with httptools, answer each complete request from the engine."""

    def __init__(self, config: Any, server_state: Any, app_state: Any, _loop: Any = None) -> None:
        super().__init__(config, server_state, app_state, _loop)
        app = cast(AsgiApp, config.app)
        self._engine = app.engine
        self._max_body = app.max_body_bytes
        self._body: list[bytes] = []
        self._body_size = 0
        self._keep_alive = True
        self._in_request = False
        self._method = "GET"
        self._last_activity = 0.0
        self._out: list[bytes] = []  # answers of this read, sent together at its end
        self._limits: HttpLimits = getattr(getattr(self._engine, "options", None), "http",
                                           HttpLimits())
        self._max_connections = connection_cap(self._limits)
        self._request_began = 0.0
        self._refusal: ApiError | None = None  # a limit the current request broke
        self._refused = False  # answered and closing: ignore what the parser still reports

    def connection_made(self, transport: Any) -> None:
        """Track the connection, and close it if it sends nothing for the idle timeout."""
        super().connection_made(transport)
        self._last_activity = self.loop.time()
        self._arm_keep_alive()
        # Faults (http/wire.py): while one is carried out, later answers wait behind it.
        self._held: deque[tuple[Response, bool]] = deque()
        self._faulting: asyncio.Task[None] | None = None
        self._closed = asyncio.Event()

    def data_received(self, data: bytes) -> None:
        """Feed the parser (its callbacks answer complete requests), then send the answers."""
        self._last_activity = self.loop.time()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            # No contract speaks another protocol: the Upgrade header is ignored, as RFC 9110
            # (7.8) allows, and the request answered; the connection then closes, since what
            # follows on it would be the other protocol's.
            if self._in_request:  # the parser stopped before the request was complete
                self._write(Response(400, [], b""), keep_alive=False)
            else:
                self._send_out()
                self.transport.close()
        except httptools.HttpParserError as error:
            # Answered by the engine, so in the contract's error shape (uvicorn's own answer is
            # text/plain, which no contract documents); the connection then closes, since where
            # the next request would start is unknown.
            self._send_out()
            self.logger.warning("Invalid HTTP request received: %s", error)
            self._in_request = False
            self._write(self._malformed(error), keep_alive=False)
        self._send_out()

    def _malformed(self, error: Exception) -> Response:
        """The engine's 400 for a request httptools refused, with what was read of it."""
        try:
            method = self.parser.get_method().decode("ascii")
        except (httptools.HttpParserError, UnicodeDecodeError):
            method = "GET"
        try:
            path = httptools.parse_url(self.url).path.decode("latin-1") if self.url else "/"
        except httptools.HttpParserInvalidURLError:
            path = "/"
        request = request_from_parts(
            method, path, b"", self.headers, self.scheme or "http", self.server, b""
        )
        reason = str(error) or type(error).__name__
        answer: Response = self._engine.malformed(
            request,
            f"The request is not well-formed HTTP/1.1 ({reason}); check its request line and "
            "headers (RFC 9112).",
        )
        return answer

    def _send_out(self) -> None:
        out = self._out
        if out:
            self._out = []
            if not self.transport.is_closing():
                self.transport.write(out[0] if len(out) == 1 else b"".join(out))

    # Parser callbacks
    def on_message_begin(self) -> None:
        self.url = b""
        self.expect_100_continue = False
        self.headers = []
        self._body = []
        self._body_size = 0
        self._in_request = True
        self._request_began = self.loop.time()
        self._refusal = None

    def on_url(self, url: bytes) -> None:
        """uvicorn's, bounded: a target past `max_url_bytes` is answered 414."""
        if self._refusal is None and len(self.url) + len(url) > self._limits.max_url_bytes:
            self._refusal = ApiError("uriTooLong", "The request target is longer than "
                                     f"{self._limits.max_url_bytes} bytes.")
        if self._refusal is None:
            self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        """uvicorn's, bounded in count and size: past either the request is answered 431."""
        limits = self._limits
        if self._refusal is not None:
            return  # nothing more of a refused request is kept
        if len(self.headers) >= limits.max_header_count:
            self._refusal = ApiError("headersTooLarge", "The request has more than "
                                     f"{limits.max_header_count} header fields.")
        elif len(name) + len(value) > limits.max_header_bytes:
            self._refusal = ApiError("headersTooLarge", f"The {brief(name.decode('latin-1'), 40)}"
                                     f" header is longer than {limits.max_header_bytes} bytes.")
        else:
            super().on_header(name, value)

    def on_headers_complete(self) -> None:
        if self._refusal is None and self.parser.get_http_version() == "1.1" and not any(
                name == b"host" for name, _ in self.headers):
            self._refusal = ApiError("badRequest", "An HTTP/1.1 request must carry a Host "
                                     "header (RFC 9112 3.2).", field="host",
                                     pointer="/header/host")
        if self._refusal is None and len(self.connections) > self._max_connections \
                and not self.url.startswith(_HEALTH):
            self._refusal = ApiError(
                "serviceUnavailable", f"More than {self._max_connections} connections are "
                "open; try again shortly.", headers=[("retry-after", "1")])
        if self._refusal is not None:
            self._refuse(self._refusal)
            return
        parser = self.parser
        self._method = parser.get_method().decode("ascii")
        self._keep_alive = parser.get_http_version() != "1.0" and parser.should_keep_alive()
        if self.expect_100_continue:
            self._out.append(_CONTINUE)  # we always read the body, so ask for it

    def _refuse(self, error: ApiError) -> None:
        """Answer a request that broke a limit, in the contract's error shape, and close."""
        self._refused, self._in_request = True, False
        try:
            method = self.parser.get_method().decode("ascii", "replace")
        except httptools.HttpParserError:  # nothing of the request line was read yet
            method = "GET"
        request = request_from_parts(method, "/", b"", self.headers, self.scheme or "http",
                                     self.server, b"")
        self._write(self._engine.refuse(request, error), keep_alive=False)

    def on_body(self, body: bytes) -> None:
        if self._refused:
            return
        if self._body_size <= self._max_body:  # past the limit: counted, not kept
            self._body.append(body)
        self._body_size += len(body)

    def on_message_complete(self) -> None:
        if self._refused:
            return
        self._in_request = False
        body = b"".join(self._body) if self._body else b""
        self._body = []
        parsed = httptools.parse_url(self.url)
        raw_path = parsed.path.decode("latin-1")  # as sent, as ASGI's raw_path
        try:
            request = request_from_parts(
                self._method,
                raw_path,
                parsed.query or b"",
                self.headers,
                self.scheme or "http",
                self.server,
                body[: self._max_body + 1],
                self.client,
            )
            response = self._engine.handle(request)
        except Exception:  # the engine never raises; this is a bug in the adapter
            log.exception("unexpected failure answering %s %r", self._method, self.url)
            response = _FAILED
        self._write(response, self._keep_alive)

    def _write(self, response: Response, keep_alive: bool) -> None:
        if response.wire is not None or self._faulting is not None:
            self._hold(response, keep_alive)
            return
        head, body = self._encode(response, keep_alive)
        self._out.append(head + body if body else head)
        self.server_state.total_requests += 1
        if not keep_alive:
            self._send_out()
            self.transport.close()
        elif self.timeout_keep_alive_task is None:
            self._arm_keep_alive()

    def _encode(self, response: Response, keep_alive: bool) -> tuple[bytes, bytes]:
        """The response's head and body as bytes (the body empty where the status has none)."""
        try:
            headers = encoded_headers(response)
        except UnicodeEncodeError:  # a header value outside latin-1: a bug, not the client's
            log.exception("cannot encode the response headers of %r", self.url)
            response, headers = _FAILED, encoded_headers(_FAILED)
        status = response.status
        content = [STATUS_LINE.get(status) or b"HTTP/1.1 %d \r\n" % status]
        for name, value in headers:
            content += [name, b": ", value, b"\r\n"]
        if not keep_alive:
            content.append(_CLOSE)
        content.append(b"\r\n")
        body = response.body if not (status < 200 or status in (204, 304)) else b""
        return b"".join(content), body

    # Faults: carried out by a task, in order; reading pauses until the held answers are out.
    def _hold(self, response: Response, keep_alive: bool) -> None:
        self._held.append((response, keep_alive))
        if self._faulting is None:
            self._send_out()  # answers before this one go first
            self.flow.pause_reading()
            self._faulting = self.loop.create_task(self._deliver_held())

    async def _deliver_held(self) -> None:
        try:
            while self._held:
                response, keep_alive = self._held.popleft()
                head, body = self._encode(response, keep_alive)
                self.server_state.total_requests += 1
                if response.wire is None:
                    self.transport.write(head + body)
                    usable = keep_alive
                else:
                    usable = await self._deliver(response, head, body) and keep_alive
                if not usable:
                    self._held.clear()
                    if not self.transport.is_closing():
                        self.transport.close()
                    return
        finally:
            self._faulting = None
        self.flow.resume_reading()
        if self.timeout_keep_alive_task is None:
            self._arm_keep_alive()

    async def _deliver(self, response: Response, head: bytes, body: bytes) -> bool:
        assert response.wire is not None
        try:
            return await deliver(self.transport, response.wire, head, body, self._closed)
        except asyncio.CancelledError:
            raise
        except Exception:  # a bug, or the transport failing: log it, end the connection
            log.exception("could not carry out the fault %r", response.wire.action)
            return False

    # Keep-alive: one timer per idle period, not one per response as uvicorn arms it.
    def _arm_keep_alive(self, delay: float | None = None) -> None:
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive if delay is None else delay, self._keep_alive_expired
        )

    def _keep_alive_expired(self) -> None:
        self.timeout_keep_alive_task = None
        if self.transport.is_closing():
            return
        now = self.loop.time()
        if self._in_request:  # a request under way gets `request_timeout` from its first byte
            left = self._request_began + self._limits.request_timeout - now
            if left > 0:
                self._arm_keep_alive(max(min(left, self.timeout_keep_alive), 0.05))
            else:
                self._refuse(ApiError("requestTimeout", "The request was not complete "
                                      f"{self._limits.request_timeout:g} s after it began."))
                self._send_out()
            return
        idle = now - self._last_activity
        if self._faulting is not None or idle < self.timeout_keep_alive:
            self._arm_keep_alive(max(self.timeout_keep_alive - idle, 0.05))
        else:
            self.transport.close()

    def _unset_keepalive_if_required(self) -> None:
        """uvicorn cancels the keep-alive timer on every read; here it stays armed and looks
        at the time of the last read when it fires (see `_keep_alive_expired`)."""

    # Flow control: a client that does not read its answers stops being read from.
    def pause_writing(self) -> None:
        """The transport's buffer is full: stop reading requests until it drains."""
        super().pause_writing()
        self.flow.pause_reading()

    def resume_writing(self) -> None:
        """The transport's buffer drained: read requests again."""
        super().resume_writing()
        self.flow.resume_reading()

    def shutdown(self) -> None:
        """Graceful shutdown: close now between requests, after the answer within one; a fault
        being carried out is cut short."""
        if self._faulting is not None:
            self._faulting.cancel()
            self.transport.close()
        elif self._in_request:
            self._keep_alive = False
        else:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed.set()
        if self.timeout_keep_alive_task is not None:
            self.timeout_keep_alive_task.cancel()
            self.timeout_keep_alive_task = None
        super().connection_lost(exc)

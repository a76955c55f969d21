"""Running an engine on uvicorn: in the foreground for the CLI, in a thread for tests.

uvicorn's httptools protocol writes a response in two `transport.write` calls (status line and
headers on `http.response.start`, the body on `http.response.body`): two system calls and two
TCP segments per response, which on loopback cost as much as our whole request handling. The
protocol here is uvicorn's own with one change: writes made while a response is produced are
joined and go out as one write when the response completes (or at the end of the event-loop
step, for anything written outside a response, such as `100 Continue`).

Likewise for the log: a `StreamHandler` flushes after every record, one system call per access
line. In the foreground server, the log handlers' streams collect the lines of one event-loop
step and write them together at its end (before the next poll for input), so a line is never
held longer than the step that wrote it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import threading
from collections.abc import Iterator
from typing import IO, Any, cast

import uvicorn

from mockserver.http.asgi import AsgiApp

# A write at least this large goes out at once (after what is pending), not joined.
_JOIN_LIMIT = 64 * 1024


class CoalescingTransport:
    """A transport whose writes are kept and sent as one write by `flush` (called when a
    response completes, before closing, and at the end of the event-loop step in any case).

    Everything else is the wrapped transport's; order of bytes is kept, nothing is dropped
    unless the connection is already closing (as the wrapped transport would drop it).
    """

    __slots__ = ("_loop", "_pending", "_scheduled", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []
        self._scheduled = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Keep `data` to send with the rest of this step's writes."""
        if len(data) >= _JOIN_LIMIT:
            self.flush()
            self._transport.write(data)
            return
        self._pending.append(bytes(data))
        if not self._scheduled:
            self._scheduled = True
            self._loop.call_soon(self._flush_at_end_of_step)

    def writelines(self, list_of_data: Any) -> None:
        """Keep each piece, in order."""
        for data in list_of_data:
            self.write(data)

    def flush(self) -> None:
        """Send what is kept, as one write."""
        pending = self._pending
        if not pending:
            return
        self._pending = []
        if self._transport.is_closing():
            return
        self._transport.write(pending[0] if len(pending) == 1 else b"".join(pending))

    def _flush_at_end_of_step(self) -> None:
        self._scheduled = False
        self.flush()

    def is_closing(self) -> bool:
        """Whether the connection is closing or closed."""
        return self._transport.is_closing()

    def close(self) -> None:
        """Send what is kept, then close."""
        self.flush()
        self._transport.close()

    def write_eof(self) -> None:
        """Send what is kept, then half-close."""
        self.flush()
        self._transport.write_eof()

    def abort(self) -> None:
        """Close at once; what is kept is dropped (as the wrapped transport drops its buffer)."""
        self._pending = []
        self._transport.abort()

    def get_write_buffer_size(self) -> int:
        """Bytes not yet sent: kept here and buffered by the wrapped transport."""
        return self._transport.get_write_buffer_size() + sum(map(len, self._pending))

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """The wrapped transport's extra information (socket, peer name, ...)."""
        return self._transport.get_extra_info(name, default)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def _protocol_class() -> type[asyncio.Protocol] | str:
    """uvicorn's httptools protocol with coalesced writes; "auto" where httptools is missing."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:  # pragma: no cover - uvicorn[standard] brings httptools
        return "auto"

    class CoalescingHttpToolsProtocol(HttpToolsProtocol):
        """uvicorn's httptools protocol, each response written in one piece."""

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            self._coalescing = CoalescingTransport(transport, self.loop)
            super().connection_made(cast(asyncio.Transport, self._coalescing))

        def on_response_complete(self) -> None:
            self._coalescing.flush()
            super().on_response_complete()

    return CoalescingHttpToolsProtocol


def _config(engine: Any, host: str, port: int, log_level: str) -> uvicorn.Config:
    app = AsgiApp(engine, engine.options.max_body_bytes)
    # Our pipeline logs one line per request itself; uvicorn's access log would double it.
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        lifespan="off",
        server_header=False,
        date_header=False,
        http=_protocol_class(),
    )


class StepBufferedStream:
    """A text stream for log handlers: what is written during one event-loop step goes to the
    real stream in one write (and one flush) at the end of that step.

    Writes from a thread other than the loop's, and writes after `close`, go straight through
    (after anything kept), so nothing is reordered or lost.
    """

    def __init__(self, stream: IO[str], loop: asyncio.AbstractEventLoop) -> None:
        self.stream = stream
        self._loop = loop
        self._thread = threading.get_ident()
        self._pending: list[str] = []
        self._scheduled = False
        self._closed = False
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        """Keep `text` for the end of this step (or write it now, off the loop's thread)."""
        if self._closed or threading.get_ident() != self._thread:
            with self._lock:
                self._write_pending()
                self.stream.write(text)
                self.stream.flush()
            return len(text)
        with self._lock:
            self._pending.append(text)
        if not self._scheduled:
            self._scheduled = True
            self._loop.call_soon(self._end_of_step)
        return len(text)

    def flush(self) -> None:
        """A handler's flush after each record: deferred to the end of the step."""

    def _end_of_step(self) -> None:
        self._scheduled = False
        with self._lock:
            self._write_pending()
        self.stream.flush()

    def _write_pending(self) -> None:
        if self._pending:
            text = "".join(self._pending)
            self._pending = []
            self.stream.write(text)

    def close(self) -> None:
        """Write what is kept; later writes go straight through."""
        with self._lock:
            self._closed = True
            self._write_pending()
        self.stream.flush()


@contextlib.contextmanager
def step_buffered_logging(loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    """Every `StreamHandler` of the root and `specmock` loggers writes through a
    `StepBufferedStream` until the block ends; then the streams are restored, all kept lines
    written."""
    swapped: list[tuple[logging.StreamHandler[Any], StepBufferedStream]] = []
    for name in (None, "specmock", "specmock.access"):
        for handler in logging.getLogger(name).handlers:
            if type(handler) is logging.StreamHandler and not isinstance(
                handler.stream, StepBufferedStream
            ):
                buffered = StepBufferedStream(handler.stream, loop)
                handler.setStream(buffered)
                swapped.append((handler, buffered))
    try:
        yield
    finally:
        for handler, buffered in swapped:
            buffered.close()
            handler.setStream(buffered.stream)


class _ForegroundServer(uvicorn.Server):
    """uvicorn's server, stopping on SIGINT/SIGTERM with exit status 0.

    uvicorn drains connections on those signals and then raises the signal again, so the process
    ends as "killed by SIGTERM"; for a mock a process manager stops on purpose, a normal exit is
    the honest status.
    """

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        with step_buffered_logging(asyncio.get_running_loop()):
            await super().serve(sockets)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        previous = {
            sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def serve_forever(
    engine: Any, host: str = "127.0.0.1", port: int = 8000, log_level: str = "warning"
) -> None:
    """Serve until Ctrl-C or SIGTERM, draining open connections, then return."""
    _ForegroundServer(_config(engine, host, port, log_level)).run()


class _ThreadServer(uvicorn.Server):
    """uvicorn's server without signal handling, for a background thread."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class ServerThread:
    """A mock on a free loopback port in a background thread (the pytest plugin's server)."""

    def __init__(self, engine: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        self.engine = engine
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
        self.host, self.port = self._socket.getsockname()[:2]
        # Signals belong to the main thread (pytest's); this server only stops when asked.
        self._server = _ThreadServer(_config(engine, host, self.port, "warning"))
        self._thread = threading.Thread(target=self._run, name=f"specmock:{self.port}", daemon=True)

    @property
    def url(self) -> str:
        """Base URL, without a trailing slash."""
        return f"http://{self.host}:{self.port}"

    def _run(self) -> None:
        asyncio.run(self._server.serve(sockets=[self._socket]))

    def start(self) -> ServerThread:
        """Start serving and wait until the server accepts connections."""
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the mock server thread stopped during start-up")
            threading.Event().wait(0.005)
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

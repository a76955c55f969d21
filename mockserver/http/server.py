"""Running an engine on uvicorn: in the foreground for the CLI, in a thread for tests.

uvicorn serves (sockets, start-up, signals, graceful shutdown) with its httptools protocol,
changed to answer each request synchronously from the engine instead of through ASGI
(protocol.py says why and what is kept).

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
from typing import IO, Any

import uvicorn

from specmock.http.asgi import AsgiApp


def _protocol_class() -> type[asyncio.Protocol] | str:
    """Our engine protocol on uvicorn's httptools one; "auto" (ASGI) where httptools is missing."""
    try:
        from specmock.http.protocol import EngineHttpProtocol
    except ImportError:  # pragma: no cover - uvicorn[standard] brings httptools
        return "auto"
    return EngineHttpProtocol


def _config(engine: Any, host: str, port: int, log_level: str) -> uvicorn.Config:
    # The protocol answers from `app.engine`; the ASGI app is what uvicorn is configured with
    # (and what answers where httptools is missing).
    app = AsgiApp(engine, engine.options.max_body_bytes)
    return _uvicorn_config(app, host, port, log_level, lifespan="off", http=_protocol_class(),
                           timeout_keep_alive=engine.options.http.idle_timeout)


def _app_config(app: Any, host: str, port: int, log_level: str) -> uvicorn.Config:
    """An ASGI app of our own other than the engine's (the proxy), on uvicorn's usual path."""
    return _uvicorn_config(app, host, port, log_level, lifespan="on")


def _uvicorn_config(app: Any, host: str, port: int, log_level: str,
                    **settings: Any) -> uvicorn.Config:
    # Our own code logs one line per request; uvicorn's access log would double it.
    return uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=False,
                          server_header=False, date_header=False, ws="none", **settings)


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
    engine: Any, host: str = "127.0.0.1", port: int = 8000, log_level: str = "warning",
    sock: socket.socket | None = None,
) -> None:
    """Serve until Ctrl-C or SIGTERM, draining open connections, then return; on `sock`, a
    socket already bound and listening, if given (so a busy port shows before "ready")."""
    _ForegroundServer(_config(engine, host, port, log_level)).run(
        sockets=[sock] if sock is not None else None)


def serve_app_forever(
    app: Any, host: str = "127.0.0.1", port: int = 8000, log_level: str = "warning"
) -> None:
    """Serve an ASGI app (the proxy) until Ctrl-C or SIGTERM, then return."""
    _ForegroundServer(_app_config(app, host, port, log_level)).run()


class _ThreadServer(uvicorn.Server):
    """uvicorn's server without signal handling, for a background thread."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class ServerThread:
    """A mock on a free loopback port in a background thread (the pytest plugin's server)."""

    def __init__(
        self, engine: Any, host: str = "127.0.0.1", port: int = 0, *, app: Any = None
    ) -> None:
        """Serve `engine`, or with `app` that ASGI app instead (the proxy)."""
        self.engine = engine
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
        self.host, self.port = self._socket.getsockname()[:2]
        # Signals belong to the main thread (pytest's); this server only stops when asked.
        config = (_config(engine, host, self.port, "warning") if app is None
                  else _app_config(app, host, self.port, "warning"))
        self._server = _ThreadServer(config)
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

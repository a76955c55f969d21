"""Running an engine on uvicorn: in the foreground for the CLI, in a thread for tests."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import threading
from collections.abc import Iterator
from typing import Any

import uvicorn

from mockserver.http.asgi import AsgiApp


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
    )


class _ForegroundServer(uvicorn.Server):
    """uvicorn's server, stopping on SIGINT/SIGTERM with exit status 0.

    uvicorn drains connections on those signals and then raises the signal again, so the process
    ends as "killed by SIGTERM"; for a mock a process manager stops on purpose, a normal exit is
    the honest status.
    """

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

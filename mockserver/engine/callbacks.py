"""Sending the callback requests an answer triggers (behaviours/callbacks.py builds them).

The answer never waits: the requests go to a small pool of threads and are sent from there,
each journalled (the admin journal, with a `callback` note naming the callback and the
operation that triggered it) and each failure logged (a URL that cannot be built, a receiver
that refuses or does not answer in `timeout` seconds). At most `max_pending` callbacks wait at
once; past that a callback is dropped with a log line rather than kept in memory without bound.
`idle()` waits until every accepted callback is done (tests, and stopping).
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

from specmock.behaviours.callbacks import Callbacks, Exchange, Outbound
from specmock.core.clock import Clock
from specmock.core.exchange import Request, Response
from specmock.engine.journal import Journal

log = logging.getLogger("specmock.callbacks")

Transport = Callable[[Outbound, float], Response]
"""Sends one callback and returns the receiver's answer (raises OSError when there is none)."""

USER_AGENT = "specmock-callbacks"


def send_with_urllib(outbound: Outbound, timeout: float) -> Response:
    """The default transport: the standard library's HTTP client (a callback is one plain
    request; no pooling is worth a dependency), proxies as the environment says."""
    headers = {"user-agent": USER_AGENT, **dict(outbound.headers)}
    request = urllib.request.Request(outbound.url, data=outbound.body or None, headers=headers,
                                     method=outbound.method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return Response(answer.status, list(answer.headers.items()), answer.read())
    except urllib.error.HTTPError as refused:  # a 4xx/5xx is an answer, not a failure to send
        with refused:
            return Response(refused.code, list(refused.headers.items()), refused.read())


class CallbackSender:
    """Sends callbacks off the request path; one per engine (nothing shared between mocks)."""

    def __init__(self, journal: Journal, clock: Clock, *, transport: Transport | None = None,
                 timeout: float = 10.0, max_pending: int = 64, workers: int = 4) -> None:
        self.journal, self.clock = journal, clock
        self.timeout, self.max_pending = timeout, max_pending
        self._transport = transport or send_with_urllib
        self._workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._pending = 0
        self._done = threading.Condition()

    def trigger(self, callbacks: Callbacks, operation_id: str, exchange: Exchange) -> None:
        """Queue every callback of this exchange (returns at once)."""
        for planned in callbacks.requests(exchange):
            if isinstance(planned, Outbound):
                self._queue(planned, operation_id)
            else:
                name, method, reason = planned
                self._failed(name, method, "", operation_id, f"not sent: {reason}")

    def _queue(self, outbound: Outbound, operation_id: str) -> None:
        if urlsplit(outbound.url).scheme not in ("http", "https"):
            self._failed(outbound.name, outbound.method, outbound.url, operation_id,
                         "not sent: the URL is not http(s)")
            return
        with self._done:
            if self._pending >= self.max_pending:
                log.warning("callback %s of %s dropped: %d callbacks already waiting",
                            outbound.name, operation_id, self._pending)
                return
            self._pending += 1
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._workers, "specmock-callback")
            pool = self._pool
        pool.submit(self._send, outbound, operation_id)

    def _send(self, outbound: Outbound, operation_id: str) -> None:
        started = time.perf_counter()
        try:
            answer = self._transport(outbound, self.timeout)
        except (OSError, ValueError) as error:  # refused, unreachable, timed out, bad URL
            reason = getattr(error, "reason", None) or error
            self._failed(outbound.name, outbound.method, outbound.url, operation_id,
                         f"failed: {reason}", outbound)
        else:
            self._journal(outbound, operation_id, answer, started, None)
            if answer.status >= 400:
                log.warning("callback %s of %s: %s %s answered %d", outbound.name,
                            operation_id, outbound.method, outbound.url, answer.status)
        finally:
            with self._done:
                self._pending -= 1
                self._done.notify_all()

    def _failed(self, name: str, method: str, url: str, operation_id: str, why: str,
                outbound: Outbound | None = None) -> None:
        log.warning("callback %s of %s: %s %s %s", name, operation_id, method, url or "-", why)
        sent = outbound or Outbound(name, method, url, (), b"")
        self._journal(sent, operation_id, None, time.perf_counter(), why)

    def _journal(self, outbound: Outbound, operation_id: str, answer: Response | None,
                 started: float, error: str | None) -> None:
        note: dict[str, Any] = {"name": outbound.name, "of": operation_id, "url": outbound.url}
        if error is not None:
            note["error"] = error
        parts = urlsplit(outbound.url)
        sent = Request(outbound.method, parts.path or "/", parts.query,
                       dict(outbound.headers), outbound.body,
                       f"{parts.scheme}://{parts.netloc}" if parts.netloc else "")
        self.journal.add(self.clock.now(), outbound.method, outbound.url, "",
                         answer.status if answer is not None else 0,
                         (time.perf_counter() - started) * 1000, operation_id, None, sent,
                         answer, callback=note)

    def idle(self, timeout: float | None = None) -> bool:
        """Wait until no callback is waiting or being sent; False if `timeout` passed first."""
        with self._done:
            return self._done.wait_for(lambda: self._pending == 0, timeout)

    def close(self) -> None:
        """Let the callbacks being sent finish; accept no more threads' work."""
        with self._done:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

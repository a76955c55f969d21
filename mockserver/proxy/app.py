"""The validating proxy as an ASGI app: forward, check both ways, pass the answer on.

Each request is checked against the contract (checks.py), forwarded to the upstream with
aiohttp's client (pooled keep-alive connections; measured here it adds 0.02 ms to a loopback
request where httpx's async client added 0.6 ms, most of the proxy's budget), and
its answer checked and passed on with the violations of both in an `sl-violations` header (the
header Prism's proxy users know) and in the journal. The Host header is the upstream's; links
in answers are left as the server wrote them unless `rewrite_links`. JSON answers up to
`max_checked_bytes` are read whole (the header must precede the body, and a body is checked
whole; gzip and deflate are decoded for the check, and the bytes passed on as sent); other
answers stream through, checked for status and media type only. Request bodies
up to `max_body_bytes` are read and checked; larger ones stream to the upstream unchecked.
An upstream that cannot be reached is a 502 in the contract's error shape.

`/__specmock/proxy/health`, `/__specmock/proxy/journal` and `/__specmock/proxy/violations` are
the proxy's own; other `/__specmock/` paths go to the upstream unchecked and unjournalled, so a
specmock upstream's admin API (reset, clock, faults) stays reachable through the proxy.
"""

from __future__ import annotations

import logging
import time
import zlib
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import orjson

from specmock.core.exchange import Request, Response
from specmock.core.problems import ApiError
from specmock.engine.compile import Operation
from specmock.engine.violations import VIOLATIONS_HEADER, violations_header
from specmock.http.asgi import Receive, Scope, Send, request_from_parts
from specmock.proxy.checks import ContractChecks, Finding
from specmock.proxy.record import Recorder
from specmock.proxy.report import Exchange, ProxyReport

log = logging.getLogger("specmock.proxy")
ADMIN_PREFIX = "/__specmock/proxy/"
UPSTREAM_ADMIN_PREFIX = "/__specmock/"
# Hop-by-hop headers (RFC 9110 7.6.1) and those the client library sets itself.
_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
    "transfer-encoding", "upgrade", "host", "content-length", "expect",
})
# What the client library would add to a forwarded request unless told not to.
_NO_AUTO_HEADERS = ("User-Agent", "Accept", "Accept-Encoding", "Content-Type")
_UPSTREAM_ERRORS = (aiohttp.ClientError, TimeoutError)
# Answers are passed on as the server encoded them; these encodings are decoded to be checked.
_DECODERS: dict[str, Callable[[bytes], bytes]] = {
    "identity": lambda raw: raw,
    "gzip": lambda raw: zlib.decompress(raw, 16 + zlib.MAX_WBITS),
    "deflate": zlib.decompress,
}


@dataclass
class _Outcome:
    """How far one answer got: its status, the findings about it, whether it started going out."""

    status: int = 0
    found: list[Finding] = field(default_factory=list)
    started: bool = False


class ProxyApp:
    """Forwards to `upstream`, holding both directions to the contract."""

    def __init__(
        self,
        checks: ContractChecks,
        upstream: str,
        *,
        rewrite_links: bool = False,
        recorder: Recorder | None = None,
        max_body_bytes: int = 10 * 1024 * 1024,
        max_checked_bytes: int = 4 * 1024 * 1024,
        timeout: float = 30.0,
        log_violations: bool = False,
    ) -> None:
        self.checks = checks
        self.upstream = upstream.rstrip("/")
        self.rewrite_links = rewrite_links
        self.recorder = recorder
        self.max_body_bytes = max_body_bytes
        self.max_checked_bytes = max_checked_bytes
        self.report = ProxyReport()
        self.log_violations = log_violations
        self._timeout = timeout
        self._client: aiohttp.ClientSession | None = None

    def client(self) -> aiohttp.ClientSession:
        """The pooled client, made on first use (inside the server's event loop). It adds no
        headers of its own and decodes nothing: the upstream gets the client's headers and
        the client the upstream's bytes."""
        if self._client is None:
            self._client = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=200),
                timeout=aiohttp.ClientTimeout(total=self._timeout),
                auto_decompress=False,
                skip_auto_headers=_NO_AUTO_HEADERS,
            )
        return self._client

    async def aclose(self) -> None:
        """Close the upstream connections."""
        if self._client is not None:
            await self._client.close()
            self._client = None

    def _request(
        self, request: Request, headers: list[tuple[str, str]], body: Any
    ) -> Any:
        """The upstream request (an awaitable and async context manager of its answer)."""
        query = f"?{request.query_string}" if request.query_string else ""
        return self.client().request(
            request.method, self.upstream + request.path + query, headers=headers,
            data=body, allow_redirects=False,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body, rest = await _read_body(receive, self.max_body_bytes)
        request = _request(scope, body)
        if request.path.startswith(ADMIN_PREFIX):
            await _send_whole(send, self._admin(request))
            return
        if request.path.startswith(UPSTREAM_ADMIN_PREFIX):
            await self._pass(scope, request, send)
            return
        await self._forward(scope, request, send, rest)

    async def _pass(self, scope: Scope, request: Request, send: Send) -> None:
        """Forward without checks or journal (the upstream's own admin API)."""
        try:
            async with self._request(
                request, _forwarded(scope["headers"]), request.body or None
            ) as upstream:
                body = await upstream.read()
                headers = _passed_back(_items(upstream))
                await _send_whole(send, Response(upstream.status, headers, body))
        except _UPSTREAM_ERRORS as error:
            await _send_whole(send, self._unreachable(request, error))

    async def _forward(
        self, scope: Scope, request: Request, send: Send, rest: AsyncIterator[bytes] | None
    ) -> None:
        started = time.perf_counter()
        operation, findings = self.checks.request(request, body_checked=rest is None)
        sent = _forwarded(scope["headers"], keep_length=rest is not None)
        body = (request.body or None) if rest is None else rest
        outcome = _Outcome()
        try:
            async with self._request(request, sent, body) as upstream:
                await self._answer(request, operation, findings, upstream, send, outcome)
        except _UPSTREAM_ERRORS as error:
            if outcome.started:  # too late for a status: the client sees the answer cut
                outcome.found.append(Finding("response.incomplete", "", _broken_off(error)))
            else:  # no answer, or a head whose body broke off: a 502 instead
                outcome.found = (
                    [Finding("response.incomplete", "", _broken_off(error))]
                    if outcome.status else []
                )
                answer = self._unreachable(request, error)
                outcome.status = answer.status
                await _send_whole(send, _with_findings(answer, findings + outcome.found))
        self._journal(request, operation, outcome.status, findings + outcome.found, started)

    async def _answer(
        self,
        request: Request,
        operation: Operation | None,
        findings: list[Finding],
        upstream: aiohttp.ClientResponse,
        send: Send,
        outcome: _Outcome,
    ) -> None:
        """Check the upstream's answer and pass it on (whole, or streamed)."""
        outcome.status = status = upstream.status
        headers = self._location(_passed_back(_items(upstream)), request)
        encoding = upstream.headers.get("content-encoding", "identity").lower()
        if self._checkable(upstream) and encoding in _DECODERS:
            raw = await upstream.read()
            checked = Response(status, headers, _DECODERS[encoding](raw))
            outcome.found = self.checks.response(operation, checked)
            body = self._links(raw, request) if encoding == "identity" else raw
            everything = findings + outcome.found
            await _send_whole(send, _with_findings(Response(status, headers, body), everything))
            if self.recorder is not None and operation is not None and not everything:
                self.recorder.add(operation, request, checked)
            return
        head = Response(status, [*headers, *_length_of(upstream)], b"")
        outcome.found = self.checks.response(operation, head, head_only=True)
        outcome.started = True
        await _send_streamed(send, _with_findings(head, findings + outcome.found), upstream)

    def _checkable(self, upstream: aiohttp.ClientResponse) -> bool:
        """Whether the answer is read whole: JSON, and not larger than the checked limit."""
        media_type = upstream.headers.get("content-type", "")
        if "json" not in media_type:
            return False
        length = upstream.headers.get("content-length")
        return length is None or (length.isdigit() and int(length) <= self.max_checked_bytes)

    def _links(self, body: bytes, request: Request) -> bytes:
        """Hrefs as the server wrote them, or pointing at the proxy with `rewrite_links`."""
        if not self.rewrite_links or not body:
            return body
        return body.replace(self.upstream.encode(), request.base_url.encode())

    def _location(self, headers: list[tuple[str, str]], request: Request) -> list[tuple[str, str]]:
        """A `Location` naming the upstream names the proxy instead, with `rewrite_links`."""
        if not self.rewrite_links:
            return headers
        return [
            (k, v.replace(self.upstream, request.base_url, 1) if k.lower() == "location" else v)
            for k, v in headers
        ]

    def _unreachable(self, request: Request, error: BaseException) -> Response:
        where = urlsplit(self.upstream).netloc or self.upstream
        detail = f"The upstream {where} gave no usable answer ({type(error).__name__}: {error})."
        return self.checks.contract.errors.render(ApiError("badGateway", detail), request)

    def _journal(
        self, request: Request, operation: Operation | None, status: int,
        findings: list[Finding], started: float,
    ) -> None:
        self.report.add(Exchange(
            time.time(), request.method, request.path,
            operation.operation_id if operation else None, status,
            (time.perf_counter() - started) * 1000, tuple(findings),
        ))
        if self.log_violations:
            for finding in findings:
                at = f" at {finding.pointer}" if finding.pointer else ""
                log.warning("%s %s -> %d: %s%s: %s", request.method, request.path, status,
                            finding.rule, at, finding.message)

    def _admin(self, request: Request) -> Response:
        name = request.path[len(ADMIN_PREFIX):].strip("/")
        body: dict[str, Any]
        if request.method == "GET" and name == "health":
            body = {"status": "ok", "upstream": self.upstream,
                    "contract": self.checks.contract.title}
        elif request.method == "GET" and name == "journal":
            body = {"entries": self.report.entries()}
        elif request.method == "GET" and name == "violations":
            body = {"requests": self.report.requests, "violating": self.report.violating,
                    "distinct": self.report.distinct()}
        else:
            known = ", ".join(ADMIN_PREFIX + n for n in ("health", "journal", "violations"))
            error = ApiError("notFound", f"The proxy's admin API has GET {known}.")
            return self.checks.engine.admin.errors.render(error, request)
        return Response(200, [("content-type", "application/json")], orjson.dumps(body))

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return


def _request(scope: Scope, body: bytes) -> Request:
    raw_path = scope.get("raw_path")
    path = raw_path.decode("latin-1") if raw_path else scope.get("path", "/")
    return request_from_parts(scope["method"], path, scope.get("query_string", b""),
                              scope.get("headers", ()), scope.get("scheme", "http"),
                              scope.get("server"), body)


async def _read_body(receive: Receive, limit: int) -> tuple[bytes, AsyncIterator[bytes] | None]:
    """The whole body (checked, then sent), or past `limit` bytes none and the body as a
    stream: forwarded as it arrives, unchecked, never held in memory whole."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), None
        if size > limit:
            return b"", _streamed(chunks, receive)


async def _streamed(read: list[bytes], receive: Receive) -> AsyncIterator[bytes]:
    for chunk in read:
        yield chunk
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
        yield message.get("body", b"")


def _forwarded(
    raw: Iterable[tuple[bytes, bytes]], keep_length: bool = False
) -> list[tuple[str, str]]:
    """The client's headers less hop-by-hop ones and Host (the client sends the upstream's);
    the Content-Length stays for a streamed body (else it would go chunked)."""
    return [
        (k.decode("latin-1"), v.decode("latin-1")) for k, v in raw
        if k.decode("latin-1").lower() not in _HOP
        or (keep_length and k.lower() == b"content-length")
    ]


def _items(upstream: aiohttp.ClientResponse) -> list[tuple[str, str]]:
    """The answer's headers as sent (repeated ones kept: Set-Cookie)."""
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in upstream.raw_headers]


def _passed_back(items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The upstream's headers less hop-by-hop ones (and its length: recounted when sent)."""
    return [(k, v) for k, v in items if k.lower() not in _HOP]


def _length_of(upstream: aiohttp.ClientResponse) -> list[tuple[str, str]]:
    """The Content-Length of a streamed answer (its bytes go on unchanged), if it had one."""
    length = upstream.headers.get("content-length")
    return [("content-length", length)] if length is not None else []


def _with_findings(response: Response, findings: list[Finding]) -> Response:
    if findings:
        # An upstream mock's own header says less than the proxy's findings (which hold the
        # request's violations too): one header, the proxy's.
        response.headers = [h for h in response.headers if h[0].lower() != VIOLATIONS_HEADER]
        response.headers.append(violations_header([f.as_header_item() for f in findings]))
    return response


def _broken_off(error: BaseException) -> str:
    return f"the upstream broke off its answer ({type(error).__name__}: {error})"


def _encoded(headers: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    return [(k.encode("latin-1"), v.encode("latin-1", "replace")) for k, v in headers]


async def _send_whole(send: Send, response: Response) -> None:
    headers = _encoded(response.headers)
    headers.append((b"content-length", b"%d" % len(response.body)))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


async def _send_streamed(send: Send, head: Response, upstream: aiohttp.ClientResponse) -> None:
    await send({"type": "http.response.start", "status": head.status,
                "headers": _encoded(head.headers)})
    async for chunk in upstream.content.iter_any():
        if chunk:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


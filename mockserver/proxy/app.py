"""The validating proxy as an ASGI app: forward, check both ways, pass the answer on.

Each request is checked against the contract (checks.py), forwarded to the upstream with
httpx (a pooled, keep-alive async client: the well-kept HTTP client of the ASGI world), and
its answer checked and passed on with the violations of both in an `sl-violations` header (the
header Prism's proxy users know) and in the journal. The Host header is the upstream's; links
in answers are left as the server wrote them unless `rewrite_links`. JSON answers up to
`max_checked_bytes` are read whole (the header must precede the body, and a body is checked
whole); other answers stream through, checked for status and media type only. Request bodies
up to `max_body_bytes` are read and checked; larger ones stream to the upstream unchecked.
An upstream that cannot be reached is a 502 in the contract's error shape.

`/__specmock/proxy/health`, `/__specmock/proxy/journal` and `/__specmock/proxy/violations` are
the proxy's own; other `/__specmock/` paths go to the upstream unchecked and unjournalled, so a
specmock upstream's admin API (reset, clock, faults) stays reachable through the proxy.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Iterable
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from mockserver.core.exchange import Request, Response
from mockserver.core.problems import ApiError
from mockserver.engine.compile import Operation
from mockserver.http.asgi import Receive, Scope, Send, request_from_parts
from mockserver.proxy.checks import ContractChecks, Finding
from mockserver.proxy.record import Recorder
from mockserver.proxy.report import Exchange, ProxyReport

log = logging.getLogger("specmock.proxy")
VIOLATIONS_HEADER = "sl-violations"
ADMIN_PREFIX = "/__specmock/proxy/"
UPSTREAM_ADMIN_PREFIX = "/__specmock/"
# Hop-by-hop headers (RFC 9110 7.6.1) and those the client library sets itself.
_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
    "transfer-encoding", "upgrade", "host", "content-length", "expect",
})
_NOT_PASSED_BACK = _HOP | {"content-encoding"}  # a read body is passed on decoded
_MAX_HEADER = 8192  # bytes of the violations header; the journal has them all


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
        transport: httpx.AsyncBaseTransport | None = None,
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
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    def client(self) -> httpx.AsyncClient:
        """The pooled client, made on first use (inside the server's event loop)."""
        if self._client is None:
            limits = httpx.Limits(max_connections=200, max_keepalive_connections=100)
            self._client = httpx.AsyncClient(
                timeout=self._timeout, limits=limits, transport=self._transport,
                follow_redirects=False, trust_env=False,
            )
        return self._client

    async def aclose(self) -> None:
        """Close the upstream connections."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

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
        query = f"?{request.query_string}" if request.query_string else ""
        outgoing = self.client().build_request(
            request.method, self.upstream + request.path + query,
            headers=_forwarded(scope["headers"]), content=request.body,
        )
        try:
            upstream = await self.client().send(outgoing)
        except httpx.HTTPError as error:
            await _send_whole(send, self._unreachable(request, error))
            return
        headers = _passed_back(upstream.headers.multi_items())
        await _send_whole(send, Response(upstream.status_code, headers, upstream.content))

    async def _forward(
        self, scope: Scope, request: Request, send: Send, rest: AsyncIterator[bytes] | None
    ) -> None:
        started = time.perf_counter()
        operation, findings = self.checks.request(request, body_checked=rest is None)
        sent = _forwarded(scope["headers"], keep_length=rest is not None)
        query = f"?{request.query_string}" if request.query_string else ""
        url = self.upstream + request.path + query
        outgoing = self.client().build_request(
            request.method, url, headers=sent, content=request.body if rest is None else rest
        )
        try:
            upstream = await self.client().send(outgoing, stream=True)
        except httpx.HTTPError as error:
            answer = self._unreachable(request, error)
            await _send_whole(send, _with_findings(answer, findings))
            self._journal(request, operation, answer.status, findings, started)
            return
        try:
            status = upstream.status_code
            found: list[Finding] = []
            if self._checkable(upstream):
                try:
                    await upstream.aread()
                except httpx.HTTPError as error:  # the head came, then the answer broke off
                    found = [Finding("response.incomplete", "", _broken_off(error))]
                    answer = self._unreachable(request, error)
                    status = answer.status
                    await _send_whole(send, _with_findings(answer, findings + found))
                    self._journal(request, operation, status, findings + found, started)
                    return
                headers = self._location(_passed_back(upstream.headers.multi_items()), request)
                answer = Response(status, headers, self._links(upstream.content, request))
                found = self.checks.response(operation, answer)
                await _send_whole(send, _with_findings(answer, findings + found))
                if self.recorder is not None and operation is not None and not findings + found:
                    self.recorder.add(operation, request, answer)
            else:
                headers = self._location(_raw_back(upstream.headers.multi_items()), request)
                head = Response(status, headers, b"")
                found = self.checks.response(operation, head, head_only=True)
                try:
                    await _send_streamed(send, _with_findings(head, findings + found), upstream)
                except httpx.HTTPError as error:  # too late for a status: the client sees it cut
                    found.append(Finding("response.incomplete", "", _broken_off(error)))
        finally:
            await upstream.aclose()
        self._journal(request, operation, status, findings + found, started)

    def _checkable(self, upstream: httpx.Response) -> bool:
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

    def _unreachable(self, request: Request, error: Exception) -> Response:
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
) -> list[tuple[bytes, bytes]]:
    """The client's headers less hop-by-hop ones and Host (httpx sends the upstream's); the
    Content-Length stays for a streamed body (else httpx would send it chunked)."""
    return [
        (k, v) for k, v in raw
        if k.decode("latin-1").lower() not in _HOP
        or (keep_length and k.lower() == b"content-length")
    ]


def _passed_back(items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k, v) for k, v in items if k.lower() not in _NOT_PASSED_BACK]


def _raw_back(items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers of a streamed answer: its encoding and length stay (the bytes are the server's)."""
    keep = {"content-encoding", "content-length"}
    return [(k, v) for k, v in items if k.lower() not in _HOP or k.lower() in keep]


def _with_findings(response: Response, findings: list[Finding]) -> Response:
    if findings:
        items = [f.as_header_item() for f in findings]
        value = json.dumps(items, ensure_ascii=True, separators=(",", ":"))
        while len(value) > _MAX_HEADER and len(items) > 1:
            items = items[: len(items) // 2]
            value = json.dumps(items, ensure_ascii=True, separators=(",", ":"))
        response.headers.append((VIOLATIONS_HEADER, value))
    return response


def _broken_off(error: Exception) -> str:
    return f"the upstream broke off its answer ({type(error).__name__}: {error})"


def _encoded(headers: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    return [(k.encode("latin-1"), v.encode("latin-1", "replace")) for k, v in headers]


async def _send_whole(send: Send, response: Response) -> None:
    headers = _encoded(response.headers)
    headers.append((b"content-length", b"%d" % len(response.body)))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


async def _send_streamed(send: Send, head: Response, upstream: httpx.Response) -> None:
    await send({"type": "http.response.start", "status": head.status,
                "headers": _encoded(head.headers)})
    async for chunk in upstream.aiter_raw():
        if chunk:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


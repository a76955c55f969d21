"""The request flow, in one readable place.

    route -> authenticate -> validate -> run the behaviour -> represent and encode -> (check)

Every step is a component built at start-up (see compile.py); errors raised by any step are
`ApiError`s rendered in the contract's error shape. Nothing here knows which HTTP server runs it.

This is the hot path (benchmarks/README.md has the figures): what depends only on the contract,
which never changes while serving, is remembered instead of recomputed: the route of a path
already seen and each operation's media type per status. So is the encoded body of a stored
record per base URL: the store replaces records and never mutates them, so the same record
object always encodes to the same bytes (the memo keeps the object and compares identity).
"""

from __future__ import annotations

import difflib
import logging
import time
from typing import Any

import orjson

from mockserver.behaviours.collections import NOT_FOUND
from mockserver.behaviours.outcomes import (
    BodyOutcome,
    Call,
    EmptyOutcome,
    ListOutcome,
    Outcome,
    RecordOutcome,
)
from mockserver.behaviours.prefer import parse_prefer
from mockserver.behaviours.store import Record
from mockserver.core.clock import Clock
from mockserver.core.exchange import Request, Response
from mockserver.core.limits import brief, rememberable
from mockserver.core.memo import BoundedMemo
from mockserver.core.problems import ApiError
from mockserver.engine.compile import CompiledContract, Operation, StaticHandler
from mockserver.engine.journal import Journal
from mockserver.engine.options import EngineOptions
from mockserver.engine.response_check import ResponseChecker
from mockserver.engine.routing import Redirect, RouteMatch
from mockserver.engine.validation import ValidationFailed, ValidInput

access_log = logging.getLogger("specmock.access")
log = logging.getLogger("specmock")

# How many request paths keep their route remembered (oldest forgotten first).
ROUTE_CACHE_SIZE = 4096
# How many (record, base URL) pairs keep their encoded body remembered (oldest forgotten first).
RECORD_BODY_CACHE_SIZE = 4096
_INFO = logging.INFO
_ACCESS_FORMAT = '"%s %s%s" %d %.1fms'


class Pipeline:
    """Handles contract requests (the admin API is routed before this)."""

    def __init__(
        self,
        contract: CompiledContract,
        options: EngineOptions,
        journal: Journal,
        clock: Clock,
        document: dict[str, Any],
    ) -> None:
        self.contract, self.options, self.journal, self.clock = contract, options, journal, clock
        self.checker = ResponseChecker(document) if options.check_responses else None
        self._routes: BoundedMemo[str, RouteMatch] = BoundedMemo(ROUTE_CACHE_SIZE)
        self._media_types: dict[tuple[int, int], str | None] = {}
        self._record_bodies: BoundedMemo[tuple[str, int, str], tuple[Record, bytes]] = (
            BoundedMemo(RECORD_BODY_CACHE_SIZE)
        )

    def handle(self, request: Request) -> Response:
        """Answer one request; never raises."""
        started = time.perf_counter()
        operation: Operation | None = None
        try:
            operation, response = self._handle(request)
        except ApiError as error:
            response = self.contract.errors.render(error, request)
        except Exception:
            log.exception("unexpected failure on %s %s", request.method, request.path)
            failure = ApiError(
                "serverError", "The mock failed on this request; its log has the details."
            )
            response = self.contract.errors.render(failure, request)
        elapsed = (time.perf_counter() - started) * 1000
        self._journal(request, response, operation, elapsed)
        return response

    def reject(self, request: Request, error: ApiError) -> Response:
        """Answer `error` for a request that is not run through the flow (the HTTP layer could
        not read it in full), in the contract's error shape, journalled like any other."""
        response = self.contract.errors.render(error, request)
        self._journal(request, response, None, 0.0)
        return response

    def _handle(self, request: Request) -> tuple[Operation | None, Response]:
        if len(request.body) > self.options.max_body_bytes:
            raise ApiError(
                "payloadTooLarge",
                f"The body is larger than the limit of {self.options.max_body_bytes} bytes.",
            )
        match = self._match(request.path)
        if match is None:
            raise ApiError("notFound", self._not_found_detail(request))
        if isinstance(match, Redirect):
            return None, _redirect(request, match.location)
        operation, head_only = self._operation(match.template, request.method)
        principal = self.contract.authenticator.check(request, operation.requirements)
        inputs = self._validate(operation, dict(match.params), request)
        call = Call(request, inputs.path, inputs.query, inputs.body, principal)
        outcome = self._run(operation, call)
        response = self._encode(operation, outcome, request)
        if self.checker is not None:
            self.checker.check(operation, response)
        if head_only:
            response.body = b""
        return operation, response

    def _match(self, path: str) -> RouteMatch | Redirect | None:
        """The router's answer for `path`; matches are remembered (the router is built once and
        answers by the path alone). Callers get the parameters as a copy, never the kept dict."""
        match = self._routes.get(path)
        if match is not None:
            return match
        found = self.contract.router.match(path)
        if isinstance(found, RouteMatch) and rememberable(path):
            self._routes.remember(path, found)
        return found

    def _operation(self, template: str, method: str) -> tuple[Operation, bool]:
        methods = self.contract.routes[template]
        if method in methods:
            return methods[method], False
        if method == "HEAD" and "GET" in methods:
            return methods["GET"], True
        allowed = ", ".join(sorted(methods))
        raise ApiError(
            "methodNotAllowed", f'Method "{method}" not allowed.', headers=[("allow", allowed)]
        )

    @staticmethod
    def _validate(operation: Operation, params: dict[str, str], request: Request) -> ValidInput:
        """The request's input, coerced; a path that fits no parameter schema names no resource,
        so it is a 404 (as DRF's router and get_object_or_404 answer), not a 400."""
        try:
            return operation.validator.validate(params, request)
        except ValidationFailed as failure:
            if failure.violations and all(v.location == "path" for v in failure.violations):
                raise ApiError("notFound", NOT_FOUND) from None
            raise

    @staticmethod
    def _run(operation: Operation, call: Call) -> Outcome:
        """The declared behaviour, unless `Prefer` asks for a documented response (as in Prism)."""
        prefer = call.request.headers.get("prefer")
        if prefer and not isinstance(operation.handler, StaticHandler):
            preference = parse_prefer(prefer)
            if preference.code is not None or preference.example is not None:
                return StaticHandler(operation.static)(call)
        return operation.handler(call)

    def _encode(self, operation: Operation, outcome: Outcome, request: Request) -> Response:
        if isinstance(outcome, EmptyOutcome):
            return Response(outcome.status, [], b"")
        headers: list[tuple[str, str]] = []
        representation = self.contract.representation
        if isinstance(outcome, RecordOutcome):
            status = outcome.status
            headers.extend(outcome.headers)
            media_type = self._media_type(operation, status)
            if media_type is None:
                return Response(status, headers, b"")
            encoded = self._record_body(outcome, request)
            return Response(status, [("content-type", media_type), *headers], encoded)
        elif isinstance(outcome, ListOutcome):
            status, body = 200, representation.listing(outcome, request)
            media_type = self._media_type(operation, status)
            if outcome.page is not None:
                headers.append(("x-total-count", str(outcome.page.total)))
        else:
            assert isinstance(outcome, BodyOutcome)
            status, body = outcome.status, outcome.body
            headers.extend(outcome.headers)
            media_type = outcome.media_type or self._media_type(operation, status)
        if media_type is None:
            return Response(status, headers, b"")
        return Response(status, [("content-type", media_type), *headers], orjson.dumps(body))

    def _record_body(self, outcome: RecordOutcome, request: Request) -> bytes:
        """The record's representation encoded; remembered for a stored (immutable) record."""
        record = outcome.record
        if not outcome.stored:
            body = self.contract.representation.record(outcome.collection, record, request)
            return orjson.dumps(body)
        key = (outcome.collection, id(record), request.base_url)
        kept = self._record_bodies.get(key)
        if kept is not None and kept[0] is record:
            return kept[1]
        body = self.contract.representation.record(outcome.collection, record, request)
        encoded = orjson.dumps(body)
        if rememberable(request.base_url):
            self._record_bodies.remember(key, (record, encoded))
        return encoded

    def forget(self) -> None:
        """Drop every remembered body (on reset: the records they hold are gone from state)."""
        self._record_bodies.clear()

    def _media_type(self, operation: Operation, status: int) -> str | None:
        """`operation.media_type_for(status)`, remembered (operations live as long as we do)."""
        key = (id(operation), status)
        try:
            return self._media_types[key]
        except KeyError:
            media_type = self._media_types[key] = operation.media_type_for(status)
            return media_type

    def _not_found_detail(self, request: Request) -> str:
        templates = list(self.contract.routes)
        # Near misses are for paths a person typed; a client's 64 KiB path gets none.
        near = (difflib.get_close_matches(request.path, templates, n=3, cutoff=0.5)
                if rememberable(request.path) else [])
        hint = f" Closest paths in the contract: {', '.join(near)}." if near else ""
        return f"Not found: no path of the contract matches {brief(request.path, 200)}.{hint}"

    def _journal(
        self, request: Request, response: Response, operation: Operation | None, elapsed_ms: float
    ) -> None:
        self.journal.add(
            self.clock.now(),
            request.method,
            request.path,
            request.query_string,
            response.status,
            elapsed_ms,
            operation.operation_id if operation else None,
        )
        if access_log.isEnabledFor(_INFO):
            _log_access(request, response.status, elapsed_ms)


def _log_access(request: Request, status: int, elapsed_ms: float) -> None:
    """One access-log line, through `logging` (its handlers and format decide the rest) but
    without the cost `Logger.info` adds per call: no walk up the stack for the caller's file
    and line (an access line names the request, not our source)."""
    query = f"?{request.query_string}" if request.query_string else ""
    args = (request.method, request.path, query, status, elapsed_ms)
    record = access_log.makeRecord(
        access_log.name, _INFO, __file__, 0, _ACCESS_FORMAT, args, None, "access"
    )
    access_log.handle(record)


def _redirect(request: Request, location: str) -> Response:
    """301 for reads (as Django's APPEND_SLASH); 308 keeps the method and body for writes."""
    status = 301 if request.method in ("GET", "HEAD") else 308
    query = f"?{request.query_string}" if request.query_string else ""
    return Response(status, [("location", request.base_url + location + query)], b"")

"""The request flow, in one readable place.

    route -> authenticate -> validate -> run the behaviour -> represent and encode -> (check)

Every step is a component built at start-up (see compile.py); errors raised by any step are
`ApiError`s rendered in the contract's error shape. Nothing here knows which HTTP server runs it.
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
from mockserver.core.clock import Clock
from mockserver.core.exchange import Request, Response
from mockserver.core.problems import ApiError
from mockserver.engine.compile import CompiledContract, Operation, StaticHandler
from mockserver.engine.journal import Journal, JournalEntry
from mockserver.engine.options import EngineOptions
from mockserver.engine.response_check import ResponseChecker
from mockserver.engine.routing import Redirect
from mockserver.engine.validation import ValidationFailed, ValidInput

access_log = logging.getLogger("specmock.access")
log = logging.getLogger("specmock")


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

    def _handle(self, request: Request) -> tuple[Operation | None, Response]:
        if len(request.body) > self.options.max_body_bytes:
            raise ApiError(
                "payloadTooLarge",
                f"The body is larger than the limit of {self.options.max_body_bytes} bytes.",
            )
        match = self.contract.router.match(request.path)
        if match is None:
            raise ApiError("notFound", self._not_found_detail(request))
        if isinstance(match, Redirect):
            return None, _redirect(request, match.location)
        operation, head_only = self._operation(match.template, request.method)
        principal = self.contract.authenticator.check(request, operation.requirements)
        inputs = self._validate(operation, match.params, request)
        call = Call(request, inputs.path, inputs.query, inputs.body, principal)
        outcome = self._run(operation, call)
        response = self._encode(operation, outcome, request)
        if self.checker is not None:
            self.checker.check(operation, response)
        if head_only:
            response.body = b""
        return operation, response

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
        prefer = call.request.header("prefer")
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
            status, body = (
                outcome.status,
                representation.record(outcome.collection, outcome.record, request),
            )
            headers.extend(outcome.headers)
            media_type = operation.media_type_for(status)
        elif isinstance(outcome, ListOutcome):
            status, body = 200, representation.listing(outcome, request)
            media_type = operation.media_type_for(status)
            if outcome.page is not None:
                headers.append(("x-total-count", str(outcome.page.total)))
        else:
            assert isinstance(outcome, BodyOutcome)
            status, body = outcome.status, outcome.body
            headers.extend(outcome.headers)
            media_type = outcome.media_type or operation.media_type_for(status)
        if media_type is None:
            return Response(status, headers, b"")
        return Response(status, [("content-type", media_type), *headers], orjson.dumps(body))

    def _not_found_detail(self, request: Request) -> str:
        templates = list(self.contract.routes)
        near = difflib.get_close_matches(request.path, templates, n=3, cutoff=0.5)
        hint = f" Closest paths in the contract: {', '.join(near)}." if near else ""
        return f"Not found: no path of the contract matches {request.path}.{hint}"

    def _journal(
        self, request: Request, response: Response, operation: Operation | None, elapsed_ms: float
    ) -> None:
        self.journal.record(
            JournalEntry(
                time=self.clock.now(),
                method=request.method,
                path=request.path,
                query=request.query_string,
                status=response.status,
                duration_ms=round(elapsed_ms, 3),
                operation_id=operation.operation_id if operation else None,
            )
        )
        if access_log.isEnabledFor(logging.INFO):
            query = f"?{request.query_string}" if request.query_string else ""
            access_log.info(
                '"%s %s%s" %d %.1fms',
                request.method,
                request.path,
                query,
                response.status,
                elapsed_ms,
            )


def _redirect(request: Request, location: str) -> Response:
    """301 for reads (as Django's APPEND_SLASH); 308 keeps the method and body for writes."""
    status = 301 if request.method in ("GET", "HEAD") else 308
    query = f"?{request.query_string}" if request.query_string else ""
    return Response(status, [("location", request.base_url + location + query)], b"")

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

from specmock.behaviours.callbacks import Exchange
from specmock.behaviours.collections import NOT_FOUND
from specmock.behaviours.faults import FaultPlan, Faults
from specmock.behaviours.outcomes import (
    BodyOutcome,
    Call,
    EmptyOutcome,
    ListOutcome,
    Outcome,
    RecordOutcome,
)
from specmock.behaviours.prefer import asks_for_answer, preference_of
from specmock.behaviours.static import negotiate
from specmock.behaviours.store import Record
from specmock.core.clock import Clock
from specmock.core.exchange import Request, Response
from specmock.core.limits import brief, rememberable
from specmock.core.memo import BoundedMemo
from specmock.core.problems import ApiError
from specmock.engine.access import reason_of
from specmock.engine.callbacks import USER_AGENT as CALLBACK_AGENT
from specmock.engine.callbacks import CallbackSender
from specmock.engine.compile import CompiledContract, Operation, StaticHandler
from specmock.engine.encoding import encode_body
from specmock.engine.journal import Journal
from specmock.engine.mediatypes import essence, in_range, is_json, with_charset
from specmock.engine.options import EngineOptions
from specmock.engine.response_check import ResponseChecker
from specmock.engine.routing import Redirect, RouteMatch
from specmock.engine.validation import PathMismatch, ValidationFailed, ValidInput
from specmock.engine.violations import request_items, violation_item, violations_header

access_log = logging.getLogger("specmock.access")
log = logging.getLogger("specmock")

# How many request paths keep their route remembered (oldest forgotten first).
ROUTE_CACHE_SIZE = 4096
# How many (record, base URL) pairs keep their encoded body remembered (oldest forgotten first).
RECORD_BODY_CACHE_SIZE = 4096
# The statuses whose documented response answers an invalid request, in the order they are
# looked for (behaviours/static.py `error_answer`): a failed check as Prism looks (422, then
# 400), a body of an undeclared media type only by a declared 415.
_DOCUMENTED_ERRORS: dict[str, tuple[int, ...]] = {
    "badRequest": (422, 400),
    "unsupportedMediaType": (415,),
    "notFound": (404,),  # a path value that fits no parameter schema names no resource
}
_INFO = logging.INFO
_ACCESS_FORMAT = '%s "%s %s%s" %d %.1fms%s'
"""client "METHOD path?query" status time, and for a 4xx ` - why` (engine/access.py)."""


class Pipeline:
    """Handles contract requests (the admin API is routed before this)."""

    def __init__(
        self,
        contract: CompiledContract,
        options: EngineOptions,
        journal: Journal,
        clock: Clock,
        document: dict[str, Any],
        faults: Faults | None = None,
        callbacks: CallbackSender | None = None,
    ) -> None:
        self.contract, self.options, self.journal, self.clock = contract, options, journal, clock
        self.callbacks = callbacks
        self.faults = faults if faults is not None else Faults(seed=options.seed)
        self.checker = ResponseChecker(document) if options.check_responses else None
        self._routes: BoundedMemo[str, RouteMatch] = BoundedMemo(ROUTE_CACHE_SIZE)
        self._media_types: BoundedMemo[tuple[int, int, str], tuple[str | None, Any]] = (
            BoundedMemo(ROUTE_CACHE_SIZE))
        self._acceptable: BoundedMemo[tuple[int, str], str] = BoundedMemo(ROUTE_CACHE_SIZE)
        self.document = document
        self._record_bodies: BoundedMemo[tuple[str, int, str], tuple[Record, bytes]] = (
            BoundedMemo(RECORD_BODY_CACHE_SIZE)
        )

    def handle(self, request: Request) -> Response:
        """Answer one request; never raises."""
        started = time.perf_counter()
        operation: Operation | None = None
        plan: FaultPlan | None = None
        try:
            if self.faults.armed or "prefer" in request.headers:
                plan = self._fault(request)
            if plan is not None and not plan.runs_behaviour:
                # decided before the behaviour runs: a failed create stores nothing
                operation = self._routed(request)
                response = self._faulted(request, plan)
            else:
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
        note = plan.deliver(response, self.faults.rng) if plan is not None else None
        self._journal(request, response, operation, elapsed, note)
        if operation is not None and operation.callbacks is not None and response.status < 400 \
                and (plan is None or plan.runs_behaviour):
            self._callbacks(operation, request, response)
        return response

    def _callbacks(self, operation: Operation, request: Request, response: Response) -> None:
        """Queue the callbacks a successful answer triggers; they are sent from other threads,
        so the answer waits for no receiver (and is journalled before them)."""
        assert operation.callbacks is not None
        if self.callbacks is None or request.headers.get("user-agent") == CALLBACK_AGENT:
            return  # off; or a callback of a mock: its answer calls no one back (no loops)
        match = self._match(request.path)
        if isinstance(match, RouteMatch):
            exchange = Exchange(request, dict(match.params), response)
            self.callbacks.trigger(operation.callbacks, operation.operation_id, exchange)

    def _fault(self, request: Request) -> FaultPlan | None:
        """The fault chosen for this request, if any (behaviours/faults.py); only asked when
        a rule is in force or the request has a `Prefer` header."""
        operation = self._routed(request)
        return self.faults.decide(request, operation.operation_id if operation else None)

    def _routed(self, request: Request) -> Operation | None:
        """The operation the request is routed to, if any (nothing raised: faults also apply
        to paths and methods the contract does not know)."""
        match = self._match(request.path)
        if not isinstance(match, RouteMatch):
            return None
        methods = self.contract.routes[match.template]
        operation = methods.get(request.method)
        if operation is None and request.method == "HEAD":
            operation = methods.get("GET")
        return operation

    def _faulted(self, request: Request, plan: FaultPlan) -> Response:
        """The answer of a fault that replaces the behaviour: an error, or what the wire
        fault stands in for."""
        if plan.rule.fault == "error":
            return self.contract.errors.render(plan.error(), request)
        return plan.placeholder()

    def reject(self, request: Request, error: ApiError) -> Response:
        """Answer `error` for a request that is not run through the flow (the HTTP layer could
        not read it in full), in the contract's error shape, journalled like any other."""
        response = self.contract.errors.render(error, request)
        self._journal(request, response, None, 0.0)
        return response

    def answered(self, request: Request, response: Response) -> Response:
        """Journal an answer given before the flow (a CORS preflight) and return it."""
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
            return None, _redirect(request, match.location, self.contract.redirect or {})
        allow = self._allow_header(match.template)
        try:
            operation, response = self._run_matched(request, match, allow is not None)
        except ApiError as error:
            if allow is not None:
                error.headers = [*error.headers, ("allow", allow)]
            raise
        if allow is not None:
            response.headers.append(("allow", allow))
        return operation, response

    def _run_matched(
        self, request: Request, match: RouteMatch, allow_on_every: bool
    ) -> tuple[Operation, Response]:
        operation, head_only = self._operation(match.template, request.method, allow_on_every)
        principal = self.contract.authenticator.check(request, operation.requirements)
        if self.contract.throttle is not None:
            # After authentication (a refused caller is not counted), before the body is read
            # (a request the body parser would refuse still counts), as DRF orders them.
            self.contract.throttle.check(request.method, request.client, _user_of(principal))
        try:
            inputs = self._validate(operation, dict(match.params), request)
        except ApiError as error:
            if error.kind == "notFound" and operation.not_found is not None:
                # a path naming no record of an inferred collection: the operation's own 404
                response = self._encode(operation, operation.not_found(request), request)
            else:
                documented = self._invalid(operation, request, error)
                if documented is None:
                    raise  # here, not in the helper: its frame would keep the request alive
                response = documented
        else:
            if "prefer" not in request.headers and "__" not in request.query_string:
                # A request for a documented answer (`Prefer: code=`, Prism's `__code=`) is
                # answered statically, which negotiates the status it is asked for.
                self._refuse_unacceptable(operation, request.headers.get("accept", ""))
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

    def _operation(
        self, template: str, method: str, allow_on_every: bool = False
    ) -> tuple[Operation, bool]:
        methods = self.contract.routes[template]
        if method in methods:
            return methods[method], False
        if method == "HEAD" and "GET" in methods:
            return methods["GET"], True
        headers = [] if allow_on_every else [("allow", ", ".join(sorted(methods)))]
        raise ApiError("methodNotAllowed", f'Method "{method}" not allowed.', headers=headers)

    def _allow_header(self, template: str) -> str | None:
        """With the contract's `allowHeader: every`, the `Allow` value every answer of this
        path carries, in the standard method order, HEAD with GET (as DRF's views send it)."""
        if self.contract.allow_header != "every":
            return None
        methods = set(self.contract.routes[template])
        if "GET" in methods:
            methods.add("HEAD")
        order = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE")
        return ", ".join(m for m in order if m in methods)

    @staticmethod
    def _validate(operation: Operation, params: dict[str, str], request: Request) -> ValidInput:
        """The request's input, coerced; a path that fits no parameter schema names no resource,
        so it is a 404 (as DRF's router and get_object_or_404 answer), not a 400."""
        try:
            return operation.validator.validate(params, request)
        except ValidationFailed as failure:
            if failure.violations and all(v.location == "path" for v in failure.violations):
                header = violations_header(request_items(failure.violations))
                raise PathMismatch("notFound", NOT_FOUND, headers=[header],
                                   reasons=failure.violations) from None
            raise

    def _invalid(self, operation: Operation, request: Request, error: ApiError
                 ) -> Response | None:
        """The answer to a request that fails validation: the document's own response for it
        where the document has one (a failed check: 422, else 400, else a `4XX` range or
        `default`, as Prism looks for them; a refused media type: 415), its
        violations also in the `sl-violations` header. A contract that declares its error
        shapes (`x-specmock.errors` templates) keeps them; a path value that fits no
        parameter schema is a 404, the document's where it declares one; without either,
        problem+json:
        None, the error is to be rendered as such (with the header added)."""
        violations = getattr(error, "violations", None) or []
        if violations:
            error.headers = [*error.headers, violations_header(request_items(violations))]
        elif error.kind == "unsupportedMediaType":
            refused = violation_item("request", "/header/content-type", "mediaType", error.detail)
            error.headers = [*error.headers, violations_header([refused])]
        documented = error.body is None and (violations or error.kind != "badRequest")
        statuses = _DOCUMENTED_ERRORS.get(error.kind) if documented else None
        if statuses is None or self.contract.errors.own_shape:
            return None
        def own(status: int) -> dict[str, Any]:
            return self.contract.errors.problem(error, request, status)

        answer = operation.static.error_answer(
            statuses, preference_of(request), request.header("accept") or "*/*", own)
        if answer is None:
            return None
        outcome = BodyOutcome(answer.body, answer.status, answer.media_type,
                              tuple(answer.headers.items()))
        response = self._encode(operation, outcome, request)
        response.headers.extend(error.headers)
        return response

    @staticmethod
    def _run(operation: Operation, call: Call) -> Outcome:
        """The declared behaviour, unless `Prefer` (or `__code`, `__example`) asks for a
        documented response (as in Prism)."""
        if asks_for_answer(call.request) and not isinstance(operation.handler, StaticHandler):
            preference = preference_of(call.request)
            if preference.code is not None or preference.example is not None:
                return StaticHandler(operation.static)(call)
        return operation.handler(call)

    def _encode(self, operation: Operation, outcome: Outcome, request: Request) -> Response:
        if isinstance(outcome, EmptyOutcome):
            return Response(outcome.status, [], b"")
        headers: list[tuple[str, str]] = []
        representation = self.contract.representation
        accept = request.headers.get("accept", "")
        if isinstance(outcome, RecordOutcome):
            status = outcome.status
            headers.extend(outcome.headers)
            media_type, schema = self._answer_type(operation, status, accept)
            if media_type is None:
                return Response(status, headers, b"")
            if is_json(essence(media_type)):
                encoded = self._record_body(outcome, request)
            else:
                record = representation.record(outcome.collection, outcome.record, request)
                encoded = encode_body(record, media_type, schema, self.document)
            return Response(status, [("content-type", media_type), *headers], encoded)
        elif isinstance(outcome, ListOutcome):
            status, body = outcome.status, representation.listing(outcome, request)
            media_type, schema = self._answer_type(operation, status, accept)
            if outcome.page is not None:
                headers.append(("x-total-count", str(outcome.page.total)))
        else:
            assert isinstance(outcome, BodyOutcome)
            status, body = outcome.status, outcome.body
            headers.extend(outcome.headers)
            if outcome.media_type:
                media_type = with_charset(outcome.media_type)
                schema = _schema_of(operation.content_for(status), outcome.media_type)
            else:
                media_type, schema = self._answer_type(operation, status, accept)
        if media_type is None:
            return Response(status, headers, b"")
        encoded = encode_body(body, media_type, schema, self.document)
        return Response(status, [("content-type", media_type), *headers], encoded)

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

    def _answer_type(self, operation: Operation, status: int,
                     accept: str) -> tuple[str | None, Any]:
        """(Content-Type, schema) of a behaviour's answer: of the media types declared for the
        status, the best for `Accept` (the first declared when none fits: the behaviour has
        run, and an answer in a declared type beats none); None: no body. Remembered per
        operation, status and Accept value (operations live as long as we do)."""
        key = (id(operation), status, accept)
        known = self._media_types.get(key)
        if known is not None:
            return known
        content = operation.content_for(status)
        if not content:
            found: tuple[str | None, Any] = (operation.media_type_for(status), None)
        else:
            chosen = negotiate(list(content), accept or "*/*")
            media_key = chosen[1] if chosen else next(iter(content))
            answered = chosen[0] if chosen else media_key
            found = (with_charset(answered), content[media_key].get("schema"))
        if rememberable(accept):
            self._media_types.remember(key, found)
        return found

    def _refuse_unacceptable(self, operation: Operation, accept: str) -> None:
        """406 before a behaviour runs (so a refused create stores nothing) when no media type
        of the operation's success answers is acceptable. Static answers negotiate their own
        status's types (behaviours/static.py)."""
        if not accept or accept == "*/*" or isinstance(operation.handler, StaticHandler):
            return
        key = (id(operation), accept)
        declared = self._acceptable.get(key)
        if declared is None:
            types = _success_types(operation)
            declared = "" if not types or negotiate(types, accept) else ", ".join(types)
            if rememberable(accept):
                self._acceptable.remember(key, declared)
        if declared:
            raise ApiError("notAcceptable", f"{operation.operation_id} answers {declared}; "
                                            f"none is acceptable to Accept: {brief(accept, 200)}.",
                           status=406)

    def _not_found_detail(self, request: Request) -> str:
        templates = list(self.contract.routes)
        # Near misses are for paths a person typed; a client's 64 KiB path gets none.
        near = (difflib.get_close_matches(request.path, templates, n=3, cutoff=0.5)
                if rememberable(request.path) else [])
        hint = f" Closest paths in the contract: {', '.join(near)}." if near else ""
        return f"Not found: no path of the contract matches {brief(request.path, 200)}.{hint}"

    def _journal(
        self,
        request: Request,
        response: Response,
        operation: Operation | None,
        elapsed_ms: float,
        fault: dict[str, Any] | None = None,
    ) -> None:
        self.journal.add(
            self.clock.now(),
            request.method,
            request.path,
            request.query_string,
            response.status,
            elapsed_ms,
            operation.operation_id if operation else None,
            fault,
            request,
            response,
        )
        if access_log.isEnabledFor(_INFO):
            _log_access(request, response, elapsed_ms)


def _log_access(request: Request, response: Response, elapsed_ms: float) -> None:
    """One access-log line, through `logging` (its handlers and format decide the rest) but
    without the cost `Logger.info` adds per call: no walk up the stack for the caller's file
    and line (an access line names the request, not our source)."""
    query = f"?{request.query_string}" if request.query_string else ""
    status = response.status
    reason = reason_of(status, response.body) if 400 <= status < 500 else ""
    # The order is engine/access.py's ACCESS_FIELDS (the JSON log format reads it).
    args = (request.client or "-", request.method, request.path, query, status, elapsed_ms,
            f" - {reason}" if reason else "")
    record = access_log.makeRecord(
        access_log.name, _INFO, __file__, 0, _ACCESS_FORMAT, args, None, "access"
    )
    access_log.handle(record)


def _user_of(principal: Any) -> str | None:
    """Who an authenticated caller is, for per-user rates; None for anonymous."""
    if principal is None:
        return None
    if isinstance(principal, dict):
        for claim in ("user_id", "sub", "username"):
            if claim in principal:
                return str(principal[claim])
    return str(principal)


def _redirect(request: Request, location: str, how: dict[str, Any]) -> Response:
    """301 for reads (as Django's APPEND_SLASH); by default 308 for writes, keeping method and
    body. The contract's `trailingSlashRedirect` may choose other statuses (Django answers 301
    to every method, so a client's POST becomes a GET), a relative Location and a media type."""
    reading = request.method in ("GET", "HEAD")
    status = int(how.get("readStatus", 301) if reading else how.get("writeStatus", 308))
    query = f"?{request.query_string}" if request.query_string else ""
    base = "" if how.get("location") == "relative" else request.base_url
    headers = [("location", base + location + query)]
    if how.get("mediaType"):
        headers.append(("content-type", str(how["mediaType"])))
    return Response(status, headers, b"")


def _schema_of(content: dict[str, dict[str, Any]], media_type: str) -> Any:
    """The schema declared for `media_type` (exactly, else by the most specific range)."""
    wanted = essence(media_type)
    ranked = sorted(content, key=lambda k: essence(k).count("*"))
    key = next((k for k in ranked if in_range(essence(k), wanted)), None)
    return content[key].get("schema") if key is not None else None


def _success_types(operation: Operation) -> list[str]:
    """The media types of the operation's 2xx answers (of every answer, when none is 2xx)."""
    keys = [k for k in operation.contents if k.startswith("2")] or list(operation.contents)
    types: list[str] = []
    for key in keys:
        types.extend(t for t in operation.contents[key] if t not in types)
    return types

"""The admin API under `/__specmock/`: health, reset, state, journal, clock, faults, uploaded
files.

Reserved prefix, like WireMock's `/__admin`: tests and tools drive the mock through it.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import orjson

from specmock.behaviours.faults import FaultSpecError
from specmock.core.clock import LATEST_READING
from specmock.core.exchange import Request, Response
from specmock.core.limits import brief, whole_number
from specmock.core.problems import ApiError
from specmock.engine.errors import ErrorRenderer
from specmock.engine.journal_query import ACCEPTED as ACCEPTED_QUERY
from specmock.engine.journal_query import QueryError, compile_query

if TYPE_CHECKING:
    from specmock.engine.app import MockEngine

ADMIN_PREFIX = "/__specmock/"
ADMIN_TOKEN_HEADER = "x-specmock-token"
JSON = "application/json"
_READS = ("GET", "HEAD", "OPTIONS")


def _refuse_cross_site(request: Request) -> None:
    """Refuse an admin write a web page could make, so a page open in a browser on this machine
    cannot reset the mock or move its clock: one from another origin (Origin, Sec-Fetch-Site),
    and a browser's write whose body a form or a no-cors fetch could send (anything but JSON).
    Tools (curl, a test's HTTP client) send neither header and are not affected."""
    headers = request.headers
    origin = headers.get("origin")
    if headers.get("sec-fetch-site") in ("cross-site", "same-site") or (
            origin is not None
            and urlsplit(origin).netloc.lower() != headers.get("host", "").lower()):
        raise ApiError("forbidden", "Admin writes from another origin are refused: call the "
                       "admin API from a test or a tool, not from a web page.")
    from_browser = origin is not None or "sec-fetch-mode" in headers
    media_type = request.content_type
    if from_browser and media_type and media_type != JSON:
        raise ApiError("unsupportedMediaType",
                       f'Admin writes from a browser take "{JSON}" or no body, not '
                       f'"{media_type}".')


_CLOCK_COMMANDS = ('Send {"advance": seconds} (zero or more), {"freeze": true|false} or '
                   '{"reset": true}, alone or together.')


STATE_PAGE_MAX = 1000


def _bounded(query: dict[str, str], name: str, default: int, low: int,
             high: int | None) -> int:
    """A whole-number query parameter within [low, high], else a 400 saying so."""
    text = query.get(name)
    if text is None:
        return default
    value = whole_number(text)
    if value is None or value < low or (high is not None and value > high):
        most = f" and at most {high}" if high is not None else ""
        raise ApiError("badRequest", f"{name} must be a whole number of at least {low}{most}.",
                       pointer=f"/query/{name}")
    return value


def _json(body: Any, status: int = 200) -> Response:
    return Response(status, [("content-type", JSON)], orjson.dumps(body))


def _body(request: Request, accepted: str = "") -> Any:
    """The JSON body of an admin command ({} when empty); a 400 saying what is `accepted` when
    it is not JSON."""
    try:
        return orjson.loads(request.body or b"{}")
    except orjson.JSONDecodeError as exc:
        raise ApiError("badRequest", f"The body is not JSON: {exc}. {accepted}".rstrip(),
                       pointer="/body") from None


def _journal_query(request: Request) -> Callable[[tuple[Any, ...]], bool]:
    """The query in a find or count request; a 400 saying what is accepted when it is wrong."""
    query = _body(request, ACCEPTED_QUERY)
    try:
        return compile_query(query)
    except QueryError as error:
        raise ApiError("badRequest", str(error), pointer=error.pointer) from None


class AdminApi:
    """Routes admin requests; answers problem+json for anything it does not know."""

    def __init__(self, engine: MockEngine) -> None:
        self.engine = engine
        self.errors = ErrorRenderer(None)
        self.routes: dict[tuple[str, str], Callable[[Request], Response]] = {
            ("GET", "health"): self.health,
            ("POST", "reset"): self.reset,
            ("GET", "state"): self.state,
            ("GET", "journal"): self.journal,
            ("DELETE", "journal"): self.clear_journal,
            ("POST", "journal/find"): self.find_in_journal,
            ("POST", "journal/count"): self.count_in_journal,
            ("GET", "clock"): self.clock,
            ("POST", "clock"): self.change_clock,
            ("GET", "datasets"): self.datasets,
            ("GET", "stores"): self.stores,
            ("GET", "faults"): self.faults,
            ("POST", "faults"): self.add_faults,
            ("DELETE", "faults"): self.clear_faults,
        }

    def handle(self, request: Request) -> Response:
        """Answer one admin request; never raises."""
        name = request.path[len(ADMIN_PREFIX) :].strip("/")
        try:
            if request.method not in _READS:
                _refuse_cross_site(request)
            if name.startswith("files/"):
                self._guard_file(request)
                return self.file(request, name)
            if name != "health":
                self._guard(request)
            if name.startswith("faults/"):
                return self.remove_fault(request, name)
            handler = self.routes.get((request.method, name))
            if handler is None:
                allowed = sorted(m for m, n in self.routes if n == name)
                if allowed:
                    raise ApiError(
                        "methodNotAllowed",
                        f'Method "{request.method}" not allowed.',
                        headers=[("allow", ", ".join(allowed))],
                    )
                known = ", ".join(sorted({ADMIN_PREFIX + n for _, n in self.routes}))
                raise ApiError("notFound",
                               f"No admin endpoint {brief(request.path, 200)}; known: {known}.")
            return handler(request)
        except ApiError as error:
            return self.errors.render(error, request)

    def _guard(self, request: Request) -> None:
        """With an admin token (any bind off loopback), every admin call but the health check
        must carry it; compared in constant time."""
        token = self.engine.options.admin_token
        if token is None:
            return
        sent = request.headers.get(ADMIN_TOKEN_HEADER, "")
        if not hmac.compare_digest(sent.encode(), token.encode()):
            raise ApiError("unauthorized",
                           f"The admin API needs the header {ADMIN_TOKEN_HEADER} with the token "
                           "printed at start-up (or given with --admin-token).",
                           headers=[("www-authenticate", 'Token realm="specmock-admin"')])

    def _guard_file(self, request: Request) -> None:
        """With an admin token, an upload is read with the contract's own credentials (what
        its operations need) or with the admin token."""
        if self.engine.options.admin_token is None:
            return
        try:
            self._guard(request)
        except ApiError:
            contract = self.engine.contract
            contract.authenticator.check(request, contract.document_requirements)

    def health(self, request: Request) -> Response:
        """Liveness and what is being served."""
        contract = self.engine.contract
        operations = sum(len(m) for m in contract.routes.values())
        return _json({"status": "ok", "contract": contract.title, "operations": operations})

    def reset(self, request: Request) -> Response:
        """State back to the seed, journal cleared, clock back to real time."""
        self.engine.reset()
        return Response(204)

    def state(self, request: Request) -> Response:
        """Without `collection`: each collection's record count and the files kept. With
        `collection=NAME`: a page of its records (`offset`, `limit` up to 1000), in order.

        Paged because the whole state at a million aliquots was one 268 MB answer built while
        every other client waited."""
        state = self.engine.contract.state
        query = dict(request.query)
        name = query.get("collection")
        if name is None:
            return _json({
                "collections": {n: {"count": len(c)} for n, c in state.collections.items()},
                "files": state.files.describe()[:STATE_PAGE_MAX],
                "page": f"{ADMIN_PREFIX}state?collection=NAME&offset=0&limit={STATE_PAGE_MAX}",
            })
        if name not in state.collections:
            known = ", ".join(sorted(state.collections))
            raise ApiError("notFound", f"No collection {brief(name, 60)!r}; known: {known}.",
                           pointer="/query/collection")
        offset = _bounded(query, "offset", 0, 0, None)
        limit = _bounded(query, "limit", STATE_PAGE_MAX, 1, STATE_PAGE_MAX)
        collection = state.collection(name)
        return _json({"collection": name, "count": len(collection), "offset": offset,
                      "limit": limit, "records": collection.page(offset, limit)})

    def journal(self, request: Request) -> Response:
        """The request journal, oldest first, with how many older entries it dropped."""
        journal = self.engine.journal
        return _json({"entries": journal.entries(), "dropped": journal.dropped,
                      "maxEntries": journal.size})

    def find_in_journal(self, request: Request) -> Response:
        """The journal entries a query matches (journal_query.py), oldest first."""
        found = self.engine.journal.entries(_journal_query(request))
        return _json({"entries": found, "count": len(found),
                      "dropped": self.engine.journal.dropped})

    def count_in_journal(self, request: Request) -> Response:
        """How many journal entries a query matches."""
        return _json({"count": self.engine.journal.count(_journal_query(request)),
                      "dropped": self.engine.journal.dropped})

    def clear_journal(self, request: Request) -> Response:
        """Forget the journal."""
        self.engine.journal.clear()
        return Response(204)

    def clock(self, request: Request) -> Response:
        """The mock's current time, its offset from real time, and whether it is frozen."""
        clock = self.engine.clock
        return _json({"now": clock.now(), "offset": clock.offset, "frozen": clock.frozen})

    def change_clock(self, request: Request) -> Response:
        """`{"advance": seconds}`, `{"freeze": true}`, `{"freeze": false}` or `{"reset": true}`.

        The keys may be combined (reset first, then freeze, then advance). An empty command, a
        negative or non-finite advance, or one past the year 9999 is a 400 that says what is
        accepted, and changes nothing.
        """
        command = _body(request, _CLOCK_COMMANDS)
        if (not isinstance(command, dict) or not command
                or not command.keys() <= {"advance", "freeze", "reset"}):
            raise ApiError("badRequest", _CLOCK_COMMANDS, pointer="/body")
        advance = command.get("advance", 0)
        if isinstance(advance, bool) or not isinstance(advance, (int, float)) or advance < 0:
            raise ApiError("badRequest",
                           "advance must be a number of seconds, zero or more (the clock only "
                           "moves forward; reset it with {\"reset\": true}).",
                           pointer="/body/advance")
        clock = self.engine.clock
        if advance and not 0 <= clock.now() + advance <= LATEST_READING:
            raise ApiError("badRequest", f"advance {advance} would move the clock past the "
                           "year 9999.", pointer="/body/advance")
        if command.get("reset"):
            clock.reset()
        if "freeze" in command:
            clock.freeze() if command["freeze"] else clock.unfreeze()
        if advance:
            clock.advance(advance)
        return self.clock(request)

    def stores(self, request: Request) -> Response:
        """Each bounded store against its bound: uploaded files, data sets, the journal."""
        files = self.engine.contract.state.files
        cache = self.engine.contract.datasets
        journal = self.engine.journal
        return _json({
            "files": {"count": len(files), "bytes": files.bytes, "maxBytes": files.max_bytes},
            "datasets": None if cache is None else {
                "count": cache.count, "maxSets": cache.max_sets,
                "bytes": cache.bytes, "maxBytes": cache.max_bytes},
            "journal": {"count": len(journal), "maxEntries": journal.size,
                        "dropped": journal.dropped},
        })

    def datasets(self, request: Request) -> Response:
        """How many data sets are cached and the memory they hold, against their bounds."""
        cache = self.engine.contract.datasets
        if cache is None:
            return _json({"enabled": False})
        return _json(
            {
                "enabled": True,
                "count": cache.count,
                "bytes": cache.bytes,
                "maxSets": cache.max_sets,
                "maxBytes": cache.max_bytes,
                "ttl": cache.ttl,
            }
        )

    def faults(self, request: Request) -> Response:
        """The fault rules in force, in the order they are tried (runtime ones first)."""
        return _json({"faults": [rule.describe() for rule in self.engine.faults.rules()]})

    def add_faults(self, request: Request) -> Response:
        """Put fault rules in force: one rule object, or `{"faults": [rule, ...]}` (the
        contract's `x-specmock.faults` syntax); all or none. 201 with the rules and their ids."""
        body = _body(request)
        specs = body.get("faults") if isinstance(body, dict) and "faults" in body else [body]
        if not isinstance(specs, list):
            raise ApiError("badRequest", "faults must be a list of rules.", pointer="/body/faults")
        try:
            rules = self.engine.faults.add(specs)
        except FaultSpecError as error:
            raise ApiError(
                "badRequest", f"Not a fault rule: {error}.", pointer="/body" + error.pointer
            ) from None
        return _json({"faults": [rule.describe() for rule in rules]}, 201)

    def clear_faults(self, request: Request) -> Response:
        """Take every rule set through this API out of force (the contract's stay)."""
        self.engine.faults.clear()
        return Response(204)

    def remove_fault(self, request: Request, name: str) -> Response:
        """`DELETE /__specmock/faults/<id>`: take one rule set through this API out of force."""
        if request.method != "DELETE":
            raise ApiError(
                "methodNotAllowed",
                f'Method "{request.method}" not allowed.',
                headers=[("allow", "DELETE")],
            )
        rule_id = name.partition("/")[2]
        if not rule_id.isdigit() or not self.engine.faults.remove(int(rule_id)):
            raise ApiError("notFound", f"No fault rule set at run time with id {rule_id!r}.")
        return Response(204)

    def file(self, request: Request, name: str) -> Response:
        """The bytes of an uploaded file, with its content type."""
        if request.method not in ("GET", "HEAD"):
            raise ApiError(
                "methodNotAllowed",
                f'Method "{request.method}" not allowed.',
                headers=[("allow", "GET, HEAD")],
            )
        parts = name.split("/")
        stored = self.engine.contract.state.files.get(parts[1]) if len(parts) >= 2 else None
        if stored is None:
            raise ApiError("notFound", f"No uploaded file at {brief(request.path, 200)}.")
        body = b"" if request.method == "HEAD" else stored.data
        return Response(
            200,
            [
                ("content-type", stored.content_type or "application/octet-stream"),
                ("content-length", str(len(stored.data))),
            ],
            body,
        )

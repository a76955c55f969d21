"""The admin API under `/__specmock/`: health, reset, state, journal, clock, faults, uploaded
files.

Reserved prefix, like WireMock's `/__admin`: tests and tools drive the mock through it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson

from mockserver.behaviours.faults import FaultSpecError
from mockserver.core.exchange import Request, Response
from mockserver.core.problems import ApiError
from mockserver.engine.errors import ErrorRenderer

if TYPE_CHECKING:
    from mockserver.engine.app import MockEngine

ADMIN_PREFIX = "/__specmock/"
JSON = "application/json"


def _json(body: Any, status: int = 200) -> Response:
    return Response(status, [("content-type", JSON)], orjson.dumps(body))


def _body(request: Request) -> Any:
    try:
        return orjson.loads(request.body or b"{}")
    except orjson.JSONDecodeError as exc:
        raise ApiError("badRequest", f"The body is not JSON: {exc}.", pointer="/body") from None


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
            ("GET", "clock"): self.clock,
            ("POST", "clock"): self.change_clock,
            ("GET", "datasets"): self.datasets,
            ("GET", "faults"): self.faults,
            ("POST", "faults"): self.add_faults,
            ("DELETE", "faults"): self.clear_faults,
        }

    def handle(self, request: Request) -> Response:
        """Answer one admin request; never raises."""
        name = request.path[len(ADMIN_PREFIX) :].strip("/")
        try:
            if name.startswith("files/"):
                return self.file(request, name)
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
                raise ApiError("notFound", f"No admin endpoint {request.path}; known: {known}.")
            return handler(request)
        except ApiError as error:
            return self.errors.render(error, request)

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
        """Every record of every collection and the uploaded files' metadata."""
        return _json(self.engine.contract.state.dump())

    def journal(self, request: Request) -> Response:
        """The request journal, oldest first."""
        return _json({"entries": self.engine.journal.entries()})

    def clear_journal(self, request: Request) -> Response:
        """Forget the journal."""
        self.engine.journal.clear()
        return Response(204)

    def clock(self, request: Request) -> Response:
        """The mock's current time, its offset from real time, and whether it is frozen."""
        clock = self.engine.clock
        return _json({"now": clock.now(), "offset": clock.offset, "frozen": clock.frozen})

    def change_clock(self, request: Request) -> Response:
        """`{"advance": seconds}`, `{"freeze": true}`, `{"freeze": false}` or `{"reset": true}`."""
        command = _body(request)
        if not isinstance(command, dict) or not command.keys() <= {"advance", "freeze", "reset"}:
            raise ApiError(
                "badRequest",
                'Send {"advance": seconds}, {"freeze": true|false} or {"reset": true}.',
                pointer="/body",
            )
        clock = self.engine.clock
        if command.get("reset"):
            clock.reset()
        advance = command.get("advance", 0)
        if isinstance(advance, bool) or not isinstance(advance, (int, float)):
            raise ApiError(
                "badRequest", "advance must be a number of seconds.", pointer="/body/advance"
            )
        if "freeze" in command:
            clock.freeze() if command["freeze"] else clock.unfreeze()
        if advance:
            clock.advance(advance)
        return self.clock(request)

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
            raise ApiError("notFound", f"No uploaded file at {request.path}.")
        body = b"" if request.method == "HEAD" else stored.data
        return Response(
            200,
            [
                ("content-type", stored.content_type or "application/octet-stream"),
                ("content-length", str(len(stored.data))),
            ],
            body,
        )

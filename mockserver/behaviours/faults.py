"""Faults: a closed set of ways an answer goes wrong, decided per request before the behaviour.

WireMock's `Fault` is the model: besides delays, a fault is one of

- `error`: an error answer with a chosen status (500, 502, 503 or 429, the last two with
  `Retry-After`) in the contract's error shape;
- `reset`: the connection closed with a TCP RST, nothing sent;
- `empty`: the connection closed, nothing sent;
- `garbage`: random bytes (from the seeded source), then close;
- `brokenChunk`: a chunked answer whose chunk size line is broken, then close;
- `slowBody`: the real answer, its body paced at `bytesPerSecond`;
- `noAnswer`: nothing sent until the client gives up.

and any rule may add latency (`fixed`, `uniform` or `lognormal`, in milliseconds). A rule
applies to operations, path patterns (shell-style globs), methods, or everything, with a
probability drawn from the mock's seeded random source. Rules come from the contract
(`x-specmock.faults`), from the admin API (`/__specmock/faults`) and per request from
`Prefer: fault=...`.

The engine decides; the HTTP adapter executes (the response's `Wire`). A fault other than
latency or a slow body means the behaviour does not run, so a failed create stores nothing.
"""

from __future__ import annotations

import itertools
import math
import random
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, TypeGuard

from specmock.behaviours.prefer import preference_values
from specmock.behaviours.throttle import DEFAULT_DETAIL as THROTTLE_DETAIL
from specmock.behaviours.throttle import too_many_requests
from specmock.core.exchange import Request, Response, Wire
from specmock.core.problems import ApiError

FAULTS = ("error", "reset", "empty", "garbage", "brokenChunk", "slowBody", "noAnswer")
# The statuses an `error` fault answers with, and the error kind that renders each.
ERROR_KINDS: dict[int, str] = {
    500: "serverError",
    502: "badGateway",
    503: "serviceUnavailable",
    429: "tooManyRequests",
}
# Faults after which the behaviour still runs (the client gets the real answer, late or slowly).
_ANSWERING = frozenset({None, "slowBody"})
# Faults that send no HTTP status at all (journalled with status 0).
_NO_STATUS = frozenset({"reset", "empty", "garbage", "noAnswer"})
_RULE_KEYS = frozenset(
    {"name", "operations", "paths", "methods", "probability", "latency", "fault", "status",
     "retryAfter", "bytesPerSecond", "hold"}
)
GARBAGE_BYTES = 64
# A slow body goes out in about this many pieces a second (fewer for small rates).
PIECES_PER_SECOND = 10


class FaultSpecError(ValueError):
    """A fault rule that cannot mean anything. Seen by: the linter's caller, the admin API
    (a 400) and `Prefer` (a 400); `pointer` is relative to the rule."""

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(f"{pointer or '/'}: {message}")
        self.pointer, self.message = pointer, message


@dataclass(frozen=True, slots=True)
class Latency:
    """A delay distribution in milliseconds: fixed `a`; uniform in [a, b]; lognormal with
    median `a` and shape `b` (sigma)."""

    kind: str
    a: float
    b: float = 0.0

    def sample(self, rng: random.Random) -> float:
        """One delay in seconds."""
        if self.kind == "fixed":
            ms = self.a
        elif self.kind == "uniform":
            ms = rng.uniform(self.a, self.b)
        else:
            ms = rng.lognormvariate(math.log(self.a), self.b)
        return max(ms, 0.0) / 1000

    def describe(self) -> dict[str, Any]:
        """The declaration this was read from."""
        if self.kind == "fixed":
            return {"fixed": self.a}
        if self.kind == "uniform":
            return {"uniform": {"min": self.a, "max": self.b}}
        return {"lognormal": {"median": self.a, "sigma": self.b}}


@dataclass(frozen=True, slots=True)
class Matcher:
    """Which requests a rule applies to; None: any."""

    operations: frozenset[str] | None = None
    paths: tuple[str, ...] | None = None
    methods: frozenset[str] | None = None

    def matches(self, method: str, path: str, operation_id: str | None) -> bool:
        """Whether a request with this method, path and operation (if routed) is concerned."""
        if self.methods is not None and method not in self.methods:
            return False
        if self.operations is not None and operation_id not in self.operations:
            return False
        return self.paths is None or any(fnmatchcase(path, p) for p in self.paths)


@dataclass(frozen=True, slots=True)
class FaultRule:
    """One declared fault: where, how likely, what."""

    id: int
    source: str  # contract | admin | prefer
    name: str
    matcher: Matcher
    probability: float
    latency: Latency | None
    fault: str | None
    status: int
    retry_after: int | None
    bytes_per_second: int
    hold: float
    spec: Mapping[str, Any]

    def describe(self) -> dict[str, Any]:
        """The rule as the admin API lists it."""
        return {"id": self.id, "source": self.source, **self.spec}


@dataclass(frozen=True, slots=True)
class FaultPlan:
    """What the fault chosen for one request does to it."""

    rule: FaultRule
    delay: float  # seconds before anything is sent

    @property
    def runs_behaviour(self) -> bool:
        """Whether the request is answered as usual (latency, slow body) or not at all."""
        return self.rule.fault in _ANSWERING

    def error(self) -> ApiError:
        """The error answer of an `error` fault, in the contract's shape once rendered; a 429
        is the throttle's own answer (behaviours/throttle.py), so clients see one rate limit."""
        rule = self.rule
        if rule.status == 429:
            detail = f"Fault injected by specmock ({rule.name}): "
            return too_many_requests(rule.retry_after or 0, detail + THROTTLE_DETAIL)
        headers = [("retry-after", str(rule.retry_after))] if rule.retry_after is not None else []
        return ApiError(
            ERROR_KINDS[rule.status],
            f"Fault injected by specmock ({rule.name}): answering {rule.status}.",
            headers=headers,
            status=rule.status,
        )

    def placeholder(self) -> Response:
        """The response a wire fault replaces (what is journalled: 0 when no status is sent)."""
        status = 0 if self.rule.fault in _NO_STATUS else 200
        return Response(status)

    def deliver(self, response: Response, rng: random.Random) -> dict[str, Any]:
        """Set `response.wire` for the adapter; returns the journal's note of the fault."""
        rule = self.rule
        note: dict[str, Any] = {"rule": rule.id, "name": rule.name}
        note["fault"] = rule.fault or "latency"
        if self.delay:
            note["delay_ms"] = round(self.delay * 1000, 3)
        if rule.fault in (None, "error"):
            if self.delay:
                response.wire = Wire(delay=self.delay)
            if rule.fault == "error":
                note["status"] = rule.status
            return note
        if rule.fault == "slowBody":
            rate = rule.bytes_per_second
            chunk = max(1, rate // PIECES_PER_SECOND)
            pieces = -(-len(response.body) // chunk)
            note["pacing"] = {
                "bytesPerSecond": rate,
                "chunkBytes": chunk,
                "pieces": pieces,
                "intervalMs": round(chunk / rate * 1000, 3),
                "plannedMs": round(len(response.body) / rate * 1000, 3),
            }
            response.wire = Wire(self.delay, "slowBody", bytes_per_second=rate, chunk=chunk)
            return note
        garbage = rng.randbytes(GARBAGE_BYTES) if rule.fault == "garbage" else b""
        response.wire = Wire(self.delay, rule.fault or "answer", garbage=garbage, hold=rule.hold)
        return note


class Faults:
    """The rules in force (runtime ones first, then the contract's) and the seeded source.

    Thread-safe: the admin API and requests may come from different threads (pytest plugin).
    """

    def __init__(self, declared: Iterable[Mapping[str, Any]] = (), seed: int = 0) -> None:
        self._ids = itertools.count(1)
        self._seed = seed
        self.rng = random.Random(f"faults:{seed}")
        self._lock = threading.Lock()
        self.declared = tuple(parse_rule(spec, next(self._ids), "contract") for spec in declared)
        self._runtime: list[FaultRule] = []
        # Whether any rule is in force (else only `Prefer` can choose a fault): read on every
        # request, so kept as a plain attribute, updated when the rules change.
        self.armed = bool(self.declared)

    def rules(self) -> list[FaultRule]:
        """Every rule in force, in the order they are tried."""
        with self._lock:
            return [*self._runtime, *self.declared]

    def add(self, specs: Iterable[Mapping[str, Any]]) -> list[FaultRule]:
        """Parse and put in force (before the others); all or none (FaultSpecError)."""
        with self._lock:
            rules = [parse_rule(spec, next(self._ids), "admin") for spec in specs]
            self._runtime[:0] = rules
            self.armed = bool(self.declared or self._runtime)
            return rules

    def remove(self, rule_id: int) -> bool:
        """Take one runtime rule out of force; whether it was there."""
        with self._lock:
            kept = [r for r in self._runtime if r.id != rule_id]
            found = len(kept) != len(self._runtime)
            self._runtime = kept
            self.armed = bool(self.declared or self._runtime)
            return found

    def clear(self) -> None:
        """Take every runtime rule out of force (the contract's stay)."""
        with self._lock:
            self._runtime = []
            self.armed = bool(self.declared)

    def reset(self) -> None:
        """Runtime rules cleared and the random source back to its seed."""
        with self._lock:
            self._runtime = []
            self.armed = bool(self.declared)
            self.rng = random.Random(f"faults:{self._seed}")

    def decide(self, request: Request, operation_id: str | None) -> FaultPlan | None:
        """The fault for this request: the one `Prefer` asks for, else the first rule that
        applies and fires. Raises ApiError (badRequest) for a `Prefer` fault that means nothing."""
        prefer = request.headers.get("prefer")
        if prefer and ("fault" in prefer.lower() or "latency" in prefer.lower()):
            chosen = self._preferred(prefer)
            if chosen is not None:
                return FaultPlan(chosen, chosen.latency.sample(self.rng) if chosen.latency else 0.0)
        for rule in self.rules():
            if not rule.matcher.matches(request.method, request.path, operation_id):
                continue
            with self._lock:
                fires = rule.probability >= 1 or self.rng.random() < rule.probability
                delay = rule.latency.sample(self.rng) if fires and rule.latency else 0.0
            if fires:
                return FaultPlan(rule, delay)
        return None

    def _preferred(self, header: str) -> FaultRule | None:
        values = preference_values(header)
        spec = _prefer_spec(values)
        if not spec:
            return None
        try:
            return parse_rule(spec, 0, "prefer")
        except FaultSpecError as error:
            raise ApiError(
                "badRequest", f"Prefer: {error.message}", field="Prefer", pointer="/header/Prefer"
            ) from None


def _prefer_spec(values: Mapping[str, str | None]) -> dict[str, Any]:
    """A rule from `Prefer: fault=reset|503|slowBody.., latency=ms, retry-after=s,
    bytes-per-second=n`."""
    spec: dict[str, Any] = {"name": "Prefer"}
    fault = values.get("fault")
    if fault:
        if fault.isdigit():
            spec.update(fault="error", status=int(fault))
        else:
            spec["fault"] = fault
    for name, key in (("latency", "latency"), ("retry-after", "retryAfter"),
                      ("bytes-per-second", "bytesPerSecond")):
        value = values.get(name)
        if value is None:
            continue
        if not value.isdigit():
            raise ApiError("badRequest", f"Prefer: {name} must be a whole number, got {value!r}.",
                           field="Prefer", pointer="/header/Prefer")
        spec[key] = {"fixed": int(value)} if key == "latency" else int(value)
    return spec if len(spec) > 1 else {}


def parse_rule(spec: Mapping[str, Any], rule_id: int, source: str) -> FaultRule:
    """A `FaultRule` from its declaration (see extensions.schema.yaml `$defs/fault`)."""
    if not isinstance(spec, Mapping):
        raise FaultSpecError("", "a fault rule is an object")
    unknown = sorted(set(spec) - _RULE_KEYS)
    if unknown:
        known = ", ".join(sorted(_RULE_KEYS))
        raise FaultSpecError(f"/{unknown[0]}", f"unknown key; known: {known}")
    fault = spec.get("fault")
    if fault is not None and fault not in FAULTS:
        raise FaultSpecError("/fault", f"{fault!r} is not a fault; one of {', '.join(FAULTS)}")
    latency = _latency(spec["latency"]) if "latency" in spec else None
    if fault is None and latency is None:
        raise FaultSpecError("", "a rule needs a fault, a latency or both")
    status = spec.get("status", 503 if fault == "error" else 0)
    if fault == "error" and status not in ERROR_KINDS:
        raise FaultSpecError("/status", f"an error fault answers one of {sorted(ERROR_KINDS)}")
    retry_after = spec.get("retryAfter", 1 if status == 429 else None)
    _whole(retry_after, "/retryAfter", allow_none=True)
    rate = spec.get("bytesPerSecond", 1024 if fault == "slowBody" else 0)
    _whole(rate, "/bytesPerSecond", minimum=1 if fault == "slowBody" else 0)
    probability = spec.get("probability", 1.0)
    if isinstance(probability, bool) or not isinstance(probability, (int, float)) or not (
        0 <= probability <= 1
    ):
        raise FaultSpecError("/probability", "a number from 0 to 1")
    hold = spec.get("hold", 300)
    if isinstance(hold, bool) or not isinstance(hold, (int, float)) or hold <= 0:
        raise FaultSpecError("/hold", "a positive number of seconds")
    return FaultRule(
        id=rule_id,
        source=source,
        name=str(spec.get("name") or f"{fault or 'latency'}#{rule_id}"),
        matcher=_matcher(spec),
        probability=float(probability),
        latency=latency,
        fault=fault,
        status=int(status),
        retry_after=retry_after,
        bytes_per_second=int(rate),
        hold=float(hold),
        spec=dict(spec),
    )


def _whole(value: Any, pointer: str, minimum: int = 0, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise FaultSpecError(pointer, f"a whole number of at least {minimum}")


def _strings(spec: Mapping[str, Any], key: str) -> list[str] | None:
    value = spec.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or not value:
        raise FaultSpecError(f"/{key}", "a non-empty list of strings")
    return value


def _matcher(spec: Mapping[str, Any]) -> Matcher:
    operations, paths, methods = (_strings(spec, k) for k in ("operations", "paths", "methods"))
    return Matcher(
        frozenset(operations) if operations is not None else None,
        tuple(paths) if paths is not None else None,
        frozenset(m.upper() for m in methods) if methods is not None else None,
    )


def _latency(spec: Any) -> Latency:
    if isinstance(spec, Mapping) and len(spec) == 1:
        ((kind, value),) = spec.items()
        if kind == "fixed" and _number(value, 0):
            return Latency("fixed", float(value))
        if kind == "uniform" and isinstance(value, Mapping):
            low, high = value.get("min"), value.get("max")
            if _number(low, 0) and _number(high, 0) and low <= high:
                return Latency("uniform", float(low), float(high))
        if kind == "lognormal" and isinstance(value, Mapping):
            median, sigma = value.get("median"), value.get("sigma", 0.25)
            if _number(median, 0) and median > 0 and _number(sigma, 0):
                return Latency("lognormal", float(median), float(sigma))
    raise FaultSpecError(
        "/latency",
        "one of {fixed: ms}, {uniform: {min: ms, max: ms}}, {lognormal: {median: ms, sigma: s}}",
    )


def _number(value: Any, minimum: float) -> TypeGuard[float]:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and value >= minimum

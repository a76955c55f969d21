"""Request throttling as declared by a contract: rates per scope, counted on the injected clock.

A contract declares scopes (root `x-specmock.throttle`, docs/extensions.md), each a rate such as
`10/day` that applies to anonymous or authenticated callers, or to some methods only, and is
counted per key (the client address, or the user for authenticated callers). Each scope keeps
the times of the requests it let through within its window (a sliding window, as DRF's
`SimpleRateThrottle`); a request is refused when any scope that applies is full, and the answer
says how long to wait. Every scope that applies counts a request it lets through, even when
another scope refuses it, as DRF does.

`too_many_requests` is the 429 error with `Retry-After` on its own, so other behaviours (fault
injection) answer throttling the same way.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from specmock.core.clock import Clock
from specmock.core.problems import ApiError

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
DEFAULT_DETAIL = "Request was throttled. Expected available in {wait} seconds."


class RateError(ValueError):
    """A rate that is not `<count>/<period>`."""


def parse_rate(rate: str) -> tuple[int, int]:
    """`"10/day"` -> (10, 86400): requests allowed and window seconds (period by first letter:
    s, m, h, d, as DRF reads it; `"5/10s"` is 5 per 10 seconds)."""
    count_text, _, period = rate.partition("/")
    try:
        count = int(count_text)
    except ValueError:
        raise RateError(f"rate {rate!r}: the count before '/' is not an integer") from None
    digits = "".join(ch for ch in period if ch.isdigit())
    unit = period[len(digits) :][:1].lower()
    if count < 0 or unit not in PERIODS:
        raise RateError(f"rate {rate!r}: expected <count>/<period>, period one of s, m, h, d")
    return count, (int(digits) if digits else 1) * PERIODS[unit]


def too_many_requests(wait_seconds: float, detail: str = DEFAULT_DETAIL) -> ApiError:
    """The 429 answer: `detail` with `{wait}` filled (whole seconds) and `Retry-After`."""
    wait = max(0, math.ceil(wait_seconds))
    return ApiError(
        "tooManyRequests", detail.format(wait=wait), headers=[("retry-after", str(wait))]
    )


@dataclass(frozen=True)
class Scope:
    """One declared rate: who it applies to, which methods, and how it keys callers."""

    name: str
    count: int
    window: int
    who: str = "everyone"  # anonymous | authenticated | everyone
    methods: frozenset[str] = frozenset()  # empty: every method
    key: str = "client"  # client | user (authenticated callers by user, others by client)

    @classmethod
    def from_contract(cls, name: str, spec: Mapping[str, Any]) -> Scope:
        """One entry of `throttle.scopes`."""
        count, window = parse_rate(str(spec["rate"]))
        return cls(
            name=name,
            count=count,
            window=window,
            who=spec.get("who", "everyone"),
            methods=frozenset(m.upper() for m in spec.get("methods", ())),
            key=spec.get("key", "client"),
        )

    def applies(self, method: str, authenticated: bool) -> bool:
        """Whether this scope counts a `method` request from such a caller."""
        if self.methods and method not in self.methods:
            return False
        if self.who == "anonymous":
            return not authenticated
        if self.who == "authenticated":
            return authenticated
        return True

    def ident(self, client: str, user: str | None) -> str:
        """The key this scope counts the caller under."""
        if self.key == "user" and user is not None:
            return f"user:{user}"
        return f"client:{client}"


@dataclass
class Throttle:
    """Every scope's request history; `check` lets a request through or raises the 429."""

    scopes: tuple[Scope, ...]
    clock: Clock
    detail: str = DEFAULT_DETAIL
    enabled: bool = True
    _history: dict[tuple[str, str], deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_contract(
        cls, spec: Mapping[str, Any] | None, clock: Clock, enabled: bool = True
    ) -> Throttle:
        """The root `x-specmock.throttle` object (None: no scopes, nothing is throttled)."""
        spec = spec or {}
        scopes = tuple(Scope.from_contract(n, s) for n, s in spec.get("scopes", {}).items())
        return cls(scopes, clock, spec.get("detail", DEFAULT_DETAIL), enabled)

    def check(self, method: str, client: str, user: str | None) -> None:
        """Count the request in every scope that applies; raise 429 if one of them is full."""
        if not self.enabled or not self.scopes:
            return
        now = self.clock.now()
        waits: list[float] = []
        with self._lock:
            for scope in self._applying(method, user is not None):
                history = self._history.setdefault(
                    (scope.name, scope.ident(client, user)), deque()
                )
                while history and history[0] <= now - scope.window:
                    history.popleft()
                if len(history) >= scope.count:
                    waits.append(_wait(scope, history, now))
                else:
                    history.append(now)
        if waits:
            raise too_many_requests(max(waits), self.detail)

    def reset(self) -> None:
        """Forget every request counted (the admin API's reset)."""
        with self._lock:
            self._history.clear()

    def _applying(self, method: str, authenticated: bool) -> Iterable[Scope]:
        return (s for s in self.scopes if s.applies(method, authenticated))


def _wait(scope: Scope, history: deque[float], now: float) -> float:
    """Seconds until the scope lets a request through again, as DRF estimates it: the rest of
    the oldest request's window spread over the requests that will then be free."""
    if not history:
        return float(scope.window)
    remaining = scope.window - (now - history[0])
    available = scope.count - len(history) + 1
    return remaining / available if available > 0 else remaining

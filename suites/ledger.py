"""Token requests of a suite run, counted against the target's budget.

A real deployment throttles its token endpoints (DMLF: 10 anonymous requests a day per client
address, obtain and refresh together), so a run logs in once and shares the tokens between
every test of a contract, refreshes instead of logging in again, and makes negative credential
checks only while the budget allows (keeping `RESERVE` requests for renewals). The budget is
`--token-budget N`, else the contract's `x-specmock.throttle` on a deployment (the bundled mock
runs without throttling: unlimited). A 429 is honoured: a short `Retry-After` is waited for,
a long one stops further token requests and skips what needed them, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

RESERVE = 2
"""Token requests kept back from negative checks so the run can still renew its tokens."""
MAX_RETRY_WAIT = 30.0
"""Longest Retry-After the suites wait for (seconds); longer ones stop the requests."""


@dataclass
class TokenLedger:
    """The token requests of one contract's target in this run, and its shared tokens."""

    budget: int | None = None
    source: str = "unlimited"
    used: int = 0
    by_purpose: dict[str, int] = field(default_factory=dict)
    access: str | None = field(default=None, repr=False)  # tokens never in a failure's locals
    refresh: str | None = field(default=None, repr=False)
    stale: bool = False
    stopped: str | None = None

    def available(self, reserve: int = 0) -> int | None:
        """How many more token requests may be made keeping `reserve` back (None: no limit)."""
        if self.stopped:
            return 0
        if self.budget is None:
            return None
        return max(0, self.budget - reserve - self.used)

    def allows(self, count: int = 1, reserve: int = RESERVE) -> bool:
        """Whether `count` more requests fit, keeping `reserve` back."""
        left = self.available(reserve)
        return left is None or left >= count

    def spend(self, purpose: str, reserve: int = 0) -> None:
        """Count one token request, or skip the test saying why it cannot be made."""
        __tracebackhide__ = True
        if self.stopped:
            pytest.skip(f"{purpose}: not made, {self.stopped}")
        if not self.allows(1, reserve):
            pytest.skip(
                f"{purpose}: not made, the token budget is spent ({self.used} of {self.budget} "
                f"token requests used, {reserve} kept for renewals; budget from {self.source})"
            )
        self.used += 1
        self.by_purpose[purpose] = self.by_purpose.get(purpose, 0) + 1

    def stop(self, reason: str) -> None:
        """No more token requests this run (a long Retry-After)."""
        self.stopped = self.stopped or reason

    def summary(self) -> str:
        """`3 token requests (login 1, refresh 2); budget 10 from ...`."""
        parts = ", ".join(f"{k} {v}" for k, v in sorted(self.by_purpose.items()))
        budget = f"budget {self.budget} from {self.source}" if self.budget else "no budget"
        stopped = f"; stopped: {self.stopped}" if self.stopped else ""
        return f"{self.used} token requests ({parts or 'none'}); {budget}{stopped}"

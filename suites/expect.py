"""Assertions that fail with evidence: the rule, what was sent and received, and a curl command."""

from __future__ import annotations

import warnings
from collections.abc import Collection, Sequence
from typing import NoReturn

from specmock.suites_support import ContractViolationError, Exchange, violation


def fail(
    rule: str,
    exchanges: Sequence[Exchange] = (),
    *,
    expected: str | None = None,
    found: str | None = None,
) -> NoReturn:
    """Raise a contract violation."""
    __tracebackhide__ = True
    raise ContractViolationError(violation(rule, exchanges, expected=expected, found=found))


def expect_status(exchange: Exchange, expected: int | Collection[int], rule: str) -> None:
    """The exchange's status is `expected` (one status or several)."""
    __tracebackhide__ = True
    allowed = {expected} if isinstance(expected, int) else set(expected)
    got = exchange.received.status if exchange.received else None
    if got not in allowed:
        wanted = " or ".join(str(s) for s in sorted(allowed))
        fail(rule, [exchange], expected=f"status {wanted}", found=f"status {got}")


def expect(condition: bool, rule: str, exchanges: Sequence[Exchange], **details: str) -> None:
    """`condition` holds, else the rule is broken (with `expected=`/`found=` details)."""
    __tracebackhide__ = True
    if not condition:
        fail(rule, exchanges, expected=details.get("expected"), found=details.get("found"))


class ContractWarning(UserWarning):
    """Something a deployment does that the contract does not state as a rule (reported as a
    pytest warning, never a failure)."""


def warn(rule: str, exchanges: Sequence[Exchange] = (), *, found: str | None = None) -> None:
    """Report what the contract does not rule on, with its evidence, as a warning."""
    request = exchanges[-1].sent if exchanges else None
    where = f" [{request.method} {request.url}]" if request is not None else ""
    detail = f": {found}" if found else ""
    message = f"not a contract rule, noted: {rule}{detail}{where}"
    warnings.warn(ContractWarning(message), stacklevel=2)

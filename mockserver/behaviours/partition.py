"""`partition`: split requested values into those whose record meets a rule and the rest.

Freezerworks' `aliquots/verifyAction`: every requested value lands in exactly one of the two
lists, `verified` or `notVerified`; a value naming no record is not verified.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from specmock.behaviours.outcomes import BodyOutcome, Call, Outcome
from specmock.behaviours.state import State
from specmock.core import pointers
from specmock.core.problems import ApiError
from specmock.core.templates import render_template


@dataclass(frozen=True)
class Partition:
    """Built from an operation's `partition` declaration."""

    state: State
    collection: str
    spec: dict[str, Any]
    respond: Any

    def __call__(self, call: Call) -> Outcome:
        values = pointers.resolve(call.body, self.spec["values"])
        field = pointers.resolve(call.body, self.spec["field"])
        rule_name = pointers.resolve(call.body, self.spec["rule"])
        rule = self.spec["rules"].get(rule_name)
        if rule is None:
            known = ", ".join(sorted(self.spec["rules"]))
            raise ApiError(
                "badRequest",
                f"Unknown {self.spec['rule'].lstrip('/')} {rule_name!r}; expected one of: {known}.",
                field=self.spec["rule"].lstrip("/"),
                pointer="/body" + self.spec["rule"],
            )
        if not isinstance(values, list):
            raise ApiError(
                "badRequest", "Expected a list of values.", pointer="/body" + self.spec["values"]
            )
        allowed = rule["in"]
        by_value = {str(r.get(field)): r for r in self.state.collection(self.collection)}
        verified: list[Any] = []
        not_verified: list[Any] = []
        for value in values:
            record = by_value.get(str(value))
            (
                verified
                if record is not None and record.get(rule["field"]) in allowed
                else not_verified
            ).append(value)
        return BodyOutcome(
            render_template(self.respond, {"verified": verified, "notVerified": not_verified})
        )

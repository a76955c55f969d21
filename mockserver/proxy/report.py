"""What the proxy saw: a bounded journal of exchanges with their violations, and the summary
printed on exit, where each distinct violation is reported once, with its rule and count."""

from __future__ import annotations

import re
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

from specmock.proxy.checks import Finding

# A distinct violation: where (operation or method and path), the answer's status, the rule and
# where in the message it is, array indices as `*` (the same field wrong in every item of a
# list is one violation, seen as often as it occurs).
_Key = tuple[str, int, str, str]
_INDEX = re.compile(r"/[0-9]+(?=/|$)")


@dataclass(frozen=True, slots=True)
class Exchange:
    """One forwarded request and its answer, as journalled."""

    time: float
    method: str
    path: str
    operation_id: str | None
    status: int
    duration_ms: float
    findings: tuple[Finding, ...]

    def as_dict(self) -> dict[str, Any]:
        """The journal entry the admin API lists."""
        return {
            "time": self.time,
            "method": self.method,
            "path": self.path,
            "operation_id": self.operation_id,
            "status": self.status,
            "duration_ms": round(self.duration_ms, 3),
            "violations": [
                {"rule": f.rule, "pointer": f.pointer, "message": f.message} for f in self.findings
            ],
        }


class ProxyReport:
    """The last `size` exchanges, and counts of every distinct violation since the start."""

    def __init__(self, size: int = 1000) -> None:
        self._entries: deque[Exchange] = deque(maxlen=size)
        self._distinct: dict[_Key, list[Any]] = {}  # key -> [count, first message]
        self.requests = 0
        self.violating = 0
        self._lock = threading.Lock()

    def add(self, exchange: Exchange) -> None:
        """Journal an exchange and count its violations."""
        where = exchange.operation_id or f"{exchange.method} {exchange.path}"
        with self._lock:
            self._entries.append(exchange)
            self.requests += 1
            self.violating += bool(exchange.findings)
            for f in exchange.findings:
                key = (where, exchange.status, f.rule, _INDEX.sub("/*", f.pointer))
                seen = self._distinct.setdefault(key, [0, f.message])
                seen[0] += 1

    def entries(self) -> list[dict[str, Any]]:
        """The journal, oldest first."""
        with self._lock:
            return [e.as_dict() for e in self._entries]

    def distinct(self) -> list[dict[str, Any]]:
        """Every distinct violation once, most frequent first."""
        with self._lock:
            counted = sorted(self._distinct.items(), key=lambda item: -item[1][0])
        return [
            {"where": where, "status": status, "rule": rule, "pointer": pointer,
             "message": message, "count": count}
            for (where, status, rule, pointer), (count, message) in counted
        ]

    def summary(self) -> str:
        """The lines printed when the proxy stops."""
        distinct = self.distinct()
        lines = [
            f"specmock proxy: {self.requests} request(s), {self.violating} with violations, "
            f"{len(distinct)} distinct violation(s)"
        ]
        for item in distinct:
            at = f" at {item['pointer']}" if item["pointer"] else ""
            lines.append(
                f"  {item['rule']}: {item['where']} -> {item['status']}{at}: {item['message']}"
                f" ({item['count']}x)"
            )
        return "\n".join(lines)

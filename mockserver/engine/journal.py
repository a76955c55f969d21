"""The request journal: a bounded record of what the mock was asked and what it answered.

Recording is on every request's path, so an entry is kept as a plain tuple of its fields (no
object built, nothing for the garbage collector to track) and only turned into a dict when the
journal is read.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

from mockserver.core.limits import brief

# How much of a request's path and of its query an entry keeps.
JOURNAL_URL_CHARS = 2048

_Row = tuple[float, str, str, str, int, float, "str | None", "dict[str, Any] | None"]


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One handled request."""

    time: float
    method: str
    path: str
    query: str
    status: int
    duration_ms: float
    operation_id: str | None
    fault: dict[str, Any] | None = None


# Every entry has these; `fault` is listed only on the entries of faulted requests.
_FIELDS = tuple(JournalEntry.__dataclass_fields__)[:-1]


class Journal:
    """The last `size` entries, oldest first (bounded: a long soak never grows it)."""

    def __init__(self, size: int = 1000) -> None:
        self.size = size
        self._entries: deque[_Row] = deque(maxlen=size)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def record(self, entry: JournalEntry) -> None:
        """Add an entry, dropping the oldest when full."""
        self.add(entry.time, entry.method, entry.path, entry.query, entry.status,
                 entry.duration_ms, entry.operation_id, entry.fault)

    def add(
        self,
        time: float,
        method: str,
        path: str,
        query: str,
        status: int,
        duration_ms: float,
        operation_id: str | None,
        fault: dict[str, Any] | None = None,
    ) -> None:
        """Add an entry from its fields (what `record` does, without building a `JournalEntry`);
        `duration_ms` is kept as measured and rounded to microseconds when read; `fault` is the
        note of a fault injected into this request (behaviours/faults.py)."""
        # A client chooses the URL's length; the journal keeps enough of it to recognise.
        row = (time, method, brief(path, JOURNAL_URL_CHARS), brief(query, JOURNAL_URL_CHARS),
               status, duration_ms, operation_id, fault)
        with self._lock:
            self._entries.append(row)

    def entries(self) -> list[dict[str, Any]]:
        """Every kept entry as a dict."""
        with self._lock:
            rows = list(self._entries)
        out = []
        for row in rows:
            entry: dict[str, Any] = dict(zip(_FIELDS, row[:7], strict=True))
            entry["duration_ms"] = round(row[5], 3)
            if row[7] is not None:
                entry["fault"] = row[7]
            out.append(entry)
        return out

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()

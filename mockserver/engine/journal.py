"""The request journal: a bounded record of what the mock was asked and what it answered."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any


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


class Journal:
    """The last `size` entries, oldest first (bounded: a long soak never grows it)."""

    def __init__(self, size: int = 1000) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=size)
        self._lock = threading.Lock()

    def record(self, entry: JournalEntry) -> None:
        """Add an entry, dropping the oldest when full."""
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[dict[str, Any]]:
        """Every kept entry as a dict."""
        with self._lock:
            return [asdict(e) for e in self._entries]

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()

"""State behind a store interface, so another backend can replace the in-memory one.

Records are plain JSON-like dicts keyed by their id. Order is creation order, which gives lists
a stable order across requests.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

Record = dict[str, Any]
RecordId = int | str


class Collection(Protocol):
    """One named set of records."""

    def get(self, record_id: RecordId) -> Record | None:
        """The record with this id, or None."""

    def put(self, record_id: RecordId, record: Record) -> None:
        """Create or replace a record (a new id goes to the end of the order)."""

    def delete(self, record_id: RecordId) -> bool:
        """Remove a record; False when there was none."""

    def __len__(self) -> int:
        """How many records there are."""

    def __iter__(self) -> Iterator[Record]:
        """The records in creation order."""

    def next_integer_id(self) -> int:
        """One more than the largest integer id ever stored here."""


class InMemoryCollection:
    """A dict in creation order, guarded by a lock for the threaded test server."""

    def __init__(self, records: Iterable[tuple[RecordId, Record]] = ()) -> None:
        self._records: dict[RecordId, Record] = {}
        self._lock = threading.RLock()
        self._max_int = 0
        for record_id, record in records:
            self.put(record_id, record)

    def get(self, record_id: RecordId) -> Record | None:
        """The record with this id, or None."""
        return self._records.get(record_id)

    def put(self, record_id: RecordId, record: Record) -> None:
        """Create or replace a record."""
        with self._lock:
            self._records[record_id] = record
            if isinstance(record_id, int) and record_id > self._max_int:
                self._max_int = record_id

    def delete(self, record_id: RecordId) -> bool:
        """Remove a record; False when there was none."""
        with self._lock:
            return self._records.pop(record_id, None) is not None

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[Record]:
        return iter(list(self._records.values()))

    def next_integer_id(self) -> int:
        """One more than the largest integer id ever stored (ids are never reused)."""
        with self._lock:
            self._max_int += 1
            return self._max_int

    def snapshot(self) -> list[Record]:
        """A deep copy of every record, for the admin API's state dump."""
        return copy.deepcopy(list(self._records.values()))

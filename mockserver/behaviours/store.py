"""State behind a store interface, so another backend can replace the in-memory one.

Records are plain JSON-like dicts keyed by their id, replaced (never mutated) on every write.
Order is creation order, which gives lists a stable order across requests.

The in-memory store keeps an append-only list of ids beside the records. Deleting only counts a
dead id; the list is compacted into a *new* list when next read in order. So a view taken of
the id list (a data set's snapshot) is never changed underneath it: pages of a million records
cost a slice, not a copy, and snapshots share storage with the live collection.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
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

    def ordered_ids(self) -> Sequence[RecordId]:
        """Every live id in creation order; callers must not mutate it, and it is not mutated
        under them except by appending (so a prefix of it is a stable snapshot)."""

    def next_integer_id(self) -> int:
        """One more than the largest integer id ever stored here."""


class InMemoryCollection:
    """Records in a dict, their order in an append-only id list; a lock guards writers.

    Fields named in `indexed` keep an index from value to the ids holding it, so a uniqueness
    check costs a lookup at a million records as at a thousand.
    """

    def __init__(self, records: Iterable[tuple[RecordId, Record]] = (),
                 indexed: Iterable[str] = ()) -> None:
        self._records: dict[RecordId, Record] = {}
        self._order: list[RecordId] = []
        self._dead: set[RecordId] = set()  # deleted ids still standing in _order
        self._lock = threading.RLock()
        self._max_int = 0
        self._indexes: dict[str, dict[Any, set[RecordId]]] = {name: {} for name in indexed}
        for record_id, record in records:
            self.put(record_id, record)

    def get(self, record_id: RecordId) -> Record | None:
        """The record with this id, or None."""
        return self._records.get(record_id)

    def put(self, record_id: RecordId, record: Record) -> None:
        """Create or replace a record."""
        with self._lock:
            old = self._records.get(record_id)
            if old is None:
                if record_id in self._dead:
                    self._compact()  # a re-created id must not stand twice in the order
                self._order.append(record_id)
            else:
                self._unindex(record_id, old)
            self._records[record_id] = record
            self._index(record_id, record)
            if isinstance(record_id, int) and record_id > self._max_int:
                self._max_int = record_id

    def delete(self, record_id: RecordId) -> bool:
        """Remove a record; False when there was none."""
        with self._lock:
            old = self._records.pop(record_id, None)
            if old is None:
                return False
            self._unindex(record_id, old)
            self._dead.add(record_id)
            return True

    def ids_with(self, name: str, value: Any) -> set[RecordId]:
        """Ids of the records whose field `name` equals `value` (`name` must be indexed)."""
        return set(self._indexes[name].get(_index_key(value), ()))

    def _index(self, record_id: RecordId, record: Record) -> None:
        for name, index in self._indexes.items():
            # A record without the field holds None there, as `record.get` reads it.
            index.setdefault(_index_key(record.get(name)), set()).add(record_id)

    def _unindex(self, record_id: RecordId, record: Record) -> None:
        for name, index in self._indexes.items():
            key = _index_key(record.get(name))
            holders = index.get(key)
            if holders is not None:
                holders.discard(record_id)
                if not holders:
                    del index[key]

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[Record]:
        records = self._records
        for record_id in self.ordered_ids():
            record = records.get(record_id)
            if record is not None:
                yield record

    def ordered_ids(self) -> Sequence[RecordId]:
        """Live ids in creation order (compacted into a new list after deletes)."""
        if self._dead:
            with self._lock:
                self._compact()
        return self._order

    def _compact(self) -> None:
        if self._dead:
            dead = self._dead
            # A new list: snapshots holding the old one keep their view intact.
            self._order = [i for i in self._order if i not in dead]
            self._dead = set()

    def select(self, predicate: Callable[[Record], bool]) -> list[RecordId]:
        """Ids of the records meeting `predicate`, in creation order (a new list)."""
        records = self._records
        return [i for i in self.ordered_ids() if (r := records.get(i)) is not None and predicate(r)]

    def page(self, start: int, limit: int) -> list[Record]:
        """Records `start` .. `start + limit` in creation order: a slice, not a scan."""
        records = self._records
        return [records[i] for i in self.ordered_ids()[start : start + limit] if i in records]

    def next_integer_id(self) -> int:
        """One more than the largest integer id ever stored (ids are never reused)."""
        with self._lock:
            self._max_int += 1
            return self._max_int

    def snapshot(self) -> list[Record]:
        """A deep copy of every record, for the admin API's state dump."""
        return copy.deepcopy(list(self))


def _index_key(value: Any) -> Any:
    """A hashable stand-in for a JSON value, equal exactly when the values are equal."""
    if isinstance(value, dict | list):
        return ("json", json.dumps(value, sort_keys=True, default=repr))
    try:
        hash(value)
    except TypeError:
        return ("repr", repr(value))
    return value

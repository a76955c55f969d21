"""Data-set ids: a paged query's result cached under an id, expiring, bounded.

The first paged request of a query gets a data-set id; later pages that send it are cut from
the same snapshot, so records created meanwhile do not shift pages. An id that expired, that
is unknown, or that was made for another query is not an error: the query runs again and a
new id is returned (the Freezerworks document's behaviour).

The cache is bounded by count and by an estimate of memory, least recently used first out,
and ids expire `ttl` seconds after creation on the injected clock. A snapshot of an unfiltered
list shares the collection's id list (a view bounded by its length); filtered results own a
list. Both are charged for what they keep alive: an owned list by itself, a shared one once
for all the sets that pin it. The collection replaces its list after deletes, so sets taken
before and after a delete pin different lists, and each such list counts until its last set
goes; without that, 1000 sets at a million records would pin gigabytes charged as nothing.
"""

from __future__ import annotations

import random
import threading
from collections import OrderedDict, deque
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from specmock.behaviours.store import RecordId
from specmock.core.clock import Clock

FIXED_COST = 256  # bytes: the entry, its key and its bookkeeping
ID_COST = 8  # bytes per id reference in an owned list


@dataclass(frozen=True, slots=True)
class DataSet:
    """One cached query result: the first `length` ids of `ids`."""

    dataset_id: str
    query: Hashable
    ids: Sequence[RecordId]
    length: int
    created: float
    cost: int
    shared: bool = False  # `ids` is the collection's list (charged once, in the cache)

    def window(self, start: int, limit: int) -> Sequence[RecordId]:
        """The ids of one page (never past the snapshot's length)."""
        return self.ids[start : min(start + limit, self.length)]


class DataSetCache:
    """Data sets by id, bounded by `max_sets` and `max_bytes`, expiring after `ttl` seconds."""

    def __init__(
        self,
        clock: Clock,
        ttl: float,
        max_sets: int,
        max_bytes: int,
        rng: random.Random | None = None,
    ) -> None:
        self.clock, self.ttl, self.max_sets, self.max_bytes = clock, ttl, max_sets, max_bytes
        self._rng = rng or random.Random()
        self._sets: OrderedDict[str, DataSet] = OrderedDict()  # least recently used first
        # Every set lives `ttl` from creation, so creation order is expiry order: expired sets
        # are dropped from the head of this queue, O(1) per set, without scanning the cache.
        # Only (created, id) pairs, rebuilt from the live sets when twice the bound: so sets the
        # LRU bound evicted are not kept alive here, and the queue itself stays bounded.
        self._by_creation: deque[tuple[float, str]] = deque()
        self._bytes = 0
        # Shared id lists by identity: [the sets pinning it, its cost]. The sets keep the list
        # alive, so its id() cannot be reused while it is a key here.
        self._pinned: dict[int, list[int]] = {}
        self._lock = threading.Lock()

    def find(self, dataset_id: str | None, query: Hashable) -> DataSet | None:
        """The live data set with this id made for this query, or None."""
        if not dataset_id:
            return None
        with self._lock:
            found = self._sets.get(dataset_id)
            if found is None:
                return None
            if self._expired(found):
                self._drop(dataset_id)
                return None
            if found.query != query:
                return None
            self._sets.move_to_end(dataset_id)
            return found

    def create(self, query: Hashable, ids: Sequence[RecordId], *, owned: bool) -> DataSet:
        """Cache a query result; `owned` says whether `ids` is a list made for it alone."""
        cost = FIXED_COST + (ID_COST * len(ids) if owned else 0)
        with self._lock:
            dataset = DataSet(self._new_id(), query, ids, len(ids), self.clock.now(), cost,
                              shared=not owned)
            self._sets[dataset.dataset_id] = dataset
            self._by_creation.append((dataset.created, dataset.dataset_id))
            self._bytes += cost + (self._pin(ids) if not owned else 0)
            self._evict()
            return dataset

    def clear(self) -> None:
        """Forget every data set."""
        with self._lock:
            self._sets.clear()
            self._by_creation.clear()
            self._pinned.clear()
            self._bytes = 0

    @property
    def count(self) -> int:
        """How many data sets are cached."""
        return len(self._sets)

    @property
    def bytes(self) -> int:
        """The estimated memory the cached data sets hold."""
        return self._bytes

    def _expired(self, dataset: DataSet) -> bool:
        return self.clock.now() >= dataset.created + self.ttl

    def _evict(self) -> None:
        queue, now = self._by_creation, self.clock.now()
        while queue and now >= queue[0][0] + self.ttl:
            self._drop(queue.popleft()[1])  # expired (or already evicted: dropping is a no-op)
        while self._sets and (len(self._sets) > self.max_sets or self._bytes > self.max_bytes):
            self._drop(next(iter(self._sets)))
        if len(queue) > 2 * self.max_sets:
            live = sorted((d.created, d.dataset_id) for d in self._sets.values())
            self._by_creation = deque(live)

    def _drop(self, dataset_id: str) -> None:
        dataset = self._sets.pop(dataset_id, None)
        if dataset is not None:
            self._bytes -= dataset.cost + (self._unpin(dataset.ids) if dataset.shared else 0)

    def _pin(self, ids: Sequence[RecordId]) -> int:
        """Count one more set pinning `ids`; the bytes newly charged (the list's, if first)."""
        entry = self._pinned.get(id(ids))
        if entry is not None:
            entry[0] += 1
            return 0
        cost = ID_COST * len(ids)
        self._pinned[id(ids)] = [1, cost]
        return cost

    def _unpin(self, ids: Sequence[RecordId]) -> int:
        """Count one set fewer pinning `ids`; the bytes freed (the list's, if it was the last)."""
        entry = self._pinned[id(ids)]
        entry[0] -= 1
        if entry[0]:
            return 0
        del self._pinned[id(ids)]
        return entry[1]

    def _new_id(self) -> str:
        while True:
            candidate = f"{self._rng.getrandbits(48):012x}"
            if candidate not in self._sets:
                return candidate

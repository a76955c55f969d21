"""The data-set cache: found by id and query, expiring on the clock, bounded, LRU."""

from __future__ import annotations

import random

from mockserver.behaviours.datasets import FIXED_COST, ID_COST, DataSetCache
from mockserver.core.clock import ControllableClock


def _cache(ttl: float = 300, max_sets: int = 100, max_bytes: int = 10**9) -> DataSetCache:
    return DataSetCache(
        ControllableClock(lambda: 1000.0), ttl, max_sets, max_bytes, random.Random(1)
    )


def test_a_data_set_is_found_by_its_id_for_its_query() -> None:
    cache = _cache()
    made = cache.create("q", [1, 2, 3], owned=True)
    assert cache.find(made.dataset_id, "q") is made


def test_an_unknown_id_finds_nothing() -> None:
    assert _cache().find("d3320a", "q") is None


def test_an_id_sent_with_another_query_finds_nothing() -> None:
    cache = _cache()
    made = cache.create("q", [1], owned=True)
    assert cache.find(made.dataset_id, "other") is None


def test_a_data_set_lives_until_its_ttl_then_expires() -> None:
    cache = _cache(ttl=300)
    made = cache.create("q", [1], owned=True)
    cache.clock.advance(299)  # type: ignore[attr-defined]
    assert cache.find(made.dataset_id, "q") is made
    cache.clock.advance(1)  # type: ignore[attr-defined]
    assert cache.find(made.dataset_id, "q") is None


def test_the_least_recently_used_set_goes_first_when_full() -> None:
    cache = _cache(max_sets=2)
    first, second = cache.create("a", [1], owned=True), cache.create("b", [2], owned=True)
    cache.find(first.dataset_id, "a")  # first is now the most recently used
    cache.create("c", [3], owned=True)
    assert cache.find(second.dataset_id, "b") is None
    assert cache.find(first.dataset_id, "a") is first


def test_owned_snapshots_count_their_ids_and_shared_ones_do_not() -> None:
    cache = _cache()
    cache.create("owned", list(range(1000)), owned=True)
    cache.create("shared", list(range(1000)), owned=False)
    assert cache.bytes == 2 * FIXED_COST + 1000 * ID_COST


def test_ten_thousand_distinct_data_sets_stay_under_the_bounds() -> None:
    # Given bounds of 1000 sets and 1 MiB
    cache = _cache(max_sets=1000, max_bytes=1024 * 1024)
    # When 10,000 distinct filtered queries each cache 200 ids
    for n in range(10_000):
        cache.create(("aliquots", n), list(range(200)), owned=True)
    # Then the cache never holds more than its bounds allow
    assert cache.count <= 1000
    assert cache.bytes <= 1024 * 1024


def test_ids_are_unique() -> None:
    cache = _cache(max_sets=5000)
    ids = {cache.create(n, [], owned=False).dataset_id for n in range(5000)}
    assert len(ids) == 5000


def test_the_expiry_queue_stays_bounded_under_many_creates() -> None:
    cache = _cache(max_sets=100)
    for n in range(5000):
        cache.create(n, [n], owned=True)
    assert len(cache._by_creation) <= 2 * 100 + 1

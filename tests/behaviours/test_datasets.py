"""The data-set cache: found by id and query, expiring on the clock, bounded, LRU."""

from __future__ import annotations

import random

from specmock.behaviours.datasets import FIXED_COST, ID_COST, DataSetCache
from specmock.core.clock import ControllableClock


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


def test_an_owned_snapshot_is_charged_for_its_ids() -> None:
    cache = _cache()
    cache.create("owned", list(range(1000)), owned=True)
    assert cache.bytes == FIXED_COST + 1000 * ID_COST


def test_a_shared_list_is_charged_once_for_all_the_sets_that_pin_it() -> None:
    # Given one collection id list
    live = list(range(1000))
    cache = _cache()

    # When three data sets are taken of it
    for query in ("a", "b", "c"):
        cache.create(query, live, owned=False)

    # Then the list counts once, each set its own bookkeeping
    assert cache.bytes == 3 * FIXED_COST + 1000 * ID_COST


def test_sets_pinning_different_lists_are_each_charged_for_theirs() -> None:
    # Given a set taken before a delete and one after (the collection made a new list)
    cache = _cache()
    cache.create("before", list(range(1000)), owned=False)
    cache.create("after", list(range(999)), owned=False)

    # Then both lists are kept alive, and both are charged
    assert cache.bytes == 2 * FIXED_COST + 1999 * ID_COST


def test_a_shared_lists_charge_goes_with_the_last_set_that_pins_it() -> None:
    # Given two sets sharing a list, in a cache of at most one set
    live = list(range(1000))
    cache = _cache(max_sets=1)
    cache.create("a", live, owned=False)
    cache.create("b", live, owned=False)  # evicts "a": the list is still pinned by "b"
    assert cache.bytes == FIXED_COST + 1000 * ID_COST

    # When the last one goes too
    cache.create("c", [], owned=True)

    # Then the list is no longer charged
    assert cache.bytes == FIXED_COST


def test_pinned_lists_after_deletes_are_bounded_by_max_bytes() -> None:
    # Given a 1 MiB cache over a collection whose list is replaced after every delete
    cache = _cache(max_sets=1000, max_bytes=1024 * 1024)

    # When 500 sets are each taken of a different 10,000-id list
    for n in range(500):
        cache.create(("q", n), list(range(10_000 - n)), owned=False)

    # Then old sets are evicted so the lists they pin stay within the bound
    assert cache.bytes <= 1024 * 1024
    assert cache.count < 500


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

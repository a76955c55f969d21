"""The in-memory collection: creation order, stable snapshots, slices instead of scans."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from specmock.behaviours.store import InMemoryCollection


def _collection(n: int) -> InMemoryCollection:
    return InMemoryCollection((i, {"id": i}) for i in range(1, n + 1))


def test_records_iterate_in_creation_order() -> None:
    store = InMemoryCollection([(3, {"id": 3}), (1, {"id": 1}), (2, {"id": 2})])
    assert [r["id"] for r in store] == [3, 1, 2]


def test_replacing_a_record_keeps_its_place() -> None:
    store = _collection(3)
    store.put(1, {"id": 1, "v": "new"})
    assert [r["id"] for r in store] == [1, 2, 3]


def test_a_page_is_a_slice_of_the_order() -> None:
    assert [r["id"] for r in _collection(100).page(40, 5)] == [41, 42, 43, 44, 45]


def test_a_taken_order_is_not_changed_by_later_creates() -> None:
    store = _collection(3)
    view, length = store.ordered_ids(), 3
    store.put(4, {"id": 4})
    assert list(view[:length]) == [1, 2, 3]


def test_a_taken_order_is_not_changed_by_later_deletes() -> None:
    # Given a view taken before a delete
    store = _collection(3)
    view = store.ordered_ids()
    store.delete(2)
    # When the store compacts its order
    assert list(store.ordered_ids()) == [1, 3]
    # Then the old view still holds what it held
    assert list(view) == [1, 2, 3]


def test_select_returns_matching_ids_in_order() -> None:
    assert _collection(10).select(lambda r: r["id"] % 3 == 0) == [3, 6, 9]


def test_integer_ids_are_never_reused() -> None:
    store = _collection(5)
    store.delete(5)
    assert store.next_integer_id() == 6


operations = st.lists(
    st.tuples(st.sampled_from(["put", "delete"]), st.integers(0, 20)), max_size=60
)


@given(operations)
def test_the_store_agrees_with_a_dict_model(ops: list[tuple[str, int]]) -> None:
    # Given any sequence of creates, replaces and deletes
    store: InMemoryCollection = InMemoryCollection()
    model: dict[int, dict[str, int]] = {}
    for version, (op, key) in enumerate(ops):
        if op == "put":
            record = {"id": key, "version": version}
            store.put(key, record)
            model[key] = record
        else:
            assert store.delete(key) == (model.pop(key, None) is not None)
    # Then it holds what a dict in insertion order holds, and pages cut that order
    assert list(store) == list(model.values())
    assert len(store) == len(model)
    assert store.page(2, 3) == list(model.values())[2:5]


_VALUES = st.one_of(st.none(), st.integers(0, 3), st.sampled_from(["a", "b"]),
                    st.lists(st.integers(0, 1), max_size=2))
_WRITES = st.lists(st.tuples(st.sampled_from(["put", "delete"]), st.integers(1, 6), _VALUES,
                             st.booleans()), max_size=40)


@given(_WRITES)
def test_an_indexed_field_finds_exactly_the_records_a_scan_finds(
        writes: list[tuple[str, int, Any, bool]]) -> None:
    # Given any sequence of creates, replaces and deletes (some records lack the field)
    store = InMemoryCollection(indexed=["code"])
    for action, record_id, value, has_field in writes:
        if action == "put":
            store.put(record_id, {"id": record_id, **({"code": value} if has_field else {})})
        else:
            store.delete(record_id)

    # Then for every value, the index names the same ids as comparing every record
    for _, _, value, _ in writes:
        scanned = {r["id"] for r in store if r.get("code") == value}
        assert store.ids_with("code", value) == scanned

"""Pagination invariants of every paginated list (`x-specmock` action list with paginate: true).

Over random limits and offsets: a page is exactly the slice of the whole list its limit and
offset name (so pages stay within the limit, are disjoint, keep one stable order and together
are the list), its counts agree, walking the pages visits every record once, and limits and
offsets out of bounds are refused. With data sets (`x-specmock.pagination.dataset`): pages of
one data set do not shift when records come and go, and an expired or unknown id gives a fresh
data set, never an error.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from specmock.suites_support import DatasetSpec, Operation
from specmock_suites import budget
from specmock_suites.context import ContractRef
from specmock_suites.expect import expect, expect_status, fail
from specmock_suites.paging import MAX_PAGES, Mutator, Page, Pager, below, limits, walk
from specmock_suites.target import Target


def pager_for(contract: ContractRef, target: Target, paginated_list: str | None) -> Pager:
    """The pager of the parametrized list operation (or a skip when the contract has none)."""
    if paginated_list is None:
        pytest.skip("the contract has no paginated list (x-specmock action list, paginate: true)")
    operation = next(op for op in contract.model.operations if op.operation_id == paginated_list)
    return Pager(target.client(), contract.model, operation)


def rule(pager: Pager, text: str) -> str:
    """A pagination rule, with the configuration it follows."""
    spec = pager.spec
    return (
        f"{text} ({pager.operation.label}; x-specmock.pagination: {spec.offset_param} counts "
        f"{spec.offset_unit}, {spec.limit_param} {spec.limit_min}..{spec.limit_max})"
    )


def test_every_page_is_the_matching_slice_of_the_list(
    contract: ContractRef, target: Target, paginated_list: str | None
) -> None:
    """Given the whole list, when any page is requested, then it holds exactly the records its
    limit and offset name, in the list's order, and its counts and links agree."""
    pager = pager_for(contract, target, paginated_list)
    reference = pager.everything()
    spec = pager.spec

    @budget.examples(0.6)
    @given(limit=limits(spec), data=st.data())
    def check(limit: int, data: st.DataObject) -> None:
        if spec.offset_unit == "pages":
            offset = data.draw(below(len(reference) // limit + 2), label="offset")
        else:
            offset = data.draw(below(len(reference) + 2), label="offset")
        page = pager.page(limit, offset)
        start = spec.start(limit, offset)
        check_slice(pager, page, reference, start, limit)
        check_counts(pager, page, len(reference), limit, offset)
        check_next_link(pager, page, start + limit < len(reference))

    check()


def test_walking_the_pages_visits_every_record_once(
    contract: ContractRef, target: Target, paginated_list: str | None
) -> None:
    """Given any limit, when the pages are walked from the first (by `next` links where the
    representation has them, else by offsets), then every record is met exactly once, in order."""
    pager = pager_for(contract, target, paginated_list)
    reference = pager.everything()
    lowest = math.ceil(len(reference) / MAX_PAGES) or 1

    @budget.examples(0.2)
    @given(limit=limits(pager.spec, lowest))
    def check(limit: int) -> None:
        pages = walk(pager, limit)
        seen: list[str] = []
        for page in pages:
            expect(
                len(page.keys) <= limit,
                rule(pager, f"a page holds at most {pager.spec.limit_param}={limit} records"),
                [page.exchange],
                found=f"{len(page.keys)} records",
            )
            twice = [k for k in page.keys if k in seen]
            expect(
                not twice,
                rule(pager, "pages are disjoint: no record appears on two pages"),
                [page.exchange],
                found=f"record(s) {twice[:5]} already on an earlier page",
            )
            seen += page.keys
        missing = [k for k in reference if k not in seen]
        expect(
            seen == reference,
            rule(pager, "walking every page gives the whole list, each record once, in order"),
            [p.exchange for p in pages[-2:]],
            expected=f"{len(reference)} records",
            found=f"{len(seen)} records; missing {missing[:5]}",
        )

    check()


def test_limits_and_offsets_out_of_bounds_are_refused(
    contract: ContractRef, target: Target, paginated_list: str | None
) -> None:
    """Given a limit outside the contract's bounds or a negative offset, when a page is
    requested, then the answer is 400, not a clamped page."""
    pager = pager_for(contract, target, paginated_list)
    spec = pager.spec
    limit_schema = _schema(pager.operation, spec.limit_param)
    low = int(limit_schema.get("minimum", spec.limit_min))
    high = int(limit_schema.get("maximum", spec.limit_max))
    bad = st.one_of(
        st.tuples(st.just(spec.limit_param), st.integers(low - 1000, low - 1)),
        st.tuples(st.just(spec.limit_param), st.integers(high + 1, high + 10**6)),
        st.tuples(st.just(spec.offset_param), st.integers(-(10**6), -1)),
    )
    refused = 400 if pager.operation.documents(400) else set(range(400, 500))

    @budget.examples(0.3)
    @given(parameter=bad)
    def check(parameter: tuple[str, int]) -> None:
        name, value = parameter
        pager.client.call(pager.operation, path=pager.path, query={name: value})
        expect_status(
            pager.client.last,
            refused,
            rule(
                pager, f"{name}={value} is out of bounds ({low}..{high}, offset >= 0) and refused"
            ),
        )

    check()


def test_pages_of_a_data_set_do_not_shift(
    contract: ContractRef, target: Target, paginated_list: str | None
) -> None:
    """Given a data set from a first page, when records are created and deleted meanwhile, then
    later pages read with its id are the pages of the snapshot, and carry the same id."""
    pager = pager_for(contract, target, paginated_list)
    dataset = data_sets(pager)
    mutate = Mutator(pager)

    @budget.examples(0.1)
    @given(limit=limits(pager.spec), data=st.data())
    def check(limit: int, data: st.DataObject) -> None:
        snapshot = pager.everything()
        first = pager.page(limit, pager.offset_of(0, limit))
        dataset_id = first.info.dataset_id
        expect(
            dataset_id is not None,
            rule(pager, f"a first page carries its data set's id in `{dataset.property}`"),
            [first.exchange],
        )
        assert dataset_id is not None
        deleted = mutate.delete_first(snapshot)
        mutate.create(data)
        pages = max(1, math.ceil(len(snapshot) / limit))
        number = data.draw(below(pages), label="page")
        offset = pager.offset_of(number, limit)
        page = pager.page(limit, offset, dataset_id)
        start = pager.spec.start(limit, offset)
        expected = [k for k in snapshot[start : start + limit] if k not in deleted]
        note(f"data set {dataset_id}: page {number} of {pages}, deleted {deleted}")
        same_id = page.info.dataset_id == dataset_id
        expect(
            same_id,
            rule(pager, f"a page read with {dataset.param}={dataset_id} answers that data set"),
            [first.exchange, page.exchange],
            found=f"{dataset.property}={page.info.dataset_id}",
        )
        expect(
            page.keys == expected and page.info.total in (None, len(snapshot)),
            rule(
                pager,
                "pages of one data set are its snapshot: records created or deleted "
                "meanwhile do not shift them",
            ),
            [first.exchange, page.exchange],
            expected=f"records {expected[:8]} of a snapshot of {len(snapshot)}",
            found=f"records {page.keys[:8]}, total {page.info.total}",
        )
        check_links_keep(pager, page, dataset_id)

    check()


def test_an_expired_data_set_is_replaced_by_a_fresh_one(
    contract: ContractRef, target: Target, paginated_list: str | None
) -> None:
    """Given a data set older than its lifetime, when a page is read with its id, then the
    answer is a page of a fresh query with a new id, not an error."""
    pager = pager_for(contract, target, paginated_list)
    dataset = data_sets(pager)
    limit = max(pager.spec.limit_min, 2)
    first = pager.page(limit, pager.offset_of(0, limit))
    old = first.info.dataset_id
    if old is None:
        fail(
            rule(pager, f"a first page carries its data set's id in `{dataset.property}`"),
            [first.exchange],
        )
    target.expire_datasets()
    reference = pager.everything()
    page = pager.page(limit, pager.offset_of(1, limit), old)
    expect(
        page.info.dataset_id not in (None, old),
        rule(
            pager,
            f"a data set older than its ttl ({dataset.ttl:g} s) is replaced silently by a "
            "fresh one with a new id",
        ),
        [first.exchange, page.exchange],
        expected=f"a new {dataset.property}",
        found=f"{dataset.property}={page.info.dataset_id}",
    )
    check_slice(pager, page, reference, limit, limit)


def test_an_unknown_data_set_id_gives_a_fresh_one(
    contract: ContractRef, target: Target, paginated_list: str | None
) -> None:
    """Given a data-set id the target never issued, when a page is read with it, then the answer
    is a page of a fresh query with a new id, not an error."""
    pager = pager_for(contract, target, paginated_list)
    dataset = data_sets(pager)
    reference = pager.everything()
    schema = _schema(pager.operation, dataset.param)
    length = st.integers(
        max(1, int(schema.get("minLength", 1))), min(64, int(schema.get("maxLength", 64)))
    )
    unknown = length.flatmap(lambda n: st.text("0123456789abcdefXYZ-_", min_size=n, max_size=n))

    @budget.examples(0.1)
    @given(dataset_id=unknown, limit=limits(pager.spec))
    def check(dataset_id: str, limit: int) -> None:
        page = pager.page(limit, pager.offset_of(0, limit), dataset_id)
        expect(
            page.info.dataset_id not in (None, dataset_id),
            rule(pager, "an unknown data-set id is no error: a fresh query answers with a new id"),
            [page.exchange],
            found=f"{dataset.property}={page.info.dataset_id}",
        )
        check_slice(pager, page, reference, 0, limit)

    check()


# ---------------------------------------------------------------------------------- checks


def check_slice(pager: Pager, page: Page, reference: list[str], start: int, limit: int) -> None:
    """The page holds exactly reference[start:start+limit], or the broken rule is named."""
    __tracebackhide__ = True
    expected = reference[start : start + limit]
    if page.keys == expected:
        return
    span = f"{start + 1}..{start + len(expected)}"
    where = f"{pager.spec.limit_param}={limit}, records {span} of {len(reference)}"
    missing = [k for k in expected if k not in page.keys]
    extra = [k for k in page.keys if k not in expected]
    if len(page.keys) > limit:
        text, found = f"a page holds at most {limit} records", f"{len(page.keys)} records"
    elif missing:
        text, found = "a page holds every record of its slice of the list", f"missing {missing[:5]}"
    elif extra:
        text, found = "pages are disjoint slices of the list", f"records {extra[:5]} of other pages"
    else:
        text, found = "records keep one stable order across pages", f"order {page.keys[:8]}"
    fail(rule(pager, text), [page.exchange], expected=f"{where}: {expected[:8]}", found=found)


def check_counts(pager: Pager, page: Page, total: int, limit: int, offset: int) -> None:
    """count, total, limit, offset and X-Total-Count agree with the page and the list."""
    __tracebackhide__ = True
    info = page.info
    claims = {
        "count": (info.count, len(page.keys)),
        "total": (info.total, total),
        "limit": (info.limit, limit),
        "offset": (info.offset, offset),
    }
    for name, (said, actual) in claims.items():
        expect(
            said is None or said == actual,
            rule(pager, f"a page's `{name}` is consistent with the page and the list"),
            [page.exchange],
            expected=str(actual),
            found=str(said),
        )
    if "x-total-count" in pager.operation.response_headers(200):
        header = page.exchange.received.header("x-total-count") if page.exchange.received else None
        expect(
            header == str(total),
            rule(pager, "X-Total-Count (documented for 200) is the number of records in the list"),
            [page.exchange],
            expected=str(total),
            found=str(header),
        )


def check_next_link(pager: Pager, page: Page, more: bool) -> None:
    """A Siren page links `next` exactly when more records follow."""
    __tracebackhide__ = True
    if not pager.model.siren:
        return
    has_next = "next" in page.info.links
    expect(
        has_next == more,
        rule(pager, "a page links `next` exactly when more records follow"),
        [page.exchange],
        expected="a next link" if more else "no next link",
        found="a next link" if has_next else "none",
    )


def check_links_keep(pager: Pager, page: Page, dataset_id: str) -> None:
    """The first/prev/next links of a data-set page carry its id."""
    __tracebackhide__ = True
    dataset = pager.spec.dataset
    assert dataset is not None
    for rel in ("first", "prev", "next"):
        href = page.info.links.get(rel)
        if href is not None:
            expect(
                f"{dataset.param}={dataset_id}" in href,
                rule(pager, f"the `{rel}` link of a data-set page carries {dataset.param}"),
                [page.exchange],
                found=href,
            )


def data_sets(pager: Pager) -> DatasetSpec:
    """The data-set configuration (or a skip)."""
    if pager.spec.dataset is None:
        pytest.skip(
            "the contract's pagination declares no data sets (x-specmock.pagination.dataset)"
        )
    return pager.spec.dataset


def _schema(operation: Operation, name: str) -> dict[str, Any]:
    parameter = operation.parameter(name, "query")
    return dict(parameter.schema) if parameter is not None else {}

"""Pages of a paginated list the way the contract's `x-specmock.pagination` says: fetching
them, walking them, limits and page numbers to draw, and changing the list meanwhile."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from specmock.suites_support import (
    CollectionSpec,
    ContractModel,
    Exchange,
    Operation,
    PaginationSpec,
)
from specmock.suites_support.views import PageInfo, items_of, page_info
from specmock_suites.bodies import BodyFactory, discover
from specmock_suites.client import ApiClient
from specmock_suites.expect import expect, expect_status
from specmock_suites.probes import probe_for

MAX_PAGES = 25


@dataclass(frozen=True)
class Page:
    """One page: its records' keys, what it says about itself, and the exchange."""

    keys: list[str]
    info: PageInfo
    exchange: Exchange


class Pager:
    """Pages of one paginated list operation on one target."""

    def __init__(self, client: ApiClient, model: ContractModel, operation: Operation) -> None:
        assert model.pagination is not None
        self.client = client
        self.model = model
        self.operation = operation
        self.spec: PaginationSpec = model.pagination
        self.path = probe_for(operation).path
        collection = model.collections.get(operation.collection or "")
        self.id_field = collection.id_field if collection else None

    def page(self, limit: int | None, offset: int | None, dataset: str | None = None) -> Page:
        """Request one page; it must be a 200 list."""
        query: dict[str, Any] = {}
        if limit is not None:
            query[self.spec.limit_param] = limit
        if offset is not None:
            query[self.spec.offset_param] = offset
        if dataset is not None and self.spec.dataset is not None:
            query[self.spec.dataset.param] = dataset
        response = self.client.call(self.operation, path=self.path, query=query)
        expect_status(self.client.last, 200, f"{self.operation.label} answers a page for {query}")
        return self._page(response.json(), response.headers)

    def url_page(self, url: str) -> Page:
        """Request a page by URL (a `next` link)."""
        response = self.client.get(url)
        expect_status(
            self.client.last, 200, f"a `next` link of {self.operation.label} is followable"
        )
        return self._page(response.json(), response.headers)

    def everything(self) -> list[str]:
        """Keys of every record of the list, by pages of the largest size."""
        keys: list[str] = []
        limit = self.spec.limit_max
        for number in range(10_000):
            page = self.page(limit, self.spec.offset_of_page(number, limit))
            keys += page.keys
            if len(page.keys) < limit:
                return keys
        return keys

    def offset_of(self, page_number: int, limit: int) -> int:
        """The offset naming a page number."""
        return self.spec.offset_of_page(page_number, limit)

    def key(self, record: Mapping[str, Any]) -> str:
        """A record's identity: its id field, else its whole content."""
        if self.id_field and self.id_field in record:
            return str(record[self.id_field])
        return json.dumps(record, sort_keys=True)

    def _page(self, body: Any, headers: Mapping[str, str]) -> Page:
        items = items_of(body, self.model.siren)
        expect(
            items is not None,
            f"{self.operation.label} (x-specmock action list) answers a list of records",
            [self.client.last],
        )
        assert items is not None
        dataset_property = self.spec.dataset.property if self.spec.dataset else "datasetid"
        info = page_info(body, self.model.siren, headers, dataset_property)
        return Page([self.key(r) for r in items], info, self.client.last)


def below(bound: int) -> st.SearchStrategy[int]:
    """0 <= n < bound, drawn the same way whatever the bound (it comes from the target's data,
    and what hypothesis draws must not depend on it)."""
    return st.integers(0, 2**20).map(lambda n: n % max(bound, 1))


def limits(spec: PaginationSpec, low: int | None = None) -> st.SearchStrategy[int]:
    """Limits within bounds, small ones often."""
    low = max(spec.limit_min, low or spec.limit_min)
    high = max(low, spec.limit_max)
    return st.one_of(st.integers(low, min(high, low + 20)), st.integers(low, high))


def walk(pager: Pager, limit: int) -> list[Page]:
    """Every page from the first: by `next` links (Siren) or by offsets until a short page."""
    pages = [pager.page(limit, pager.offset_of(0, limit))]
    for number in range(1, MAX_PAGES * 4):
        last = pages[-1]
        if pager.model.siren:
            href = last.info.links.get("next")
            if href is None:
                break
            pages.append(pager.url_page(href))
        else:
            if len(last.keys) < limit:
                break
            pages.append(pager.page(limit, pager.offset_of(number, limit)))
    return pages


class Mutator:
    """Creates and deletes records of a list's collection, where the contract allows it."""

    def __init__(self, pager: Pager) -> None:
        model = pager.model
        self.pager = pager
        self.collection: CollectionSpec | None = model.collections.get(
            pager.operation.collection or ""
        )
        name = self.collection.name if self.collection else ""
        self.create_op: Operation | None = model.crud(name, "create") if self.collection else None
        self.delete_op: Operation | None = model.crud(name, "delete") if self.collection else None
        self.factory: BodyFactory | None = None
        if self.create_op is not None and self.collection is not None:
            self.factory = BodyFactory(model, name, discover(pager.client, model, name))
        scope = pager.operation.ext.get("scope") or {}
        self.fixed = {field: pager.path[param] for field, param in scope.items()}

    def delete_first(self, snapshot: list[str]) -> list[str]:
        """Delete the list's first record; the keys deleted."""
        if self.delete_op is None or not snapshot:
            return []
        param = self.delete_op.path_params[0]
        self.pager.client.call(self.delete_op, path={param: snapshot[0]})
        expect_status(
            self.pager.client.last, {200, 202, 204}, f"{self.delete_op.label} deletes a record"
        )
        return [snapshot[0]]

    def create(self, data: st.DataObject) -> None:
        """Create one record that belongs to the list (its scope fields set)."""
        if self.create_op is None or self.factory is None:
            return
        body = data.draw(self.factory.full(self.create_op, self.fixed), label="new record")
        body.send(self.pager.client, self.create_op)
        self.factory.remember(body)
        expect_status(
            self.pager.client.last, {200, 201}, f"{self.create_op.label} creates a record"
        )

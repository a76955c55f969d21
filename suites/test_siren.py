"""Siren hypermedia (root `x-specmock.representation: siren`): every response is a valid
entity, every link and action href is followable on the target itself, and every action's
declared method and fields are accepted by the operation they stand for.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from specmock.suites_support import ContractModel, Exchange, Operation
from specmock.suites_support.views import Action, Link, actions_of, items_of, links_of
from specmock_suites import budget
from specmock_suites.bodies import BodyFactory, discover
from specmock_suites.client import ApiClient
from specmock_suites.context import ContractRef
from specmock_suites.crawl import Fetched, SirenCrawler
from specmock_suites.expect import expect
from specmock_suites.target import Target
from specmock_suites.values import pick

LINKS_PER_KIND = 3


def crawler_for(contract: ContractRef, target: Target) -> SirenCrawler:
    """A crawler, or a skip for APIs that are not Siren."""
    if not contract.model.siren:
        pytest.skip("the contract's representation is not Siren (x-specmock.representation)")
    return SirenCrawler(target.client(), contract.model)


def test_every_response_is_a_siren_entity(contract: ContractRef, target: Target) -> None:
    """Given the contract's GET operations, error cases (no token, unknown record, bad limit,
    undeclared method, wrong media type) and any walk along the links, then every answer is a
    valid Siren entity."""
    crawler = crawler_for(contract, target)
    pages = crawler.entry_points() + crawler.error_points() + crawler.refusals()
    starts = [p for p in pages if p.status == 200]

    @budget.examples(0.2)
    @given(data=st.data())
    def walk(data: st.DataObject) -> None:
        here = data.draw(st.sampled_from(starts), label="start")
        for _ in range(4):
            links = [
                link
                for link in links_of(here.body)
                if link.href and _is_followable(crawler, here, link)
            ]
            if not links:
                return
            link = data.draw(pick(links), label="link")
            note(f"follow {link.rels} {link.href}")
            here = crawler.follow(str(link.href), here.url)

    walk()


def test_every_link_is_followable_on_the_target(contract: ContractRef, target: Target) -> None:
    """Given the links of every resource the contract's GETs reach, then each has an href on the
    target's own host that answers (no 404, no server error)."""
    crawler = crawler_for(contract, target)
    pages = [p for p in crawler.entry_points() if p.status == 200]
    for page, link in sample_links(pages):
        check_link(crawler, page, link)


def test_every_action_is_accepted_as_declared(contract: ContractRef, target: Target) -> None:
    """Given each distinct action the resources offer, then its method and href name an
    operation of the contract, its fields are that operation's body fields, and sending the
    fields with the declared method and type is accepted."""
    crawler = crawler_for(contract, target)
    model = contract.model
    if not offered_actions(crawler):
        pytest.skip("no resource of the contract offers an action")
    factories = Factories(crawler.client, model)

    @budget.examples(0.06)
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        for page, action in offered_actions(crawler):
            operation = declared_operation(crawler, page, action)
            fields = check_fields(crawler, page, action, operation)
            body = action_body(factories, operation, action, fields, data)
            note(f"{action.name}: {action.method} {action.href} {body}")
            send_action(crawler.client, action, body)
            expect(
                200 <= _status(crawler.client.last) < 300,
                f"the action `{action.name}` ({action.method}, type {action.media_type}) is "
                f"accepted when its declared fields are sent ({operation.label})",
                [page.exchange, crawler.client.last],
                expected="a 2xx answer",
            )

    check()


# ------------------------------------------------------------------------------- links


def sample_links(pages: list[Fetched]) -> Iterator[tuple[Fetched, Link]]:
    """A few links of each kind (same rel, same path shape), every link without an href."""
    seen: dict[tuple[tuple[str, ...], str], int] = {}
    for page in pages:
        for link in links_of(page.body):
            kind = (link.rels, _shape(link.href or ""))
            if link.href is None or seen.get(kind, 0) < LINKS_PER_KIND:
                seen[kind] = seen.get(kind, 0) + 1
                yield page, link


def check_link(crawler: SirenCrawler, page: Fetched, link: Link) -> None:
    """A link has an href on the target's host that answers without 404 or 5xx."""
    __tracebackhide__ = True
    expect(
        link.href is not None,
        f"every Siren link has an href (link {link.rels} at {link.pointer})",
        [page.exchange],
    )
    url = urljoin(page.url, str(link.href))
    expect(
        crawler.same_host(url),
        f"links point at the target's own host (link {link.rels} at {link.pointer})",
        [page.exchange],
        expected=crawler.client.base_url,
        found=url,
    )
    followed = crawler.follow(url, page.url)
    expect(
        followed.status != 404 and followed.status < 500,
        f"every link is followable on the target (link {link.rels} at {link.pointer} of "
        f"{page.url})",
        [page.exchange, followed.exchange],
        expected="an answer other than 404 or 5xx",
        found=f"status {followed.status}",
    )


def record_links(pages: list[Fetched]) -> Iterator[tuple[Fetched, str]]:
    """One item `self` link per list page: records carry the record-level actions."""
    for page in pages:
        for link in links_of(page.body):
            if link.href and "self" in link.rels and link.pointer.startswith("/entities/"):
                yield page, link.href
                break


# ------------------------------------------------------------------------------ actions


def offered_actions(crawler: SirenCrawler) -> list[tuple[Fetched, Action]]:
    """The distinct actions of the resources the contract's GETs reach, and of one record of
    each list (records carry the record-level actions)."""
    pages = [p for p in crawler.entry_points() if p.status == 200]
    records = [crawler.follow(h, p.url) for p, h in record_links(pages)]
    return distinct_actions(pages + [r for r in records if r.status == 200])


def distinct_actions(pages: list[Fetched]) -> list[tuple[Fetched, Action]]:
    """The first instance of each action name; destructive methods last."""
    found: dict[str, tuple[Fetched, Action]] = {}
    for page in pages:
        for action in actions_of(page.body):
            found.setdefault(action.name, (page, action))
    order = {"GET": 0, "POST": 1, "PATCH": 2, "PUT": 3, "DELETE": 4}
    return sorted(found.values(), key=lambda pa: (order.get(pa[1].method, 5), pa[1].name))


def declared_operation(crawler: SirenCrawler, page: Fetched, action: Action) -> Operation:
    """The contract operation an action's method and href name."""
    __tracebackhide__ = True
    expect(action.href is not None, f"the action `{action.name}` has an href", [page.exchange])
    url = urljoin(page.url, str(action.href))
    expect(
        crawler.same_host(url),
        f"the action `{action.name}` points at the target's own host",
        [page.exchange],
        found=url,
    )
    path = urlsplit(url).path[len(urlsplit(crawler.client.base_url).path) :]
    operation = crawler.model.operation_for(action.method, path)
    allowed = sorted({op.method for op in crawler.model.operations_at(path)})
    expect(
        operation is not None,
        f"the action `{action.name}` declares a method the contract has at its href",
        [page.exchange],
        expected=f"one of {allowed}",
        found=f"{action.method} {path}",
    )
    assert operation is not None
    return operation


def check_fields(
    crawler: SirenCrawler, page: Fetched, action: Action, operation: Operation
) -> list[str]:
    """The action's fields are fields of the operation's request body."""
    __tracebackhide__ = True
    media = operation.body_media_type()
    from specmock.suites_support.schemas import object_shape

    known = set(object_shape(operation.bodies.get(media or "", {})).properties)
    unknown = [f for f in action.fields if f not in known]
    expect(
        not unknown,
        f"the fields of the action `{action.name}` are body fields of {operation.label}",
        [page.exchange],
        expected=f"fields among {sorted(known)}",
        found=f"unknown {unknown}",
    )
    return list(action.fields)


class Factories:
    """One body factory per collection, kept for a whole test so that unique values created by
    one example are known to the next."""

    def __init__(self, client: ApiClient, model: ContractModel) -> None:
        self.client = client
        self.model = model
        self.made: dict[str, BodyFactory] = {}

    def get(self, collection: str) -> BodyFactory:
        """The factory of a collection (discovering its references on first use)."""
        if collection not in self.made:
            pools = discover(self.client, self.model, collection)
            self.made[collection] = BodyFactory(self.model, collection, pools)
        return self.made[collection]


def action_body(
    factories: Factories,
    operation: Operation,
    action: Action,
    fields: list[str],
    data: st.DataObject,
) -> dict[str, Any]:
    """Values for the action's fields: the entity's own where it has them (fresh ones for
    unique fields of a new record), valid generated ones otherwise."""
    model = factories.model
    name = operation.collection
    if not fields or name is None or name not in model.collections:
        return {}
    factory = factories.get(name)
    body = data.draw(factory.full(operation), label=f"{action.name} body")
    factory.remember(body)
    spec = model.collections[name]
    fresh = set(spec.unique) if operation.action == "create" else set()
    owner = action.owner
    if not owner.keys() & set(fields):
        owner = _first_item_of(factories.client, model, operation)
    return {
        f: owner[f] if f in owner and f not in fresh else body.values.get(f)
        for f in fields
        if (f in owner and f not in fresh) or f in body.values
    }


def send_action(client: ApiClient, action: Action, body: dict[str, Any]) -> None:
    """Send an action with its method, to its href, as its type."""
    url = str(action.href)
    if not body or action.method in ("GET", "DELETE"):
        client.send(action.method, url, auth=client.bearer())
    elif "json" in action.media_type:
        client.send(action.method, url, auth=client.bearer(), json=body)
    else:
        client.send(action.method, url, auth=client.bearer(), data=body)


def _first_item_of(client: ApiClient, model: ContractModel, operation: Operation) -> dict[str, Any]:
    listing = model.crud(operation.collection or "", "list")
    if listing is None:
        return {}
    response = client.call(listing)
    items = items_of(response.json(), model.siren) if response.status_code == 200 else None
    return items[0] if items else {}


def _is_followable(crawler: SirenCrawler, page: Fetched, link: Link) -> bool:
    return crawler.same_host(urljoin(page.url, str(link.href)))


def _shape(href: str) -> str:
    path = urlsplit(href).path
    return "/".join("{}" if part.isdigit() else part for part in path.split("/"))


def _status(exchange: Exchange) -> int:
    return exchange.received.status if exchange.received else 0

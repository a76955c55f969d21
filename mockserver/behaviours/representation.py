"""How outcomes look on the wire: plain JSON resources, or Siren entities.

Both make every href absolute against the base URL the request came to, so links point at the
mock's own host and port.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote_plus, urlencode

from specmock.behaviours.outcomes import ListOutcome, Page
from specmock.behaviours.paths import ResourcePaths
from specmock.behaviours.prefer import CONTROL_PARAMETERS
from specmock.behaviours.state import FILES_PREFIX, CollectionSpec
from specmock.behaviours.store import Record
from specmock.core.exchange import Request
from specmock.core.limits import rememberable
from specmock.core.memo import BoundedMemo

# How many (record, base URL) pairs keep their list sub-entity remembered (oldest forgotten first).
ITEM_CACHE_SIZE = 4096


class Representation(Protocol):
    """Turns records and lists into response bodies."""

    def record(self, collection: str, record: Record, request: Request) -> Any:
        """The body for one record."""

    def listing(self, outcome: ListOutcome, request: Request) -> Any:
        """The body for a list (or a page of one)."""

    def forget(self) -> None:
        """Drop whatever it remembers of records (state was reset)."""


@dataclass(frozen=True)
class PlainRepresentation:
    """Records as they are (file fields as absolute URLs); lists as JSON arrays, or inside
    the object a collection's `envelope` names.

    `envelopes` holds, per enveloped collection, the rest of a list answer (the document's
    example or generated data): its count members (`total`, `count`, ...) say how many
    records the list holds."""

    specs: dict[str, CollectionSpec]
    envelopes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def record(self, collection: str, record: Record, request: Request) -> Any:
        """The record with absolute file URLs."""
        return absolute_files(self.specs[collection], record, request.base_url)

    def listing(self, outcome: ListOutcome, request: Request) -> Any:
        """A JSON array of the records (in its envelope, if the collection has one)."""
        spec = self.specs[outcome.collection]
        records = [absolute_files(spec, r, request.base_url) for r in outcome.records]
        if spec.envelope is None:
            return records
        return enveloped(self.envelopes.get(spec.name, {}), spec.envelope, records)

    def forget(self) -> None:
        """Nothing to drop: plain records are not remembered."""


COUNT_MEMBERS = frozenset({"total", "count", "totalCount", "total_count", "totalItems",
                           "total_items", "size"})


def enveloped(rest: dict[str, Any], member: str, records: list[Record]) -> dict[str, Any]:
    """The list answer: `rest` with the records in `member` and its whole-number count
    members set to how many there are."""
    out = {k: len(records) if k in COUNT_MEMBERS and isinstance(v, int)
           and not isinstance(v, bool) else v for k, v in rest.items()}
    out[member] = records
    return out


def absolute_files(spec: CollectionSpec, record: Record, base_url: str) -> Record:
    """A copy of `record` whose stored-file paths are absolute URLs and without its `hidden`
    fields (the record itself if it has neither)."""
    if not spec.files and not spec.hidden:
        return record
    out = {k: v for k, v in record.items() if k not in spec.hidden} if spec.hidden else dict(record)
    for name in spec.files:
        value = out.get(name)
        if isinstance(value, str) and value.startswith(FILES_PREFIX):
            out[name] = base_url + value
    return out


@dataclass(frozen=True)
class SirenAction:
    """An action a resource offers, derived from an operation the contract allows on it."""

    name: str
    method: str
    media_type: str | None
    fields: tuple[tuple[str, str], ...] = ()

    def render(self, href: str) -> dict[str, Any]:
        """The Siren action object."""
        action: dict[str, Any] = {"name": self.name, "method": self.method, "href": href}
        if self.media_type:
            action["type"] = self.media_type
        if self.fields:
            action["fields"] = [{"name": n, "type": t} for n, t in self.fields]
        return action


@dataclass(frozen=True)
class SirenRepresentation:
    """Records as entities with `self` links and actions; lists as collection entities with
    item sub-entities and first/prev/next links when paged."""

    specs: dict[str, CollectionSpec]
    paths: ResourcePaths
    record_actions: dict[str, list[SirenAction]] = field(default_factory=dict)
    list_actions: dict[str, list[SirenAction]] = field(default_factory=dict)
    limit_param: str = "limit"
    offset_param: str = "offset"
    dataset_param: str = "datasetid"
    dataset_property: str = "datasetid"
    _items: BoundedMemo[tuple[str, int, str], tuple[Record, dict[str, Any]]] = field(
        default_factory=lambda: BoundedMemo(ITEM_CACHE_SIZE), init=False, repr=False,
        compare=False,
    )

    def record(self, collection: str, record: Record, request: Request) -> Any:
        """A Siren entity for one record, with its actions."""
        entity = self._entity(collection, record, request.base_url)
        href = entity["links"][0]["href"] if entity["links"] else None
        actions = self.record_actions.get(collection, [])
        if href and actions:
            entity["actions"] = [a.render(href) for a in actions]
        return entity

    def listing(self, outcome: ListOutcome, request: Request) -> Any:
        """A Siren collection entity."""
        spec = self.specs[outcome.collection]
        base = request.base_url
        entities = [self._item(outcome.collection, r, base) for r in outcome.records]
        if outcome.inline:
            entities = [_inline(item) for item in entities]
        properties: dict[str, Any] = {"count": len(outcome.records)}
        links = [{"rel": ["self"], "href": _url(base, request.path, request.query_string)}]
        if outcome.page is not None:
            properties.update(self._page_properties(outcome.page, len(outcome.records)))
            links += self._page_links(outcome.page, request)
        entity: dict[str, Any] = {
            "class": [outcome.collection, "collection"],
            "properties": properties,
            "entities": entities,
            "links": links,
        }
        list_path = self.paths.listing(spec.name)
        actions = self.list_actions.get(outcome.collection, [])
        if actions and list_path:
            entity["actions"] = [a.render(base + list_path) for a in actions]
        return entity

    def _item(self, collection: str, record: Record, base_url: str) -> dict[str, Any]:
        """The sub-entity of a record in a list. Remembered per record object and base URL:
        records are replaced, never mutated, and bodies are only encoded, never changed."""
        key = (collection, id(record), base_url)
        kept = self._items.get(key)
        if kept is not None and kept[0] is record:
            return kept[1]
        item = {**self._entity(collection, record, base_url), "rel": ["item"]}
        if rememberable(base_url):
            self._items.remember(key, (record, item))
        return item

    def forget(self) -> None:
        """Drop every remembered sub-entity (on reset: the records they hold are gone)."""
        self._items.clear()

    def _entity(self, collection: str, record: Record, base_url: str) -> dict[str, Any]:
        spec = self.specs[collection]
        path = self.paths.record(collection, record.get(spec.id_field, ""))
        links = [{"rel": ["self"], "href": base_url + path}] if path else []
        properties = absolute_files(spec, record, base_url)
        entity: dict[str, Any] = {"class": list(spec.klass), "properties": properties}
        if spec.title is not None and record.get(spec.title) is not None:
            entity["title"] = str(record[spec.title])
        if spec.related:
            entity["properties"] = {k: v for k, v in properties.items() if k not in spec.related}
            linked = [e for name, rule in spec.related.items()
                      for e in self._related(record.get(name), rule, base_url)]
            if linked:
                entity["entities"] = linked
        entity["links"] = links
        return entity

    def _related(self, value: Any, rule: dict[str, Any], base_url: str) -> list[dict[str, Any]]:
        """Linked sub-entities (`class`, `rel`, `properties: {id}`, a `self` link) for the
        records of `rule.collection` that `value` (an id or a list of them) names."""
        target = self.specs[rule["collection"]]
        out = []
        for record_id in value if isinstance(value, list) else [value]:
            if record_id is None:
                continue
            path = self.paths.record(target.name, record_id)
            sub: dict[str, Any] = {
                "class": list(target.klass),
                "rel": list(rule.get("rel", [target.name])),
                "properties": {rule.get("idProperty", "id"): record_id},
            }
            if path:
                sub["links"] = [{"rel": ["self"], "href": base_url + path}]
            out.append(sub)
        return out

    def _page_properties(self, page: Page, count: int) -> dict[str, Any]:
        props: dict[str, Any] = {"total": page.total, "limit": page.limit, "offset": page.offset}
        if page.dataset_id is not None:
            props[self.dataset_property] = page.dataset_id
        return props

    def _page_links(self, page: Page, request: Request) -> list[dict[str, Any]]:
        step = 1 if page.offset_unit == "pages" else page.limit
        start = page.offset * page.limit if page.offset_unit == "pages" else page.offset
        others = [
            (k, v)
            for k, v in request.query
            if k not in (self.limit_param, self.offset_param, self.dataset_param)
            and k not in CONTROL_PARAMETERS  # the mock's controls asked for this answer only
        ]
        if page.dataset_id is not None:
            others.append((self.dataset_param, page.dataset_id))

        # urlencode of [*others, (limit, n), (offset, m)] without encoding the shared part
        # once per link: the same text, joined.
        fixed = _urlencode([*others, (self.limit_param, page.limit)])
        offset_name = quote_plus(self.offset_param)

        def link(rel: str, offset: int) -> dict[str, Any]:
            query = f"{fixed}&{offset_name}={offset}"
            return {"rel": [rel], "href": _url(request.base_url, request.path, query)}

        links = [link("first", 0)]
        if page.offset > 0:
            links.append(link("prev", max(0, page.offset - step)))
        if start + page.limit < page.total:
            links.append(link("next", page.offset + step))
        return links


_SIREN_KEYS = frozenset({"class", "rel", "properties", "entities", "links", "actions", "title"})


def _inline(item: dict[str, Any]) -> dict[str, Any]:
    """A sub-entity with its record's fields beside `properties` (Siren's own keys win)."""
    extra = {k: v for k, v in item["properties"].items() if k not in _SIREN_KEYS}
    return {**extra, **item}


_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")


def _urlencode(pairs: list[tuple[str, Any]]) -> str:
    """`urlencode(pairs)`, without quoting when no name or value needs it (the usual page
    query: limit, offset, a data-set id), which is most of a page link's cost otherwise."""
    texts = [(str(name), str(value)) for name, value in pairs]
    if all(_UNRESERVED.fullmatch(n) and _UNRESERVED.fullmatch(v) for n, v in texts):
        return "&".join(f"{n}={v}" for n, v in texts)
    return urlencode(texts)


def _url(base: str, path: str, query: str) -> str:
    return f"{base}{path}?{query}" if query else base + path

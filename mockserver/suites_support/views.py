"""Reading records, list items, page properties, links and actions out of response bodies.

A plain API answers a record as a JSON object and a list as a JSON array; a Siren API answers
entities: the record is `properties`, list items are the sub-entities with rel `item`, page
properties sit beside `total`, and links carry `rel` lists.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PageInfo:
    """What a page says about itself: its counts, its data set, and its links by rel."""

    count: int | None
    total: int | None
    limit: int | None
    offset: int | None
    dataset_id: str | None
    links: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Link:
    """A link found in an entity: where it sits (JSON pointer), its rels and its href (None
    when the link has none, which is itself a violation)."""

    pointer: str
    rels: tuple[str, ...]
    href: str | None


@dataclass(frozen=True)
class Action:
    """A Siren action found in an entity, with the properties of the entity that offers it."""

    pointer: str
    name: str
    method: str
    href: str | None
    media_type: str
    fields: tuple[str, ...]
    owner: Mapping[str, Any]


def record_of(body: Any, siren: bool) -> dict[str, Any] | None:
    """The record a read or write answered with."""
    if siren:
        props = body.get("properties") if isinstance(body, dict) else None
        return dict(props) if isinstance(props, dict) else None
    return dict(body) if isinstance(body, dict) else None


def items_of(
    body: Any, siren: bool, envelope: str | None = None
) -> list[dict[str, Any]] | None:
    """The records of a list page (None when the body is not a list at all); a plain list
    wrapped in an object holds them in its `envelope` member."""
    if envelope is not None and not siren:
        body = body.get(envelope) if isinstance(body, dict) else None
    if siren:
        if not isinstance(body, dict) or not isinstance(body.get("entities", []), list):
            return None
        return [
            dict(e.get("properties") or {})
            for e in body.get("entities", [])
            if isinstance(e, dict) and "item" in (e.get("rel") or [])
        ]
    if isinstance(body, list):
        return [dict(r) for r in body if isinstance(r, dict)]
    return None


def page_info(
    body: Any, siren: bool, headers: Mapping[str, str], dataset_property: str = "datasetid"
) -> PageInfo:
    """A page's counts, data-set id and links (Siren properties, or X-Total-Count for plain)."""
    total_header = {k.lower(): v for k, v in headers.items()}.get("x-total-count")
    header_total = int(total_header) if total_header and total_header.isdigit() else None
    if not siren or not isinstance(body, dict):
        return PageInfo(
            len(body) if isinstance(body, list) else None, header_total, None, None, None
        )
    props: dict[str, Any] = body["properties"] if isinstance(body.get("properties"), dict) else {}
    links = {
        rel: link["href"]
        for link in body.get("links") or []
        if isinstance(link, dict) and isinstance(link.get("href"), str)
        for rel in link.get("rel") or []
    }
    dataset = props.get(dataset_property)
    return PageInfo(
        _int(props.get("count")),
        _int(props.get("total")),
        _int(props.get("limit")),
        _int(props.get("offset")),
        str(dataset) if dataset is not None else None,
        links,
    )


def links_of(entity: Any, pointer: str = "") -> Iterator[Link]:
    """Every link of an entity and of its sub-entities (embedded links included)."""
    if not isinstance(entity, dict):
        return
    for index, link in enumerate(entity.get("links") or []):
        if isinstance(link, dict):
            href = link.get("href")
            yield Link(
                f"{pointer}/links/{index}",
                tuple(link.get("rel") or ()),
                href if isinstance(href, str) else None,
            )
    for index, sub in enumerate(entity.get("entities") or []):
        where = f"{pointer}/entities/{index}"
        if isinstance(sub, dict) and "href" in sub:
            href = sub.get("href")
            yield Link(where, tuple(sub.get("rel") or ()), href if isinstance(href, str) else None)
        else:
            yield from links_of(sub, where)


def actions_of(entity: Any, pointer: str = "") -> Iterator[Action]:
    """Every action of an entity and of its sub-entities."""
    if not isinstance(entity, dict):
        return
    owner: dict[str, Any] = (
        entity["properties"] if isinstance(entity.get("properties"), dict) else {}
    )
    for index, action in enumerate(entity.get("actions") or []):
        if isinstance(action, dict):
            href = action.get("href")
            yield Action(
                f"{pointer}/actions/{index}",
                str(action.get("name", "")),
                str(action.get("method", "GET")).upper(),
                href if isinstance(href, str) else None,
                str(action.get("type", "application/x-www-form-urlencoded")),
                tuple(
                    str(f.get("name")) for f in action.get("fields") or [] if isinstance(f, dict)
                ),
                owner,
            )
    for index, sub in enumerate(entity.get("entities") or []):
        yield from actions_of(sub, f"{pointer}/entities/{index}")


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None

"""What a behaviour answers, before it is represented (plain JSON or Siren) and encoded.

Behaviours return data about *what* happened; the representation decides *how it looks*.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from specmock.core.exchange import Request


@dataclass(frozen=True, slots=True)
class Call:
    """One request on its way through an operation: the raw request, its validated input and
    who made it (None for anonymous operations)."""

    request: Request
    path: dict[str, Any]
    query: dict[str, Any]
    body: Any
    principal: Any = None


@dataclass(frozen=True, slots=True)
class Page:
    """Where a page sits in its list: total records, the limit and offset as sent, the data set."""

    total: int
    limit: int
    offset: int
    offset_unit: str = "records"
    dataset_id: str | None = None


@dataclass(frozen=True, slots=True)
class RecordOutcome:
    """One record of a collection (a read, a create, an update)."""

    collection: str
    record: dict[str, Any]
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    stored: bool = True
    """The record is the store's own object (never mutated: writes replace records), so its
    representation may be remembered; False for a record built for this answer alone."""


@dataclass(frozen=True, slots=True)
class ListOutcome:
    """Records of a collection, possibly one page of them."""

    collection: str
    records: list[dict[str, Any]]
    page: Page | None = None
    status: int = 200
    inline: bool = False
    """Each item also carries its record's fields beside `properties` (Siren), for clients
    that read `entities[i][field]` (the answer to a create-several)."""


@dataclass(frozen=True, slots=True)
class BodyOutcome:
    """A ready body (a template rendered, an example, a selected field)."""

    body: Any
    status: int = 200
    media_type: str | None = None
    headers: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True, slots=True)
class EmptyOutcome:
    """No body (204 after a delete)."""

    status: int = 204


Outcome = RecordOutcome | ListOutcome | BodyOutcome | EmptyOutcome

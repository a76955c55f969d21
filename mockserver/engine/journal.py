"""The request journal: a bounded record of what the mock was asked and what it answered.

Recording is on every request's path, so an entry is kept as a plain tuple of references (the
request's header dict, the response's header list, the bodies, cut to `JOURNAL_BODY_BYTES` only
when longer; no object built, nothing copied) and only turned into a dict when the journal is
read. The journal keeps the last `size` entries and counts those it dropped. Headers are kept
as received: their size is bounded by the HTTP limits (`--max-header-bytes`, `--max-headers`).
"""

from __future__ import annotations

import base64
import datetime
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final

from specmock.core.exchange import Request, Response
from specmock.core.limits import brief

# How much of a request's path and of its query an entry keeps.
JOURNAL_URL_CHARS = 2048
# How much of each body an entry keeps (the rest is counted, not kept).
JOURNAL_BODY_BYTES = 4096

_NO_HEADERS: dict[str, str] = {}
_Row = tuple[float, str, str, str, int, float, "str | None", "dict[str, Any] | None", str,
             "dict[str, str]", bytes, int, "list[tuple[str, str]]", bytes, int,
             "dict[str, Any] | None"]
# Row positions read by the queries (journal_query.py).
TIME: Final = 0
METHOD: Final = 1
PATH: Final = 2
STATUS: Final = 4
REQUEST_HEADERS: Final = 9
RESPONSE_HEADERS: Final = 12


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One handled request."""

    time: float
    method: str
    path: str
    query: str
    status: int
    duration_ms: float
    operation_id: str | None
    fault: dict[str, Any] | None = None


# Every entry has these; `fault` is listed only on the entries of faulted requests.
_FIELDS = tuple(JournalEntry.__dataclass_fields__)[:-1]


class Journal:
    """The last `size` entries, oldest first (bounded: a long soak never grows it), and how
    many older ones were dropped to keep it so."""

    def __init__(self, size: int = 1000) -> None:
        self.size = size
        self._added = 0  # since the last clear; less those kept, the dropped
        self._entries: deque[_Row] = deque(maxlen=size)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def dropped(self) -> int:
        """How many entries were dropped (the oldest first) since the journal was cleared."""
        with self._lock:
            return self._added - len(self._entries)

    def record(self, entry: JournalEntry) -> None:
        """Add an entry, dropping the oldest when full."""
        self.add(entry.time, entry.method, entry.path, entry.query, entry.status,
                 entry.duration_ms, entry.operation_id, entry.fault)

    def add(
        self,
        time: float,
        method: str,
        path: str,
        query: str,
        status: int,
        duration_ms: float,
        operation_id: str | None,
        fault: dict[str, Any] | None = None,
        request: Request | None = None,
        response: Response | None = None,
        callback: dict[str, Any] | None = None,
    ) -> None:
        """Add an entry from its fields (what `record` does, without building a `JournalEntry`);
        `duration_ms` is kept as measured and rounded to microseconds when read; `fault` is the
        note of a fault injected into this request (behaviours/faults.py); `request` and
        `response` give the headers, bodies and client address (referenced, not copied);
        `callback` marks a callback the mock sent (engine/callbacks.py): then `request` is
        what it sent, `response` the receiver's answer (None: none came, status 0)."""
        if request is not None:
            client, asked, asked_body = request.client, request.headers, request.body
        else:
            client, asked, asked_body = "", _NO_HEADERS, b""
        if response is not None:
            answered, answer_body = response.headers, response.body
        else:
            answered, answer_body = [], b""
        # A client chooses the URL's length; the journal keeps enough of it to recognise.
        row = (time, method,
               path if len(path) <= JOURNAL_URL_CHARS else brief(path, JOURNAL_URL_CHARS),
               query if len(query) <= JOURNAL_URL_CHARS else brief(query, JOURNAL_URL_CHARS),
               status, duration_ms, operation_id, fault, client, asked,
               asked_body if len(asked_body) <= JOURNAL_BODY_BYTES
               else asked_body[:JOURNAL_BODY_BYTES], len(asked_body), answered,
               answer_body if len(answer_body) <= JOURNAL_BODY_BYTES
               else answer_body[:JOURNAL_BODY_BYTES], len(answer_body), callback)
        with self._lock:
            self._added += 1
            self._entries.append(row)

    def rows(self) -> list[_Row]:
        """The kept rows, oldest first (a snapshot)."""
        with self._lock:
            return list(self._entries)

    def entries(self, where: Callable[[_Row], bool] | None = None) -> list[dict[str, Any]]:
        """Every kept entry (or those `where` accepts) as a dict, oldest first."""
        rows: Iterable[_Row] = self.rows()
        if where is not None:
            rows = filter(where, rows)
        return [as_dict(row) for row in rows]

    def count(self, where: Callable[[_Row], bool] | None = None) -> int:
        """How many kept entries `where` accepts (all without it); no dict built."""
        rows = self.rows()
        return len(rows) if where is None else sum(1 for row in rows if where(row))

    def clear(self) -> None:
        """Forget every entry, and the count of dropped ones."""
        with self._lock:
            self._entries.clear()
            self._added = 0


def as_dict(row: _Row) -> dict[str, Any]:
    """One journal row as the admin API shows it."""
    entry: dict[str, Any] = dict(zip(_FIELDS, row[:7], strict=True))
    entry["time"] = iso_time(row[TIME])
    entry["epoch"] = row[TIME]
    entry["duration_ms"] = round(row[5], 3)
    if row[7] is not None:
        entry["fault"] = row[7]
    entry["client"] = row[8]
    entry["request"] = {"headers": dict(row[REQUEST_HEADERS]), **_body(row[10], row[11])}
    answered: dict[str, str] = {}
    for name, value in row[RESPONSE_HEADERS]:
        key = name.lower()
        answered[key] = f"{answered[key]}, {value}" if key in answered else value
    entry["response"] = {"headers": answered, **_body(row[13], row[14])}
    if row[15] is not None:
        entry["callback"] = row[15]
    return entry


def iso_time(seconds: float) -> str:
    """An epoch time as ISO 8601 in UTC, to the millisecond (`2026-12-01T10:53:38.123Z`)."""
    moment = datetime.datetime.fromtimestamp(seconds, datetime.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _body(kept: bytes, size: int) -> dict[str, Any]:
    """A kept body as text (or base64 when it is not UTF-8), its full size, whether cut."""
    cut = size > len(kept)
    try:
        shown: dict[str, Any] = {"body": kept.decode("utf-8")}
    except UnicodeDecodeError as error:
        if cut and error.start >= len(kept) - 3:  # the cut split a character: drop its start
            shown = {"body": kept[: error.start].decode("utf-8", "replace")}
        else:
            shown = {"bodyBase64": base64.b64encode(kept).decode("ascii")}
    return {**shown, "bodyBytes": size, "truncated": cut}

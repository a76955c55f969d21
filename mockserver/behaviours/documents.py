"""`document`: a PDF with one page per named record (labels, reports), written with fpdf2.

The body lists record ids (a pointer) and how many copies of each (a pointer, default 1); each
page prints the contract's `lines`, formatted with the record's fields. An id that names no
record answers 400. The creation date comes from the mock's clock, so the bytes are
reproducible for the same state and time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from specmock.behaviours.outcomes import BodyOutcome, Call, Outcome
from specmock.behaviours.state import State
from specmock.behaviours.store import Record
from specmock.core import pointers
from specmock.core.clock import Clock
from specmock.core.problems import ApiError
from specmock.core.templates import render_template

DEFAULT_PAGE_MM = (101.6, 50.8)  # a 4 x 2 inch label
MAX_PAGES = 1000


@dataclass(frozen=True)
class Document:
    """The `document` action (see docs/extensions.md)."""

    state: State
    spec: dict[str, Any]
    clock: Clock
    media_type: str = "application/pdf"

    def __call__(self, call: Call) -> Outcome:
        records = self._records(call.body)
        copies = self._copies(call.body)
        if len(records) * copies > MAX_PAGES:
            raise ApiError("badRequest", f"At most {MAX_PAGES} pages per document.",
                           pointer="/body")
        title = str(render_template(self.spec.get("title", ""), call.path))
        pages = [r for r in records for _ in range(copies)]
        return BodyOutcome(self._pdf(title, pages), media_type=self.media_type)

    def _records(self, body: Any) -> list[Record]:
        pointer = self.spec["ids"]
        ids = pointers.resolve(body, pointer)
        if not isinstance(ids, list) or not ids:
            raise _bad(pointer, "A non-empty list of ids is required.")
        spec = self.state.specs[self.spec["collection"]]
        store = self.state.collection(spec.name)
        out = []
        for i, raw in enumerate(ids):
            record_id = spec.coerce_id(raw)
            record = None if record_id is None else store.get(record_id)
            if record is None:
                raise _bad(f"{pointer}/{i}", f'Invalid pk "{raw}" - object does not exist.')
            out.append(record)
        return out

    def _copies(self, body: Any) -> int:
        pointer = self.spec.get("copies")
        copies = 1 if pointer is None else pointers.resolve(body, pointer, 1)
        if isinstance(copies, bool) or not isinstance(copies, int) or copies < 1:
            raise _bad(str(pointer), "The number of copies must be a positive integer.")
        return copies

    def _pdf(self, title: str, records: list[Record]) -> bytes:
        width, height = self.spec.get("pageSize", DEFAULT_PAGE_MM)
        from fpdf import FPDF  # imported on first use: 0.18 s a start that writes no PDF

        pdf = FPDF(unit="mm", format=(width, height))
        pdf.set_creation_date(datetime.fromtimestamp(self.clock.now(), UTC))
        pdf.set_title(_latin1(title))
        pdf.set_creator("specmock")
        pdf.set_auto_page_break(False)
        pdf.set_margins(4, 4, 4)
        for record in records:
            pdf.add_page()
            pdf.set_font("Helvetica", "B", 10)
            pdf.cell(0, 6, _latin1(title), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "", 9)
            for line in self.spec.get("lines", []):
                text = _latin1(str(render_template(line, _texts(record))))
                pdf.cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())


def _texts(record: Record) -> dict[str, str]:
    return {k: "" if v is None else str(v) for k, v in record.items()}


def _latin1(text: str) -> str:
    """The PDF core fonts cover Latin-1 only: anything else prints as '?'."""
    return text.encode("latin-1", "replace").decode("latin-1")


def _bad(pointer: str, detail: str) -> ApiError:
    return ApiError(
        "badRequest", detail, field=pointer.lstrip("/").split("/")[0], pointer="/body" + pointer
    )

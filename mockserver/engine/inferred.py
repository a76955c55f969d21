"""Collection handlers of an inferred collection, held to the document's own answers.

A declared collection's contract was written for specmock's actions (201 on create, 204 on
delete, its error shape). A plain document was not: its create may answer 200, its delete 200
with nothing, its missing record its own 404. So the handlers of an inferred collection answer
with the success status the operation documents, and a missing record with the operation's
documented 404 (its example or schema-generated data, or no body where it declares none).
A created record gets a value for each field its schema requires that no create body sends.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from specmock.behaviours.fake import GenerationError, generate
from specmock.behaviours.outcomes import (
    BodyOutcome,
    Call,
    EmptyOutcome,
    ListOutcome,
    Outcome,
    RecordOutcome,
)
from specmock.behaviours.prefer import Preference
from specmock.behaviours.static import StaticResponder
from specmock.core.exchange import Request
from specmock.core.problems import ApiError
from specmock.engine.schemas_util import record_properties, resolve_ref

Handler = Callable[[Call], Outcome]
_NOT_FOUND = Preference(code=404)
_MAX_DEPTH = 16


@dataclass(frozen=True)
class AsDocumented:
    """`handler`, answering the documented success status and the documented 404."""

    handler: Handler
    static: StaticResponder
    statuses: frozenset[int]
    not_found: bool

    def __call__(self, call: Call) -> Outcome:
        try:
            outcome = self.handler(call)
        except ApiError as error:
            if error.kind != "notFound" or not self.not_found:
                raise
            return documented_not_found(self.static, call.request)
        return self._documented(outcome)

    def _documented(self, outcome: Outcome) -> Outcome:
        if outcome.status in self.statuses or not self.statuses:
            return outcome
        status = min(self.statuses)
        if status == 204 or isinstance(outcome, EmptyOutcome):
            return EmptyOutcome(status)
        if isinstance(outcome, (RecordOutcome, ListOutcome, BodyOutcome)):
            return replace(outcome, status=status)
        return outcome


def documented_not_found(static: StaticResponder, request: Request) -> BodyOutcome:
    """The operation's documented 404: its example or generated data (no body where the
    document declares none)."""
    answer = static.answer(_NOT_FOUND, accept=request.header("accept") or "*/*")
    return BodyOutcome(answer.body if answer.media_type else None, 404, answer.media_type,
                       tuple(answer.headers.items()))


def as_documented(handler: Handler, static: StaticResponder, operation: dict[str, Any]) -> Handler:
    """The handler of an inferred collection's operation, answering as the document says."""
    responses = operation.get("responses") or {}
    statuses = frozenset(
        int(str(code)) for code in responses if str(code).isdigit() and str(code)[0] == "2"
    )
    not_found = "404" in {str(code) for code in responses}
    return AsDocumented(handler, static, statuses, not_found)


def server_made(
    document: dict[str, Any], schema: Any, writable: frozenset[str] | None, id_field: str,
    seed: int,
) -> dict[str, Any]:
    """A value for each property the record schema requires that no create body sends (a
    read-only `createdAt`, say): its example or default, else seeded schema data. Records
    created then still satisfy the schema they are read back with."""
    properties = record_properties(document, schema, siren=False)
    out: dict[str, Any] = {}
    for name in sorted(_required(document, schema)):
        if name == id_field or name not in properties or name in (writable or ()):
            continue
        rng = random.Random(f"{seed}:{name}")
        try:
            out[name] = generate(resolve_ref(document, properties[name]), document, rng,
                                 direction="response")
        except GenerationError:  # a schema no value meets: the response check will say so
            continue
    return out


def _required(document: dict[str, Any], schema: Any, depth: int = 0) -> set[str]:
    schema = resolve_ref(document, schema)
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return set()
    names = {n for n in schema.get("required") or () if isinstance(n, str)}
    for branch in schema.get("allOf") or ():
        names |= _required(document, branch, depth + 1)
    return names

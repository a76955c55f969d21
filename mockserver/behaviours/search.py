"""`search`: records of a collection that meet every line of a posted search.

The body names the collection (through a map of the names clients send), a list of lines, and
in each line a field (by name, or by the id of a record of a field-catalogue collection), a
comparison and a value. Matching records come back with their id under `idProperty`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from specmock.behaviours.outcomes import BodyOutcome, Call, Outcome
from specmock.behaviours.state import State
from specmock.behaviours.store import Record
from specmock.core import pointers
from specmock.core.problems import ApiError
from specmock.core.templates import render_template


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _ordered(op: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    """A comparison that orders numbers as numbers and anything else as text."""

    def compare(have: Any, want: Any) -> bool:
        if have is None:
            return False
        left, right = _number(have), _number(want)
        if left is not None and right is not None:
            return op(left, right)
        return op(str(have), str(want))

    return compare


def _members(want: Any) -> list[str]:
    """The values of an `in` comparison: a list, or text separated by commas or new lines."""
    if isinstance(want, list):
        return [str(v).strip() for v in want]
    return [p.strip() for p in str(want).replace("\n", ",").split(",") if p.strip()]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "equals": lambda have, want: _text(have) == _text(want),
    "notEquals": lambda have, want: _text(have) != _text(want),
    "in": lambda have, want: _text(have) in _members(want),
    "notIn": lambda have, want: _text(have) not in _members(want),
    "contains": lambda have, want: _text(want).casefold() in _text(have).casefold(),
    "beginsWith": lambda have, want: _text(have).casefold().startswith(_text(want).casefold()),
    "greaterThan": _ordered(lambda a, b: a > b),
    "lessThan": _ordered(lambda a, b: a < b),
    "greaterThanOrEqual": _ordered(lambda a, b: a >= b),
    "lessThanOrEqual": _ordered(lambda a, b: a <= b),
    "isNull": lambda have, _want: have in (None, ""),
    "isNotNull": lambda have, _want: have not in (None, ""),
}

Line = tuple[str, Callable[[Any, Any], bool], Any]


@dataclass(frozen=True)
class Search:
    """The `search` action (see docs/extensions.md)."""

    state: State
    spec: dict[str, Any]
    respond: Any

    def __call__(self, call: Call) -> Outcome:
        collection = self._collection(call.body)
        lines = self._lines(call.body, collection)
        limit = self._limit(call.body)
        id_field = self.state.specs[collection].id_field
        id_property = self.spec.get("idProperty", id_field)
        results: list[Record] = []
        for record in self.state.collection(collection):
            if all(compare(record.get(name), want) for name, compare, want in lines):
                results.append({id_property: record.get(id_field), **record})
                if len(results) >= limit:
                    break
        values = {"results": results, "count": len(results), "collection": collection}
        return BodyOutcome(render_template(self.respond, values))

    def _collection(self, body: Any) -> str:
        names: dict[str, str] = self.spec.get("collections", {})
        pointer = self.spec.get("collection")
        if pointer is None:
            return next(iter(names.values()))
        sent = pointers.resolve(body, pointer)
        if sent not in names:
            known = ", ".join(names)
            raise _bad(pointer, f"{pointer.lstrip('/')} must be one of {known}, got {sent!r}.")
        return names[sent]

    def _lines(self, body: Any, collection: str) -> list[Line]:
        pointer = self.spec["lines"]
        sent = pointers.resolve(body, pointer, [])
        if not isinstance(sent, list):
            raise _bad(pointer, "The search lines must be a list.")
        return [self._line(line, f"{pointer}/{i}", collection) for i, line in enumerate(sent)]

    def _line(self, line: Any, where: str, collection: str) -> Line:
        field_ptr = self.spec.get("field", "/field")
        comparison_ptr = self.spec.get("comparison", "/comparison")
        value_ptr = self.spec.get("value", "/value")
        name = self._field_name(pointers.resolve(line, field_ptr), where + field_ptr, collection)
        how = pointers.resolve(line, comparison_ptr)
        compare = COMPARISONS.get(str(how))
        if compare is None:
            known = ", ".join(COMPARISONS)
            raise _bad(where + comparison_ptr, f"Unknown comparison {how!r} (known: {known}).")
        return name, compare, pointers.resolve(line, value_ptr)

    def _field_name(self, sent: Any, where: str, collection: str) -> str:
        """A field given by name, or by the id of a field-catalogue record (`fieldNames`)."""
        catalogue = self.spec.get("fieldNames")
        if catalogue is not None:
            spec = self.state.specs[catalogue["collection"]]
            record_id = spec.coerce_id(sent)
            found = None if record_id is None else self.state.collection(spec.name).get(record_id)
            if found is not None:
                return str(found.get(catalogue["name"]))
        if isinstance(sent, str) and any(sent in r for r in self.state.collection(collection)):
            return sent
        raise _bad(where, f"No field {sent!r} to search on in {collection}.")

    def _limit(self, body: Any) -> int:
        maximum = int(self.spec.get("maximum", 1000))
        pointer = self.spec.get("limit")
        sent = None if pointer is None else pointers.resolve(body, pointer)
        if sent in (None, 0):  # 0, as for lists, asks for everything (up to the maximum)
            return maximum
        if isinstance(sent, bool) or not isinstance(sent, int) or sent < 0:
            raise _bad(str(pointer), f"{str(pointer).lstrip('/')} must be a whole number.")
        return min(sent, maximum)


def _bad(pointer: str, detail: str) -> ApiError:
    return ApiError(
        "badRequest", detail, field=pointer.lstrip("/").split("/")[0], pointer="/body" + pointer
    )

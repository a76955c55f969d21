"""Stateful collections: list, create, read, update (merge), replace and delete records.

Each handler is a small callable built once per operation from the contract, `(Call) -> Outcome`.
Writes check uniqueness, references to other collections, and JSON files against structures
kept in other collections; uploads are kept in the file store and the record holds their path.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import uuid
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from specmock.behaviours.datasets import DataSet, DataSetCache
from specmock.behaviours.outcomes import (
    BodyOutcome,
    Call,
    EmptyOutcome,
    ListOutcome,
    Outcome,
    Page,
    RecordOutcome,
)
from specmock.behaviours.pagination import PaginationSpec, window
from specmock.behaviours.paths import ResourcePaths
from specmock.behaviours.state import CollectionSpec, FileStoreFullError, State
from specmock.behaviours.store import InMemoryCollection, Record, RecordId
from specmock.behaviours.value_rules import RuleBrokenError, check_value
from specmock.contract.declarations import JsonFileRule
from specmock.core import pointers
from specmock.core.clock import Clock, SystemClock
from specmock.core.problems import ApiError

Handler = Callable[[Call], Outcome]
NOT_FOUND = "Not found."


@dataclass(frozen=True)
class CollectionContext:
    """What every collection handler of one operation needs, built once at start-up."""

    spec: CollectionSpec
    state: State
    paths: ResourcePaths
    id_param: str | None = None
    defaults: dict[str, Any] = field(default_factory=dict)
    clock: Clock | None = None

    def now(self) -> float:
        """The mock's time (its injected clock)."""
        return (self.clock or SystemClock()).now()

    def highest_id(self, collection: str) -> int | None:
        """The largest integer id alive in `collection` (None when it has none)."""
        ids = self.state.collection(collection).ordered_ids()
        return max((i for i in ids if isinstance(i, int)), default=None)

    @property
    def records(self) -> InMemoryCollection:
        """The live collection (looked up per call: `reset` replaces collections)."""
        return self.state.collection(self.spec.name)

    def find(self, call: Call) -> tuple[RecordId, Record]:
        """The record named by the path parameter, or 404."""
        raw = call.path.get(self.id_param or "", None)
        record_id = self.spec.coerce_id(raw)
        record = None if record_id is None else self.records.get(record_id)
        if record is None or record_id is None:
            raise ApiError("notFound", self.spec.not_found)
        return record_id, record


def _is_file(value: Any) -> bool:
    return hasattr(value, "data") and hasattr(value, "filename")


def _matches(value: Any, wanted: Any, how: str) -> bool:
    if value is None:
        return False
    text, needle = str(value), str(wanted)
    if how == "exact":
        return text == needle or value == wanted
    if how == "iexact":
        return text.casefold() == needle.casefold()
    if how == "contains":
        return needle in text
    return needle.casefold() in text.casefold()


Condition = tuple[str, Any, str]


@dataclass(frozen=True)
class ListRecords:
    """`list`: filter by query parameters and path scope, then paginate if declared.

    A page costs a slice of the collection's id order (or of a data set's snapshot), never a
    copy or sort of the whole collection; only filters scan, and a data set caches their result.
    """

    ctx: CollectionContext
    filters: dict[str, dict[str, str]] = field(default_factory=dict)
    scope: dict[str, str] = field(default_factory=dict)
    pagination: PaginationSpec | None = None
    datasets: DataSetCache | None = None

    def __call__(self, call: Call) -> Outcome:
        conditions = self._conditions(call)
        if self.pagination is None:
            return ListOutcome(self.ctx.spec.name, self._all(conditions))
        win = window(self.pagination, call.query)
        dataset_id: str | None = None
        if self.datasets is not None:
            dataset = self._dataset(call, conditions)
            page_ids, total, dataset_id = (
                dataset.window(win.start, win.limit),
                dataset.length,
                dataset.dataset_id,
            )
        else:
            ids, _ = self._ids(conditions)
            page_ids, total = ids[win.start : win.start + win.limit], len(ids)
        store = self.ctx.records
        records = [r for i in page_ids if (r := store.get(i)) is not None]
        page = Page(total, win.limit, win.offset, self.pagination.offset_unit, dataset_id)
        return ListOutcome(self.ctx.spec.name, records, page)

    def _dataset(self, call: Call, conditions: list[Condition]) -> DataSet:
        """The data set the request names, or a fresh one (expired and unknown ids are no error)."""
        assert self.datasets is not None
        assert self.pagination is not None
        query = (self.ctx.spec.name, tuple((f, repr(w), how) for f, w, how in conditions))
        sent = call.query.get(self.pagination.dataset_param)
        found = self.datasets.find(str(sent) if sent not in (None, "") else None, query)
        if found is not None:
            return found
        ids, owned = self._ids(conditions)
        return self.datasets.create(query, ids, owned=owned)

    def _conditions(self, call: Call) -> list[Condition]:
        conditions: list[Condition] = [
            (rule["field"], call.query[param], rule.get("match", "exact"))
            for param, rule in self.filters.items()
            if call.query.get(param) not in (None, "")
        ]
        conditions += [(fld, call.path[param], "exact") for fld, param in self.scope.items()]
        if self.scope:
            self._require_scope_parent(call)
        return conditions

    def _ids(self, conditions: list[Condition]) -> tuple[Sequence[RecordId], bool]:
        """Matching ids in order, and whether the list was made for this query (owned)."""
        store = self.ctx.records
        if not conditions:
            return store.ordered_ids(), False
        return store.select(
            lambda r: all(_matches(r.get(f), w, how) for f, w, how in conditions)
        ), True

    def _all(self, conditions: list[Condition]) -> list[Record]:
        ids, _ = self._ids(conditions)
        store = self.ctx.records
        return [r for i in ids if (r := store.get(i)) is not None]

    def _require_scope_parent(self, call: Call) -> None:
        """`/samples/{id}/aliquots` for a sample that does not exist is a 404, not an empty list."""
        for fld, param in self.scope.items():
            parent = self.ctx.spec.references.get(fld)
            if parent is None:
                continue
            parent_spec = self.ctx.state.specs[parent]
            parent_id = parent_spec.coerce_id(call.path[param])
            if parent_id is None or self.ctx.state.collection(parent).get(parent_id) is None:
                raise ApiError("notFound", NOT_FOUND)


@dataclass(frozen=True)
class ReadRecord:
    """`read`: one record by path id or by `key`, maybe only one `select`ed field, with `embed`."""

    ctx: CollectionContext
    key: dict[str, str] | None = None
    select: str | None = None
    embed: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __call__(self, call: Call) -> Outcome:
        record = self._lookup(call)
        if self.select is not None:
            return BodyOutcome(record.get(self.select))
        if self.embed:
            record = {
                **record,
                **{name: self._related(record, rule) for name, rule in self.embed.items()},
            }
            return RecordOutcome(self.ctx.spec.name, record, stored=False)
        return RecordOutcome(self.ctx.spec.name, record)

    def _lookup(self, call: Call) -> Record:
        if self.key is None:
            return self.ctx.find(call)[1]
        source = call.query if self.key["in"] == "query" else call.path
        wanted = source.get(self.key["param"])
        how = self.key.get("match", "exact")
        for record in self.ctx.records:
            if _matches(record.get(self.key["field"]), wanted, how):
                return record
        raise ApiError("notFound", self.ctx.spec.not_found)

    def _related(self, record: Record, rule: dict[str, Any]) -> list[Record]:
        wanted = record.get(rule["equals"])
        fields = rule.get("fields")
        related = (
            r
            for r in self.ctx.state.collection(rule["collection"])
            if r.get(rule["field"]) == wanted
        )
        if fields:
            return [{k: r.get(k) for k in fields} for r in related]
        return list(related)


class _Writer:
    """What create, update and replace share: turning a body into a checked record."""

    ctx: CollectionContext
    writable: frozenset[str] | None

    def _fields(self, body: Any) -> dict[str, Any]:
        """The body's fields the operation declares; others are dropped, as serializers do."""
        if not isinstance(body, dict):
            raise ApiError("badRequest", "Expected an object.", pointer="/body")
        if self.writable is None:
            fields = dict(body)
        else:
            fields = {
                k: v for k, v in body.items() if k in self.writable or k == self.ctx.spec.id_field
            }
        for name in self.ctx.spec.flatten:  # {"fwLocation": {"position1": ..}} -> position1
            nested = fields.pop(name, None)
            if isinstance(nested, dict):
                fields.update(nested)
        return fields

    def _check_json_files(self, fields: dict[str, Any], record: Record) -> None:
        for name, rule in self.ctx.spec.json_files.items():
            part = fields.get(name)
            if part is None or not _is_file(part):
                continue
            expected, required = self._structure(record, rule)
            try:
                content = json.loads(part.data)
            except RecursionError:  # nested past what the parser follows: no structure to check
                raise _field_error(name, "The file is nested too deeply to be read as JSON.") \
                    from None
            except (UnicodeDecodeError, ValueError) as exc:
                raise _field_error(name, f"The file is not valid JSON: {exc}.") from None
            if not isinstance(content, dict):
                raise _field_error(name, "The file must hold a JSON object.")
            missing, extra = sorted(required - content.keys()), sorted(content.keys() - expected)
            if missing or extra:
                raise _field_error(name, _structure_message(missing, extra))

    def _structure(self, record: Record, rule: JsonFileRule) -> tuple[set[str], set[str]]:
        """The structure's keys and the required ones: a map of key to `{required: bool}`
        (a field description) makes only the required keys mandatory; any other structure,
        every key."""
        target_spec = self.ctx.state.specs[rule.collection]
        target_id = target_spec.coerce_id(record.get(rule.via))
        target = (
            None
            if target_id is None
            else self.ctx.state.collection(rule.collection).get(target_id)
        )
        structure = (target or {}).get(rule.structure)
        if target is None or structure is None:
            if rule.via_missing:  # the API words it on the file's own field
                raise _field_error(rule.field, rule.via_missing)
            raise _field_error(
                rule.via, f'Invalid pk "{record.get(rule.via)}" - object does not exist.'
            )
        keys = set(structure if isinstance(structure, (dict, list)) else [])
        if isinstance(structure, dict) and all(isinstance(v, dict) for v in structure.values()):
            return keys, {k for k, v in structure.items() if v.get("required", True)}
        return keys, keys

    def _check_references(self, record: Record) -> None:
        for name, target in self.ctx.spec.references.items():
            value = record.get(name)
            if value == "" and name not in self.ctx.defaults:
                # An empty reference is no reference (DRF's relational fields read '' as
                # null); a field the record schema does not let be null refuses it.
                raise _field_error(name, "This field may not be null.")
            if value in (None, ""):
                continue
            target_id = self.ctx.state.specs[target].coerce_id(value)
            if target_id is None or self.ctx.state.collection(target).get(target_id) is None:
                raise _field_error(name, f'Invalid pk "{value}" - object does not exist.')

    def _check_unique(self, record: Record, record_id: RecordId) -> None:
        spec = self.ctx.spec
        for name in spec.unique:
            value = record.get(name)
            if value is None:
                continue  # as in SQL, any number of records may leave a unique field empty
            if self.ctx.records.ids_with(name, value) - {record_id}:
                raise _conflict(spec, name)

    def _store_files(self, fields: dict[str, Any]) -> dict[str, Any]:
        files = self.ctx.state.files
        try:
            files.room_for([v for v in fields.values() if _is_file(v)])
        except FileStoreFullError as full:
            raise ApiError("payloadTooLarge", str(full), status=413) from None
        return {k: files.keep(v).path if _is_file(v) else v for k, v in fields.items()}

    def _rewrite(self, call: Call, base: Callable[[Record], Record]) -> Outcome:
        """Update or replace the record the path names, starting from `base(existing)`."""
        record_id, existing = self.ctx.find(call)
        fields = self._fields(call.body)
        fields.pop(self.ctx.spec.id_field, None)
        return RecordOutcome(self.ctx.spec.name, self._save(record_id, fields, base(existing)))

    def _check_files(self, fields: dict[str, Any]) -> None:
        """Each uploaded file in the format its field declares (`fileChecks`)."""
        for name, rule in self.ctx.spec.file_checks.items():
            part = fields.get(name)
            if part is not None and _is_file(part) and not _has_format(part.data, rule["format"]):
                raise _field_error(name, rule.get("message", f"The file is not {rule['format']}."))

    def _check_values(self, fields: dict[str, Any]) -> None:
        """The sent fields against the collection's `valueRules`."""
        today = dt.datetime.fromtimestamp(self.ctx.now(), dt.UTC).date()
        for name, rules in self.ctx.spec.value_rules.items():
            if fields.get(name) in (None, ""):
                continue
            try:
                check_value(fields[name], rules, today, self.ctx.highest_id)
            except RuleBrokenError as failed:
                raise _field_error(name, str(failed)) from None

    def _save(self, record_id: RecordId, fields: dict[str, Any], base: Record) -> Record:
        record = {**base, **fields, self.ctx.spec.id_field: record_id}
        # Every field's problem is reported at once, as DRF's serializers do.
        _every_field_error(
            lambda: self._check_files(fields),
            lambda: self._check_references(record),
            lambda: self._check_unique(record, record_id),
            lambda: self._check_json_files(fields, record),
        )
        record = {
            **self.ctx.defaults,
            **base,
            **self._store_files(fields),
            self.ctx.spec.id_field: record_id,
        }
        self.ctx.records.put(record_id, record)
        for name in self.ctx.spec.files:  # a replaced upload is no longer reachable
            if base.get(name) != record.get(name):
                self.ctx.state.files.release(base.get(name))
        return record


@dataclass(frozen=True)
class CreateRecord(_Writer):
    """`create`: 201 with the new record and its Location.

    Under a `scope` (`/samples/{id}/aliquots`) the scoped fields come from the path (the
    parent must exist, else 404). With `many` the body's count (a pointer) says how many
    alike records to make: one answers the record, several a list of them (201)."""

    ctx: CollectionContext
    writable: frozenset[str] | None = None
    scope: dict[str, str] = field(default_factory=dict)
    many: dict[str, Any] | None = None

    def __call__(self, call: Call) -> Outcome:
        count = self._count(call)
        if self.scope:
            ListRecords(self.ctx, scope=self.scope)._require_scope_parent(call)
        if count == 1:
            return self._create_one(call)
        records = []
        for _ in range(count):
            created = self._create_one(call)
            assert isinstance(created, RecordOutcome)
            records.append(created.record)
        return ListOutcome(self.ctx.spec.name, records, status=201, inline=True)

    def _count(self, call: Call) -> int:
        if self.many is None:
            return 1
        pointer = self.many["count"]
        value = pointers.resolve(call.body, pointer, 1)
        maximum = int(self.many.get("maximum", 100))
        name = pointer.lstrip("/")
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
            raise _field_error(name, f"{name} must be an integer from 1 to {maximum}.")
        return value

    def _create_one(self, call: Call) -> Outcome:
        fields = self._fields(call.body)
        if self.many is not None:
            fields.pop(self.many["count"].lstrip("/"), None)
        fields.update({fld: call.path[param] for fld, param in self.scope.items()})
        spec = self.ctx.spec
        sent_id = spec.client_ids and fields.get(spec.id_field) is not None
        if sent_id:
            # A duplicate id answers "already exists" before the id's own rules are read.
            existing = self.ctx.records.get(spec.coerce_id(fields.get(spec.id_field)) or "")
            if existing is None:
                self._check_values(fields)
        else:
            self._check_values(fields)
        if spec.id_source == "client" or sent_id:
            record_id = spec.coerce_id(fields.get(spec.id_field))
            if record_id is None:
                raise _field_error(spec.id_field, "This field is required.")
            if self.ctx.records.get(record_id) is not None:
                raise _conflict(spec, spec.id_field)
        else:
            record_id = _integer_id(self.ctx) if spec.id_type == "integer" else _text_id(self.ctx)
        record = self._save(record_id, fields, self._stamps(call))
        location = self.ctx.paths.record(spec.name, record_id) if spec.location else None
        headers = (("location", call.request.base_url + location),) if location else ()
        return RecordOutcome(spec.name, record, status=201, headers=headers)


    def _stamps(self, call: Call) -> Record:
        """The fields the server sets on a new record (`setOnCreate`): `now` is the mock's
        time (ISO 8601, UTC, microseconds), `user` the caller's user id, anything else as is."""
        out: Record = {}
        for name, source in self.ctx.spec.set_on_create.items():
            if source == "now":
                stamp = dt.datetime.fromtimestamp(self.ctx.now(), dt.UTC)
                out[name] = stamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            elif source == "user":
                out[name] = _user_id(call.principal)
            else:
                out[name] = source
        return out


@dataclass(frozen=True)
class UpdateRecord(_Writer):
    """`update` (PATCH): only the sent fields change."""

    ctx: CollectionContext
    writable: frozenset[str] | None = None

    def __call__(self, call: Call) -> Outcome:
        return self._rewrite(call, lambda existing: existing)


@dataclass(frozen=True)
class ReplaceRecord(_Writer):
    """`replace` (PUT): the record becomes what was sent (the schema required every field)."""

    ctx: CollectionContext
    writable: frozenset[str] | None = None

    def __call__(self, call: Call) -> Outcome:
        return self._rewrite(call, self._kept)

    def _kept(self, existing: Record) -> Record:
        """What a client cannot write (read-only fields such as a creation date) survives."""
        if self.writable is None:
            return {}
        return {k: v for k, v in existing.items() if k not in self.writable}


@dataclass(frozen=True)
class DeleteRecord:
    """`delete`: 204; later reads answer 404."""

    ctx: CollectionContext

    def __call__(self, call: Call) -> Outcome:
        record_id, record = self.ctx.find(call)
        referrers = self._referrers(record_id)
        if referrers:
            detail = self.ctx.spec.protected_message.format(references=", ".join(referrers))
            raise ApiError("conflict", detail, status=409)
        self.ctx.records.delete(record_id)
        for name in self.ctx.spec.files:  # its uploads go with it
            self.ctx.state.files.release(record.get(name))
        return EmptyOutcome()

    def _referrers(self, record_id: RecordId) -> list[str]:
        """`collection.field` of every declared reference (`protect.referencedBy`) that a
        record still makes to this one."""
        found = []
        for ref in self.ctx.spec.protected_by:
            records = self.ctx.state.collection(ref["collection"])
            if any(_same_id(r.get(ref["field"]), record_id) for r in records):
                found.append(f"{ref['collection']}.{ref['field']}")
        return found


@dataclass(frozen=True)
class FieldProblem:
    """One field's problem among several (read by the error renderer as a violation)."""

    field: str
    pointer: str
    message: str


@dataclass(eq=False)
class FieldErrors(ApiError):  # noqa: N818 -- names the outcome, like ApiError
    """A 400 for several fields at once; `violations` lists them, the first is the detail."""

    violations: list[FieldProblem] = field(default_factory=list)


def _every_field_error(*checks: Callable[[], None]) -> None:
    """Run every check; raise nothing, the one error, or all 400s of distinct fields together."""
    errors: list[ApiError] = []
    for check in checks:
        try:
            check()
        except ApiError as error:
            if error.status != 400:
                raise
            if all(e.field != error.field for e in errors):
                errors.append(error)
    if not errors:
        return
    if len(errors) == 1:
        raise errors[0]
    first = errors[0]
    raise FieldErrors(
        "badRequest", first.detail, field=first.field, pointer=first.pointer,
        violations=[FieldProblem(e.field, e.pointer, e.detail) for e in errors],
    )


def _same_id(value: Any, record_id: RecordId) -> bool:
    return value is not None and str(value) == str(record_id)


def _user_id(principal: Any) -> Any:
    """The caller's user id from its token claims (an integer when it is one)."""
    if isinstance(principal, dict):
        for claim in ("user_id", "sub"):
            if claim in principal:
                return principal[claim]
    return principal


def _has_format(data: bytes, kind: str) -> bool:
    """Whether the bytes are a `zip` archive or `json` text (by content, not by name)."""
    if kind == "zip":
        return zipfile.is_zipfile(io.BytesIO(data))
    try:
        json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError):  # deeper than the parser follows
        return False
    return True


def _integer_id(ctx: CollectionContext) -> int:
    """The next server-made integer id: one past the largest, unless that passes the id
    schema's maximum (a client created the top id): then the lowest one no record holds."""
    n = ctx.records.next_integer_id()
    ceiling = ctx.spec.id_maximum
    if ceiling is None or n <= ceiling:
        return n
    return next(i for i in itertools.count(1) if ctx.records.get(i) is None)


def _text_id(ctx: CollectionContext) -> str:
    """The next free text id: the counter as text, or as a UUID where the id's format says so
    (an inferred collection whose schema has `format: uuid`)."""
    while True:
        n = ctx.records.next_integer_id()
        text = str(uuid.UUID(int=n)) if ctx.spec.id_format == "uuid" else str(n)
        if ctx.records.get(text) is None:  # a seed record may hold the same text
            return text


def _conflict(spec: CollectionSpec, name: str) -> ApiError:
    """A duplicate value, worded as Django does: "sample with this sample id already exists."."""
    kind = "badRequest" if spec.conflict_status == 400 else "conflict"
    detail = f"{_singular(spec.name)} with this {name.replace('_', ' ')} already exists."
    return ApiError(kind, detail, field=name, pointer=f"/body/{name}", status=spec.conflict_status)


def _singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name


def _field_error(name: str, detail: str) -> ApiError:
    return ApiError("badRequest", detail, field=name, pointer=f"/body/{name}")


def _structure_message(missing: list[str], extra: list[str]) -> str:
    parts = []
    if missing:
        parts.append("missing keys: " + ", ".join(missing))
    if extra:
        parts.append("unknown keys: " + ", ".join(extra))
    return "The file does not match the sample type's structure (" + "; ".join(parts) + ")."

"""Valid write bodies for a collection, built from the contract and the target's own records.

Schema-valid is not enough for a write to succeed: `references` must name records that exist
(ids are read from the referenced collection's list on the target), `unique` fields and
client-chosen ids must be unused, `files` must be real files, and a `jsonFiles` field must have
exactly the keys of the structure its `via` record declares (read through the contract's `read`
operation that `select`s that structure by `key`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import requests
from hypothesis import strategies as st

from specmock.behaviours.value_rules import RuleBrokenError, check_value
from specmock.suites_support import CollectionSpec, ContractModel, FilePart, Operation
from specmock.suites_support.schemas import merged, object_shape
from specmock.suites_support.views import items_of, record_of
from specmock_suites.client import ApiClient
from specmock_suites.values import allows, file_content, json_object_with_keys, pick, value_strategy

EXTENSIONS = {"application/zip": "zip", "application/json": "json"}


@dataclass(frozen=True)
class Body:
    """A write body: typed field values and file parts, and the media type to send them as."""

    media_type: str
    values: Mapping[str, Any]
    files: tuple[FilePart, ...] = ()

    @property
    def fields(self) -> set[str]:
        """Every field name the body sends."""
        return {*self.values, *(f.name for f in self.files)}

    def without(self, name: str) -> Body:
        """The body without one field."""
        return replace(
            self,
            values={k: v for k, v in self.values.items() if k != name},
            files=tuple(f for f in self.files if f.name != name),
        )

    def send(
        self, client: ApiClient, operation: Operation, path: Mapping[str, Any] | None = None
    ) -> requests.Response:
        """Send the body to `operation` as its media type (multipart with files, or JSON)."""
        if "multipart" in self.media_type:
            return client.call(
                operation, path=path, form=dict(self.values), files=self.files, multipart=True
            )
        if "form" in self.media_type:
            return client.call(operation, path=path, form=dict(self.values))
        return client.call(operation, path=path, json_body=dict(self.values))


@dataclass
class Pools:
    """What the target holds that bodies must refer to: records per collection, the structures
    of JSON files, and values of unique fields already taken."""

    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    structures: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    taken: dict[str, set[str]] = field(default_factory=dict)

    def ids(self, collection: str, model: ContractModel) -> list[Any]:
        """Ids of the records of `collection` the target showed."""
        id_field = model.collections[collection].id_field
        return [r[id_field] for r in self.records.get(collection, []) if id_field in r]

    def take(self, name: str, value: Any) -> None:
        """Mark a unique value as used."""
        self.taken.setdefault(name, set()).add(str(value))

    def free(self, name: str, value: Any) -> bool:
        """Whether a unique value is still unused."""
        return str(value) not in self.taken.get(name, set())

    def unused(
        self,
        name: str,
        value: Any,
        schema: Mapping[str, Any],
        fits: Callable[[Any], bool] | None = None,
    ) -> Any:
        """`value`, or the nearest variant of it that is unused and still fits the schema.

        Uniqueness is made after drawing, never by filtering: the target's state must not
        change what hypothesis draws, or replaying an example would draw differently.
        """
        for variant in variants(value, schema):
            if self.free(name, variant) and (fits is None or fits(variant)):
                return variant
        return value


class BodyFactory:
    """Strategies for the bodies of one collection's write operations."""

    def __init__(self, model: ContractModel, collection: str, pools: Pools) -> None:
        self.model = model
        self.spec: CollectionSpec = model.collections[collection]
        self.pools = pools

    def full(
        self, operation: Operation, fixed: Mapping[str, Any] | None = None
    ) -> st.SearchStrategy[Body]:
        """Bodies with every required field and any of the optional ones (create, replace)."""
        return _full_body(self, operation, dict(fixed or {}))

    def partial(self, operation: Operation, current: Mapping[str, Any]) -> st.SearchStrategy[Body]:
        """Bodies with a few of the writable fields (update); `current` is the record now."""
        return _partial_body(self, operation, current)

    def remember(self, body: Body) -> None:
        """Mark the body's unique values and client id as taken."""
        for name in self._unique_fields():
            if name in body.values:
                self.pools.take(name, body.values[name])

    # ------------------------------------------------------------------ per field

    def writable(self, operation: Operation) -> dict[str, Mapping[str, Any]]:
        """The fields the operation's body may carry (read-only ones left out)."""
        media = operation.body_media_type() or "application/json"
        return object_shape(operation.bodies.get(media, {})).writable()

    def required(self, operation: Operation) -> set[str]:
        """The fields the operation's body must carry."""
        media = operation.body_media_type() or "application/json"
        return set(object_shape(operation.bodies.get(media, {})).required)

    def strategy(self, name: str, schema: Mapping[str, Any], media: str) -> st.SearchStrategy[Any]:
        """Values for one field (files as FilePart)."""
        schema = merged(schema)
        if name in self.spec.references:
            return self._reference(name, schema)
        if schema.get("format") == "binary" or name in self.spec.files:
            return self._file(name, schema)
        if self.spec.value_rules.get(name) and self._examples(name):
            # Rules a schema cannot say (a date part in the past, codes within the highest
            # ids): start from the contract's own examples, vary them within the rules.
            passes = self._passes_rules(name)
            examples = [v for v in self._examples(name) if passes(v)] or self._examples(name)
            return pick(examples).map(lambda v: self.pools.unused(name, v, schema, passes))
        values = value_strategy(schema, allow_null="json" in media)
        if name in self._unique_fields():
            return values.map(lambda v: self.pools.unused(name, v, schema))
        return values

    def json_file(self, name: str, via_value: Any) -> st.SearchStrategy[FilePart]:
        """A JSON file with exactly the keys of the structure the `via` record declares."""
        rule = self.spec.json_files[name]
        keys = self.pools.structures.get((rule.collection, str(via_value)), [])
        return json_object_with_keys(keys).map(
            lambda content: FilePart(name, f"{name}.json", "application/json", content)
        )

    def _passes_rules(self, name: str) -> Callable[[Any], bool]:
        """Whether a value keeps the collection's `valueRules` for `name`, judged with the
        highest ids the target showed."""
        rules = self.spec.value_rules[name]
        today = dt.date.today()

        def highest(collection: str) -> int | None:
            ids = [i for i in self.pools.ids(collection, self.model) if isinstance(i, int)]
            return max(ids, default=None)

        def passes(value: Any) -> bool:
            try:
                check_value(value, rules, today, highest)
            except RuleBrokenError:
                return False
            return True

        return passes

    def _reference(self, name: str, schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
        collection = self.spec.references[name]
        ids = self.pools.ids(collection, self.model) or self._examples(name)
        if collection == self.spec.name:
            ids = ids[:20]  # name records that were there before the test, never its own
        options: list[Any] = list(ids)
        if allows(schema, ""):
            options.append("")
        return pick(options)

    def _file(self, name: str, schema: Mapping[str, Any]) -> st.SearchStrategy[FilePart]:
        media = str(schema.get("contentMediaType", "application/octet-stream"))
        extension = EXTENSIONS.get(media, "bin")
        return file_content(media).map(
            lambda content: FilePart(name, f"{name}.{extension}", media, content)
        )

    def _examples(self, name: str) -> list[Any]:
        """Values the contract's own request examples give a field (for references to a
        collection the API does not list, such as DMLF's staff)."""
        found: list[Any] = []
        for operation in self.model.by_action("create", self.spec.name):
            for example in operation.body_examples.values():
                if isinstance(example, Mapping) and name in example:
                    found.append(example[name])
            schema = self.writable(operation).get(name, {})
            if "example" in schema:
                found.append(schema["example"])
        return sorted({str(v): v for v in found}.values(), key=str)

    def _unique_fields(self) -> set[str]:
        unique = set(self.spec.unique)
        if self.spec.client_ids:
            unique.add(self.spec.id_field)
        return unique


@st.composite
def _full_body(
    draw: st.DrawFn, factory: BodyFactory, operation: Operation, fixed: dict[str, Any]
) -> Body:
    media = operation.body_media_type() or "application/json"
    fields = factory.writable(operation)
    required = factory.required(operation)
    chosen = [
        n for n in fields if n in required or n in fixed or draw(st.booleans(), label=f"send {n}")
    ]
    return _draw_fields(draw, factory, media, fields, chosen, fixed, {})


@st.composite
def _partial_body(
    draw: st.DrawFn, factory: BodyFactory, operation: Operation, current: Mapping[str, Any]
) -> Body:
    media = operation.body_media_type() or "application/json"
    fields = factory.writable(operation)
    names = sorted(fields)
    chosen = draw(
        st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True), label="fields"
    )
    for name, rule in factory.spec.json_files.items():
        if rule.via in chosen and name in fields and name not in chosen:
            chosen.append(name)  # a new via record needs a file of its structure
    return _draw_fields(draw, factory, media, fields, chosen, {}, current)


def _draw_fields(
    draw: st.DrawFn,
    factory: BodyFactory,
    media: str,
    fields: Mapping[str, Mapping[str, Any]],
    chosen: list[str],
    fixed: Mapping[str, Any],
    current: Mapping[str, Any],
) -> Body:
    values: dict[str, Any] = {}
    files: list[FilePart] = []
    json_files = factory.spec.json_files
    for name in chosen:
        if name in json_files:
            continue
        if name in fixed:
            value = fixed[name]
        else:
            value = draw(factory.strategy(name, fields[name], media), label=name)
        if isinstance(value, FilePart):
            files.append(value)
        else:
            values[name] = value
    for name in chosen:
        if name in json_files:
            via = values.get(json_files[name].via, current.get(json_files[name].via))
            files.append(draw(factory.json_file(name, via), label=name))
    return Body(media, values, tuple(files))


def variants(value: Any, schema: Mapping[str, Any]) -> Iterator[Any]:
    """`value`, then distinct variants of it that still fit the schema: its trailing digits
    counted up within their width (patterns with fixed widths), then suffixes `-1`, `-2`, ...
    (the value cut to keep within maxLength)."""
    yield value
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield from (value + k for k in range(1, 10_000))
        return
    if not isinstance(value, str):
        return
    pattern = schema.get("pattern")
    high = int(schema.get("maxLength", 64))
    fits = (lambda c: re.fullmatch(pattern, c) is not None) if isinstance(pattern, str) else None
    for candidate in itertools.chain(_counted(value), _suffixed(value, high)):
        if candidate != value and (fits is None or fits(candidate)):
            yield candidate


def _counted(value: str) -> Iterator[str]:
    digits = re.search(r"(\d+)$", value)
    if digits is None:
        return
    width = len(digits.group(1))
    for k in range(1, min(10**width, 10_000)):
        number = (int(digits.group(1)) + k) % 10**width
        yield value[: digits.start()] + str(number).zfill(width)


def _suffixed(value: str, high: int) -> Iterator[str]:
    for k in range(1, 10_000):
        suffix = f"-{k}"
        yield value[: max(0, high - len(suffix))] + suffix


def discover(client: ApiClient, model: ContractModel, collection: str) -> Pools:
    """Read from the target what bodies of `collection` must refer to: some records of each
    referenced collection, the structures of JSON files, and every value its unique fields
    already have (all pages: a unique value taken on page 40 still conflicts)."""
    spec = model.collections[collection]
    pools = Pools()
    referenced = {*spec.references.values(), *(r.collection for r in spec.json_files.values())}
    referenced |= {
        str(rule["atMostHighestId"])
        for rules in spec.value_rules.values()
        for rule in rules
        if "atMostHighestId" in rule
    }
    for name in sorted(referenced - {collection}):
        pools.records[name] = list_records(client, model, name, pages=1)
    pools.records[collection] = list_records(client, model, collection, pages=None)
    for rule in spec.json_files.values():
        for record in pools.records.get(rule.collection, []):
            key = record.get(model.collections[rule.collection].id_field)
            pools.structures[(rule.collection, str(key))] = structure_keys(
                client, model, rule.collection, rule.structure, record
            )
    unique = {*spec.unique, *([spec.id_field] if spec.client_ids else [])}
    for record in pools.records.get(collection, []):
        for name in unique:
            if name in record:
                pools.take(name, record[name])
    return pools


def list_records(
    client: ApiClient, model: ContractModel, collection: str, pages: int | None
) -> list[dict[str, Any]]:
    """The records of a collection's list: by pages of the largest size if it is paginated, at
    most `pages` of them (None: all)."""
    operation = model.crud(collection, "list")
    if operation is None:
        return []
    spec = model.pagination
    if not operation.paginated or spec is None:
        response = client.call(operation)
        envelope = model.collections[collection].envelope
        if response.status_code != 200:
            return []
        return items_of(response.json(), model.siren, envelope) or []
    records: list[dict[str, Any]] = []
    for number in itertools.count():
        if pages is not None and number >= pages:
            break
        offset = spec.offset_of_page(number, spec.limit_max)
        query = {spec.limit_param: spec.limit_max, spec.offset_param: offset}
        response = client.call(operation, query=query)
        items = (items_of(response.json(), model.siren, model.collections[collection].envelope)
                 if response.status_code == 200 else None)
        records += items or []
        if not items or len(items) < spec.limit_max:
            break
    return records


def structure_keys(
    client: ApiClient,
    model: ContractModel,
    collection: str,
    structure: str,
    record: Mapping[str, Any],
) -> list[str]:
    """The keys of the structure a record declares, read through the contract's keyed `read`
    operation that selects it (else from the record itself)."""
    for operation in model.by_action("read", collection):
        key = operation.ext.get("key")
        if operation.ext.get("select") != structure or not isinstance(key, Mapping):
            continue
        value = record.get(str(key.get("field")))
        response = client.call(operation, query={str(key["param"]): value})
        if response.status_code == 200:
            found = record_of(response.json(), model.siren)
            if found is not None:
                return list(found)
    inline = record.get(structure)
    return list(inline) if isinstance(inline, Mapping) else []

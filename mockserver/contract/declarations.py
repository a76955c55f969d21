"""The declarations model: which collections a contract has and what each operation does.

One reading of the document for every consumer: the engine builds its state and handlers from
it, the suites their model of the contract. A collection is either declared (root
`x-specmock.collections`, an operation's `x-specmock`) or inferred from the usual resource
shape of a plain document (inference.py); both end up here as the same `CollectionSpec` and
the same per-operation declaration, so nothing downstream tells them apart but `inferred`.
Nothing here knows of HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from specmock.contract.pointers import to_pointer

RecordId = int | str


@dataclass(frozen=True)
class JsonFileRule:
    """A JSON file field checked against a structure kept in another collection's record
    (`jsonFiles`): the record of `collection` named by the written record's `via` field holds
    the structure in its `structure` field."""

    field: str
    via: str
    collection: str
    structure: str
    via_missing: str | None = None
    """The file field's own message when the `via` record does not exist."""

    @classmethod
    def from_contract(cls, name: str, rule: Mapping[str, Any]) -> JsonFileRule:
        """Read one `jsonFiles` entry."""
        missing = rule.get("viaMissing")
        return cls(name, str(rule["via"]), str(rule["collection"]), str(rule["structure"]),
                   str(missing) if missing else None)


@dataclass(frozen=True)
class CollectionSpec:
    """A collection: declared (root `x-specmock.collections.<name>`) or inferred."""

    name: str
    id_field: str
    id_type: str = "integer"
    id_source: str = "server"
    klass: tuple[str, ...] = ()
    unique: tuple[str, ...] = ()
    conflict_status: int = 409
    id_maximum: int | None = None
    """The largest integer id the record schema allows (inferred from `maximum` or a format):
    past it, server-made ids go back to the lowest free one."""
    references: dict[str, str] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    json_files: dict[str, JsonFileRule] = field(default_factory=dict)
    seed: dict[str, Any] | None = None
    location: bool = True
    not_found: str = "Not found."
    file_checks: dict[str, dict[str, str]] = field(default_factory=dict)
    value_rules: dict[str, tuple[dict[str, Any], ...]] = field(default_factory=dict)
    protected_by: tuple[dict[str, str], ...] = ()
    protected_message: str = (
        "Cannot delete this record: {references} still reference it."
    )
    set_on_create: dict[str, Any] = field(default_factory=dict)
    hidden: frozenset[str] = frozenset()
    flatten: tuple[str, ...] = ()
    """Body fields holding an object whose members are stored as the record's own fields."""
    title: str | None = None
    """Record field shown as the Siren entity's `title`."""
    related: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Record field -> the collection (and Siren rel) of the records it names, shown as
    linked sub-entities instead of a property."""
    envelope: str | None = None
    """The member of a plain list answer that holds the records (None: the answer is the
    array itself)."""
    id_format: str | None = None
    """The id's string format (`uuid`) when server-made string ids must have one."""
    inferred: bool = False
    """Whether the collection was inferred from the document's resource shape."""

    @classmethod
    def from_contract(cls, name: str, spec: Mapping[str, Any]) -> CollectionSpec:
        """Read one `collections` entry."""
        protect = spec.get("protect") or {}
        return cls(
            name=name,
            id_field=str(spec.get("idField", "id")),
            id_type=str(spec.get("idType", "integer")),
            id_source=str(spec.get("idSource", "server")),
            klass=tuple(spec.get("class", [name])),
            unique=tuple(spec.get("unique") or ()),
            conflict_status=int(spec.get("conflictStatus", 409)),
            references=dict(spec.get("references") or {}),
            files=tuple(spec.get("files") or ()),
            json_files={n: JsonFileRule.from_contract(n, r)
                        for n, r in (spec.get("jsonFiles") or {}).items()},
            seed=spec.get("seed"),
            location=bool(spec.get("location", True)),
            not_found=str(spec.get("notFound", "Not found.")),
            file_checks=dict(spec.get("fileChecks") or {}),
            value_rules={k: tuple(v) for k, v in (spec.get("valueRules") or {}).items()},
            protected_by=tuple(protect.get("referencedBy", ())),
            protected_message=str(protect.get("message", cls.protected_message)),
            set_on_create=dict(spec.get("setOnCreate") or {}),
            hidden=frozenset(spec.get("hidden", ())),
            flatten=tuple(spec.get("flatten", ())),
            related=dict(spec.get("related") or {}),
            title=spec.get("title"),
            envelope=spec.get("envelope"),
            id_format=spec.get("idFormat"),
        )

    @property
    def client_ids(self) -> bool:
        """Whether a create may carry its record's id (`idSource` client or either)."""
        return self.id_source in ("client", "either")

    def coerce_id(self, value: Any) -> RecordId | None:
        """An id from a path or body in the collection's id type; None if it cannot be one."""
        if self.id_type == "integer":
            if isinstance(value, bool):
                return None
            try:
                return int(value)
            except (TypeError, ValueError):
                return None
        return None if value is None else str(value)


@dataclass(frozen=True)
class Inferred:
    """What inference made of one resource shape, for lint and the start-up banner."""

    collection: str
    list_path: str
    item_path: str
    id_param: str
    id_field: str
    id_type: str
    id_source: str
    seed_count: int
    envelope: str | None
    actions: tuple[str, ...]
    filters: tuple[str, ...] = ()
    """Query parameters of the list that filter by the record field of their name."""

    @property
    def pointer(self) -> str:
        """The JSON pointer of the collection path's item."""
        return to_pointer(("paths", self.list_path))

    def describe(self) -> str:
        """One line: the collection, its id and where its records come from."""
        listing = f"list in {self.envelope!r}" if self.envelope else "list as an array"
        if "list" not in self.actions:
            listing = "no list"
        if self.filters:
            listing += ", filtered by " + ", ".join(self.filters)
        made = {"client": "sent by the client", "either": "the client's if sent, else made by "
                "the mock"}.get(self.id_source, "made by the mock")
        return (
            f"inferred collection {self.collection!r} from {self.list_path} and "
            f"{self.item_path} ({', '.join(self.actions)}): id {self.id_field!r} "
            f"({self.id_type}, {made}) from path parameter {self.id_param!r}, "
            f"{self.seed_count} seed record(s) from the examples, {listing}"
        )


@dataclass(frozen=True)
class NearMiss:
    """A path that looks like a resource but was not inferred as one, and why."""

    path: str
    reason: str

    @property
    def pointer(self) -> str:
        """The JSON pointer of the path's item."""
        return to_pointer(("paths", self.path))

    def describe(self) -> str:
        """One line: the path and why nothing was inferred."""
        return f"no collection inferred for {self.path}: {self.reason}"


Key = tuple[str, str]
"""(path template, METHOD)."""


@dataclass(frozen=True)
class Declarations:
    """Every collection and each operation's declaration (`x-specmock`, declared or inferred)."""

    collections: dict[str, CollectionSpec]
    operations: dict[Key, dict[str, Any]] = field(default_factory=dict)
    inferred: tuple[Inferred, ...] = ()
    near_misses: tuple[NearMiss, ...] = ()

    def of(self, template: str, method: str) -> dict[str, Any]:
        """The declaration of an operation ({} for one that declares nothing: static)."""
        return self.operations.get((template, method.upper()), {})

    def notes(self) -> list[tuple[str, str]]:
        """What inference did and did not do: (pointer, one line) each."""
        return [(i.pointer, i.describe()) for i in self.inferred] + [
            (m.pointer, m.describe()) for m in self.near_misses
        ]


def read_declarations(document: Mapping[str, Any], *, infer: bool = True) -> Declarations:
    """The document's declarations; with `infer`, plus the collections its resource shapes
    imply where it declares none (`x-specmock` always wins: a contract that declares
    collections gets nothing inferred)."""
    from specmock.contract.inference import infer_collections
    from specmock.contract.operations import iter_operations

    root = document.get("x-specmock")
    root = root if isinstance(root, Mapping) else {}
    declared = root.get("collections")
    collections = {
        str(n): CollectionSpec.from_contract(str(n), c)
        for n, c in (declared if isinstance(declared, Mapping) else {}).items()
        if isinstance(c, Mapping)
    }
    operations: dict[Key, dict[str, Any]] = {}
    for ref in iter_operations(dict(document)):
        ext = ref.operation.get("x-specmock")
        if isinstance(ext, dict):
            operations[(ref.template, ref.method.upper())] = ext
    if not infer:
        return Declarations(collections, operations)
    if collections:  # a specmock contract: its author said what is stateful
        return Declarations(collections, operations)
    found = infer_collections(document)
    for inferred_spec in found.collections:
        collections[inferred_spec.name] = inferred_spec
    for key, ext in found.operations.items():
        operations.setdefault(key, ext)
    return Declarations(collections, operations, tuple(found.inferred), tuple(found.near_misses))

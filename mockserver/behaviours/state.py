"""All of a mock's state: its collections (from the contract's seed) and uploaded files."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

from mockserver.behaviours.seed import seed_records
from mockserver.behaviours.store import InMemoryCollection, RecordId

FILES_PREFIX = "/__specmock/files/"


class FilePart(Protocol):
    """An uploaded file as the body parser gives it."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class CollectionSpec:
    """A collection as the contract declares it (root `x-specmock.collections.<name>`)."""

    name: str
    id_field: str
    id_type: str = "integer"
    id_source: str = "server"
    klass: tuple[str, ...] = ()
    unique: tuple[str, ...] = ()
    conflict_status: int = 409
    references: dict[str, str] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    json_files: dict[str, dict[str, str]] = field(default_factory=dict)
    seed: dict[str, Any] | None = None
    flatten: tuple[str, ...] = ()
    """Body fields holding an object whose members are stored as the record's own fields."""
    title: str | None = None
    """Record field shown as the Siren entity's `title`."""
    related: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Record field -> the collection (and Siren rel) of the records it names, shown as
    linked sub-entities instead of a property."""

    @classmethod
    def from_contract(cls, name: str, spec: dict[str, Any]) -> CollectionSpec:
        """Read one `collections` entry."""
        return cls(
            name=name,
            id_field=spec["idField"],
            id_type=spec.get("idType", "integer"),
            id_source=spec.get("idSource", "server"),
            klass=tuple(spec.get("class", [name])),
            unique=tuple(spec.get("unique", ())),
            conflict_status=spec.get("conflictStatus", 409),
            references=dict(spec.get("references", {})),
            files=tuple(spec.get("files", ())),
            json_files=dict(spec.get("jsonFiles", {})),
            seed=spec.get("seed"),
            flatten=tuple(spec.get("flatten", ())),
            related=dict(spec.get("related", {})),
            title=spec.get("title"),
        )

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
class StoredFile:
    """An upload kept with its metadata."""

    file_id: str
    filename: str
    content_type: str
    data: bytes

    @property
    def path(self) -> str:
        """Where the admin API serves it (absolute URL built per request)."""
        return f"{FILES_PREFIX}{self.file_id}/{self.filename}"


class FileStore:
    """Uploaded files by id."""

    def __init__(self) -> None:
        self._files: dict[str, StoredFile] = {}
        self._counter = 0
        self._lock = threading.Lock()

    def keep(self, part: FilePart) -> StoredFile:
        """Store an upload and return it with its id."""
        with self._lock:
            self._counter += 1
            name = (part.filename or "upload").replace("/", "_") or "upload"
            stored = StoredFile(str(self._counter), name, part.content_type, part.data)
            self._files[stored.file_id] = stored
            return stored

    def get(self, file_id: str) -> StoredFile | None:
        """A stored file, or None."""
        return self._files.get(file_id)

    def describe(self) -> list[dict[str, Any]]:
        """Metadata of every file (no bytes), for the state dump."""
        return [
            {
                "id": f.file_id,
                "filename": f.filename,
                "contentType": f.content_type,
                "size": len(f.data),
                "path": f.path,
            }
            for f in self._files.values()
        ]


class State:
    """Every collection plus the file store; `reset` goes back to the seed."""

    def __init__(self, specs: dict[str, CollectionSpec], seed: int = 0) -> None:
        self.specs = specs
        self._seed = seed
        self.collections: dict[str, InMemoryCollection] = {}
        self.files = FileStore()
        self.reset()

    def reset(self) -> None:
        """Drop all changes and uploads; load the seed records again (same seed, same data)."""
        rng = random.Random(self._seed)
        self.files = FileStore()
        self.collections = {
            name: InMemoryCollection(
                (spec.coerce_id(record.get(spec.id_field)) or 0, record)
                for record in seed_records(spec.seed, rng)
            )
            for name, spec in self.specs.items()
        }

    def collection(self, name: str) -> InMemoryCollection:
        """A collection by name (the linter guarantees names exist)."""
        return self.collections[name]

    def dump(self) -> dict[str, Any]:
        """Every record and file description, JSON-ready."""
        return {
            "collections": {name: c.snapshot() for name, c in self.collections.items()},
            "files": self.files.describe(),
        }

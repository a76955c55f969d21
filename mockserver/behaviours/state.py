"""All of a mock's state: its collections (from the contract's seed) and uploaded files."""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass
from typing import Any, Protocol

from specmock.behaviours.seed import seed_records
from specmock.behaviours.store import InMemoryCollection
from specmock.contract.declarations import CollectionSpec

FILES_PREFIX = "/__specmock/files/"

__all__ = ["FILES_PREFIX", "CollectionSpec", "FilePart", "FileStore", "State", "StoredFile"]


class FilePart(Protocol):
    """An uploaded file as the body parser gives it."""

    filename: str
    content_type: str
    data: bytes


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


DEFAULT_FILE_STORE_BYTES = 256 * 1024 * 1024
# A client names its upload; the name goes into URLs the mock hands out, so only characters that
# need no escaping in a path (RFC 3986 unreserved) are kept, the rest become "_".
_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9._~-]")
MAX_FILE_NAME_CHARS = 100


def safe_file_name(given: str | None) -> str:
    """The upload's name as it may stand in a URL: unreserved characters only, at most
    `MAX_FILE_NAME_CHARS`, never empty, never `.` or `..`."""
    name = _UNSAFE_IN_NAME.sub("_", given or "")[-MAX_FILE_NAME_CHARS:].lstrip(".")
    return name or "upload"


class FileStoreFullError(ValueError):
    """An upload that would take the file store past its byte budget.

    Seen by: the collection writers, which answer 413 in the contract's error shape."""


class FileStore:
    """Uploaded files by id, within a budget of bytes; a file goes with the record holding it."""

    def __init__(self, max_bytes: int = DEFAULT_FILE_STORE_BYTES) -> None:
        self._files: dict[str, StoredFile] = {}
        self._counter = 0
        self._bytes = 0
        self.max_bytes = max_bytes
        self._lock = threading.Lock()

    @property
    def bytes(self) -> int:
        """The bytes of every kept file."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._files)

    def room_for(self, parts: list[FilePart]) -> None:
        """Raise `FileStoreFullError` unless every part fits in the budget (checked before a
        write stores anything, so a refused write keeps no file)."""
        needed = sum(len(part.data) for part in parts)
        if self._bytes + needed > self.max_bytes:
            raise FileStoreFullError(
                f"The mock's file store is full: {self._bytes} of {self.max_bytes} bytes are "
                f"kept and this write brings {needed} more. Delete records that hold files, "
                "reset the mock, or start it with a larger --max-file-store.")

    def keep(self, part: FilePart) -> StoredFile:
        """Store an upload and return it with its id."""
        with self._lock:
            self._counter += 1
            name = safe_file_name(part.filename)
            stored = StoredFile(str(self._counter), name, part.content_type, part.data)
            self._files[stored.file_id] = stored
            self._bytes += len(part.data)
            return stored

    def release(self, path: Any) -> None:
        """Forget the file a record field points to (`/__specmock/files/<id>/<name>`), if any."""
        if not isinstance(path, str) or not path.startswith(FILES_PREFIX):
            return
        file_id = path[len(FILES_PREFIX):].split("/", 1)[0]
        with self._lock:
            stored = self._files.pop(file_id, None)
            if stored is not None:
                self._bytes -= len(stored.data)

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

    def __init__(self, specs: dict[str, CollectionSpec], seed: int = 0,
                 max_file_bytes: int = DEFAULT_FILE_STORE_BYTES) -> None:
        self.specs = specs
        self._seed = seed
        self._max_file_bytes = max_file_bytes
        self.collections: dict[str, InMemoryCollection] = {}
        self.files = FileStore(max_file_bytes)
        self.reset()

    def reset(self) -> None:
        """Drop all changes and uploads; load the seed records again (same seed, same data)."""
        rng = random.Random(self._seed)
        self.files = FileStore(self._max_file_bytes)
        self.collections = {
            name: InMemoryCollection(
                ((spec.coerce_id(record.get(spec.id_field)) or 0, record)
                 for record in seed_records(spec.seed, rng)),
                indexed=spec.unique,
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

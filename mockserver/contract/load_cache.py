"""Remembering a loaded contract, so a later `serve` of unchanged files need not parse them again.

Loading is most of a later start of a large document: a 659-operation description in 2,849
YAML files takes seconds to parse and bundle (PyYAML composes a node per value; cProfile: 4.8 s
of 10 s under the profiler was YAML), while reading and hashing the same files takes a few
milliseconds. A load depends only on the bytes of the files it read and on this package's code,
so a clean load (no diagnostic at all) is kept, with the SHA-256 of every file it read, in
`<cache dir>/loaded/` (the directory check_cache.py uses); a later load of the same root file
whose files all hash the same is the kept one. Any change to any file read, to the loader's
code, to PyYAML or to Python is a miss, and the files are parsed as before. A load with any
diagnostic is never kept, so every problem is reported from the files themselves.

The entry is a pickle: the directory is the user's own cache (as for Python's own bytecode
cache); a cache that cannot be read or written is no cache.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import platform
from pathlib import Path

import yaml

from specmock.contract.check_cache import cache_dir
from specmock.contract.loader import find_root, load_contract
from specmock.contract.model import LoadedContract

ENTRIES = "loaded"
MAX_ENTRIES = 32
"""Loads kept; the oldest are removed beyond this."""


def load_remembered(path: str | Path, directory: Path | None = None) -> LoadedContract:
    """`load_contract(path)`, from the cache when every file it read is unchanged."""
    root = find_root(path)
    if not isinstance(root, Path):
        return load_contract(path)
    entry = (directory or cache_dir()) / ENTRIES / _key(root)
    kept = _read(entry)
    if kept is not None:
        return kept
    loaded = load_contract(root)
    if loaded.loaded and not loaded.diagnostics:
        _write(entry, loaded)
    return loaded


def _key(root: Path) -> str:
    """Names the entry of this root file under this code (the files' hashes are inside)."""
    own = Path(__file__).parent
    code = [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(own.glob("*.py"))]
    facts = repr((str(root), code, yaml.__version__, platform.python_version()))
    return hashlib.sha256(facts.encode()).hexdigest()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read(entry: Path) -> LoadedContract | None:
    try:
        hashes, contract = pickle.loads(entry.read_bytes())
        if all(_digest(Path(name)) == digest for name, digest in hashes):
            return contract if isinstance(contract, LoadedContract) else None
    except Exception:  # a damaged or foreign entry, whatever unpickling it raised: no cache
        return None
    return None


def _write(entry: Path, loaded: LoadedContract) -> None:
    try:
        hashes = [(str(path), _digest(path)) for path in loaded.files]
        entry.parent.mkdir(parents=True, exist_ok=True)
        partial = entry.with_suffix(f".{os.getpid()}.partial")  # one per writing process
        partial.write_bytes(pickle.dumps((hashes, loaded), protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(entry)  # whole or not at all, for a start running beside this one
        _prune(entry.parent)
    except (OSError, pickle.PicklingError, RecursionError):
        return  # a read-only or full disk, or a document too deep to pickle: nothing kept


def _prune(directory: Path) -> None:
    entries = sorted(directory.iterdir(), key=lambda path: path.stat().st_mtime_ns)
    for stale in entries[:-MAX_ENTRIES]:
        stale.unlink(missing_ok=True)

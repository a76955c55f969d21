"""Remembering that a document passed the OpenAPI check, so `serve` need not repeat it.

The OpenAPI check (openapi_check.py) is half of `specmock serve`'s start-up: importing
openapi-spec-validator and running its keyword checks takes about 0.25 s, compiling the contract
15 ms. Its verdict depends only on the bundled document and on the validator's code, so a
document that passed once passes again: `serve` looks for a marker named by a hash of both and
skips the check when it is there. Only a clean pass is remembered; a document with any finding
is checked every time, and `specmock lint` never uses the cache.

Where: `$SPECMOCK_CACHE_DIR`, else `$XDG_CACHE_HOME/specmock`, else `~/.cache/specmock`, in
`openapi-checked/`. A cache that cannot be read or written is no cache: the check runs.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from specmock.contract.diagnostics import Diagnostic
from specmock.contract.model import LoadedContract

CACHE_ENV = "SPECMOCK_CACHE_DIR"
MARKERS = "openapi-checked"
MAX_MARKERS = 256
"""Markers kept; the oldest are removed beyond this (one per contract version served)."""

Check = Callable[[LoadedContract], list[Diagnostic]]


def cache_dir() -> Path:
    """The cache directory this process uses (it may not exist yet)."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "specmock"


def passed_before(document: dict[str, Any], directory: Path | None = None) -> bool:
    """Whether this document's clean OpenAPI check is remembered (so it will be skipped)."""
    marker = _marker(directory or cache_dir(), document)
    return marker is not None and marker.is_file()


def remembering(check: Check, directory: Path | None = None) -> Check:
    """`check`, skipped for a document that passed it before (see the module docstring)."""

    def remembered(contract: LoadedContract) -> list[Diagnostic]:
        marker = _marker(directory or cache_dir(), contract.document)
        if marker is not None and marker.is_file():
            return []
        problems = check(contract)
        if not problems and marker is not None:
            _write(marker)
        return problems

    remembered.__name__ = check.__name__
    return remembered


def _marker(directory: Path, document: dict[str, Any]) -> Path | None:
    """The marker of this document and this validator, or None when it cannot be named."""
    try:
        text = orjson.dumps(document, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    except TypeError:
        # orjson holds integers of at most 64 bits; documents have larger ones (an example
        # 2^64 in the DigitalOcean description made its 5 s check run on every start).
        try:
            text = json.dumps(document, sort_keys=True).encode()
        except (TypeError, ValueError):  # a value JSON cannot hold: no key, the check runs
            return None
    validator = _validator_fingerprint()
    if validator is None:
        return None
    digest = hashlib.sha256(validator.encode() + b"\0" + text).hexdigest()
    return directory / MARKERS / digest


CHECKER_PACKAGES = ("openapi_spec_validator", "openapi_schema_validator", "jsonschema_rs")
"""The packages whose code decides the check's verdict (schema_meta.py uses the last two)."""


def _validator_fingerprint() -> str | None:
    """Which checker packages are installed, without importing them (that is the slow part):
    their locations and their files' sizes and times, which a reinstall or an upgrade changes."""
    found: list[object] = []
    for name in CHECKER_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            return None
        package = Path(spec.origin).parent
        try:
            files = [p for pattern in ("*.py", "*.json", "*.so") for p in package.rglob(pattern)]
            stats = [(path.name, path.stat()) for path in sorted(files)]
        except OSError:
            return None
        found.append(str(package))
        found.extend((name, stat.st_size, stat.st_mtime_ns) for name, stat in stats)
    own = Path(__file__).parent  # our own check's code is part of the verdict too
    found.extend((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(own.glob("*.py")))
    return repr(found)


def _write(marker: Path) -> None:
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_bytes(b"passed the OpenAPI check\n")
        _prune(marker.parent)
    except OSError:  # a read-only or full disk: nothing remembered, nothing lost
        return


def _prune(directory: Path) -> None:
    markers = sorted(directory.iterdir(), key=lambda path: path.stat().st_mtime_ns)
    for stale in markers[:-MAX_MARKERS]:
        stale.unlink(missing_ok=True)

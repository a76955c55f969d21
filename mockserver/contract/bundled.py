"""The contracts that ship with specmock, found by short name (`specmock serve freezerworks`).

In a built wheel they sit inside the package (`mockserver/_bundled/`, copied there by the build
step in setup.py); in a checkout or an editable install they are the repository's top-level
`contracts/` folder. Either way a name such as `dmlf` means `<that folder>/dmlf`, and a value
that names an existing file or directory is a path as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

_PACKAGE = Path(__file__).resolve().parents[1]
PACKAGED_DIR = _PACKAGE / "_bundled"
"""Where a wheel carries the bundled contracts."""
CHECKOUT_DIR = _PACKAGE.parent / "contracts"
"""Where a checkout (and an editable install) keeps them."""


def bundled_root() -> Path:
    """The folder holding the bundled contracts and the Siren schema."""
    return PACKAGED_DIR if PACKAGED_DIR.is_dir() else CHECKOUT_DIR


def siren_schema() -> Path:
    """The JSON Schema of Siren entities the siren suite validates against."""
    return bundled_root() / "siren" / "entity.schema.json"


def bundled_contracts() -> dict[str, Path]:
    """Every bundled contract by short name (a folder holding openapi.yaml), sorted by name."""
    return {p.parent.name: p.parent for p in sorted(bundled_root().glob("*/openapi.yaml"))}


def resolve_contract(value: str | Path) -> Path:
    """The contract `value` names: an existing path as given, else a bundled contract's folder
    by its short name; anything else is returned as given (the loader says what is wrong)."""
    path = Path(value)
    if path.exists():
        return path
    return bundled_contracts().get(str(value), path)


@dataclass(frozen=True)
class BundledContract:
    """One line of `specmock contracts`."""

    name: str
    title: str
    path: Path


def describe_bundled() -> list[BundledContract]:
    """Each bundled contract with the title its document gives."""
    found = []
    for name, folder in bundled_contracts().items():
        with (folder / "openapi.yaml").open(encoding="utf-8") as stream:
            document = yaml.load(stream, Loader=yaml.CSafeLoader if hasattr(yaml, "CSafeLoader")
                                 else yaml.SafeLoader)
        info = document.get("info", {}) if isinstance(document, dict) else {}
        found.append(BundledContract(name, str(info.get("title", name)), folder))
    return found

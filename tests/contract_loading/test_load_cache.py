"""A clean load is remembered with its files' hashes (mockserver/contract/load_cache.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from specmock.contract import load_cache
from specmock.contract.model import LoadedContract

ROOT = """\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /pets:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: 'schemas.yaml#/Pet'}
"""


def contract(folder: Path, pet: str = "{type: object}") -> Path:
    (folder / "openapi.yaml").write_text(ROOT)
    (folder / "schemas.yaml").write_text(f"Pet: {pet}\n")
    return folder / "openapi.yaml"


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The root files actually parsed (the loader behind the cache, counted)."""
    parsed: list[Path] = []
    real = load_cache.load_contract

    def counting(path: Any) -> LoadedContract:
        parsed.append(Path(path))
        return real(path)

    monkeypatch.setattr(load_cache, "load_contract", counting)
    return parsed


def test_an_unchanged_contract_is_not_parsed_again(tmp_path: Path, loads: list[Path]) -> None:
    # Given a two-file contract loaded once
    root = contract(tmp_path)
    first = load_cache.load_remembered(root, tmp_path / "cache")
    # When it is loaded again, unchanged
    again = load_cache.load_remembered(root, tmp_path / "cache")
    # Then the same bundled document comes back without parsing the files
    assert (again.document, again.files, len(loads)) == (first.document, first.files, 1)


def test_a_changed_referenced_file_is_read_again(tmp_path: Path, loads: list[Path]) -> None:
    # Given a contract loaded once
    root = contract(tmp_path)
    load_cache.load_remembered(root, tmp_path / "cache")
    # When a file it refers to changes, and it is loaded again
    contract(tmp_path, pet="{type: object, required: [name]}")
    again = load_cache.load_remembered(root, tmp_path / "cache")
    # Then the change is in the document
    assert again.document["components"]["schemas"]["Pet"]["required"] == ["name"]
    assert len(loads) == 2


def test_a_load_with_problems_is_never_remembered(tmp_path: Path, loads: list[Path]) -> None:
    # Given a contract whose reference names a file that does not exist
    root = contract(tmp_path)
    (tmp_path / "openapi.yaml").write_text(ROOT.replace("schemas.yaml", "missing.yaml"))
    # When it is loaded twice
    first = load_cache.load_remembered(root, tmp_path / "cache")
    second = load_cache.load_remembered(root, tmp_path / "cache")
    # Then both loads read the files and report the problem
    assert (len(loads), bool(first.diagnostics), second.diagnostics) == (2, True,
                                                                         first.diagnostics)


def test_an_unreadable_cache_is_no_cache(tmp_path: Path, loads: list[Path]) -> None:
    # Given a contract loaded once, and its cache entry then overwritten with garbage
    root = contract(tmp_path)
    first = load_cache.load_remembered(root, tmp_path / "cache")
    for entry in (tmp_path / "cache" / load_cache.ENTRIES).iterdir():
        entry.write_bytes(b"not a pickle")
    # When it is loaded again
    again = load_cache.load_remembered(root, tmp_path / "cache")
    # Then it is parsed again, to the same document
    assert (again.document, len(loads)) == (first.document, 2)

"""A clean OpenAPI check is remembered per document for `serve`; anything else is checked again."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from specmock.contract import (
    CHECKS,
    Diagnostic,
    LoadedContract,
    check_cache,
    check_contract,
    check_openapi,
    load_contract,
    run_lint,
)
from specmock.contract.check_cache import MARKERS, remembering
from specmock.engine.app import ContractError, MockEngine
from tests.contract_loading.conftest import Write, openapi

CLEAN = openapi("paths: {}\n")
BROKEN = openapi("paths: {/things: {get: {responses: {'200': {description: 1}}}}}\n")


class CountingCheck:
    """check_openapi, counting its runs."""

    __name__ = "check_openapi"

    def __init__(self) -> None:
        self.runs = 0

    def __call__(self, contract: LoadedContract) -> list[Diagnostic]:
        self.runs += 1
        return check_openapi(contract)


def _load(write: Write, text: str) -> LoadedContract:
    return load_contract(write("api/openapi.yaml", text))


def test_a_passed_document_is_not_checked_again(write: Write, tmp_path: Path) -> None:
    # Given a clean contract checked once through the cache
    check = CountingCheck()
    remembered = remembering(check, tmp_path / "cache")
    assert remembered(_load(write, CLEAN)) == []
    # When the same document is checked again (even loaded anew)
    assert remembered(_load(write, CLEAN)) == []
    # Then the check ran once
    assert check.runs == 1


def test_a_document_with_problems_is_checked_every_time(write: Write, tmp_path: Path) -> None:
    check = CountingCheck()
    remembered = remembering(check, tmp_path / "cache")
    first = remembered(_load(write, BROKEN))
    second = remembered(_load(write, BROKEN))
    assert first
    assert first == second
    assert check.runs == 2
    assert not (tmp_path / "cache" / MARKERS).exists()


def test_a_changed_document_is_checked_again(write: Write, tmp_path: Path) -> None:
    check = CountingCheck()
    remembered = remembering(check, tmp_path / "cache")
    remembered(_load(write, CLEAN))
    changed = remembered(_load(write, BROKEN))
    assert changed, "the broken version must not pass on the clean version's marker"
    assert check.runs == 2


def test_an_unusable_cache_is_no_cache(write: Write, tmp_path: Path) -> None:
    # Given a cache path that is a file, not a folder
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    check = CountingCheck()
    remembered = remembering(check, blocker)
    # When checking twice, Then both checks run and nothing fails
    assert remembered(_load(write, CLEAN)) == []
    assert remembered(_load(write, CLEAN)) == []
    assert check.runs == 2


def test_markers_are_bounded(write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check_cache, "MAX_MARKERS", 2)
    remembered = remembering(check_openapi, tmp_path / "cache")
    for version in range(4):
        remembered(_load(write, openapi(f"paths: {{}}\nx-version: {version}\n")))
    assert len(list((tmp_path / "cache" / MARKERS).iterdir())) == 2


def test_the_cache_folder_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    monkeypatch.setenv("SPECMOCK_CACHE_DIR", str(tmp_path / "here"))
    assert check_cache.cache_dir() == tmp_path / "here"
    monkeypatch.delenv("SPECMOCK_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert check_cache.cache_dir() == tmp_path / "xdg" / "specmock"


def _forge_marker(contract: LoadedContract, directory: Path) -> None:
    """A marker for a document that never passed (as a stale or tampered cache would hold)."""
    marker = check_cache._marker(directory, contract.document)
    assert marker is not None
    marker.parent.mkdir(parents=True)
    marker.write_text("forged")


def test_lint_never_uses_the_cache(write: Write, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a marker for a broken document
    monkeypatch.setenv("SPECMOCK_CACHE_DIR", str(tmp_path / "cache"))
    path = write("api/openapi.yaml", BROKEN)
    _forge_marker(load_contract(path), tmp_path / "cache")
    # When the contract is linted, Then the problem is still reported
    out = io.StringIO()
    assert run_lint([str(path)], out) == 1
    assert "description" in out.getvalue()
    assert check_contract(load_contract(path), CHECKS)


def test_serve_can_be_told_not_to_use_the_cache(write: Write, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a marker for a broken document
    monkeypatch.setenv("SPECMOCK_CACHE_DIR", str(tmp_path / "cache"))
    path = write("api/openapi.yaml", BROKEN)
    _forge_marker(load_contract(path), tmp_path / "cache")
    # When the engine is built without the cache
    engine = MockEngine.from_path(path, remember_checks=False)
    # Then the problem is found (a warning it is served despite; --strict would refuse it)
    assert any("description" in str(problem) for problem in engine.problems)
    with pytest.raises(ContractError, match="description"):
        MockEngine.from_path(path, remember_checks=False, strict=True)


def test_a_remembered_pass_is_known_before_checking(write: Write, tmp_path: Path) -> None:
    contract = _load(write, CLEAN)
    assert not check_cache.passed_before(contract.document, tmp_path / "cache")
    remembering(check_openapi, tmp_path / "cache")(contract)
    assert check_cache.passed_before(contract.document, tmp_path / "cache")


def test_a_document_with_an_integer_beyond_64_bits_is_remembered(write: Write,
                                                                  tmp_path: Path) -> None:
    # Given a clean contract whose example is 2^64 (orjson cannot write it)
    check = CountingCheck()
    remembered = remembering(check, tmp_path / "cache")
    text = openapi("paths: {}\ncomponents: {schemas: {Big: {type: integer, "
                   "example: 18446744073709551616}}}\n")
    assert remembered(_load(write, text)) == []
    # When it is checked again
    assert remembered(_load(write, text)) == []
    # Then the check ran once
    assert check.runs == 1

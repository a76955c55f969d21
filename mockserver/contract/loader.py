"""`load_contract`: read a contract's files, resolve and bundle its references."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from specmock.contract.bundle import bundle
from specmock.contract.bundled import resolve_contract
from specmock.contract.diagnostics import Diagnostic, error
from specmock.contract.files import FileCache, Unreadable
from specmock.contract.model import LoadedContract
from specmock.contract.resolver import Location, Resolver
from specmock.contract.swagger import Moves, convert, finish, is_swagger

ROOT_NAMES = ("openapi.yaml", "openapi.yml", "openapi.json")


def find_root(path: str | Path) -> Path | Diagnostic:
    """The root file of the contract at `path` (a directory or a file, or a bundled contract's
    short name such as `dmlf`), or why there is none."""
    path = resolve_contract(path)
    if path.is_dir():
        for name in ROOT_NAMES:
            if (path / name).is_file():
                return (path / name).resolve()
        return error(path, "", f"no {ROOT_NAMES[0]} in this directory")
    if path.is_file():
        return path.resolve()
    return error(path, "", "no such file or directory")


def load_contract(path: str | Path) -> LoadedContract:
    """Load the contract at `path` (a directory holding openapi.yaml, or the file itself).

    Never raises for a broken contract: the problems are in `diagnostics`, and whatever could be
    loaded is in `document`.
    """
    root_file = find_root(path)
    if isinstance(root_file, Diagnostic):
        return LoadedContract(root_file.file, {}, (root_file,), loaded=False)
    files = FileCache()
    loaded = files.load(root_file)
    if isinstance(loaded, Unreadable) or not isinstance(loaded.data, dict):
        problems = list(files.diagnostics) or [_not_a_document(root_file, loaded)]
        return LoadedContract(root_file, {}, tuple(problems), files.paths, loaded=False)
    data, moves, swagger = loaded.data, cast(Moves, {}), is_swagger(loaded.data)
    if swagger:  # its own references are then resolved in what it was converted to
        data, moves = convert(data)
        files.replace(root_file, data)
    try:
        result = bundle(Resolver(files), root_file, data)
    except RecursionError:  # absurdly deep nesting, or a YAML alias that contains itself
        problem = error(root_file, "", "the document is nested too deeply to load")
        return LoadedContract(root_file, {}, (*files.diagnostics, problem), files.paths, False)
    document = finish(result.document) if swagger else result.document
    diagnostics = (*files.diagnostics, *result.diagnostics)
    origins = {**{new: Location(root_file, old) for new, old in moves.items()}, **result.origins}
    return LoadedContract(root_file, document, diagnostics, files.paths, True, origins)


def _not_a_document(root_file: Path, loaded: object) -> Diagnostic:
    if isinstance(loaded, Unreadable):
        return error(root_file, "", "the file could not be read")
    data = getattr(loaded, "data", None)
    if data is None:
        return error(root_file, "", "the document is empty")
    return error(
        root_file,
        "",
        f"the document is a {type(data).__name__}, not a mapping",
        "an OpenAPI document is a mapping with openapi, info and paths",
    )

"""Resolving `$ref`s to their targets, in the same file or in relative files.

`Resolver.resolve` returns the target, or the diagnostic that says why there is none; it records
nothing itself, so a caller that only probes (the cycle check) adds no noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from specmock.contract.diagnostics import Diagnostic, display_path, error
from specmock.contract.files import FileCache, Unreadable
from specmock.contract.hints import closest, did_you_mean
from specmock.contract.pointers import ParsedRef, Tokens, parse_ref, to_pointer

_MAX_DEPTH = 32


@dataclass(frozen=True)
class Location:
    """A place in a source file: the file and the reference tokens of a node in it."""

    file: Path
    tokens: Tokens = ()

    def child(self, key: str | int) -> Location:
        """The location of a member or item of this node."""
        return Location(self.file, (*self.tokens, str(key)))

    @property
    def pointer(self) -> str:
        """The JSON pointer string of this location."""
        return to_pointer(self.tokens)


@dataclass(frozen=True)
class Target:
    """What a `$ref` points at: where it is and the node itself."""

    location: Location
    node: Any


def is_ref(node: Any) -> bool:
    """Whether `node` is a reference object (a mapping with a string `$ref`)."""
    return isinstance(node, dict) and isinstance(node.get("$ref"), str)


class Resolver:
    """Resolves `$ref`s against the files of one load."""

    def __init__(self, files: FileCache) -> None:
        self.files = files
        self._acyclic: set[Location] = set()
        # (folder, relative file) -> resolved path: resolving touches the file system for each
        # part of the path (0.45 s of 6,300 references in a 36-file document, cProfile).
        self._paths: dict[tuple[Path, str], Path] = {}

    def resolve(self, site: Location, ref: str, depth: int = 0) -> Target | Diagnostic | None:
        """The target of `ref`, written at `site` (the reference object's location).

        A diagnostic when it cannot be resolved; None when the file it names could not be
        parsed (that was reported once, with the file).
        """
        where = site.child("$ref")
        try:
            parsed = parse_ref(ref)
        except ValueError as exc:
            return error(where.file, where.pointer, f"invalid $ref '{ref}': {exc}")
        if parsed.document and len(urlsplit(parsed.document).scheme) > 1:
            hint = "copy the document next to the contract and refer to it by a relative path"
            return error(where.file, where.pointer, f"remote $ref '{ref}' is not supported", hint)
        file = self._file(site.file.parent, parsed.document) if parsed.document else site.file
        loaded = self.files.load(file)
        if isinstance(loaded, Unreadable):
            return _missing_file(where, ref, parsed, file) if loaded.missing else None
        return self._walk(Location(file), loaded.data, parsed, ref, where, depth)

    def _file(self, folder: Path, relative: str) -> Path:
        key = (folder, relative)
        found = self._paths.get(key)
        if found is None:
            found = self._paths[key] = (folder / relative).resolve()
        return found

    def _walk(
        self, start: Location, node: Any, parsed: ParsedRef, ref: str, where: Location, depth: int
    ) -> Target | Diagnostic | None:
        location = start
        for token in parsed.tokens:
            if is_ref(node) and token not in node:
                # The pointer runs through a reference: continue in its target.
                if depth >= _MAX_DEPTH:
                    return error(where.file, where.pointer, f"$ref '{ref}' nests too many $refs")
                through = self.resolve(location, node["$ref"], depth + 1)
                if not isinstance(through, Target):
                    return through
                location, node = through.location, through.node
            child = _child(node, token)
            if child is _NOTHING:
                return _missing_target(where, ref, parsed, location, node, token)
            location, node = location.child(token), child
        return Target(location, node)

    def find_cycle(self, start: Target) -> list[Location] | None:
        """The locations of a cycle of reference objects reached from `start`, if any.

        Only chains of nodes that are themselves references count: a schema that refers to
        itself through `properties` or `items` is a legitimate recursive schema.
        """
        seen = [start.location]
        current = start
        while is_ref(current.node) and current.location not in self._acyclic:
            following = self.resolve(current.location, current.node["$ref"])
            if not isinstance(following, Target):
                break
            if following.location in seen:
                return seen[seen.index(following.location) :]
            seen.append(following.location)
            current = following
        self._acyclic.update(seen)
        return None


_NOTHING: Any = object()


def _child(node: Any, token: str) -> Any:
    if isinstance(node, dict):
        return node.get(token, _NOTHING)
    if isinstance(node, list) and token.isdigit() and int(token) < len(node):
        return node[int(token)]
    return _NOTHING


def _missing_file(where: Location, ref: str, parsed: ParsedRef, file: Path) -> Diagnostic:
    siblings = [p.name for p in file.parent.iterdir()] if file.parent.is_dir() else []
    match = closest(file.name, siblings, cutoff=0.8)
    folder = parsed.document.rpartition("/")[0]
    hint = f"did you mean '{folder}/{match}'?" if folder else f"did you mean '{match}'?"
    message = f"unresolvable $ref '{ref}': the file {display_path(file)} does not exist"
    return error(where.file, where.pointer, message, hint if match else None)


def _missing_target(
    where: Location, ref: str, parsed: ParsedRef, container: Location, node: Any, token: str
) -> Diagnostic:
    place = container.pointer or "the document"
    if parsed.document and container.file != where.file:
        place = f"{place} of {parsed.document}"
    if isinstance(node, dict):
        reason, hint = f"no '{token}' in {place}", did_you_mean(token, node)
    elif isinstance(node, list):
        reason, hint = f"no item '{token}' in {place} (it has {len(node)})", None
    else:
        reason, hint = f"{place} is {_kind(node)}, not an object or array", None
    return error(where.file, where.pointer, f"unresolvable $ref '{ref}': {reason}", hint)


def _kind(value: Any) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}
    return "null" if value is None else names.get(type(value), type(value).__name__)

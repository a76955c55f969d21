"""Bundling: one self-contained document whose every `$ref` is local.

External targets are filed under `components/<section>/<name>` (the section follows from where
the reference sits: `schemas` for a schema, `responses` for a response, ...) and references to
them are rewritten; one target is filed once however many references name it. References inside
`x-specmock` objects (seed data) are replaced by the content they name. A reference where no
`components` section fits (a path item, an `info`, an extension) is replaced by its content too.
Local references are checked and kept (written in canonical form). Literal data (examples,
enums, defaults) is copied as it is, `$ref`s and all.

Every problem becomes a diagnostic; a reference that cannot be resolved is kept as written.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from specmock.contract.diagnostics import Diagnostic, error
from specmock.contract.kinds import SECTIONS, Kind, item_kind, member_kind
from specmock.contract.pointers import Tokens, to_fragment, to_pointer
from specmock.contract.resolver import Location, Resolver, Target, is_ref

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# Keywords of a whole JSON Schema document that would re-base its references if kept.
_DOCUMENT_KEYWORDS = ("$id", "$schema")


@dataclass(frozen=True)
class Bundle:
    """A bundled document, where each part of it came from, and what went wrong."""

    document: dict[str, Any]
    origins: dict[Tokens, Location]
    diagnostics: list[Diagnostic]


def bundle(resolver: Resolver, root_file: Path, root: dict[str, Any]) -> Bundle:
    """Bundle the parsed root document `root` of `root_file`."""
    return _Bundler(resolver, root_file, root).run()


class _Bundler:
    def __init__(self, resolver: Resolver, root_file: Path, root: dict[str, Any]) -> None:
        self.resolver = resolver
        self.root_file = root_file
        self.root = root
        self.diagnostics: list[Diagnostic] = []
        self.origins: dict[Tokens, Location] = {(): Location(root_file)}
        self.hoisted: dict[tuple[Location, str], Tokens] = {}
        self.added: dict[str, dict[str, Any]] = {}
        self.inlining: list[Location] = []
        self.cycles: set[frozenset[Location]] = set()

    def run(self) -> Bundle:
        document = self.walk(self.root, self.root_file, (), (), Kind.ROOT)
        self.add_components(document)
        return Bundle(document, self.origins, self.diagnostics)

    def walk(self, node: Any, file: Path, src: Tokens, out: Tokens, kind: Kind) -> Any:
        """A copy of `node` (at `src` in `file`, bound for `out`) with its references bundled."""
        if kind is Kind.LITERAL:
            return node
        if isinstance(node, dict):
            if is_ref(node):
                return self.reference(node, file, src, out, kind)
            return {
                key: self.walk(value, file, (*src, key), (*out, key), member_kind(kind, key))
                if isinstance(value, dict | list)
                else value
                for key, value in node.items()
            }
        if isinstance(node, list):
            items = item_kind(kind)
            return [
                self.walk(value, file, (*src, str(i)), (*out, str(i)), items)
                if isinstance(value, dict | list)
                else value
                for i, value in enumerate(node)
            ]
        return node

    def reference(
        self, node: dict[str, Any], file: Path, src: Tokens, out: Tokens, kind: Kind
    ) -> Any:
        site = Location(file, src)
        target = self.resolver.resolve(site, node["$ref"])
        if not isinstance(target, Target):
            if target is not None:
                self.diagnostics.append(target)
            return dict(node)
        if is_ref(target.node) and self.in_cycle(Target(site, node)):
            return dict(node)
        if kind is Kind.SPECMOCK or (
            target.location.file != self.root_file and kind not in SECTIONS
        ):
            return self.inline(node, site, target, out, kind)
        if target.location.file == self.root_file:
            return self.rewrite(node, file, src, out, kind, target.location.tokens)
        return self.rewrite(node, file, src, out, kind, self.hoist(target, kind))

    def rewrite(
        self, node: dict[str, Any], file: Path, src: Tokens, out: Tokens, kind: Kind, tokens: Tokens
    ) -> dict[str, Any]:
        """The reference object pointing at `tokens` of the bundle, other members bundled."""
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        walked = self.walk(siblings, file, src, out, kind) if siblings else {}
        return {"$ref": to_fragment(tokens), **walked}

    def inline(
        self, node: dict[str, Any], site: Location, target: Target, out: Tokens, kind: Kind
    ) -> Any:
        """The content `node` refers to, in its place."""
        if target.location in self.inlining:
            self.diagnostics.append(
                error(
                    site.file,
                    site.child("$ref").pointer,
                    f"$ref '{node['$ref']}' refers to its own content: it cannot be inlined",
                    "x-specmock data and extensions are inlined; break the recursion",
                )
            )
            return dict(node)
        self.inlining.append(target.location)
        try:
            content = self.walk(
                target.node, target.location.file, target.location.tokens, out, kind
            )
        finally:
            self.inlining.pop()
        self.origins[out] = target.location
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        if siblings and isinstance(content, dict):
            content = {**content, **self.walk(siblings, site.file, site.tokens, out, kind)}
        return content

    def hoist(self, target: Target, kind: Kind) -> Tokens:
        """Where the external `target` lives in the bundle, filing it on first use."""
        section = SECTIONS[kind]
        key = (target.location, section)
        if key in self.hoisted:
            return self.hoisted[key]
        tokens: Tokens = ("components", section, self.name(section, target.location))
        self.hoisted[key] = tokens
        self.origins[tokens] = target.location
        members = self.added.setdefault(section, {})
        members[tokens[2]] = None  # keeps the name taken and the order of first use
        content = self.walk(target.node, target.location.file, target.location.tokens, tokens, kind)
        if not target.location.tokens and isinstance(content, dict):
            content = {k: v for k, v in content.items() if k not in _DOCUMENT_KEYWORDS}
        members[tokens[2]] = content
        return tokens

    def name(self, section: str, location: Location) -> str:
        """A free, sanitised component name: the pointer's last token, else the file's stem."""
        stem = _sanitise(location.file.name.split(".")[0]) or "bundled"
        tokens = location.tokens
        base = _sanitise(tokens[-1]) if tokens and not tokens[-1].isdigit() else ""
        base = base or _sanitise("_".join((stem, *tokens)))
        taken = set(self.added.get(section, {})) | set(self.existing(section))
        for candidate in (base, f"{stem}_{base}"):
            if candidate not in taken:
                return candidate
        n = 2
        while f"{stem}_{base}_{n}" in taken:
            n += 1
        return f"{stem}_{base}_{n}"

    def existing(self, section: str) -> dict[str, Any]:
        components = self.root.get("components")
        names = components.get(section) if isinstance(components, dict) else None
        return names if isinstance(names, dict) else {}

    def in_cycle(self, start: Target) -> bool:
        cycle = self.resolver.find_cycle(start)
        if cycle is None:
            return False
        if frozenset(cycle) not in self.cycles:
            self.cycles.add(frozenset(cycle))
            self.diagnostics.append(_cycle_diagnostic(cycle))
        return True

    def add_components(self, document: dict[str, Any]) -> None:
        if not self.added:
            return
        components = document.setdefault("components", {})
        if not isinstance(components, dict):
            self.diagnostics.append(
                error(
                    self.root_file,
                    "/components",
                    "external references cannot be bundled: components is not a mapping",
                )
            )
            return
        for section, members in self.added.items():
            current = components.get(section)
            components[section] = {**current, **members} if isinstance(current, dict) else members


def _sanitise(text: str) -> str:
    return _UNSAFE.sub("_", text).strip("_")


def _cycle_diagnostic(cycle: list[Location]) -> Diagnostic:
    first = cycle[0]
    chain = " -> ".join(_show(location, first.file) for location in [*cycle, first])
    return error(
        first.file,
        to_pointer((*first.tokens, "$ref")),
        f"$ref cycle: {chain}",
        "a chain of references must end at an object that is not itself a $ref",
    )


def _show(location: Location, base: Path) -> str:
    if location.file == base:
        return to_fragment(location.tokens)
    relative = Path(os.path.relpath(location.file, base.parent)).as_posix()
    return relative + to_fragment(location.tokens)

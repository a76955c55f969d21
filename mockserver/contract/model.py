"""The loaded contract: the bundled document, where its parts came from, and its diagnostics."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from specmock.contract.diagnostics import Diagnostic, Severity
from specmock.contract.pointers import Tokens, parse_pointer, parse_ref, to_pointer
from specmock.contract.resolver import Location, is_ref

_MAX_CHAIN = 64


class RefError(LookupError):
    """A `$ref` given to `LoadedContract.resolve` that does not name a node of the document."""


@dataclass(frozen=True)
class LoadedContract:
    """A contract read from disk and bundled into one document.

    `document` is self-contained: every `$ref` in it is local (`#/...`), except the ones that
    could not be resolved, each of which has a diagnostic. `path` is the root file.
    `diagnostics` are the problems of reading and bundling (see `check_contract` for the rest);
    `loaded` says whether the root document itself could be read (else `document` is empty).
    """

    path: Path
    document: dict[str, Any]
    diagnostics: tuple[Diagnostic, ...] = ()
    files: tuple[Path, ...] = ()
    loaded: bool = True
    origins: Mapping[Tokens, Location] = field(default_factory=dict, repr=False, compare=False)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        """The diagnostics of error severity."""
        return tuple(d for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def ok(self) -> bool:
        """Whether loading found no error."""
        return not self.errors

    @property
    def root(self) -> dict[str, Any]:
        """The root `x-specmock` object ({} when there is none)."""
        root = self.document.get("x-specmock")
        return root if isinstance(root, dict) else {}

    def resolve(self, ref: str) -> Any:
        """The node a local `$ref` (`#/components/schemas/Pet`) names. Raises `RefError`."""
        try:
            parsed = parse_ref(ref)
        except ValueError as exc:
            raise RefError(str(exc)) from None
        if parsed.document:
            raise RefError(f"not a local $ref: {ref!r}")
        node: Any = self.document
        for token in parsed.tokens:
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise RefError(f"$ref {ref!r} names nothing in the document")
        return node

    def deref(self, node: Any) -> Any:
        """`node`, or if it is a reference object the node its chain of `$ref`s ends at."""
        for _ in range(_MAX_CHAIN):
            if not is_ref(node):
                return node
            node = self.resolve(node["$ref"])
        raise RefError("a chain of $refs that does not end")

    def locate(self, pointer: str) -> tuple[Path, str]:
        """The source file and pointer in it of a pointer into the bundled document."""
        tokens = parse_pointer(pointer)
        for size in range(len(tokens), -1, -1):
            origin = self.origins.get(tokens[:size])
            if origin is not None:
                return origin.file, to_pointer((*origin.tokens, *tokens[size:]))
        return self.path, pointer

    def diagnostic(
        self,
        pointer: str,
        message: str,
        hint: str | None = None,
        severity: Severity = Severity.ERROR,
    ) -> Diagnostic:
        """A diagnostic about a node of the bundled document, placed in its source file."""
        file, source_pointer = self.locate(pointer)
        return Diagnostic(file, source_pointer, message, hint, severity)

"""Where a JSON pointer is in a source file: its line and column, for `file:line:column:` lines.

Loading keeps no positions (a document with no problem never needs them, and keeping a mark per
node would cost every start). When there are diagnostics to print, each file they name is
composed once more with PyYAML (node graph with marks, no construction: JSON is YAML too) and
the pointer is walked in it. A pointer that goes past what is written (a required key that is
missing, say) is placed at the deepest node that exists, so every diagnostic gets a position.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import yaml

from specmock.contract.diagnostics import Diagnostic
from specmock.contract.pointers import parse_pointer
from specmock.contract.yaml_loader import get_yaml_loader

Position = tuple[int, int]
"""1-based line and column."""

START: Position = (1, 1)


def located(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics with their line and column filled in (those already placed kept)."""
    return [d if d.line else _locate(d) for d in diagnostics]


def _locate(diagnostic: Diagnostic) -> Diagnostic:
    line, column = position(diagnostic.file, diagnostic.pointer)
    return replace(diagnostic, line=line, column=column)


def position(file: Path, pointer: str) -> Position:
    """The line and column of the node `pointer` names in `file` (of a mapping member: its
    key), or of its deepest existing ancestor; the file's start when nothing can be read."""
    root = _composed(file)
    if root is None:
        return START
    try:
        tokens = parse_pointer(pointer)
    except ValueError:
        return START
    return _walk(root, tokens)


def _walk(node: yaml.Node, tokens: tuple[str, ...] | list[str]) -> Position:
    mark = node.start_mark
    for token in tokens:
        found = _child(node, token)
        if found is None:
            break
        node, mark = found
    return mark.line + 1, mark.column + 1


def _child(node: yaml.Node, token: str) -> tuple[yaml.Node, yaml.Mark] | None:
    """The child named `token` and the mark to report for it (a member's key, an item)."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and str(key.value) == token:
                return value, key.start_mark
        return None
    if isinstance(node, yaml.SequenceNode) and token.isdigit() and int(token) < len(node.value):
        item = node.value[int(token)]
        return item, item.start_mark
    return None


@lru_cache(maxsize=16)
def _composed(file: Path) -> yaml.Node | None:
    """The file's node graph, or None when it cannot be read or parsed (its own diagnostic
    says so already)."""
    try:
        raw = file.read_bytes()
    except OSError:
        return None
    loader = get_yaml_loader()(raw)
    try:
        return loader.get_single_node()
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()

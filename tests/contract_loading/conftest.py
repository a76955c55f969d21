"""Helpers for writing small contracts in tmp_path and reading diagnostics back."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from specmock.contract import Diagnostic

MINIMAL = """\
openapi: 3.1.0
info: {title: Test API, version: "1"}
paths: {}
"""


def openapi(body: str, version: str = "3.1.0") -> str:
    """An openapi.yaml: the `openapi` and `info` lines, then `body` (dedented)."""
    return f'openapi: {version}\ninfo: {{title: Test API, version: "1"}}\n' + textwrap.dedent(body)


Write = Callable[[str, str], Path]
Found = tuple[str, str, str, str | None]


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """Write a (dedented) file below tmp_path, creating folders; returns its path."""

    def write_file(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
        return path

    return write_file


def found(diagnostics: Iterable[Diagnostic], base: Path) -> list[Found]:
    """(file relative to base, pointer, message, hint) of each diagnostic, in order."""
    return [
        (d.file.relative_to(base.resolve()).as_posix(), d.pointer, d.message, d.hint)
        for d in diagnostics
    ]


def all_refs(node: Any) -> list[str]:
    """Every `$ref` string in a document."""
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [
            ref for key, value in node.items() if key != "$ref" for ref in all_refs(value)
        ]
    if isinstance(node, list):
        return [ref for item in node for ref in all_refs(item)]
    return []

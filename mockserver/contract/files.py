"""Reading contract files once per load: each file gives a result, never an exception.

A file is parsed at most once (keyed by its resolved path); the result is either `Parsed` (the
data) or `Unreadable` (why not), like schemathesis's `core/result.py` Ok/Err, so one broken file
costs only the parts of the contract that need it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from specmock.contract.diagnostics import Diagnostic, error
from specmock.contract.messages import shorten
from specmock.contract.yaml_loader import parse_yaml


@dataclass(frozen=True)
class Parsed:
    """A file that was read and parsed."""

    path: Path
    data: Any


@dataclass(frozen=True)
class Unreadable:
    """A file that could not be used; `missing` when it does not exist."""

    path: Path
    missing: bool


FileResult = Parsed | Unreadable


class FileCache:
    """Loads each file once; collects the diagnostics of parsing (syntax errors, duplicate keys)."""

    def __init__(self) -> None:
        self._results: dict[Path, FileResult] = {}
        self.diagnostics: list[Diagnostic] = []

    def load(self, path: Path) -> FileResult:
        """The result for `path` (absolute), reading it the first time it is asked for."""
        result = self._results.get(path)
        if result is None:
            result = self._read(path)
            self._results[path] = result
        return result

    def replace(self, path: Path, data: Any) -> None:
        """Hold `data` as the content of the file at `path` (a Swagger 2.0 root, converted)."""
        self._results[path] = Parsed(path, data)

    @property
    def paths(self) -> tuple[Path, ...]:
        """Every file asked for, in order."""
        return tuple(self._results)

    def _read(self, path: Path) -> FileResult:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return Unreadable(path, missing=True)
        except OSError as exc:
            self.diagnostics.append(error(path, "", f"cannot read the file: {exc.strerror or exc}"))
            return Unreadable(path, missing=False)
        parse = _parse_json if path.suffix == ".json" else _parse_yaml
        data, problems = parse(path, raw)
        self.diagnostics.extend(problems)
        return Unreadable(path, missing=False) if data is _FAILED else Parsed(path, data)


_FAILED: Any = object()


def _parse_json(path: Path, raw: bytes) -> tuple[Any, list[Diagnostic]]:
    try:
        return json.loads(raw), []
    except json.JSONDecodeError as exc:
        return _FAILED, [error(path, "", f"invalid JSON at {exc.lineno}:{exc.colno}: {exc.msg}")]
    except (UnicodeDecodeError, RecursionError) as exc:
        return _FAILED, [error(path, "", f"invalid JSON: {exc}")]


def _parse_yaml(path: Path, raw: bytes) -> tuple[Any, list[Diagnostic]]:
    try:
        data, duplicates = parse_yaml(raw)
    except yaml.YAMLError as exc:
        return _FAILED, [_yaml_error(path, exc, raw)]
    except (ValueError, RecursionError) as exc:
        return _FAILED, [error(path, "", f"invalid YAML: {exc}")]
    hint = "YAML keeps only the last value of a repeated key; remove or rename one"
    return data, [
        error(path, "", f"duplicate key '{dup.key}' at {dup.line}:{dup.column}", hint)
        for dup in duplicates
    ]


def _yaml_error(path: Path, exc: yaml.YAMLError, raw: bytes) -> Diagnostic:
    if not isinstance(exc, yaml.MarkedYAMLError):
        return error(path, "", f"invalid YAML: {shorten(str(exc))}")
    mark = exc.problem_mark or exc.context_mark
    where = f" at {mark.line + 1}:{mark.column + 1}" if mark else ""
    problem = exc.problem or exc.context or "syntax error"
    hint = "indent with spaces: YAML does not allow tabs" if _tab_at(raw, mark) else None
    return error(path, "", f"invalid YAML{where}: {problem}", hint)


def _tab_at(raw: bytes, mark: yaml.Mark | None) -> bool:
    if mark is None:
        return False
    lines = raw.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else b""
    return line[mark.column : mark.column + 1] == b"\t"

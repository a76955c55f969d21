"""Diagnostics: what the contract layer reports instead of raising.

A diagnostic names a file and a JSON pointer into it, says what is wrong and, when it can, how
to fix it. `str(diagnostic)` is one line, ready for a terminal or an editor's problem matcher.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    """How bad a problem is: errors fail `specmock lint`, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a contract.

    `pointer` is a JSON pointer (RFC 6901) into `file`; "" means the whole document. `line`
    and `column` (1-based) place it in the file; 0 until `positions.located` fills them in.
    """

    file: Path
    pointer: str
    message: str
    hint: str | None = None
    severity: Severity = Severity.ERROR
    line: int = 0
    column: int = 0

    @property
    def is_error(self) -> bool:
        """Whether this diagnostic makes the contract unusable (lint fails)."""
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        """`file:line:column: pointer: message (hint: ...)`, the shape editors' problem
        matchers read (`file: pointer: ...` while the position is not known)."""
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        where = f"{self.line}:{self.column}:" if self.line else ""
        pointer = self.pointer or ROOT_POINTER
        line = f"{display_path(self.file)}:{where} {pointer}: {prefix}{self.message}{hint}"
        return " ".join(line.splitlines())


ROOT_POINTER = "#"
"""How the whole document's pointer ("") is shown: as the URI fragment that names it."""


def display_path(path: Path) -> str:
    """`path` relative to the current directory when it lies below it, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def error(file: Path, pointer: str, message: str, hint: str | None = None) -> Diagnostic:
    """An error-severity diagnostic."""
    return Diagnostic(file, pointer, message, hint, Severity.ERROR)


def warning(file: Path, pointer: str, message: str, hint: str | None = None) -> Diagnostic:
    """A warning-severity diagnostic."""
    return Diagnostic(file, pointer, message, hint, Severity.WARNING)


def has_errors(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> bool:
    """Whether any diagnostic is an error."""
    return any(d.is_error for d in diagnostics)

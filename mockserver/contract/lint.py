"""`specmock lint`: every check, as diagnostics, and the command's output and exit code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from specmock.contract.check_cache import remembering
from specmock.contract.declarations import read_declarations
from specmock.contract.diagnostics import Diagnostic, Severity, display_path, has_errors
from specmock.contract.extensions_check import check_extensions
from specmock.contract.loader import find_root, load_contract
from specmock.contract.model import LoadedContract
from specmock.contract.openapi_check import check_openapi
from specmock.contract.patterns import check_patterns
from specmock.contract.positions import located
from specmock.contract.semantics import check_semantics

Check = Callable[[LoadedContract], list[Diagnostic]]
CHECKS: tuple[Check, ...] = (check_openapi, check_extensions, check_semantics, check_patterns)
SERVE_CHECKS: tuple[Check, ...] = (remembering(check_openapi), check_extensions, check_semantics,
                                   check_patterns)
"""The checks before serving: the same, but a document that passed the OpenAPI check before
is not checked again (check_cache.py says why and how)."""


def serve_checks(remember: bool) -> tuple[Check, ...]:
    """The checks `specmock serve` runs: `SERVE_CHECKS`, or every check afresh without
    `remember` (`--no-check-cache`)."""
    return SERVE_CHECKS if remember else CHECKS


def check_contract(
    contract: LoadedContract, checks: tuple[Check, ...] = CHECKS
) -> list[Diagnostic]:
    """The diagnostics of `checks` (all of them by default) on a loaded contract.

    A check that fails unexpectedly becomes a diagnostic too: checking never raises.
    """
    if not contract.loaded:
        return []
    problems: list[Diagnostic] = []
    for check in checks:
        try:
            problems += check(contract)
        except Exception as exc:  # a bug in a check must not hide the other checks' findings
            problems.append(
                contract.diagnostic(
                    "",
                    f"{check.__name__} failed: {type(exc).__name__}: {exc}",
                    severity=Severity.WARNING,
                )
            )
    return problems


def lint_contract(path: str | Path) -> list[Diagnostic]:
    """Every problem of the contract at `path` (a directory or its openapi.yaml), in order,
    each placed at its line and column."""
    return _problems(load_contract(path))


def all_problems(contract: LoadedContract, checked: list[Diagnostic]) -> list[Diagnostic]:
    """The problems of loading `contract` and of its checks, once each, placed at their line
    and column: the list `specmock lint` prints and `specmock serve` warns about."""
    return located(list(dict.fromkeys([*contract.diagnostics, *checked])))


def _problems(contract: LoadedContract) -> list[Diagnostic]:
    return all_problems(contract, check_contract(contract))


def inference_notes(contract: LoadedContract) -> list[str]:
    """`file:pointer: note: ...` lines saying which collections the mock infers from the
    contract's resource paths, and why a path that looks like one is not inferred."""
    if not contract.loaded:
        return []
    notes = read_declarations(contract.document).notes()
    lines = []
    for pointer, note in notes:
        file, source_pointer = contract.locate(pointer)
        lines.append(f"{display_path(file)}:{source_pointer}: note: {note}")
    return lines


def run_lint(paths: list[str], out: TextIO) -> int:
    """Lint each path, print one line per diagnostic and a summary per contract.

    Returns 0 when no contract has an error (warnings are allowed), else 1. A path that does not
    exist, or a directory without openapi.yaml, is one line of error.
    """
    failed = False
    for path in paths:
        root = find_root(path)
        if isinstance(root, Diagnostic):
            out.write(f"{path}: {root.message}\n")
            failed = True
            continue
        contract = load_contract(root)
        problems = _problems(contract)
        for problem in problems:
            out.write(f"{problem}\n")
        shown = display_path(root)
        for line in inference_notes(contract):
            out.write(f"{line}\n")
        out.write(f"{len(problems)} problem(s) in {shown}\n" if problems else f"{shown}: ok\n")
        failed = failed or has_errors(problems)
    return 1 if failed else 0

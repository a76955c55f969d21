"""The e2e corpus: documents in the shapes third-party documents take, each served for real.

Every case directory under `corpus/` (format: corpus/README.md) is served by a `specmock serve
--check-responses` process: its start-up warnings are what the case expects, every row of its
request table gets the expected status, media type and body shape (and, since responses are
checked, a body the document allows), and the suites' conformance run passes against it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.corpus_case import (
    Case,
    ServedCase,
    check,
    discover,
    document_path,
    read_case,
    run_conformance,
    save_values,
    scratch_dir,
    send,
    serve,
)

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = discover(CORPUS)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=CASES, ids=[path.name for path in CASES])
def served(request: pytest.FixtureRequest) -> Iterator[tuple[Case, Path, ServedCase]]:
    """One case, its document and its running mock."""
    case = read_case(request.param)
    scratch = scratch_dir()
    document = document_path(case, ROOT, scratch)
    mock = serve(document, case.serve_args, ROOT)
    try:
        yield case, document, mock
    finally:
        mock.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def test_startup_warnings_are_the_expected_ones(served: tuple[Case, Path, ServedCase]) -> None:
    # Given a served case
    case, _, mock = served
    # Then every expected warning was printed, and a case that expects none got none
    missing = [w for w in case.warnings if not any(w in line for line in mock.warnings)]
    assert not missing, f"expected warnings not printed: {missing}; printed: {mock.warnings}"
    if not case.warnings:
        assert mock.warnings == []


def test_request_table_is_answered_as_expected(served: tuple[Case, Path, ServedCase]) -> None:
    # Given a served case and its table, run in order (state carries over)
    case, _, mock = served
    saved: dict[str, Any] = {}
    failures: list[str] = []
    for row in case.rows:
        # When the row's request is sent
        response = send(mock.base_url, row, saved)
        # Then the answer is the expected one
        problems = check(row, response)
        if problems:
            failures.append(f"{row.name}: " + "; ".join(problems))
        elif row.save:
            save_values(row, response, saved)
    assert not failures, "\n".join(failures)


def test_conformance_suite_passes(served: tuple[Case, Path, ServedCase]) -> None:
    # Given a served case that takes part in the conformance run
    case, document, mock = served
    if not case.conformance:
        pytest.skip(f"{case.name} says conformance: false (see its case.yaml)")
    # When the suites' conformance run checks the mock against the document
    code, output = run_conformance(document, mock.base_url, ROOT)
    # Then it passes
    assert code == 0, output

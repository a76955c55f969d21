"""`specmock serve` is lenient by default and refuses any problem under --strict (exit 1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from specmock.contract import lint_contract
from tests.e2e.conftest import ROOT, start_serve, stop_serve

DOCUMENT = """\
openapi: 3.0.3
paths:
  /things:
    get:
      responses:
        '200': {content: {application/json: {schema: {type: string, default: null}}}}
"""


def _serve(path: Path, *extra: str,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "specmock.cli", "serve", str(path), "--port", "0", *extra],
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
        env={**os.environ, **(env or {})})


def test_strict_refuses_a_document_with_any_problem_and_says_each(tmp_path: Path) -> None:
    # Given a document with three problems Prism serves around (no info, no description, a
    # default its schema refuses)
    path = tmp_path / "openapi.yaml"
    path.write_text(DOCUMENT)
    # When it is served with --strict
    result = _serve(path, "--strict")
    # Then serve exits 1 after lint's lines, and a summary naming --strict
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[:-1] == [str(problem) for problem in lint_contract(path)]
    assert len(lines) == 4
    assert "--strict refuses" in lines[-1]


def test_strict_comes_from_the_environment_too(tmp_path: Path) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_text(DOCUMENT)
    assert _serve(path, env={"SPECMOCK_STRICT": "true"}).returncode == 1


@pytest.mark.slow
@pytest.mark.parametrize("name", ["dmlf", "freezerworks"])
def test_the_bundled_contracts_serve_under_strict_without_warnings(name: str) -> None:
    # Given a bundled contract served with --strict
    mock = start_serve(name, "--strict")
    # Then it started, and stops cleanly, having printed no problem
    assert stop_serve(mock) == 0
    log = mock.process.stderr.read().decode()  # type: ignore[union-attr]
    assert "problem" not in log

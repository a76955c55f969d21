"""Patterns the request validator cannot compile are lint problems, not a crash of serve."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from specmock.contract import load_contract
from specmock.contract.patterns import check_patterns
from specmock.core.exchange import Request
from specmock.engine.app import MockEngine

from .conftest import Write, openapi

ROOT = Path(__file__).resolve().parents[2]
TOO_BIG = "(?:a{1,1000}){1,1000}b{5000}"
PATHS = f"""paths:
  /things:
    get:
      parameters:
        - {{name: q, in: query, schema: {{type: string, pattern: "{TOO_BIG}"}}}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                patternProperties: {{"^x-[a-z]+$": {{type: string, pattern: "^[0-9]+$"}}}}
              example: {{pattern: "{TOO_BIG}"}}
"""


def test_a_pattern_the_validator_refuses_is_a_problem_at_its_pointer(write: Write,
                                                                    tmp_path: Path) -> None:
    # Given a contract whose query pattern Python's re accepts and jsonschema-rs refuses
    write("openapi.yaml", openapi(PATHS))

    # When its patterns are checked
    problems = check_patterns(load_contract(tmp_path))

    # Then exactly that pattern is named (not the example's text, not the valid ones)
    assert [p.pointer for p in problems] == ["/paths/~1things/get/parameters/0/schema/pattern"]
    assert "cannot be compiled by the request validator" in problems[0].message


def test_strict_serve_refuses_such_a_contract_in_lines_not_a_traceback(write: Write,
                                                                       tmp_path: Path) -> None:
    contract = write("openapi.yaml", openapi(PATHS))
    result = subprocess.run(
        [sys.executable, "-m", "specmock.cli", "serve", str(contract), "--port", "0",
         "--strict"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "cannot be compiled by the request validator" in result.stderr


def test_lenient_serving_answers_500_naming_the_problem_for_that_operation(
        write: Write, tmp_path: Path) -> None:
    # Given a contract whose only operation has a pattern the validator cannot compile
    engine = MockEngine.from_path(write("openapi.yaml", openapi(PATHS)))
    # When the operation is called
    response = engine.handle(Request("GET", "/things", headers={"host": "127.0.0.1"}))
    # Then it answers 500 naming why it cannot be served, and the problem is a warning
    assert response.status == 500
    assert b"cannot be served" in response.body
    assert any("cannot be compiled" in problem.message for problem in engine.problems)

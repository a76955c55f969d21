"""`specmock lint` on `x-specmock.faults`: the schema's shape and what the rules name."""

from __future__ import annotations

from pathlib import Path

import pytest

from specmock.contract import check_extensions, check_semantics, lint_contract, load_contract

from .conftest import Write, found, openapi

FAULTS_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "faults"
PATHS = """\
paths:
  /pets:
    get:
      operationId: listPets
      responses: {"200": {description: ok}}
"""


def _contract(write: Write, tmp_path: Path, rules: str) -> Path:
    write("openapi.yaml", openapi(f"x-specmock:\n  faults: {rules}\n" + PATHS))
    return tmp_path


def test_the_fault_fixture_lints_clean() -> None:
    diagnostics = lint_contract(FAULTS_FIXTURE)
    assert [str(d) for d in diagnostics if d.is_error] == []


@pytest.mark.parametrize(
    "rules",
    [
        "[{fault: explode}]",
        "[{fault: error, status: 404}]",
        "[{latency: {gamma: 1}}]",
        "[{probability: 0.5}]",
        "[{fault: reset, probability: 2}]",
        "[{fault: slowBody, bytesPerSecond: 0}]",
    ],
)
def test_a_rule_of_the_wrong_shape_is_an_error(write: Write, tmp_path: Path, rules: str) -> None:
    problems = found(check_extensions(load_contract(_contract(write, tmp_path, rules))), tmp_path)
    assert problems
    assert all(pointer.startswith("/x-specmock/faults/0") for _, pointer, _, _ in problems)


def test_a_rule_naming_an_unknown_operation_gets_a_hint(write: Write, tmp_path: Path) -> None:
    contract = load_contract(_contract(write, tmp_path, "[{fault: reset, operations: [listPet]}]"))
    assert found(check_semantics(contract), tmp_path) == [
        ("openapi.yaml", "/x-specmock/faults/0/operations/0", "unknown operation 'listPet'",
         "did you mean 'listPets'?")
    ]


def test_a_uniform_latency_upside_down_is_an_error(write: Write, tmp_path: Path) -> None:
    rules = "[{latency: {uniform: {min: 9, max: 1}}}]"
    contract = load_contract(_contract(write, tmp_path, rules))
    assert [(p, m) for _, p, m, _ in found(check_semantics(contract), tmp_path)] == [
        ("/x-specmock/faults/0/latency/uniform", "min 9 is above max 1")
    ]

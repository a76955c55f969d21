"""Lenient serving: a contract's problems are warnings with a place in the file, what can be
served is served, and an operation a problem leaves unservable answers 500 naming it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from specmock.contract import lint_contract
from specmock.contract.bundled import resolve_contract
from specmock.core.exchange import Request
from specmock.engine.app import ContractError, MockEngine

from .conftest import Write, openapi

HOST = {"host": "127.0.0.1"}
BROKEN_REF = """\
paths:
  /pets:
    get:
      responses:
        '200':
          description: pets
          content: {application/json: {schema: {type: array, items: {type: string}}}}
  /pets/{petId}:
    get:
      parameters: [{name: petId, in: path, required: true, schema: {type: integer}}]
      responses:
        '200':
          description: a pet
          content: {application/json: {schema: {$ref: '#/components/schemas/Missing'}}}
"""


@pytest.mark.parametrize("name", ["dmlf", "freezerworks"])
def test_the_bundled_contracts_are_served_under_strict(name: str) -> None:
    # Given a bundled contract, When it is served strictly, Then nothing is refused or warned
    engine = MockEngine.from_path(resolve_contract(name), strict=True)
    assert engine.problems == []


def test_a_ref_that_names_nothing_makes_only_its_operation_unservable(write: Write) -> None:
    # Given a contract where one operation's response schema is a $ref naming nothing
    engine = MockEngine.from_path(write("openapi.yaml", openapi(BROKEN_REF)))
    # When both operations are called
    fine = engine.handle(Request("GET", "/pets", headers=HOST))
    broken = engine.handle(Request("GET", "/pets/1", headers=HOST))
    # Then the other is served, and this one answers 500 naming the problem and its place
    assert fine.status == 200
    assert broken.status == 500
    detail = json.loads(broken.body)["detail"]
    assert "cannot be served" in detail
    assert "openapi.yaml:16:49: /paths/~1pets~1{petId}/get/responses" in detail
    assert "Missing" in detail


def test_strict_refuses_what_lenient_serves(write: Write) -> None:
    # Given a contract with a problem that leaves an operation unservable
    path = write("openapi.yaml", openapi(BROKEN_REF))
    # When it is served strictly, Then it is refused with the problem's line
    with pytest.raises(ContractError, match="Missing") as refused:
        MockEngine.from_path(path, strict=True)
    assert refused.value.lines == [str(p) for p in lint_contract(path)]


def test_an_extension_error_stays_fatal(write: Write) -> None:
    # Given a contract whose x-specmock declarations are wrong
    path = write("openapi.yaml", openapi("paths: {}\nx-specmock: {colections: {}}\n"))
    # When it is served leniently, Then it is refused all the same
    with pytest.raises(ContractError, match="colections") as refused:
        MockEngine.from_path(path)
    assert refused.value.fatal == 1


def test_serving_warns_about_the_list_lint_prints(write: Write) -> None:
    # Given a 3.0 document with problems Prism serves around
    path = write("openapi.yaml", openapi(MANY_PROBLEMS, version="3.0.3").replace(
        'info: {title: Test API, version: "1"}\n', ""))
    # When it is served
    engine = MockEngine.from_path(path)
    # Then its problems are lint's, each placed at a line and column
    assert engine.problems == lint_contract(path)
    assert all(problem.line > 0 and problem.column > 0 for problem in engine.problems)
    assert engine.handle(Request("GET", "/pets", headers=HOST)).status == 200


MANY_PROBLEMS = """\
paths:
  /pets:
    get:
      parameters:
        - {name: limit, in: query, schema: {type: integer, default: null}}
      responses:
        '200':
          content:
            application/json:
              schema: {type: array, items: {type: string}}
              example: [a]
              examples: {one: {value: [b]}}
"""


def test_a_default_its_schema_refuses_is_placed_in_the_document(write: Write) -> None:
    # Given a schema, reached through a $ref, whose default its type refuses
    path = write("openapi.yaml", openapi("""\
        paths:
          /a:
            get:
              responses:
                '200':
                  description: ok
                  content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}
        components:
          schemas:
            A:
              type: object
              properties:
                n: {type: integer, default: "one"}
        """, version="3.0.3"))
    # When it is linted
    problems = lint_contract(path)
    # Then the problem is at that default in the components, not at "/default"
    assert [p.pointer for p in problems] == ["/components/schemas/A/properties/n/default"]
    assert (problems[0].line, problems[0].column) == (15, 28)


def test_every_problem_line_has_the_problem_matcher_shape(write: Write) -> None:
    # Given a contract with problems, When it is linted
    path = write("openapi.yaml", openapi(BROKEN_REF))
    # Then each line is file:line:column: pointer: message
    for problem in lint_contract(path):
        file, line, column, rest = str(problem).split(":", 3)
        assert Path(file).name == "openapi.yaml"
        assert int(line) > 0
        assert int(column) > 0
        assert rest.startswith(" /")

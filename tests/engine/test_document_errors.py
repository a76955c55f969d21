"""An invalid request answered with the document's own error response, violations in the
`sl-violations` header, and Prism's per-request controls as query parameters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from specmock.core.exchange import Request, Response
from specmock.engine.app import MockEngine
from specmock.engine.options import EngineOptions

ROOT = Path(__file__).resolve().parents[2]
CLINIC = ROOT / "tests" / "e2e" / "corpus" / "errors-documented" / "openapi.yaml"


@pytest.fixture(scope="module")
def clinic() -> MockEngine:
    document = yaml.safe_load(CLINIC.read_text())
    return MockEngine(document, EngineOptions(check_responses=True))


def send(engine: MockEngine, method: str, path: str, query: str = "",
         body: Any = None, headers: dict[str, str] | None = None) -> Response:
    all_headers = dict(headers or {})
    raw = b""
    if body is not None:
        raw = json.dumps(body).encode()
        all_headers["content-type"] = "application/json"
    return engine.handle(Request(method, path, query, all_headers, raw))


def violations(response: Response) -> list[dict[str, Any]]:
    header = response.header("sl-violations")
    assert header is not None, response.headers
    items: list[dict[str, Any]] = json.loads(header)
    return items


def test_an_invalid_body_gets_the_documented_422_with_its_violations(clinic: MockEngine) -> None:
    # Given an operation documenting 400 and 422 answers
    # When a pet without its required name is posted
    response = send(clinic, "POST", "/pets", body={"species": "cat"})
    # Then the 422 example answers, as the document declares it
    assert (response.status, response.header("content-type")) == (422, "application/json")
    assert json.loads(response.body) == {"errors": [{"field": "name", "problem": "is required"}]}
    # And the violation is in Prism's header format
    assert violations(response) == [{"location": ["request", "body", "name"],
                                     "severity": "Error", "code": "required",
                                     "message": '"name" is a required property'}]


def test_a_body_that_is_not_json_gets_the_same_documented_answer(clinic: MockEngine) -> None:
    # Given the same operation
    # When a body that is not JSON is posted
    response = clinic.handle(Request("POST", "/pets", "", {"content-type": "application/json"},
                                     b"{not json"))
    # Then the documented answer for an invalid request is given, its violation in the header
    assert response.status == 422
    assert violations(response)[0]["location"][:2] == ["request", "body"]


def test_no_documented_error_is_problem_json_with_the_header(clinic: MockEngine) -> None:
    # Given an operation that documents no error answer
    # When its required query parameter is missing
    response = send(clinic, "GET", "/clinic/hours")
    # Then problem+json 400 answers, and the header lists the violation as well
    assert (response.status, response.header("content-type")) == (400,
                                                                   "application/problem+json")
    assert violations(response)[0]["location"] == ["request", "query", "day"]


def test_a_path_value_out_of_its_schema_gets_the_documented_404(clinic: MockEngine) -> None:
    # Given an item path whose id must be at least 1, documenting a 404
    # When id 0 is asked for
    response = send(clinic, "GET", "/pets/0")
    # Then the document's 404 answers, the violation in the header
    assert (response.status, json.loads(response.body)["message"]) == (404, "No pet with that id")
    assert violations(response)[0]["location"] == ["request", "path", "petId"]


def test_query_controls_choose_status_and_example(clinic: MockEngine) -> None:
    # Given an operation with a 404 and named 200 examples
    # When __code and __example are sent
    not_found = send(clinic, "GET", "/pets/1", "__code=404")
    tom = send(clinic, "GET", "/pets/1", "__example=tom")
    # Then they mean what Prefer's code and example mean
    assert not_found.status == 404
    assert json.loads(tom.body)["name"] == "Tom"


def test_an_undeclared_code_is_a_404_naming_the_declared_ones(clinic: MockEngine) -> None:
    # When a status the operation does not declare is asked for
    response = send(clinic, "GET", "/pets/1", "__code=418")
    # Then a 404 problem says what exists
    assert response.status == 404
    assert "declared: 200, 404" in json.loads(response.body)["detail"]


def test_a_seeded_dynamic_answer_is_reproducible(clinic: MockEngine) -> None:
    # When the same seeded dynamic answer is asked for twice, by query and by header
    by_query = send(clinic, "GET", "/pets/1", "__dynamic=true&__seed=9")
    by_header = send(clinic, "GET", "/pets/1", headers={"prefer": "dynamic=true, seed=9"})
    # Then both bodies are the same generated pet (not the documented example)
    assert by_query.body == by_header.body
    assert json.loads(by_query.body) not in ({"id": 1, "name": "Rex", "species": "dog"},
                                             {"id": 7, "name": "Tom", "species": "cat"})


def test_controls_are_not_parameters_of_the_operation(clinic: MockEngine) -> None:
    # Given an operation that reads its query (and refuses a bad `kind`)
    # When only controls are sent
    response = send(clinic, "GET", "/visits", "__dynamic=true&__seed=1")
    # Then they are not checked or passed on as the operation's parameters
    assert response.status == 200
    assert response.header("sl-violations") is None


def test_own_error_shapes_of_the_contract_are_kept() -> None:
    # Given the DMLF contract, which declares its error shapes in x-specmock
    engine = MockEngine.from_path(ROOT / "contracts" / "dmlf", EngineOptions())
    login = engine.handle(Request(
        "POST", "/api/token/", "", {"content-type": "application/json"},
        json.dumps({"username": "demo", "password": "demo-pass-123"}).encode()))
    token = json.loads(login.body)["access"]
    # When a request misses a required query parameter
    response = engine.handle(Request("GET", "/api/sample-type-info/", "",
                                     {"authorization": f"Bearer {token}"}))
    # Then the answer keeps the contract's own shape ({field: [messages]}, as DRF answers),
    # the violation also in the header
    assert (response.status, response.header("content-type")) == (400, "application/json")
    body = json.loads(response.body)
    assert list(body) == ["sample_type_name"]
    assert isinstance(body["sample_type_name"], list)
    assert violations(response)[0]["location"] == ["request", "query", "sample_type_name"]

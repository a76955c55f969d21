"""Faults in the engine (no sockets): decided before the behaviour, journalled, set at run time.

The contract is tests/fixtures/faults: one declared fault per /faulty/ path and a `notes`
collection whose create no fault may corrupt.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specmock.core.exchange import Request, Response
from specmock.engine.app import ContractError, MockEngine
from specmock.engine.options import EngineOptions
from specmock.testing import injected_fault

FAULTS = Path(__file__).resolve().parents[1] / "fixtures" / "faults"


@pytest.fixture
def engine() -> MockEngine:
    return MockEngine.from_path(FAULTS, EngineOptions(check_responses=True))


def send(engine: MockEngine, method: str, path: str, body: Any = None, **headers: str) -> Response:
    data = json.dumps(body).encode() if body is not None else b""
    all_headers = {"content-type": "application/json", **headers} if data else dict(headers)
    return engine.handle(Request(method, path, "", all_headers, data))


def notes(engine: MockEngine) -> list[dict[str, Any]]:
    return list(json.loads(send(engine, "GET", "/notes").body))


@pytest.mark.parametrize("fault", ["reset", "empty", "garbage", "brokenChunk", "noAnswer", "503"])
def test_a_faulted_create_stores_nothing(engine: MockEngine, fault: str) -> None:
    # Given the seed's one note
    before = notes(engine)
    # When a create is answered with a fault
    send(engine, "POST", "/notes", {"text": "lost"}, prefer=f"fault={fault}")
    # Then nothing was stored
    assert notes(engine) == before


def test_a_slow_create_is_a_create(engine: MockEngine) -> None:
    # A slow body is the real answer, only slow: the behaviour ran
    response = send(engine, "POST", "/notes", {"text": "kept"}, prefer="fault=slowBody")
    assert response.status == 201
    assert response.wire is not None
    assert [n["text"] for n in notes(engine)] == ["first", "kept"]


def test_every_fault_is_journalled_with_its_rule(engine: MockEngine) -> None:
    send(engine, "GET", "/faulty/503")
    send(engine, "GET", "/faulty/reset")
    send(engine, "GET", "/notes")
    entries = engine.journal.entries()
    assert [e.get("fault", {}).get("name") for e in entries] == [
        "declared-503", "declared-reset", None
    ]
    assert [(e["status"], e["operation_id"]) for e in entries] == [
        (503, "getFaulty"), (0, "getFaulty"), (200, "listNotes")
    ]


def test_a_declared_503_has_the_contracts_error_shape_and_retry_after(engine: MockEngine) -> None:
    response = send(engine, "GET", "/faulty/503")
    assert response.status == 503
    assert response.header("retry-after") == "7"
    assert response.header("content-type") == "application/problem+json"
    assert json.loads(response.body)["type"].endswith("/serviceUnavailable")


def test_the_admin_api_sets_lists_and_clears_faults(engine: MockEngine) -> None:
    # When a rule is set through the admin API
    added = send(engine, "POST", "/__specmock/faults",
                 {"faults": [{"fault": "error", "status": 502, "operations": ["listNotes"]}]})
    assert added.status == 201
    rule_id = json.loads(added.body)["faults"][0]["id"]
    # Then it applies, and is listed first
    assert send(engine, "GET", "/notes").status == 502
    listed = json.loads(send(engine, "GET", "/__specmock/faults").body)["faults"]
    assert listed[0] == {"id": rule_id, "source": "admin", "fault": "error", "status": 502,
                         "operations": ["listNotes"]}
    # And once cleared it no longer does (the contract's rules stay)
    assert send(engine, "DELETE", "/__specmock/faults").status == 204
    assert send(engine, "GET", "/notes").status == 200
    assert {r["source"] for r in json.loads(send(engine, "GET", "/__specmock/faults").body)[
        "faults"]} == {"contract"}


def test_one_admin_rule_is_removed_by_id(engine: MockEngine) -> None:
    added = send(engine, "POST", "/__specmock/faults", {"fault": "empty"})
    rule_id = json.loads(added.body)["faults"][0]["id"]
    assert send(engine, "DELETE", f"/__specmock/faults/{rule_id}").status == 204
    assert send(engine, "DELETE", f"/__specmock/faults/{rule_id}").status == 404


def test_a_bad_admin_rule_is_a_400_naming_where(engine: MockEngine) -> None:
    response = send(engine, "POST", "/__specmock/faults", {"fault": "error", "status": 404})
    assert response.status == 400
    assert json.loads(response.body)["pointer"] == "/body/status"


def test_reset_takes_runtime_faults_out_of_force(engine: MockEngine) -> None:
    send(engine, "POST", "/__specmock/faults", {"fault": "reset"})
    engine.reset()
    assert send(engine, "GET", "/notes").status == 200


def test_the_pytest_helper_sets_a_fault_for_its_block_only(engine: MockEngine) -> None:
    with injected_fault(engine, "error", status=429, retry_after=9, operations=["listNotes"]):
        inside = send(engine, "GET", "/notes")
    assert (inside.status, inside.header("retry-after")) == (429, "9")
    assert send(engine, "GET", "/notes").status == 200


def test_a_fault_applies_to_paths_the_contract_does_not_know(engine: MockEngine) -> None:
    with injected_fault(engine, "error", status=500, paths=["/nowhere/*"]):
        assert send(engine, "GET", "/nowhere/1").status == 500
    assert send(engine, "GET", "/nowhere/1").status == 404


def test_latency_is_a_decided_delay_on_the_real_answer(engine: MockEngine) -> None:
    response = send(engine, "GET", "/faulty/fixed")
    assert response.status == 200
    assert response.wire is not None
    assert response.wire.delay == 0.03
    assert engine.journal.entries()[-1]["fault"]["delay_ms"] == 30.0


def test_the_admin_api_is_never_faulted(engine: MockEngine) -> None:
    send(engine, "POST", "/__specmock/faults", {"fault": "reset"})
    assert send(engine, "GET", "/__specmock/health").status == 200


def test_a_contract_with_a_bad_fault_rule_does_not_compile(engine: MockEngine) -> None:
    root = {**engine.document["x-specmock"], "faults": [{"fault": "explode"}]}
    document = {**engine.document, "x-specmock": root}
    with pytest.raises(ContractError, match="faults/fault"):
        MockEngine(document)


@pytest.mark.parametrize("bundled", ["dmlf", "freezerworks"])
def test_a_bundled_contract_answers_a_fault_in_its_own_error_shape(bundled: str) -> None:
    # Given a bundled contract and one of its operations (any: faults know nothing of the API)
    engine = MockEngine.from_path(FAULTS.parents[2] / "contracts" / bundled)
    template = next(t for t in engine.contract.routes if "{" not in t)
    method = next(iter(engine.contract.routes[template]))
    # When the request asks for a 503
    response = send(engine, method, template, prefer="fault=503, retry-after=2")
    # Then it gets one, in the contract's declared error media type, and nothing changed
    declared = engine.document.get("x-specmock", {}).get("errors", {})
    expected = declared.get("mediaType", "application/json") if declared else (
        "application/problem+json")
    assert (response.status, response.header("retry-after")) == (503, "2")
    assert response.header("content-type") == expected
    assert json.loads(response.body)


FAULT_CHOICES = ["none", "reset", "empty", "garbage", "brokenChunk", "noAnswer", "500", "502",
                 "503", "429", "slowBody", "latency"]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(FAULT_CHOICES), min_size=1, max_size=8))
def test_only_answered_creates_are_stored_whatever_the_faults(faults: list[str]) -> None:
    # Given a fresh mock and a sequence of creates, each under one fault (or none)
    engine = MockEngine.from_path(FAULTS)
    expected = [note["text"] for note in notes(engine)]
    for index, fault in enumerate(faults):
        prefer = {"none": {}, "latency": {"prefer": "latency=5"}}.get(
            fault, {"prefer": f"fault={fault}"})
        send(engine, "POST", "/notes", {"text": f"note {index}"}, **prefer)
        # Then exactly those whose real answer went out (late or slowly) were stored
        if fault in ("none", "latency", "slowBody"):
            expected.append(f"note {index}")
    assert [note["text"] for note in notes(engine)] == expected

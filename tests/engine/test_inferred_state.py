"""State without extensions: the engine serves inferred collections of a plain document
(docs/inference.md), held to the document by response checking; `stateless` turns it off."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from specmock.core.exchange import Request, Response
from specmock.engine.app import MockEngine
from specmock.engine.options import EngineOptions

BASE = "http://mock.test:8080"
CORPUS = Path(__file__).resolve().parents[1] / "e2e" / "corpus"


def document(case: str) -> dict[str, Any]:
    loaded = yaml.safe_load((CORPUS / case / "openapi.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


PETSTORE = document("state-petstore")
TASKS = document("state-envelope")


def engine(doc: dict[str, Any], **options: Any) -> MockEngine:
    return MockEngine(doc, EngineOptions(check_responses=True, **options))


def send(mock: MockEngine, method: str, path: str, body: Any = None) -> Response:
    headers = {"content-type": "application/json"} if body is not None else {}
    data = json.dumps(body).encode() if body is not None else b""
    return mock.handle(Request(method, path, "", headers, data, BASE))


def body(response: Response) -> Any:
    return json.loads(response.body)


pets = st.fixed_dictionaries(
    {"name": st.text(min_size=1, max_size=40)},
    optional={"tag": st.text(max_size=20),
              "status": st.sampled_from(["available", "pending", "adopted"])},
)


@given(pet=pets)
def test_a_created_pet_reads_back_as_sent(pet: dict[str, Any]) -> None:
    # Given the plain petstore served with inference
    mock = engine(PETSTORE)
    # When a valid pet is created
    created = send(mock, "POST", "/pets", pet)
    # Then it answers 201 with a new id and reads back as sent
    assert created.status == 201, created.body
    record = body(created)
    assert record["id"] > 3  # after the three seed records
    read = send(mock, "GET", f"/pets/{record['id']}")
    assert (read.status, body(read)) == (200, {**pet, "id": record["id"]})


@given(pet=pets, change=pets)
def test_patch_changes_only_what_it_sends(pet: dict[str, Any], change: dict[str, Any]) -> None:
    # Given a created pet
    mock = engine(PETSTORE)
    pet_id = body(send(mock, "POST", "/pets", pet))["id"]
    # When some of its fields are patched
    patch = {k: v for k, v in change.items() if k != "name"}
    patched = send(mock, "PATCH", f"/pets/{pet_id}", patch)
    # Then those change and the rest stay as created
    assert (patched.status, body(patched)) == (200, {**pet, **patch, "id": pet_id})


def test_a_deleted_pet_is_gone_with_the_documents_404() -> None:
    # Given a seed pet
    mock = engine(PETSTORE)
    # When it is deleted
    deleted = send(mock, "DELETE", "/pets/2")
    # Then reads, writes and deletes of it answer the document's own 404 example
    assert deleted.status == 204
    for method, payload in (("GET", None), ("PUT", {"name": "Tom"}), ("PATCH", {}),
                            ("DELETE", None)):
        gone = send(mock, method, "/pets/2", payload)
        assert (gone.status, body(gone)) == (404, {"code": 404, "message": "Pet not found"})
    # And the list no longer holds it
    assert [p["id"] for p in body(send(mock, "GET", "/pets"))] == [1, 3]


def test_an_id_the_path_schema_refuses_answers_the_documents_404() -> None:
    # Given the petstore, whose petId has minimum 1
    mock = engine(PETSTORE)
    # When pet 0 is read
    response = send(mock, "GET", "/pets/0")
    # Then it is the document's 404, not specmock's problem+json
    assert (response.status, response.header("content-type")) == (404, "application/json")


def test_an_enveloped_list_counts_its_records() -> None:
    # Given the task board, whose lists are {data: [...], total: n}
    mock = engine(TASKS)
    # When a task is created (its create documents 200, not 201)
    created = send(mock, "POST", "/v2/tasks", {"title": "Order coffee"})
    # Then it answers 200 with a UUID id and the read-only `createdAt` its schema requires,
    # and the list holds it in `data`, counted in `total`
    assert created.status == 200
    assert isinstance(body(created)["createdAt"], str)
    task_id = body(created)["taskId"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", task_id)
    listing = body(send(mock, "GET", "/v2/tasks"))
    assert listing["total"] == 3
    assert [t["taskId"] for t in listing["data"]][-1] == task_id


def test_a_missing_record_whose_404_has_no_body_answers_without_one() -> None:
    # Given the task board, whose 404s declare no content
    mock = engine(TASKS)
    # When a task that does not exist is read
    response = send(mock, "GET", "/v2/tasks/nothing-here")
    # Then it is 404 with no body
    assert (response.status, response.body) == (404, b"")


def test_stateless_serves_examples_and_keeps_nothing() -> None:
    # Given the petstore served stateless
    mock = engine(PETSTORE, stateless=True)
    # When a pet is created, and a pet deleted
    created = send(mock, "POST", "/pets", {"name": "Fido"})
    send(mock, "DELETE", "/pets/3")
    # Then the create answered schema data, and any id still reads the item example
    assert created.status == 201
    assert body(send(mock, "GET", "/pets/3"))["name"] == "Bella"
    assert body(send(mock, "GET", "/pets/999"))["name"] == "Bella"
    assert mock.contract.declarations.collections == {}


def test_reset_brings_back_the_seed_records() -> None:
    # Given a petstore whose seed pet was deleted and a pet added
    mock = engine(PETSTORE)
    send(mock, "DELETE", "/pets/1")
    send(mock, "POST", "/pets", {"name": "Fido"})
    # When the mock is reset
    mock.reset()
    # Then the list is the examples again
    assert [p["name"] for p in body(send(mock, "GET", "/pets"))] == ["Rex", "Tom", "Bella"]


def orders_without_a_list() -> dict[str, Any]:
    """A store's orders as Swagger's Petstore 3 shapes them: POST /orders (the body may carry
    the id), GET and DELETE /orders/{orderId}, and no list."""
    order = {"type": "object", "required": ["item"],
             "properties": {"id": {"type": "integer"}, "item": {"type": "string"}}}
    json_of = {"application/json": {"schema": order}}
    return {
        "openapi": "3.0.3", "info": {"title": "store", "version": "1"},
        "paths": {
            "/orders": {"post": {"requestBody": {"content": json_of},
                                 "responses": {"200": {"description": "ok", "content": json_of}}}},
            "/orders/{orderId}": {
                "parameters": [{"name": "orderId", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "get": {"responses": {"200": {"description": "ok", "content": json_of},
                                      "404": {"description": "none"}}},
                "delete": {"responses": {"204": {"description": "gone"}}},
            },
        },
    }


def test_a_collection_without_a_list_takes_the_clients_id_if_sent() -> None:
    # Given orders with a create and an item path but no list
    mock = engine(orders_without_a_list())
    # When one order is created with an id and one without
    given_id = send(mock, "POST", "/orders", {"id": 70, "item": "tea"})
    made_id = send(mock, "POST", "/orders", {"item": "cake"})
    # Then the first keeps the client's id, the second gets the next one, both read back
    assert (given_id.status, body(given_id)["id"]) == (200, 70)
    assert body(made_id)["id"] == 71
    assert body(send(mock, "GET", "/orders/70"))["item"] == "tea"
    # And a second create with a taken id is refused as a conflict
    assert send(mock, "POST", "/orders", {"id": 70, "item": "tea"}).status == 409


def test_server_made_ids_stay_within_the_id_schemas_maximum() -> None:
    # Given the XML petstore, whose pet ids are int64 up to 2^53 - 1 and may be sent by clients
    mock = engine(document("media-xml-petstore"))
    top = 9007199254740991
    assert send(mock, "POST", "/pets", {"id": top, "name": "Max", "photoUrls": ["u"]}).status in (
        200, 201)
    # When the next pet is created without an id
    made = send(mock, "POST", "/pets", {"name": "Rex", "photoUrls": ["u"]})
    # Then the mock's id is a free one inside the schema (the answer passed the response check)
    assert made.status in (200, 201), made.body
    assert 1 <= body(made)["id"] < top


def test_a_taken_id_is_refused_with_the_client_error_the_document_declares() -> None:
    # Given a create that declares 400 but no 409
    mock = engine(document("media-xml-petstore"))
    pet = {"id": 41, "name": "Kit", "photoUrls": ["u"]}
    assert send(mock, "POST", "/pets", pet).status in (200, 201)
    # When the same id is created again
    again = send(mock, "POST", "/pets", pet)
    # Then the refusal is the document's 400, not an undocumented 409
    assert again.status == 400

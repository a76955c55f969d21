"""Collections inferred from a plain document's resource shape (contract/inference.py) and the
declarations model both the engine and the suites read (contract/declarations.py)."""

from __future__ import annotations

import copy
import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from specmock.contract import run_lint
from specmock.contract.declarations import read_declarations
from specmock.suites_support import ContractModel

CORPUS = Path(__file__).resolve().parents[1] / "e2e" / "corpus"


def petstore() -> dict[str, Any]:
    document = yaml.safe_load((CORPUS / "state-petstore" / "openapi.yaml").read_text())
    assert isinstance(document, dict)
    return document


def resource(
    name: str = "pets", param: str = "petId", id_field: str = "id", id_type: str = "integer",
    *, list_schema: dict[str, Any] | None = None, id_in_body: str = "declared",
    item_methods: tuple[str, ...] = ("get", "put", "delete"), post: bool = True,
) -> dict[str, Any]:
    """A minimal document with one resource shape, built from its parts."""
    record = {"type": "object", "properties": {id_field: {"type": id_type},
                                               "label": {"type": "string"}}}
    body: dict[str, Any] = {"type": "object", "properties": {"label": {"type": "string"}},
                            "required": [id_field] if id_in_body == "required" else []}
    if id_in_body != "absent":
        body["properties"][id_field] = {"readOnly": True} if id_in_body == "read-only" else {}

    def answer(schema: dict[str, Any]) -> dict[str, Any]:
        return {"description": "ok", "content": {"application/json": {"schema": schema}}}

    collection: dict[str, Any] = {
        "get": {"responses": {"200": answer(list_schema or {"type": "array", "items": record})}}}
    if post:
        collection["post"] = {"requestBody": {"content": {"application/json": {"schema": body}}},
                              "responses": {"201": answer(record)}}
    item: dict[str, Any] = {"parameters": [{"name": param, "in": "path", "required": True,
                                            "schema": {"type": id_type}}]}
    for method in item_methods:
        item[method] = {"responses": {"200": answer(record)}}
    return {"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {f"/{name}": collection, f"/{name}/{{{param}}}": item}}


def test_a_petstore_shape_infers_one_collection_with_its_seed_records() -> None:
    # Given the corpus's plain petstore-shaped document
    # When its declarations are read
    declarations = read_declarations(petstore())
    # Then one collection is inferred: id `id` for the path parameter `petId`, integer, made by
    # the mock, the list and item examples as seed records, a list answered as an array
    spec = declarations.collections["pets"]
    assert (spec.id_field, spec.id_type, spec.id_source, spec.envelope, spec.inferred) == (
        "id", "integer", "server", None, True)
    assert [r["name"] for r in (spec.seed or {})["records"]] == ["Rex", "Tom", "Bella"]
    # And every operation of the shape has the action it stands for
    actions = {key: ext["action"] for key, ext in declarations.operations.items()}
    assert declarations.of("/pets", "GET")["filters"] == {
        "status": {"field": "status", "match": "exact"}}  # `limit` names no field
    assert actions == {("/pets", "GET"): "list", ("/pets", "POST"): "create",
                       ("/pets/{petId}", "GET"): "read", ("/pets/{petId}", "PUT"): "replace",
                       ("/pets/{petId}", "PATCH"): "update",
                       ("/pets/{petId}", "DELETE"): "delete"}


@given(
    name=st.from_regex(r"[a-z]{1,12}", fullmatch=True),
    param=st.from_regex(r"[a-z][A-Za-z_]{0,10}", fullmatch=True),
    named_after_param=st.booleans(),
    id_type=st.sampled_from(["integer", "string"]),
    in_body=st.sampled_from(["required", "declared", "read-only", "absent"]),
)
def test_the_id_field_type_and_source_come_from_the_schema_and_the_path(
    name: str, param: str, named_after_param: bool, id_type: str, in_body: str
) -> None:
    # Given a resource shape whose record names its id after the path parameter or `id`,
    # and whose create body requires, declares, marks read-only or leaves out that field
    id_field = param if named_after_param else "id"
    document = resource(name, param, id_field, id_type, id_in_body=in_body)
    # When its declarations are read
    spec = read_declarations(document).collections[name]
    # Then the id is that field, of the schema's type, the client's where the body requires
    # it, the client's if sent where it may carry it, else the mock's
    assert (spec.id_field, spec.id_type) == (id_field, id_type)
    assert spec.id_source == {"required": "client", "declared": "either"}.get(in_body, "server")


def test_a_list_wrapped_in_an_object_is_read_through_its_array_member() -> None:
    # Given a list answered as {items: [...], total: n}
    record = {"$ref": "#/components/schemas/Pet"}
    wrapped = {"type": "object", "properties": {"total": {"type": "integer"},
                                                "items": {"type": "array", "items": record}}}
    document = resource(list_schema=wrapped)
    document["components"] = {"schemas": {"Pet": {"type": "object",
                                                  "properties": {"id": {"type": "integer"}}}}}
    # When its declarations are read
    # Then the collection's envelope is the array member
    assert read_declarations(document).collections["pets"].envelope == "items"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d["paths"]["/pets"].pop("post"), "no POST"),
        (lambda d: [d["paths"]["/pets/{petId}"].pop(m) for m in ("put", "delete")],
         "none of PUT, PATCH, DELETE"),
        (lambda d: d["paths"]["/pets/{petId}"]["get"]["responses"]["200"]["content"]
         ["application/json"]["schema"]["properties"].pop("id"), "neither 'petId' nor 'id'"),
        (lambda d: d["paths"]["/pets"]["post"].setdefault("x-specmock", {"action": "static"}),
         "declares x-specmock"),
        (lambda d: d["paths"]["/pets"]["get"]["responses"]["200"]["content"]
         ["application/json"].update(schema={"type": "object", "properties": {
             "a": {"type": "array"}, "b": {"type": "array"}}}), "several array members"),
    ],
    ids=["no-post", "read-only-item", "no-id-field", "declared", "two-arrays"],
)
def test_a_shape_that_falls_short_is_not_inferred_and_says_why(change: Any, reason: str) -> None:
    # Given a resource shape that lacks one thing a collection needs
    document = resource()
    change(document)
    # When its declarations are read
    declarations = read_declarations(document)
    # Then nothing is inferred, and a near miss on the collection path says why
    assert declarations.collections == {}
    assert any(m.path == "/pets" and reason in m.reason for m in declarations.near_misses), (
        declarations.near_misses)


def test_a_collection_below_a_path_parameter_is_not_inferred() -> None:
    # Given a nested resource shape (/owners/{ownerId}/pets and .../{petId})
    flat = resource()
    document = {**flat, "paths": {f"/owners/{{ownerId}}{p}": v for p, v in flat["paths"].items()}}
    # When its declarations are read
    declarations = read_declarations(document)
    # Then nothing is inferred: it needs a declared scope
    assert declarations.collections == {}
    assert "below a path parameter" in declarations.near_misses[0].reason


def test_trailing_slash_templates_pair_with_each_other() -> None:
    # Given a resource shape written /pets/ and /pets/{petId}/
    flat = resource()
    document = {**flat, "paths": {p + "/": v for p, v in flat["paths"].items()}}
    # When its declarations are read
    # Then the collection is inferred over the slashed templates
    declarations = read_declarations(document)
    assert set(declarations.collections) == {"pets"}
    assert declarations.of("/pets/{petId}/", "get")["action"] == "read"


def test_a_contract_that_declares_collections_gets_nothing_inferred() -> None:
    # Given the petstore document with one declared collection of its own
    document = petstore()
    document["x-specmock"] = {"collections": {"owners": {"idField": "id"}}}
    # When its declarations are read
    declarations = read_declarations(document)
    # Then only the declared collection exists: declarations win over inference
    assert set(declarations.collections) == {"owners"}
    assert not declarations.collections["owners"].inferred
    assert declarations.operations == {}


def test_without_inference_a_plain_document_has_no_collections() -> None:
    # Given the petstore document read as --stateless serves it
    # When its declarations are read without inference
    declarations = read_declarations(petstore(), infer=False)
    # Then it has no collection and no operation declares anything
    assert (declarations.collections, declarations.operations) == ({}, {})


def test_the_suites_model_sees_inferred_collections_as_the_engine_does() -> None:
    # Given the plain petstore document
    # When the suites read it
    model = ContractModel.from_document(petstore())
    # Then the inferred collection is writable, with its CRUD operations, and is the very
    # spec the contract layer made
    assert model.writable_collections() == ["pets"]
    assert model.collections["pets"] == read_declarations(petstore()).collections["pets"]
    assert {a: (op.method, op.path) for a in ("create", "read", "delete")
            if (op := model.crud("pets", a))} == {
        "create": ("POST", "/pets"), "read": ("GET", "/pets/{petId}"),
        "delete": ("DELETE", "/pets/{petId}")}


def test_lint_notes_what_was_inferred_without_counting_it_a_problem() -> None:
    # Given the corpus's petstore and not-inferred documents
    out = io.StringIO()
    # When they are linted
    code = run_lint([str(CORPUS / "state-petstore"), str(CORPUS / "state-not-inferred")], out)
    # Then each says what was inferred, or why not, and both are ok
    lines = out.getvalue().splitlines()
    assert code == 0
    assert any("/paths/~1pets: note: inferred collection 'pets'" in line for line in lines)
    assert any("no collection inferred for /tags: it has no POST" in line for line in lines)
    assert sum(line.endswith(": ok") for line in lines) == 2


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["get", "post", "put", "delete", "responses", "200",
                                       "content", "application/json", "schema", "type",
                                       "properties", "id", "items", "example", "$ref",
                                       "requestBody", "required", "allOf", "parameters"]),
                      children, max_size=5),
    max_leaves=30,
)


PLACES = [
    ("paths", "/pets", "get"), ("paths", "/pets", "post", "requestBody"),
    ("paths", "/pets", "get", "responses"), ("paths", "/pets/{petId}", "get", "responses", "200"),
    ("paths", "/pets/{petId}", "get", "responses", "200", "content", "application/json"),
    ("paths", "/pets/{petId}", "get", "responses", "200", "content", "application/json",
     "schema"),
    ("paths", "/pets/{petId}", "get", "responses", "200", "content", "application/json",
     "schema", "properties"),
    ("paths", "/pets", "get", "responses", "200", "content", "application/json", "schema",
     "items"),
    ("paths", "/pets", "post", "requestBody", "content", "application/json", "schema",
     "required"),
    ("paths", "/pets/{petId}", "put"), ("paths", "/pets/{petId}", "parameters"), ("paths",),
]


@given(place=st.sampled_from(PLACES), junk=json_values,
       second=st.sampled_from(PLACES), more_junk=json_values)
def test_inference_never_raises_on_malformed_documents(
    place: tuple[str, ...], junk: Any, second: tuple[str, ...], more_junk: Any
) -> None:
    # Given a resource shape with any value in one or two of its places (lint reports those)
    document = resource()
    for where, value in ((place, junk), (second, more_junk)):
        node: Any = document
        for key in where[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node[where[-1]] = copy.deepcopy(value)
    # When its declarations are read
    declarations = read_declarations(document)
    # Then it answers (whatever it inferred), never a traceback
    assert set(declarations.collections) <= {"pets"}

"""The Freezerworks contract (contracts/freezerworks/) is valid, complete and self-consistent.

Read with plain YAML and JSON Schema tools only, not with mockserver's contract loader, so the
contract is checked independently of the code that serves it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parents[2]
CONTRACT_DIR = ROOT / "contracts" / "freezerworks"
CONTRACT = CONTRACT_DIR / "openapi.yaml"
SIREN = ROOT / "contracts" / "siren" / "entity.schema.json"
EXTENSIONS = ROOT / "mockserver" / "contract" / "extensions.schema.yaml"
SIREN_ENTITY_REF = "../siren/entity.schema.json#/$defs/entity"
SIREN_MEDIA_TYPE = "application/vnd.siren+json"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
RECORD_SCHEMAS = {
    "samples": "Sample",
    "aliquots": "Aliquot",
    "searches": "Search",
    "users": "User",
    "groups": "Group",
    "roles": "Role",
    "freezers": "Freezer",
    "freezerSections": "FreezerSection",
    "fields": "Field",
    "requisitions": "Requisition",
}
PDF_MEDIA_TYPE = "application/pdf"
# Operations that answer a document, not Siren (label printing answers a PDF, as real clients
# read it).
DOCUMENT_OPERATIONS = {"POST /api/v1/labels/{labelId}/print"}
DOCUMENT_ALIQUOTS = (102992, 102993, 100088)
DOCUMENT_CHECK_IN_VALUES = [102992, 102993, 202100, 100088]


# --- helpers -------------------------------------------------------------------------------------


def _load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@cache
def _document() -> dict[str, Any]:
    return _load_yaml(CONTRACT)


@cache
def _registry() -> Registry:
    """The contract and the Siren schema, each at its file URI, so relative $refs resolve."""
    resources = [
        (CONTRACT.resolve().as_uri(), _document()),
        (SIREN.resolve().as_uri(), json.loads(SIREN.read_text(encoding="utf-8"))),
    ]
    return Registry().with_resources(
        (uri, Resource.from_contents(contents, default_specification=DRAFT202012))
        for uri, contents in resources
    )


def _validator_at(pointer: str) -> Draft202012Validator:
    """A validator for the schema at `pointer` inside the contract."""
    ref = CONTRACT.resolve().as_uri() + "#" + quote(pointer, safe="/~")
    return Draft202012Validator(
        {"$ref": ref}, registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _schema_errors(pointer: str, instance: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in _validator_at(pointer).iter_errors(instance)]


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _resolve(node: Any) -> Any:
    """Follow local `$ref`s of the contract."""
    while isinstance(node, dict) and str(node.get("$ref", "")).startswith("#/"):
        node = _pointer(node["$ref"][1:])
    return node


def _pointer(pointer: str) -> Any:
    node: Any = _document()
    for raw in pointer.lstrip("/").split("/"):
        node = node[raw.replace("~1", "/").replace("~0", "~")]
    return node


def _operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in _document()["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


OPERATIONS = [f"{method.upper()} {path}" for path, method, _ in _operations()]


def _operation(label: str) -> tuple[str, str, dict[str, Any]]:
    method, path = label.split(" ", 1)
    return path, method.lower(), _document()["paths"][path][method.lower()]


def _responses(label: str) -> Iterator[tuple[str, dict[str, Any], str]]:
    """(status, resolved response, JSON pointer of the resolved response)."""
    path, method, operation = _operation(label)
    for status, response in operation["responses"].items():
        where = f"/paths/{_escape(path)}/{method}/responses/{status}"
        if "$ref" in response:
            where = response["$ref"][1:]
        yield str(status), _resolve(response), where


def _expand(seed: dict[str, Any]) -> list[dict[str, Any]]:
    """The records a seed declares: literal ones, then generated ones (docs/extensions.md)."""
    rng = random.Random(0)
    records = [dict(r) for r in seed.get("records", [])]
    generate = seed.get("generate")
    fields = generate["fields"] if generate else {}
    for n in range(generate["count"] if generate else 0):
        records.append({name: _generated(spec, n, rng) for name, spec in fields.items()})
    return records


def _generated(spec: dict[str, Any], n: int, rng: random.Random) -> Any:
    if "value" in spec:
        return spec["value"]
    if "sequence" in spec:
        return spec["sequence"]["start"] + n * spec["sequence"].get("step", 1)
    if "cycle" in spec:
        return spec["cycle"][n % len(spec["cycle"])]
    if "choice" in spec:
        return rng.choice(spec["choice"])
    if "format" in spec:
        return spec["format"].replace("{n}", str(n))
    raise AssertionError(f"unknown generator {spec}")


def _seed(collection: str) -> dict[str, Any]:
    """A collection's seed, with a `$ref` to a sibling file loaded."""
    seed = _document()["x-specmock"]["collections"][collection].get("seed", {})
    return _load_yaml(CONTRACT_DIR / seed["$ref"]) if "$ref" in seed else seed


@cache
def _records(collection: str) -> tuple[dict[str, Any], ...]:
    return tuple(_expand(_seed(collection)))


def _by_id(collection: str) -> dict[Any, dict[str, Any]]:
    id_field = _document()["x-specmock"]["collections"][collection]["idField"]
    return {record[id_field]: record for record in _records(collection)}


def _partition(values: list[Any], field: str, action: str) -> dict[str, list[Any]]:
    """What verifyAction answers, from the contract's own partition declaration."""
    spec = _operation("POST /api/v1/aliquots/verifyAction")[2]["x-specmock"]
    rule = spec["partition"]["rules"][action]
    by_value = {str(r.get(field)): r for r in _records(spec["collection"])}
    verified = [v for v in values
                if str(v) in by_value and by_value[str(v)].get(rule["field"]) in rule["in"]]
    return {"verified": verified, "notVerified": [v for v in values if v not in verified]}


def _extension_validator(definition: str) -> Draft202012Validator:
    schema = _load_yaml(EXTENSIONS)
    return Draft202012Validator({**schema, "$ref": f"#/$defs/{definition}"})


def _requires_siren(schema: Any, depth: int = 0) -> bool:
    """The schema is, or is an allOf including, the Siren entity (through local $refs)."""
    if not isinstance(schema, dict) or depth > 10:
        return False
    ref = schema.get("$ref", "")
    if ref == SIREN_ENTITY_REF:
        return True
    if ref.startswith("#/"):
        return _requires_siren(_pointer(ref[1:]), depth + 1)
    return any(_requires_siren(branch, depth + 1) for branch in schema.get("allOf", []))


def _examples() -> Iterator[tuple[str, str, Any]]:
    """(label, pointer of the schema, example value) for every example the contract has."""
    yield from _walk_examples(_document(), "")


def _walk_examples(node: Any, where: str) -> Iterator[tuple[str, str, Any]]:
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk_examples(item, f"{where}/{index}")
        return
    if not isinstance(node, dict):
        return
    if "schema" in node and ("example" in node or "examples" in node):
        schema_at = f"{where}/schema"
        if "example" in node:
            yield f"{where}/example", schema_at, node["example"]
        for name, example in (node.get("examples") or {}).items():
            yield f"{where}/examples/{name}", schema_at, _resolve(example)["value"]
    if where.startswith("/components/schemas/") and where.count("/") == 3:
        for index, value in enumerate(node.get("examples", [])):
            yield f"{where}/examples/{index}", where, value
    for key, value in node.items():
        if key not in ("examples", "example", "x-specmock"):
            yield from _walk_examples(value, f"{where}/{_escape(str(key))}")


EXAMPLES = list(_examples())


# --- the document --------------------------------------------------------------------------------


def test_openapi_spec_validator_accepts_the_contract() -> None:
    # Given the contract, with its relative $refs to ../siren
    spec = _document()
    # When openapi-spec-validator checks it against its own location
    # Then it raises nothing
    validate(spec, base_uri=CONTRACT.resolve().as_uri())


def test_the_contract_is_openapi_3_1_served_at_the_mock_address() -> None:
    # Given the contract
    document = _document()
    # When its version and first server are read
    # Then it is OpenAPI 3.1.0 served by the mock on 127.0.0.1:8000
    assert document["openapi"] == "3.1.0"
    assert document["servers"][0]["url"] == "http://127.0.0.1:8000"


def test_the_operations_are_exactly_the_inventory() -> None:
    # Given the inventory of endpoints the documentation shows or implies
    lines = (CONTRACT_DIR / "endpoints.txt").read_text(encoding="utf-8").splitlines()
    inventory = {line.strip() for line in lines if line.strip()}
    # When the contract's operations are listed as METHOD /path
    # Then both sets are equal
    assert set(OPERATIONS) == inventory


def test_every_path_is_under_api_v1() -> None:
    # Given the contract's paths
    # When their prefixes are read
    # Then every one starts with /api/v1/
    assert all(path.startswith("/api/v1/") for path in _document()["paths"])


def test_operation_ids_are_present_and_unique() -> None:
    # Given every operation
    ids = [operation.get("operationId") for _, _, operation in _operations()]
    # When their operationIds are collected
    # Then none is missing and none repeats
    assert None not in ids
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("label", OPERATIONS)
def test_every_operation_documents_a_success(label: str) -> None:
    # Given an operation
    statuses = [status for status, _, _ in _responses(label)]
    # When its documented statuses are read
    # Then one of them is a 2xx
    assert any(status.startswith("2") for status in statuses)


@pytest.mark.parametrize("label", OPERATIONS)
def test_every_bearer_protected_operation_documents_401(label: str) -> None:
    # Given an operation and the security it needs (its own, else the document's)
    operation = _operation(label)[2]
    security = operation.get("security", _document()["security"])
    schemes = {name for requirement in security for name in requirement}
    # When its responses are read
    statuses = {status for status, _, _ in _responses(label)}
    # Then it documents 401 unless Basic credentials are all it takes
    if schemes != {"basicAuth"}:
        assert "401" in statuses


def test_authenticate_takes_basic_and_everything_else_takes_bearer_jwt() -> None:
    # Given the security schemes and requirements of the contract
    document = _document()
    schemes = document["components"]["securitySchemes"]
    # When they are read
    # Then authenticate needs Basic, and the default is a bearer JWT
    assert (schemes["basicAuth"]["type"], schemes["basicAuth"]["scheme"]) == ("http", "basic")
    bearer = schemes["bearerAuth"]
    assert (bearer["type"], bearer["scheme"], bearer["bearerFormat"]) == ("http", "bearer", "JWT")
    assert document["security"] == [{"bearerAuth": []}]
    overriding = {f"{method.upper()} {path}": operation["security"]
                  for path, method, operation in _operations() if "security" in operation}
    assert overriding == {"GET /api/v1/users/authenticate": [{"basicAuth": []}]}


@pytest.mark.parametrize("label", OPERATIONS)
def test_every_response_body_is_a_siren_entity(label: str) -> None:
    # Given an operation's documented responses
    for status, response, _ in _responses(label):
        content = response.get("content", {})
        # When their media types and schemas are read
        # Then every body is application/vnd.siren+json with a schema built on the Siren entity
        # (every branch of an anyOf), but a document's success, which is a PDF
        if label in DOCUMENT_OPERATIONS and status == "200":
            assert list(content) == [PDF_MEDIA_TYPE]
            continue
        assert list(content) == ([SIREN_MEDIA_TYPE] if status != "204" else []), status
        for media in content.values():
            schema = media["schema"]
            branches = schema.get("anyOf", [schema])
            assert all(_requires_siren(b) for b in branches), f"{label} {status}"


@pytest.mark.parametrize("label", OPERATIONS)
def test_every_response_schema_rejects_what_is_not_siren(label: str) -> None:
    # Given an operation's response schemas and a body whose link has no href
    not_siren = {"class": ["error"], "properties": {"status": 400, "title": "t", "detail": "d"},
                 "links": [{"rel": ["self"]}]}
    for status, _, where in _responses(label):
        if status == "204" or (label in DOCUMENT_OPERATIONS and status == "200"):
            continue
        pointer = f"{where}/content/{_escape(SIREN_MEDIA_TYPE)}/schema"
        # When the schema validates it
        # Then it is rejected
        assert _schema_errors(pointer, not_siren), f"{label} {status}"


def test_request_bodies_are_json() -> None:
    # Given every operation with a request body
    bodies = [op["requestBody"] for _, _, op in _operations() if "requestBody" in op]
    # When their media types are read
    # Then each takes application/json (the documentation's request format)
    assert bodies
    assert all(list(body["content"]) == ["application/json"] for body in bodies)


WRITES = [label for label in OPERATIONS if label.split()[0] in ("POST", "PUT", "PATCH")]


@pytest.mark.parametrize("label", WRITES)
def test_operations_with_bodies_document_400_and_415(label: str) -> None:
    # Given an operation that takes a body
    statuses = {status for status, _, _ in _responses(label)}
    # When its responses are read
    # Then it documents bad bodies and unsupported media types
    assert {"400", "415"} <= statuses


def test_paginated_lists_share_the_pagination_parameters() -> None:
    # Given every operation that paginates
    shared = {"#/components/parameters/Limit", "#/components/parameters/Offset",
              "#/components/parameters/DatasetId"}
    paginated = [op for _, _, op in _operations() if op.get("x-specmock", {}).get("paginate")]
    # When their parameters are read
    # Then each uses the shared limit, offset and datasetid parameters
    assert len(paginated) == 11
    for operation in paginated:
        assert shared <= {p.get("$ref") for p in operation.get("parameters", [])}


def test_the_limit_parameter_matches_the_declared_pagination() -> None:
    # Given the limit parameter and the mock's pagination declaration
    schema = _document()["components"]["parameters"]["Limit"]["schema"]
    declared = _document()["x-specmock"]["pagination"]["limit"]
    # When their bounds are compared
    # Then they agree, the maximum is 1000, and 0 (the whole list) is allowed and bounded
    assert (schema["maximum"], schema["default"]) == (declared["maximum"], declared["default"])
    assert declared["maximum"] == 1000
    assert (schema["minimum"], declared["all"]) == (0, 0)
    assert declared["allMaximum"] >= declared["maximum"]
    properties = _document()["components"]["schemas"]["PageProperties"]["properties"]
    assert properties["limit"]["maximum"] == declared["allMaximum"]


def test_the_description_records_the_offset_unit_declared() -> None:
    # Given the declared offset unit and the contract's description
    unit = _document()["x-specmock"]["pagination"]["offset"]["unit"]
    description = _document()["info"]["description"]
    # When the description is searched
    # Then it states that unit, and the other ones decisions too
    assert f"`offset` counts **{unit}**" in description
    for decided in ("typo", "datasetid", "notVerified", "202100", "token lifetime",
                    "data-set placement", "offset unit", "limit=0", "Decision"):
        assert decided in description


def test_verify_action_is_a_literal_path_beside_the_templated_one() -> None:
    # Given the aliquot paths
    paths = _document()["paths"]
    # When verifyAction and the aliquot detail are looked up
    # Then both exist, and verifyAction is only POST (literal paths win over templated ones)
    assert "/api/v1/aliquots/{aliquotId}" in paths
    assert set(paths["/api/v1/aliquots/verifyAction"]) == {"post"}


# --- x-specmock ----------------------------------------------------------------------------------


def test_the_root_extension_validates_against_the_extension_schema() -> None:
    # Given the root x-specmock with its seed files loaded in place of their $refs
    root = dict(_document()["x-specmock"])
    root["collections"] = {name: {**spec, "seed": _seed(name)}
                           for name, spec in root["collections"].items()}
    # When the extension schema validates it
    errors = [e.message for e in _extension_validator("root").iter_errors(root)]
    # Then there are no errors
    assert errors == []


@pytest.mark.parametrize("label", OPERATIONS)
def test_every_operation_extension_validates_against_the_extension_schema(label: str) -> None:
    # Given an operation's x-specmock
    extension = _operation(label)[2]["x-specmock"]
    # When the extension schema validates it
    errors = [e.message for e in _extension_validator("operation").iter_errors(extension)]
    # Then there are no errors
    assert errors == []


def test_operations_name_declared_collections() -> None:
    # Given the declared collections
    collections = _document()["x-specmock"]["collections"]
    # When every collection an operation names is looked up, with its references
    named = {op["x-specmock"].get("collection") for _, _, op in _operations()} - {None}
    referenced = {target for spec in collections.values()
                  for target in spec.get("references", {}).values()}
    # Then each is declared
    assert named | referenced <= collections.keys()


def test_the_root_extension_declares_siren_lenient_paths_and_siren_errors() -> None:
    # Given the root x-specmock
    root = _document()["x-specmock"]
    # When its representation, trailing-slash policy and error templates are read
    errors = root["errors"]
    # Then everything is Siren, trailing slashes are tolerated (real clients send them), and
    # errors list items of the guide's shape with a self link
    assert (root["representation"], root["trailingSlash"]) == ("siren", "lenient")
    assert errors["mediaType"] == SIREN_MEDIA_TYPE
    assert errors["templates"]["default"]["class"] == ["error"]
    assert errors["templates"]["default"]["properties"] == {"errors": "{errors}"}
    assert set(errors["item"]) == {"status", "error_code", "message", "meta"}


@pytest.mark.parametrize("kind", ["default"])
def test_rendered_error_templates_satisfy_the_error_entity_schema(kind: str) -> None:
    # Given an error template rendered with two typical items
    errors = _document()["x-specmock"]["errors"]
    template = errors["templates"][kind]
    values = {"status": 400, "errorCode": "bad_request", "detail": "limit must be at most 1000",
              "pointer": "/query/limit", "url": "http://127.0.0.1:8000/api/v1/aliquots?limit=5000"}

    def fill(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: fill(v) for k, v in node.items()}
        if isinstance(node, list):
            return [fill(v) for v in node]
        placeholder = isinstance(node, str) and node.startswith("{") and node.endswith("}")
        return values[node.strip("{}")] if placeholder else node

    item = fill(errors["item"])
    rendered = {"class": template["class"], "properties": {"errors": [item, item]},
                "links": fill(template["links"])}
    # When the ErrorEntity schema validates it
    # Then there are no errors
    assert _schema_errors("/components/schemas/ErrorEntity", rendered) == []


def test_the_partition_rules_cover_every_action_the_body_allows() -> None:
    # Given verifyAction's body schema and its partition rules
    operation = _operation("POST /api/v1/aliquots/verifyAction")[2]
    body = _document()["components"]["schemas"]["VerifyActionRequest"]
    rules = operation["x-specmock"]["partition"]["rules"]
    # When the action enum and the rule names are compared
    # Then every allowed action has a rule over a real aliquot status
    statuses = set(_document()["components"]["schemas"]["WorkflowStatus"]["enum"])
    assert set(body["properties"]["action"]["enum"]) == set(rules)
    for rule in rules.values():
        assert rule["field"] == "WorkflowStatus"
        assert set(rule["in"]) <= statuses


# --- seed data -----------------------------------------------------------------------------------


def test_the_documentation_user_can_authenticate() -> None:
    # Given the declared users
    users = _document()["x-specmock"]["auth"]["users"]
    # When demoUser is looked up
    # Then it has the documentation's password
    assert {"username": "demoUser", "password": "demoPassword", "id": 1} in users


def test_sample_100001_has_at_least_three_aliquots() -> None:
    # Given the seed aliquots
    aliquots = _records("aliquots")
    # When those of sample 100001 are counted
    owned = [a for a in aliquots if a["FK_SampleUID"] == 100001]
    # Then the sample exists and has at least three
    assert 100001 in _by_id("samples")
    assert len(owned) >= 3


@pytest.mark.parametrize("aliquot_id", DOCUMENT_ALIQUOTS)
def test_the_aliquots_the_documentation_names_exist(aliquot_id: int) -> None:
    # Given the seed aliquots
    # When one the documentation names is looked up
    # Then it exists and belongs to sample 100001
    assert _by_id("aliquots")[aliquot_id]["FK_SampleUID"] == 100001


def test_aliquot_202100_does_not_exist() -> None:
    # Given the seed aliquots, generated ones included
    # When 202100 is looked up
    # Then it is absent (the documentation's example of an unknown value)
    assert 202100 not in _by_id("aliquots")


def test_there_are_thousands_of_aliquots_after_generation() -> None:
    # Given the aliquot seed
    # When it is expanded
    # Then there are at least 2000 aliquots
    assert len(_records("aliquots")) >= 2000


@pytest.mark.parametrize("collection", sorted(RECORD_SCHEMAS))
def test_seed_ids_are_unique(collection: str) -> None:
    # Given a collection's seed, expanded
    id_field = _document()["x-specmock"]["collections"][collection]["idField"]
    ids = [record[id_field] for record in _records(collection)]
    # When its ids are compared
    # Then none repeats
    assert len(ids) == len(set(ids))


def test_every_aliquot_names_an_existing_sample() -> None:
    # Given the seed aliquots and samples
    samples = _by_id("samples")
    # When each aliquot's FK_SampleUID is looked up
    missing = {a["FK_SampleUID"] for a in _records("aliquots")} - samples.keys()
    # Then every one names a sample
    assert missing == set()


def test_aliquot_barcodes_are_unique() -> None:
    # Given the seed aliquots (AliquotBarcode is declared unique)
    barcodes = [a["AliquotBarcode"] for a in _records("aliquots")]
    # When the barcodes are compared
    # Then none repeats
    assert len(barcodes) == len(set(barcodes))


@pytest.mark.parametrize("collection", sorted(RECORD_SCHEMAS))
def test_explicit_seed_records_validate_against_their_schema(collection: str) -> None:
    # Given a collection's literal seed records
    pointer = f"/components/schemas/{RECORD_SCHEMAS[collection]}"
    # When its record schema validates each
    records = _seed(collection)["records"]
    errors = [(i, e) for i, r in enumerate(records) for e in _schema_errors(pointer, r)]
    # Then there are no errors
    assert errors == []


@pytest.mark.parametrize("collection", sorted(RECORD_SCHEMAS))
def test_generated_seed_records_validate_against_their_schema(collection: str) -> None:
    # Given a collection's generated seed records
    pointer = f"/components/schemas/{RECORD_SCHEMAS[collection]}"
    generated = _records(collection)[len(_seed(collection)["records"]):]
    validator = _validator_at(pointer)
    # When its record schema validates each
    invalid = [record for record in generated if not validator.is_valid(record)]
    # Then all are valid
    assert invalid == []


def test_the_document_check_in_example_gives_two_non_empty_lists() -> None:
    # Given the documentation's checkIn request
    # When the contract's partition rules are applied to the seed
    result = _partition(DOCUMENT_CHECK_IN_VALUES, "PK_AliquotUID", "checkIn")
    # Then both lists have values, every value is in exactly one, and 202100 is not verified
    assert result["verified"]
    assert result["notVerified"]
    assert sorted(result["verified"] + result["notVerified"]) == sorted(DOCUMENT_CHECK_IN_VALUES)
    assert 202100 in result["notVerified"]


def test_the_document_requisition_of_sample_100001_gives_two_non_empty_lists() -> None:
    # Given the aliquots of sample 100001, as the worked example collects them
    values = [a["PK_AliquotUID"] for a in _records("aliquots") if a["FK_SampleUID"] == 100001]
    # When the contract's requisition rule is applied to the seed
    result = _partition(values, "PK_AliquotUID", "requisition")
    # Then some can be requisitioned and some cannot
    assert result["verified"]
    assert result["notVerified"]


@pytest.mark.parametrize("name", ["checkIn", "requisition", "byBarcode"])
def test_verify_action_response_examples_match_the_seed(name: str) -> None:
    # Given a verifyAction request example and the response example of the same name
    operation = _operation("POST /api/v1/aliquots/verifyAction")[2]
    request = operation["requestBody"]["content"]["application/json"]["examples"][name]["value"]
    content = operation["responses"]["200"]["content"][SIREN_MEDIA_TYPE]
    answer = content["examples"][name]["value"]["properties"]["aliquots"]
    # When the partition rules are applied to the seed
    # Then the example answer is what the mock computes
    assert _partition(request["values"], request["fieldName"], request["action"]) == answer


def test_the_sample_detail_example_lists_the_seed_aliquots_of_the_sample() -> None:
    # Given the example answer of GET /api/v1/samples/100001 and its embed declaration
    operation = _operation("GET /api/v1/samples/{sampleId}")[2]
    content = operation["responses"]["200"]["content"][SIREN_MEDIA_TYPE]
    shown = content["examples"]["sample100001"]["value"]["properties"]["aliquots"]
    fields = operation["x-specmock"]["embed"]["aliquots"]["fields"]
    # When the seed aliquots of sample 100001 are projected on the embedded fields
    seed = [{k: a[k] for k in fields} for a in _records("aliquots") if a["FK_SampleUID"] == 100001]
    # Then they are what the example shows
    assert shown == seed


def test_the_searches_example_page_is_not_empty() -> None:
    # Given the declared offset unit and the documentation's /api/v1/searches?limit=5&offset=5
    unit = _document()["x-specmock"]["pagination"]["offset"]["unit"]
    start = 5 * 5 if unit == "pages" else 5
    # When that page is cut from the seed searches
    page = _records("searches")[start:start + 5]
    # Then it has five searches
    assert len(page) == 5


# --- examples ------------------------------------------------------------------------------------


def test_the_contract_has_examples() -> None:
    # Given every example of the contract
    # When they are counted
    # Then every operation's success response has one, so the collection is not empty
    assert len(EXAMPLES) >= len(OPERATIONS)


@pytest.mark.parametrize(("where", "schema_at", "value"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_every_example_validates_against_its_schema(where: str, schema_at: str, value: Any) -> None:
    # Given an example and the schema beside it
    # When the schema validates the example (relative $refs to ../siren resolved)
    errors = _schema_errors(schema_at, value)
    # Then there are no errors
    assert errors == [], where


def test_example_links_point_at_the_mock() -> None:
    # Given every href in the response examples
    server = _document()["servers"][0]["url"]
    hrefs = [href for _, _, value in EXAMPLES for href in _hrefs(value)]
    # When their prefixes are read
    # Then each is an absolute URL on the mock, as the mock writes them
    assert hrefs
    assert all(href.startswith(server + "/api/v1/") for href in hrefs)


def _hrefs(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "href" and isinstance(item, str):
                yield item
            else:
                yield from _hrefs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _hrefs(item)

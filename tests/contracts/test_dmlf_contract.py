"""The DMLF contract (contracts/dmlf/): valid OpenAPI, complete, and consistent with its mock data.

These tests read the YAML files directly (no dependency on mockserver's contract loader): the
contract must be a valid OpenAPI 3.1 document, declare exactly the endpoints the DMLF
documentation shows (contracts/dmlf/endpoints.txt) and none of the writes it answers 405,
document every response, use the
`x-specmock` extensions as mockserver/contract/extensions.schema.yaml defines them, and carry
seed data and examples that agree with its own schemas.
"""

from __future__ import annotations

import copy
import datetime
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parents[2]
CONTRACT_DIR = ROOT / "contracts" / "dmlf"
CONTRACT = CONTRACT_DIR / "openapi.yaml"
ENDPOINTS = CONTRACT_DIR / "endpoints.txt"
EXTENSIONS_SCHEMA = ROOT / "mockserver" / "contract" / "extensions.schema.yaml"

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
DOCUMENT_URI = "urn:specmock:contracts:dmlf"

# Collection -> the components.schemas entry describing one of its records.
ENTITY_SCHEMAS = {
    "institutes": "Institute",
    "methods": "Method",
    "fundingbodies": "FundingBody",
    "projects": "Project",
    "sampletypes": "SampleType",
    "staff": "Staff",
    "samples": "Sample",
    "experiments": "Experiment",
}
FILE_FIELDS = {"sample_info", "supplementary_file", "experiment_file"}
BATTERY_STRUCTURE = {
    "name": {"type": "CharField", "help_text": "", "required": True, "allow_null": False},
    "composition": {"type": "CharField", "help_text": "", "required": False, "allow_null": False},
    "manufacturer": {"type": "CharField", "help_text": "", "required": True, "allow_null": False},
    "produced": {"type": "DateField", "help_text": "", "required": False, "allow_null": True},
    "comment": {"type": "CharField", "help_text": "", "required": False, "allow_null": True},
}
DOCUMENTED_SAMPLE_ID = "240616_125138_010102"

# Error kinds of the `errors.templates` and the status each is answered with.
STATUS_OF_KIND = {
    "badRequest": "400",
    "unauthorized": "401",
    "invalidToken": "401",
    "badCredentials": "401",
    "notFound": "404",
    "methodNotAllowed": "405",
    "unsupportedMediaType": "415",
}


# ---------------------------------------------------------------------------- helpers


class _ContractLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2-like scalars: no timestamps, no yes/no/on/off booleans, and
    every mapping key a string (so `200:` would stay "200")."""


_ContractLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ContractLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf")
)


def _string_keys(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[str, Any]:
    loader.flatten_mapping(node)
    return {
        str(loader.construct_object(k, deep=True)): loader.construct_object(v, deep=True)
        for k, v in node.value
    }


_ContractLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _string_keys)


def load_yaml(path: Path) -> Any:
    """A YAML file with string keys and no implicit dates or YAML 1.1 booleans."""
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_ContractLoader)


def load_contract() -> dict[str, Any]:
    """The contract as written (file `$ref`s of the seed left in place)."""
    return load_yaml(CONTRACT)


def resolve_seed_refs(root_ext: dict[str, Any]) -> dict[str, Any]:
    """The root `x-specmock` with every `seed: {$ref: file}` replaced by the file's content."""
    resolved = copy.deepcopy(root_ext)
    for collection in resolved.get("collections", {}).values():
        seed = collection.get("seed")
        if isinstance(seed, dict) and "$ref" in seed:
            collection["seed"] = load_yaml(CONTRACT_DIR / seed["$ref"])
    return resolved


def seed_records(spec: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Collection name -> its literal seed records."""
    collections = resolve_seed_refs(spec["x-specmock"])["collections"]
    return {name: c.get("seed", {}).get("records", []) for name, c in collections.items()}


def iter_operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(METHOD, path, operation) for every operation of the contract."""
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            if isinstance(item.get(method), dict):
                yield method.upper(), path, item[method]


def node_ref_parts(ref: str) -> list[str]:
    """The unescaped JSON-pointer segments of a local `$ref`."""
    assert ref.startswith("#/"), f"only local refs are expected here, got {ref}"
    return [p.replace("~1", "/").replace("~0", "~") for p in ref[2:].split("/")]


def resolve(spec: dict[str, Any], node: Any) -> Any:
    """`node`, or what its chain of local `$ref`s points at."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node_ref_parts(node["$ref"]):
            target = target[part]
        node = target
    return node


def pointer_of(*parts: str) -> str:
    """A JSON pointer from raw segments."""
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and (parts.netloc or parts.path))


FORMAT_CHECKER = copy.deepcopy(Draft202012Validator.FORMAT_CHECKER)
FORMAT_CHECKER.checks("uri")(_is_uri)


def validator_at(spec: dict[str, Any], pointer: str) -> Draft202012Validator:
    """A 2020-12 validator for the schema at `pointer` in the contract, its `$ref`s resolving
    against the whole document."""
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(DOCUMENT_URI, resource)
    return Draft202012Validator(
        {"$ref": f"{DOCUMENT_URI}#{pointer}"}, registry=registry, format_checker=FORMAT_CHECKER
    )


def entity_validator(spec: dict[str, Any], collection: str) -> Draft202012Validator:
    """A validator for one record of `collection`."""
    return validator_at(spec, pointer_of("components", "schemas", ENTITY_SCHEMAS[collection]))


def render(template: Any, values: dict[str, Any]) -> Any:
    """An error template filled as docs/extensions.md says ("{x}" alone keeps the type)."""
    if isinstance(template, str):
        whole = re.fullmatch(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", template)
        if whole:
            return values[whole.group(1)]
        return re.sub(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", lambda m: str(values[m.group(1)]), template)
    if isinstance(template, dict):
        return {render(k, values): render(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [render(item, values) for item in template]
    return template


def possible_kinds(operation: dict[str, Any]) -> set[str]:
    """The error kinds the mock can answer an operation with: a 401 comes from the bearer
    check on protected operations, from the credential check of issueToken, or from the
    refresh-token check of refreshToken."""
    action = operation["x-specmock"]["action"]
    kinds = set(STATUS_OF_KIND) - {"unauthorized", "invalidToken", "badCredentials"}
    if operation.get("security", SPEC["security"]) != []:
        kinds |= {"unauthorized", "invalidToken"}
    if action == "issueToken":
        kinds.add("badCredentials")
    if action == "refreshToken":
        kinds.add("invalidToken")
    return kinds


def read_endpoints() -> tuple[set[str], set[str]]:
    """The `METHOD /path` lines of endpoints.txt (comments and blank lines skipped): the
    operations, and the lines marked ` 405` (implied writes the server answers 405, which are
    not operations of the contract), each without its mark."""
    lines = ENDPOINTS.read_text(encoding="utf-8").splitlines()
    operations: set[str] = set()
    not_allowed: set[str] = set()
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        words = line.split()
        assert len(words) in (2, 3), f"endpoints.txt: malformed line {line!r}"
        if len(words) == 3:
            assert words[2] == "405", f"endpoints.txt: unknown mark in {line!r}"
            not_allowed.add(" ".join(words[:2]))
        else:
            operations.add(" ".join(words))
    return operations, not_allowed


# Example locations: (pointer of the schema, the example value, where the example sits).
Example = tuple[str, Any, str]

_SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA_SINGLE = ("items", "additionalProperties", "not", "contains", "if", "then", "else")


def schema_examples(schema: Any, pointer: str) -> Iterator[Example]:
    """`example` / `examples` of a schema and of its subschemas."""
    if not isinstance(schema, dict):
        return
    if "example" in schema:
        yield pointer, schema["example"], pointer + "/example"
    if isinstance(schema.get("examples"), list):
        for index, value in enumerate(schema["examples"]):
            yield pointer, value, f"{pointer}/examples/{index}"
    for key in _SUBSCHEMA_MAPS:
        for name, sub in schema.get(key, {}).items():
            yield from schema_examples(sub, pointer + pointer_of(key, name))
    for key in _SUBSCHEMA_LISTS:
        for index, sub in enumerate(schema.get(key, [])):
            yield from schema_examples(sub, pointer + pointer_of(key, str(index)))
    for key in _SUBSCHEMA_SINGLE:
        if isinstance(schema.get(key), dict):
            yield from schema_examples(schema[key], pointer + pointer_of(key))


def holder_examples(spec: dict[str, Any], holder: Any, pointer: str) -> Iterator[Example]:
    """Examples of an object with a `schema` and `example`/`examples` (media type, parameter,
    header), checked against that schema; then the schema's own examples."""
    if not isinstance(holder, dict) or "schema" not in holder:
        return
    schema_pointer = pointer + "/schema"
    if "example" in holder:
        yield schema_pointer, holder["example"], pointer + "/example"
    for name, example in holder.get("examples", {}).items():
        example = resolve(spec, example)
        if "value" in example:
            yield schema_pointer, example["value"], pointer + pointer_of("examples", name)
    if "$ref" not in holder["schema"]:
        yield from schema_examples(holder["schema"], schema_pointer)


def all_examples(spec: dict[str, Any]) -> Iterator[Example]:
    """Every example in the contract with the schema it must satisfy."""
    components = spec.get("components", {})
    for name, schema in components.get("schemas", {}).items():
        yield from schema_examples(schema, pointer_of("components", "schemas", name))
    for section in ("parameters", "headers"):
        for name, holder in components.get(section, {}).items():
            yield from holder_examples(spec, holder, pointer_of("components", section, name))
    for name, response in components.get("responses", {}).items():
        base = pointer_of("components", "responses", name)
        yield from response_examples(spec, response, base)
    for method, path, operation in iter_operations(spec):
        base = pointer_of("paths", path, method.lower())
        for index, parameter in enumerate(operation.get("parameters", [])):
            yield from holder_examples(spec, parameter, base + pointer_of("parameters", str(index)))
        body = operation.get("requestBody", {})
        for media, holder in body.get("content", {}).items():
            where = base + pointer_of("requestBody", "content", media)
            yield from holder_examples(spec, holder, where)
        for status, response in operation["responses"].items():
            yield from response_examples(spec, response, base + pointer_of("responses", status))


def response_examples(spec: dict[str, Any], response: Any, pointer: str) -> Iterator[Example]:
    """Examples of one response's media types and headers."""
    for media, holder in response.get("content", {}).items():
        yield from holder_examples(spec, holder, pointer + pointer_of("content", media))
    for name, header in response.get("headers", {}).items():
        yield from holder_examples(spec, header, pointer + pointer_of("headers", name))


def response_schema_pointer(spec: dict[str, Any], operation_pointer: str, status: str) -> str:
    """The pointer of the JSON schema of one documented response (through a response `$ref`)."""
    operation: Any = spec
    for part in node_ref_parts("#" + operation_pointer):
        operation = operation[part]
    response = operation["responses"][status]
    if "$ref" in response:
        base = response["$ref"][1:]
        response = resolve(spec, response)
    else:
        base = operation_pointer + pointer_of("responses", status)
    media = next(iter(response["content"]))
    return base + pointer_of("content", media, "schema")


def _walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


CONTRACT_FILES = [CONTRACT, *sorted((CONTRACT_DIR / "seed").glob("*.yaml"))]
SPEC = load_contract()
OPERATIONS = list(iter_operations(SPEC))
DETAIL_OPERATIONS = [(m, p, op) for m, p, op in OPERATIONS if "{" in p]
EXAMPLES = list(all_examples(SPEC))


# ---------------------------------------------------------------------------- the document


def test_openapi_spec_validator_accepts_the_contract() -> None:
    """Given the DMLF contract, when openapi-spec-validator checks it (relative file refs
    resolving next to it), then it reports no error."""
    validate(SPEC, base_uri=CONTRACT.as_uri())


@pytest.mark.parametrize("path", CONTRACT_FILES, ids=lambda p: p.name)
def test_plain_safe_load_sees_only_json_values(path: Path) -> None:
    """Given a contract file, when it is read with plain yaml.safe_load (as other tools do),
    then every key is a string and no value became a date, so dates and ids are quoted."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for node in _walk(data):
        assert not isinstance(node, datetime.date), f"{path.name}: unquoted date {node!r}"
        if isinstance(node, dict):
            assert all(isinstance(k, str) for k in node), f"{path.name}: non-string key in {node}"


def test_contract_declares_exactly_the_documented_endpoints() -> None:
    """Given endpoints.txt written from the DMLF document, when the contract's operations are
    listed as METHOD /path, then they equal the lines not marked 405."""
    declared = {f"{method} {path}" for method, path, _ in OPERATIONS}
    documented, _ = read_endpoints()
    assert declared - documented == set(), "in the contract but not in endpoints.txt"
    assert documented - declared == set(), "in endpoints.txt but not in the contract"


def test_writes_answered_405_are_not_operations() -> None:
    """Given the endpoints.txt lines marked 405 (writes to the read-only collections), when the
    contract's paths are looked up, then each path exists and does not declare the method, so
    the server answers it 405 with `Allow` instead of it being an operation."""
    _, not_allowed = read_endpoints()
    assert not_allowed, "no 405 lines: the read-only collections' writes are documented there"
    for line in sorted(not_allowed):
        method, path = line.split()
        assert path in SPEC["paths"], f"{line}: path not in the contract"
        assert method.lower() not in SPEC["paths"][path], f"{line}: declared as an operation"


def test_method_not_allowed_is_documented() -> None:
    """Given the contract, when the 405 answer is looked for, then components.responses
    documents it with the Allow header and DRF's body, the methodNotAllowed template renders
    that body, and every read-only path's description points to it."""
    response = SPEC["components"]["responses"]["MethodNotAllowed"]
    assert "Allow" in response["headers"]
    media = response["content"]["application/json"]
    examples = [example["value"] for example in media["examples"].values()]
    assert {"detail": 'Method "POST" not allowed.'} in examples
    template = SPEC["x-specmock"]["errors"]["templates"]["methodNotAllowed"]
    assert render(template, {"method": "POST"}) == {"detail": 'Method "POST" not allowed.'}
    _, not_allowed = read_endpoints()
    for path in {line.split()[1] for line in not_allowed}:
        assert "#/components/responses/MethodNotAllowed" in SPEC["paths"][path]["description"]


@pytest.mark.parametrize(("method", "path", "operation"), DETAIL_OPERATIONS,
                         ids=[f"{m} {p}" for m, p, _ in DETAIL_OPERATIONS])
def test_detail_operation_documents_404_not_400_for_its_path_id(
    method: str, path: str, operation: dict[str, Any]
) -> None:
    """Given an operation on a path with a parameter, when its responses are read, then it
    documents 404 (an id that does not fit its schema, like /institutes/abc/, or names no
    record answers 404, as DRF's router and get_object_or_404 do), and it documents a 400 only
    when it has a body or query parameters that one could be about."""
    responses = operation["responses"]
    assert "404" in responses
    parameters = [resolve(SPEC, p) for p in operation.get("parameters", [])]
    has_query = any(p["in"] == "query" for p in parameters)
    if "400" in responses:
        assert "requestBody" in operation or has_query, "a 400 for the path id answers 404"


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS,
                         ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_operation_is_fully_documented(method: str, path: str, operation: dict[str, Any]) -> None:
    """Given one operation, when its responses are inspected, then it has an operationId, a
    2xx answer and no 405 (a method answered 405 is not an operation), a 401 unless it is
    public, and a body schema on every response but 204."""
    responses = {status: resolve(SPEC, r) for status, r in operation["responses"].items()}
    security = operation.get("security", SPEC["security"])

    assert operation.get("operationId"), "operationId missing"
    assert any(s.startswith("2") for s in responses), "no 2xx response"
    assert "405" not in responses, "a 405-only method is not an operation of the contract"
    if security != []:
        assert "401" in responses, "protected operation without 401"
    for status, response in responses.items():
        if status == "204":
            assert "content" not in response, "204 must not have a body"
            continue
        content = response.get("content", {})
        assert content, f"{status} has no content"
        assert all("schema" in media for media in content.values()), f"{status} has no schema"


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS,
                         ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_error_templates_render_what_responses_document(
    method: str, path: str, operation: dict[str, Any]
) -> None:
    """Given the contract's error templates, when each is rendered for an operation that
    documents its status, then the body validates against that response's schema."""
    # An operation's own templates (x-specmock.errors) replace the contract's for their kinds.
    templates = {
        **SPEC["x-specmock"]["errors"]["templates"],
        **operation.get("x-specmock", {}).get("errors", {}),
    }
    values = {
        "status": 400, "title": "Bad Request", "detail": "Token is invalid or expired",
        "code": "token_not_valid", "field": "sample_id", "pointer": "/body/sample_id",
        "method": method, "mediaType": "text/plain",
    }
    operation_pointer = pointer_of("paths", path, method.lower())
    for kind, status in STATUS_OF_KIND.items():
        if status not in operation["responses"] or kind not in possible_kinds(operation):
            continue
        body = render(templates.get(kind, templates["default"]), values)
        validator = validator_at(SPEC, response_schema_pointer(SPEC, operation_pointer, status))
        errors = [e.message for e in validator.iter_errors(body)]
        assert errors == [], f"{kind} -> {status}: {body}"


# ---------------------------------------------------------------------------- x-specmock


def _extension_validator(definition: str) -> Draft202012Validator:
    schema = load_yaml(EXTENSIONS_SCHEMA)
    return Draft202012Validator({**schema, "$ref": f"#/$defs/{definition}"})


def test_root_extension_validates_against_the_extensions_schema() -> None:
    """Given the root x-specmock with its seed files read in, when it is validated against
    $defs/root of extensions.schema.yaml, then there are no errors."""
    root = resolve_seed_refs(SPEC["x-specmock"])
    errors = [f"{list(e.absolute_path)}: {e.message}"
              for e in _extension_validator("root").iter_errors(root)]
    assert errors == []


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS,
                         ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_operation_extension_validates_against_the_extensions_schema(
    method: str, path: str, operation: dict[str, Any]
) -> None:
    """Given one operation, when its x-specmock is validated against $defs/operation, then it
    is present and there are no errors."""
    assert "x-specmock" in operation
    validator = _extension_validator("operation")
    errors = [f"{list(e.absolute_path)}: {e.message}"
              for e in validator.iter_errors(operation["x-specmock"])]
    assert errors == []


def test_extensions_name_only_declared_collections() -> None:
    """Given the collections of the root x-specmock, when operations, references and jsonFiles
    name collections, then every name is declared."""
    collections = SPEC["x-specmock"]["collections"]
    named = {op["x-specmock"]["collection"] for _, _, op in OPERATIONS
             if "collection" in op["x-specmock"]}
    for spec in collections.values():
        named |= set(spec.get("references", {}).values())
        named |= {rule["collection"] for rule in spec.get("jsonFiles", {}).values()}
    assert named - set(collections) == set()


def test_list_filters_are_declared_query_parameters() -> None:
    """Given a list operation's x-specmock filters, when compared with its query parameters,
    then each filter is a declared query parameter and filters a field of the record schema."""
    for _method, _path, operation in OPERATIONS:
        ext = operation["x-specmock"]
        if ext["action"] != "list":
            continue
        params = {p["name"] for p in map(lambda p: resolve(SPEC, p), operation["parameters"])
                  if p["in"] == "query"}
        fields = SPEC["components"]["schemas"][ENTITY_SCHEMAS[ext["collection"]]]["properties"]
        assert set(ext["filters"]) == params, operation["operationId"]
        assert {rule["field"] for rule in ext["filters"].values()} <= set(fields)


# ---------------------------------------------------------------------------- seed data


def test_seed_holds_what_the_document_uses() -> None:
    """Given the seed data, when the document's example values are looked up, then the demo
    user, institute 1 in Freiberg, the Battery structure and the ids 1 it names all exist, and
    the highest method id admits the document's sample id (method code 0102)."""
    records = seed_records(SPEC)
    by_id = {name: {r.get("id"): r for r in rows} for name, rows in records.items()}
    users = SPEC["x-specmock"]["auth"]["users"]

    assert {"username": "demo", "password": "demo-pass-123", "id": 1} in users
    assert by_id["institutes"][1]["city"] == "Freiberg"
    battery = by_id["sampletypes"][1]
    assert battery["name"] == "Battery"
    assert battery["fields"] == BATTERY_STRUCTURE
    for collection in ("methods", "projects", "fundingbodies", "sampletypes", "staff"):
        assert 1 in by_id[collection], f"{collection} has no record 1"
    assert max(by_id["methods"]) >= int(DOCUMENTED_SAMPLE_ID[16:20])
    assert max(by_id["institutes"]) >= int(DOCUMENTED_SAMPLE_ID[14:16])


def test_documented_sample_is_not_seeded() -> None:
    """Given the seed samples, when the document's create example is looked up, then it is
    absent, so creating it answers 201."""
    sample_ids = {r["sample_id"] for r in seed_records(SPEC)["samples"]}
    assert DOCUMENTED_SAMPLE_ID not in sample_ids


def test_token_lifetimes_follow_the_document() -> None:
    """Given the root auth settings, when the lifetimes are read, then access tokens live one
    hour ("JSON Web Tokens expire after one hour") and refresh tokens one day."""
    auth = SPEC["x-specmock"]["auth"]
    assert (auth["accessTtl"], auth["refreshTtl"]) == (3600, 86400)


@pytest.mark.parametrize("collection", sorted(ENTITY_SCHEMAS))
def test_seed_records_validate_against_their_entity_schema(collection: str) -> None:
    """Given a collection's seed records, when each (file fields aside) is validated against
    the collection's entity schema, then there are no errors."""
    validator = entity_validator(SPEC, collection)
    schema = SPEC["components"]["schemas"][ENTITY_SCHEMAS[collection]]
    records = seed_records(SPEC)[collection]
    assert records, "no seed records"
    for record in records:
        placeholders = {f: "http://127.0.0.1:8000/media/x" for f in FILE_FIELDS
                        if f in schema["properties"]}
        errors = [e.message for e in validator.iter_errors({**record, **placeholders})]
        assert errors == [], record


@pytest.mark.parametrize("collection", sorted(ENTITY_SCHEMAS))
def test_seed_records_have_unique_ids_and_existing_references(collection: str) -> None:
    """Given a collection's seed records, when their ids, unique fields and reference fields
    are checked, then ids and unique fields do not repeat and every reference names a seeded
    record of its collection."""
    config = SPEC["x-specmock"]["collections"][collection]
    records = seed_records(SPEC)
    for field in [config["idField"], *config.get("unique", [])]:
        values = [r[field] for r in records[collection]]
        assert len(values) == len(set(values)), f"{collection}.{field} repeats"
    for field, target in config.get("references", {}).items():
        target_ids = {r[SPEC["x-specmock"]["collections"][target]["idField"]]
                      for r in records[target]}
        for record in records[collection]:
            if record.get(field) not in (None, ""):
                assert record[field] in target_ids, f"{collection}.{field}={record[field]}"


# ---------------------------------------------------------------------------- examples


def test_every_component_schema_has_an_example() -> None:
    """Given components.schemas, when their examples are looked for, then each has one."""
    missing = [name for name, schema in SPEC["components"]["schemas"].items()
               if "example" not in schema and "examples" not in schema]
    assert missing == []


@pytest.mark.parametrize(("schema_pointer", "example", "where"), EXAMPLES,
                         ids=[where for _, _, where in EXAMPLES])
def test_example_validates_against_its_schema(
    schema_pointer: str, example: Any, where: str
) -> None:
    """Given an example in the contract, when it is validated against the schema it
    illustrates, then there are no errors."""
    validator = validator_at(SPEC, schema_pointer)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(example)]
    assert errors == []


def test_examples_are_found() -> None:
    """Given the example walker, when it runs over the contract, then it finds examples of
    request bodies, responses, parameters and component schemas (so the check above bites)."""
    places = {where.split("/")[1] for _, _, where in EXAMPLES}
    assert places == {"components", "paths"}
    assert any("/requestBody/" in where for _, _, where in EXAMPLES)
    assert any("/responses/" in where for _, _, where in EXAMPLES)


"""Bundling: one self-contained document, every `$ref` local, still a valid OpenAPI document."""

from __future__ import annotations

from pathlib import Path

from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from specmock.contract import check_contract, load_contract

from .conftest import Write, all_refs, found, openapi

SIREN = """\
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://example.com/siren/entity.json",
  "$defs": {
    "entity": {
      "type": "object",
      "properties": {
        "class": {"type": "array", "items": {"type": "string"}},
        "links": {"type": "array", "items": {"$ref": "#/$defs/link"}},
        "entities": {"type": "array", "items": {"$ref": "#/$defs/entity"}}
      }
    },
    "link": {
      "type": "object",
      "required": ["rel", "href"],
      "properties": {"rel": {"type": "array"}, "href": {"type": "string"}}
    }
  }
}
"""

API = """\
x-specmock:
  collections:
    samples:
      idField: id
      seed: {$ref: seed/samples.yaml}
paths:
  /samples/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        "200":
          description: a sample
          content:
            application/vnd.siren+json:
              schema: {$ref: '../siren/entity.schema.json#/$defs/entity'}
        "404": {$ref: 'common.yaml#/responses/NotFound'}
components:
  schemas:
    Link: {$ref: '../siren/entity.schema.json#/$defs/link'}
"""

COMMON = """\
responses:
  NotFound:
    description: no such record
    content:
      application/json:
        schema: {$ref: '#/schemas/Problem'}
schemas:
  Problem: {type: object, properties: {detail: {type: string}}}
"""

SEED = """\
records:
  - {id: 1, name: on, taken: 2024-06-16}
  - {id: 2, name: yes}
"""


def _write_api(write: Write, version: str = "3.1.0") -> None:
    write("siren/entity.schema.json", SIREN)
    write("api/openapi.yaml", openapi(API, version))
    write("api/common.yaml", COMMON)
    write("api/seed/samples.yaml", SEED)


def test_every_ref_is_local_after_bundling(write: Write, tmp_path: Path) -> None:
    # Given a contract referring to a sibling folder's schema, a shared file and a seed file
    _write_api(write)

    # When it is loaded
    contract = load_contract(tmp_path / "api")

    # Then it loads cleanly and every $ref in the result points into the document
    assert contract.diagnostics == ()
    refs = all_refs(contract.document)
    assert refs
    assert all(ref.startswith("#/") for ref in refs)
    assert all(contract.resolve(ref) is not None for ref in refs)


def test_external_targets_are_filed_by_section_and_name(write: Write, tmp_path: Path) -> None:
    # Given external schemas and an external response
    _write_api(write)

    # When it is loaded
    document = load_contract(tmp_path / "api").document

    # Then schemas go under components/schemas by their pointer's last token, responses under
    # components/responses, and the references are rewritten to them
    components = document["components"]
    assert list(components["schemas"]) == ["Link", "entity", "link", "Problem"]
    assert components["schemas"]["Link"] == {"$ref": "#/components/schemas/link"}
    assert list(components["responses"]) == ["NotFound"]
    operation = document["paths"]["/samples/{id}"]["get"]
    assert operation["responses"]["404"] == {"$ref": "#/components/responses/NotFound"}
    schema = operation["responses"]["200"]["content"]["application/vnd.siren+json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/entity"}


def test_name_clashes_get_the_file_stem(write: Write, tmp_path: Path) -> None:
    # Given a contract that already has a schema named like an external target
    write("types.yaml", "Pet: {type: string}\n")
    write(
        "openapi.yaml",
        openapi("""\
        paths: {}
        components:
          schemas:
            Pet: {type: object}
            Name: {$ref: 'types.yaml#/Pet'}
        """),
    )

    # When it is loaded
    schemas = load_contract(tmp_path).document["components"]["schemas"]

    # Then the external one is filed under a prefixed name
    assert schemas["Name"] == {"$ref": "#/components/schemas/types_Pet"}
    assert schemas["types_Pet"] == {"type": "string"}


def test_whole_file_schema_loses_its_id(write: Write, tmp_path: Path) -> None:
    # Given a reference to a whole JSON Schema file with $schema and $id
    write(
        "pet.schema.json",
        '{"$schema": "https://json-schema.org/draft/2020-12/schema",'
        ' "$id": "https://example.com/pet", "type": "object"}',
    )
    write(
        "openapi.yaml",
        openapi("paths: {}\ncomponents: {schemas: {Pet: {$ref: pet.schema.json}}}\n"),
    )

    # When it is loaded
    schemas = load_contract(tmp_path).document["components"]["schemas"]

    # Then it is filed under the file's stem without the keywords that would re-base its refs
    assert schemas["pet"] == {"type": "object"}


def test_seed_refs_are_inlined(write: Write, tmp_path: Path) -> None:
    # Given a collection whose seed lives in a sibling file
    _write_api(write)

    # When it is loaded
    document = load_contract(tmp_path / "api").document

    # Then the seed data is in place, read the YAML 1.2 way
    assert document["x-specmock"]["collections"]["samples"]["seed"] == {
        "records": [
            {"id": 1, "name": "on", "taken": "2024-06-16"},
            {"id": 2, "name": "yes"},
        ]
    }


def test_bundled_31_document_validates(write: Write, tmp_path: Path) -> None:
    # Given an OpenAPI 3.1 contract spread over several files
    _write_api(write)

    # When it is loaded and the result validated with openapi-spec-validator
    document = load_contract(tmp_path / "api").document
    errors = list(OpenAPIV31SpecValidator(document).iter_errors())

    # Then the bundled document is valid
    assert errors == []


def test_bundled_30_document_validates(write: Write, tmp_path: Path) -> None:
    # Given the same contract as OpenAPI 3.0, without the 2020-12 schema file
    write(
        "api/openapi.yaml",
        openapi(API.replace("../siren/entity.schema.json#/$defs", "common.yaml#/schemas"), "3.0.3"),
    )
    write("api/common.yaml", COMMON + "  entity: {type: object}\n  link: {type: object}\n")
    write("api/seed/samples.yaml", SEED)

    # When it is loaded and the result validated with openapi-spec-validator
    document = load_contract(tmp_path / "api").document
    errors = list(OpenAPIV30SpecValidator(document).iter_errors())

    # Then the bundled document is valid
    assert errors == []


def test_problems_in_bundled_parts_point_at_their_source(write: Write, tmp_path: Path) -> None:
    # Given a seed file whose second record lacks the collection's id field
    write("seed/samples.yaml", "records:\n  - {id: 1}\n  - {name: two}\n")
    write(
        "openapi.yaml",
        openapi("""\
        paths: {}
        x-specmock:
          collections:
            samples: {idField: id, seed: {$ref: seed/samples.yaml}}
        """),
    )

    # When the contract is checked
    contract = load_contract(tmp_path)

    # Then the problem names the seed file and the record's pointer in it
    assert found(check_contract(contract), tmp_path) == [
        ("seed/samples.yaml", "/records/1", "seed record has no 'id' (the idField)", None)
    ]


def test_a_broken_file_costs_only_its_part(write: Write, tmp_path: Path) -> None:
    # Given a contract whose one seed file is not valid YAML
    write("seed/bad.yaml", "records: [\n")
    write(
        "openapi.yaml",
        openapi("""\
        paths: {}
        components: {schemas: {Pet: {type: object}}}
        x-specmock:
          collections:
            bad: {idField: id, seed: {$ref: seed/bad.yaml}}
        """),
    )

    # When it is loaded
    contract = load_contract(tmp_path)

    # Then the syntax error is reported once and the rest of the document is loaded
    assert [(f, p) for f, p, _, _ in found(contract.diagnostics, tmp_path)] == [
        ("seed/bad.yaml", "")
    ]
    assert contract.document["components"]["schemas"]["Pet"] == {"type": "object"}


def test_the_root_file_can_be_given_directly(write: Write, tmp_path: Path) -> None:
    # Given a contract in a file not named openapi.yaml
    path = write("petstore.yaml", openapi("paths: {}\n"))

    # When it is loaded by its file name
    contract = load_contract(path)

    # Then that file is the root
    assert contract.path == path.resolve()
    assert contract.diagnostics == ()
    assert contract.document["paths"] == {}

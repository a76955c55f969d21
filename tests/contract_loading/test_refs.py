"""`$ref` resolution: in-file and relative files, escaping, dangling refs and cycles."""

from __future__ import annotations

from pathlib import Path

import pytest

from specmock.contract import RefError, load_contract

from .conftest import Write, found, openapi


def test_dangling_in_file_ref_names_the_ref_and_suggests(write: Write, tmp_path: Path) -> None:
    # Given a schema referring to a misspelt component
    write(
        "openapi.yaml",
        openapi("""\
        paths: {}
        components:
          schemas:
            Pet: {type: object}
            Owner:
              properties:
                pet: {$ref: '#/components/schemas/Pett'}
        """),
    )

    # When the contract is loaded
    contract = load_contract(tmp_path)

    # Then the diagnostic names the file, the pointer of the $ref and the likely target
    assert found(contract.diagnostics, tmp_path) == [
        (
            "openapi.yaml",
            "/components/schemas/Owner/properties/pet/$ref",
            "unresolvable $ref '#/components/schemas/Pett': no 'Pett' in /components/schemas",
            "did you mean 'Pet'?",
        )
    ]


def test_missing_ref_file(write: Write, tmp_path: Path) -> None:
    # Given a seed reference to a file that is not there (but a similar one is)
    write("seed/institutes.yaml", "records: []\n")
    write(
        "openapi.yaml",
        openapi("""\
        paths: {}
        x-specmock:
          collections:
            institutes: {idField: id, seed: {$ref: seed/institues.yaml}}
        """),
    )

    # When the contract is loaded
    contract = load_contract(tmp_path)

    # Then the diagnostic names the $ref, the missing file and the likely one
    missing = tmp_path.resolve() / "seed" / "institues.yaml"
    assert found(contract.diagnostics, tmp_path) == [
        (
            "openapi.yaml",
            "/x-specmock/collections/institutes/seed/$ref",
            f"unresolvable $ref 'seed/institues.yaml': the file {missing} does not exist",
            "did you mean 'seed/institutes.yaml'?",
        )
    ]


def test_missing_pointer_in_another_file(write: Write, tmp_path: Path) -> None:
    # Given a reference into a sibling file at a pointer it does not have
    write("common.yaml", "schemas: {Id: {type: integer}}\n")
    write(
        "openapi.yaml",
        openapi("""\
        paths: {}
        components:
          schemas:
            Id: {$ref: 'common.yaml#/schemas/ID'}
        """),
    )

    # When the contract is loaded
    contract = load_contract(tmp_path)

    # Then the diagnostic is at the $ref and says which file lacks what
    assert found(contract.diagnostics, tmp_path) == [
        (
            "openapi.yaml",
            "/components/schemas/Id/$ref",
            "unresolvable $ref 'common.yaml#/schemas/ID': no 'ID' in /schemas of common.yaml",
            "did you mean 'Id'?",
        )
    ]


def test_ref_only_cycle_is_reported_once(write: Write, tmp_path: Path) -> None:
    # Given two schemas that are only references to each other
    write(
        "openapi.yaml",
        openapi("""\
        paths: {}
        components:
          schemas:
            A: {$ref: '#/components/schemas/B'}
            B: {$ref: '#/components/schemas/A'}
            C: {$ref: '#/components/schemas/A'}
        """),
    )

    # When the contract is loaded
    contract = load_contract(tmp_path)

    # Then the cycle is one diagnostic, at the first reference of the cycle
    assert found(contract.diagnostics, tmp_path) == [
        (
            "openapi.yaml",
            "/components/schemas/A/$ref",
            "$ref cycle: #/components/schemas/A -> #/components/schemas/B"
            " -> #/components/schemas/A",
            "a chain of references must end at an object that is not itself a $ref",
        )
    ]


def test_cycle_across_files(write: Write, tmp_path: Path) -> None:
    # Given a reference to a file whose only content refers back
    write("other.yaml", "Back: {$ref: 'openapi.yaml#/components/schemas/A'}\n")
    write(
        "openapi.yaml",
        openapi("""\
        paths: {}
        components:
          schemas:
            A: {$ref: 'other.yaml#/Back'}
        """),
    )

    # When the contract is loaded
    contract = load_contract(tmp_path)

    # Then the cycle names the other file relative to the first
    assert found(contract.diagnostics, tmp_path) == [
        (
            "openapi.yaml",
            "/components/schemas/A/$ref",
            "$ref cycle: #/components/schemas/A -> other.yaml#/Back -> #/components/schemas/A",
            "a chain of references must end at an object that is not itself a $ref",
        )
    ]


def test_recursive_schema_loads(write: Write, tmp_path: Path) -> None:
    # Given a tree schema that refers to itself through properties and items
    write(
        "openapi.yaml",
        openapi("""\
        paths: {}
        components:
          schemas:
            Node:
              type: object
              properties:
                parent: {$ref: '#/components/schemas/Node'}
                children: {type: array, items: {$ref: '#/components/schemas/Node'}}
        """),
    )

    # When the contract is loaded
    contract = load_contract(tmp_path)

    # Then there is nothing to report and the self-references are kept
    assert contract.diagnostics == ()
    node = contract.document["components"]["schemas"]["Node"]
    assert node["properties"]["children"]["items"] == {"$ref": "#/components/schemas/Node"}


def test_recursive_schema_in_another_file_loads(write: Write, tmp_path: Path) -> None:
    # Given a recursive schema kept in a sibling folder's JSON file
    write(
        "siren/entity.schema.json",
        """\
        {"$defs": {"entity": {"type": "object", "properties": {
            "entities": {"type": "array", "items": {"$ref": "#/$defs/entity"}}}}}}
        """,
    )
    write(
        "api/openapi.yaml",
        openapi("""\
        paths: {}
        components:
          schemas:
            Entity: {$ref: '../siren/entity.schema.json#/$defs/entity'}
        """),
    )

    # When the contract is loaded
    contract = load_contract(tmp_path / "api")

    # Then it is bundled once and refers to itself locally
    assert contract.diagnostics == ()
    entity = contract.document["components"]["schemas"]["entity"]
    assert entity["properties"]["entities"]["items"] == {"$ref": "#/components/schemas/entity"}


def test_pointer_escapes_in_refs(write: Write, tmp_path: Path) -> None:
    # Given responses reused from a path whose key has slashes, braces and a tilde
    write(
        "openapi.yaml",
        openapi("""\
        paths:
          /samples/{id}/:
            get:
              parameters: [{name: id, in: path, required: true, schema: {type: string}}]
              responses:
                "200": {description: one sample}
          /a~b:
            get:
              responses:
                "200": {$ref: '#/paths/~1samples~1{id}~1/get/responses/200'}
                "201": {$ref: '#/paths/~1samples~1%7Bid%7D~1/get/responses/200'}
                "202": {$ref: '#/paths/~1a~0b/get/responses/200'}
        """),
    )

    # When the contract is loaded
    contract = load_contract(tmp_path)

    # Then every form resolves, and the refs are written in one canonical form
    assert contract.diagnostics == ()
    responses = contract.document["paths"]["/a~b"]["get"]["responses"]
    assert responses["201"] == {"$ref": "#/paths/~1samples~1{id}~1/get/responses/200"}
    assert contract.deref(responses["201"]) == {"description": "one sample"}
    assert contract.deref(responses["202"]) == {"description": "one sample"}


def test_resolve_helper(write: Write, tmp_path: Path) -> None:
    # Given a loaded contract with a component
    write("openapi.yaml", openapi("paths: {}\ncomponents: {schemas: {Pet: {type: object}}}\n"))
    contract = load_contract(tmp_path)

    # When local refs are resolved
    # Then the target comes back, and a ref to nothing or to a file is a RefError
    assert contract.resolve("#/components/schemas/Pet") == {"type": "object"}
    with pytest.raises(RefError):
        contract.resolve("#/components/schemas/Cat")
    with pytest.raises(RefError):
        contract.resolve("other.yaml#/Pet")


def test_each_file_is_read_once(write: Write, tmp_path: Path) -> None:
    # Given two references into the same file
    write("common.yaml", "A: {type: string}\nB: {type: integer}\n")
    write(
        "openapi.yaml",
        openapi("""\
        paths: {}
        components:
          schemas:
            X: {$ref: 'common.yaml#/A'}
            Y: {$ref: './common.yaml#/B'}
        """),
    )

    # When the contract is loaded
    contract = load_contract(tmp_path)

    # Then the file is listed once among the files read
    root = tmp_path.resolve()
    assert contract.files == (root / "openapi.yaml", root / "common.yaml")


def test_remote_refs_are_refused(write: Write, tmp_path: Path) -> None:
    # Given a reference to a URL
    write(
        "openapi.yaml",
        openapi("""\
        paths: {}
        components: {schemas: {X: {$ref: 'https://example.com/x.json#/X'}}}
        """),
    )

    # When the contract is loaded
    contract = load_contract(tmp_path)

    # Then that is a diagnostic, not a download
    assert found(contract.diagnostics, tmp_path) == [
        (
            "openapi.yaml",
            "/components/schemas/X/$ref",
            "remote $ref 'https://example.com/x.json#/X' is not supported",
            "copy the document next to the contract and refer to it by a relative path",
        )
    ]


def test_refs_inside_examples_are_data(write: Write, tmp_path: Path) -> None:
    # Given an example value that happens to contain a `$ref` key
    write(
        "openapi.yaml",
        openapi("""\
        paths: {}
        components:
          schemas:
            Doc:
              type: object
              example: {$ref: 'nowhere.yaml'}
        """),
    )

    # When the contract is loaded
    contract = load_contract(tmp_path)

    # Then it is left alone
    assert contract.diagnostics == ()
    assert contract.document["components"]["schemas"]["Doc"]["example"] == {"$ref": "nowhere.yaml"}

"""Checks of what `x-specmock` declarations mean: names must refer to declared things."""

from __future__ import annotations

from pathlib import Path

from specmock.contract import check_semantics, load_contract

from .conftest import Write, found, openapi

ROOT = """\
x-specmock:
  collections:
    samples:
      idField: id
      references: {owner: staff}
    staff: {idField: id}
"""


def _check(write: Write, tmp_path: Path, body: str) -> list[tuple[str, str, str, str | None]]:
    write("openapi.yaml", openapi(body))
    return found(check_semantics(load_contract(tmp_path)), tmp_path)


def _operation(path: str, extension: str, root: str = ROOT) -> str:
    return (
        root
        + f"""\
paths:
  {path}:
    get:
      responses: {{"200": {{description: ok}}}}
      x-specmock: {extension}
"""
    )


def test_consistent_declarations_have_no_problems(write: Write, tmp_path: Path) -> None:
    # Given an operation on a declared collection, scoped by its path's parameter
    extension = "{action: list, collection: samples, scope: {owner: staffId}}"

    # When it is checked
    problems = _check(write, tmp_path, _operation("/staff/{staffId}/samples", extension))

    # Then there is nothing to report
    assert problems == []


def test_operation_naming_an_undeclared_collection(write: Write, tmp_path: Path) -> None:
    # Given an operation naming a misspelt collection
    # When it is checked
    problems = _check(write, tmp_path, _operation("/samples", "{action: list, collection: sample}"))

    # Then the name is refused with the closest declared one
    assert problems == [
        (
            "openapi.yaml",
            "/paths/~1samples/get/x-specmock/collection",
            "unknown collection 'sample'",
            "did you mean 'samples'?",
        )
    ]


def test_undeclared_collection_without_any_collections(write: Write, tmp_path: Path) -> None:
    # Given an operation naming a collection when the root declares none
    # When it is checked
    problems = _check(write, tmp_path, _operation("/pets", "{action: read, collection: pets}", ""))

    # Then the hint says where to declare it
    assert problems == [
        (
            "openapi.yaml",
            "/paths/~1pets/get/x-specmock/collection",
            "unknown collection 'pets'",
            "declare it under the root x-specmock's collections",
        )
    ]


def test_record_action_without_a_collection(write: Write, tmp_path: Path) -> None:
    # Given a list operation that names no collection
    # When it is checked
    problems = _check(write, tmp_path, _operation("/samples", "{action: list}"))

    # Then that is an error at the operation's extension
    assert problems == [
        (
            "openapi.yaml",
            "/paths/~1samples/get/x-specmock",
            "action 'list' needs a collection",
            None,
        )
    ]


def test_references_jsonfiles_and_embed_name_declared_collections(
    write: Write, tmp_path: Path
) -> None:
    # Given a reference, a JSON-file structure and an embed naming undeclared collections
    root = """\
        x-specmock:
          collections:
            samples:
              idField: id
              references: {owner: people}
              jsonFiles: {info: {via: type, collection: types, structure: keys}}
        """
    body = _operation(
        "/samples/{id}",
        "{action: read, collection: samples,"
        " embed: {notes: {collection: notes, field: a, equals: b}}}",
        root.replace("        ", ""),
    )

    # When it is checked
    problems = _check(write, tmp_path, body)

    # Then each undeclared name is reported where it is written
    declared = "declared collections: samples"
    assert problems == [
        (
            "openapi.yaml",
            "/x-specmock/collections/samples/references/owner",
            "unknown collection 'people'",
            declared,
        ),
        (
            "openapi.yaml",
            "/x-specmock/collections/samples/jsonFiles/info/collection",
            "unknown collection 'types'",
            declared,
        ),
        (
            "openapi.yaml",
            "/paths/~1samples~1{id}/get/x-specmock/embed/notes/collection",
            "unknown collection 'notes'",
            declared,
        ),
    ]


def test_scope_must_name_a_path_parameter(write: Write, tmp_path: Path) -> None:
    # Given a scope naming a parameter the path does not have
    extension = "{action: list, collection: samples, scope: {owner: staffID}}"

    # When it is checked
    problems = _check(write, tmp_path, _operation("/staff/{staffId}/samples", extension))

    # Then the parameter is refused with the closest one
    assert problems == [
        (
            "openapi.yaml",
            "/paths/~1staff~1{staffId}~1samples/get/x-specmock/scope/owner",
            "'staffID' is not a parameter of the path /staff/{staffId}/samples",
            "did you mean 'staffId'?",
        )
    ]


def test_path_key_must_name_a_path_parameter(write: Write, tmp_path: Path) -> None:
    # Given a read keyed by a path parameter the path does not have
    extension = "{action: read, collection: samples, key: {param: code, in: path, field: id}}"

    # When it is checked
    problems = _check(write, tmp_path, _operation("/samples/{id}", extension))

    # Then the key's parameter is refused
    assert problems == [
        (
            "openapi.yaml",
            "/paths/~1samples~1{id}/get/x-specmock/key/param",
            "'code' is not a parameter of the path /samples/{id}",
            "its parameters: id",
        )
    ]


def test_paginate_needs_root_pagination(write: Write, tmp_path: Path) -> None:
    # Given a paginated list without a root pagination object
    extension = "{action: list, collection: samples, paginate: true}"

    # When it is checked
    problems = _check(write, tmp_path, _operation("/samples", extension))

    # Then the flag is refused
    assert problems == [
        (
            "openapi.yaml",
            "/paths/~1samples/get/x-specmock/paginate",
            "paginate: true needs pagination in the root x-specmock",
            None,
        )
    ]


def test_token_actions_need_root_auth(write: Write, tmp_path: Path) -> None:
    # Given a token endpoint without a root auth object
    # When it is checked
    problems = _check(write, tmp_path, _operation("/token", "{action: issueToken}"))

    # Then the action is refused
    assert problems == [
        (
            "openapi.yaml",
            "/paths/~1token/get/x-specmock/action",
            "action 'issueToken' needs auth in the root x-specmock",
            None,
        )
    ]


def test_seed_ids_are_present_unique_and_typed(write: Write, tmp_path: Path) -> None:
    # Given seed records with a missing, a repeated and a mistyped id
    body = """\
        paths: {}
        x-specmock:
          collections:
            samples:
              idField: id
              seed:
                records:
                  - {id: 1}
                  - {name: no id}
                  - {id: 1}
                  - {id: "3"}
        """

    # When it is checked
    problems = _check(write, tmp_path, body)

    # Then each record's problem is reported at the record
    base = "/x-specmock/collections/samples/seed/records"
    assert problems == [
        ("openapi.yaml", f"{base}/1", "seed record has no 'id' (the idField)", None),
        ("openapi.yaml", f"{base}/2/id", "duplicate id 1 (also record 0)", None),
        (
            "openapi.yaml",
            f"{base}/3/id",
            "id '3' is not of the collection's idType 'integer'",
            None,
        ),
    ]


def test_wrongly_typed_declarations_do_not_break_the_checks(write: Write, tmp_path: Path) -> None:
    # Given x-specmock values of the wrong types everywhere (the schema check reports those)
    body = """\
        x-specmock: {collections: {samples: {idField: 5, references: [], seed: {records: 3}}}}
        paths:
          /samples:
            get:
              responses: {"200": {description: ok}}
              x-specmock: {action: list, collection: 7, scope: [], key: 3, embed: x}
        """

    # When it is checked
    problems = _check(write, tmp_path, body)

    # Then the semantic checks skip what they cannot read
    assert problems == []


def test_protect_and_value_rules_must_name_declared_collections(
    write: Write, tmp_path: Path
) -> None:
    # Given a protect reference and a highest-id rule naming collections that do not exist
    body = """\
x-specmock:
  collections:
    samples:
      idField: id
      protect: {referencedBy: [{collection: experimnts, field: sample}]}
      valueRules:
        code: [{slice: [0, 2], atMostHighestId: methds, message: too high}]
paths: {}
"""
    # When it is checked
    problems = _check(write, tmp_path, body)

    # Then each is reported where it is written
    pointers = [p[1] for p in problems]
    assert pointers == [
        "/x-specmock/collections/samples/protect/referencedBy/0/collection",
        "/x-specmock/collections/samples/valueRules/code/0/atMostHighestId",
    ]


def test_a_value_rule_pattern_must_compile(write: Write, tmp_path: Path) -> None:
    # Given a value rule whose pattern is not a regular expression
    body = """\
x-specmock:
  collections:
    samples:
      idField: id
      valueRules: {code: [{pattern: "([", message: bad}]}
paths: {}
"""
    # When it is checked
    problems = _check(write, tmp_path, body)

    # Then the pattern is named
    assert [p[1] for p in problems] == ["/x-specmock/collections/samples/valueRules/code/0/pattern"]

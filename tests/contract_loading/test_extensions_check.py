"""Checking `x-specmock` objects against extensions.schema.yaml."""

from __future__ import annotations

from pathlib import Path

from jsonschema import Draft202012Validator  # type: ignore[import-untyped, unused-ignore]

from specmock.contract import Severity, check_extensions, extensions_schema, load_contract

from .conftest import Write, found, openapi


def _check(write: Write, tmp_path: Path, body: str) -> list[tuple[str, str, str, str | None]]:
    write("openapi.yaml", openapi(body))
    return found(check_extensions(load_contract(tmp_path)), tmp_path)


def _operation(extension: str) -> str:
    return f"""\
        x-specmock:
          collections:
            pets: {{idField: id}}
        paths:
          /pets:
            get:
              responses: {{"200": {{description: ok}}}}
              x-specmock: {extension}
        """


def test_the_extension_schema_is_a_valid_2020_12_schema() -> None:
    # Given the packaged extensions.schema.yaml
    # When it is checked against its meta-schema
    # Then it is valid
    Draft202012Validator.check_schema(extensions_schema())


def test_valid_extensions_have_no_problems(write: Write, tmp_path: Path) -> None:
    # Given a well-formed root and operation x-specmock
    # When they are checked
    problems = _check(write, tmp_path, _operation("{action: list, collection: pets}"))

    # Then there is nothing to report
    assert problems == []


def test_unknown_root_key_gets_a_did_you_mean_hint(write: Write, tmp_path: Path) -> None:
    # Given a misspelt root key
    # When it is checked
    problems = _check(write, tmp_path, "paths: {}\nx-specmock: {colections: {}}\n")

    # Then the key is named, with the closest known key
    assert problems == [
        (
            "openapi.yaml",
            "/x-specmock/colections",
            "unknown key 'colections'",
            "did you mean 'collections'?",
        )
    ]


def test_unknown_operation_key_gets_a_did_you_mean_hint(write: Write, tmp_path: Path) -> None:
    # Given a misspelt operation key
    # When it is checked
    problems = _check(write, tmp_path, _operation("{action: list, colection: pets}"))

    # Then the key is named, with the closest known key
    assert problems == [
        (
            "openapi.yaml",
            "/paths/~1pets/get/x-specmock/colection",
            "unknown key 'colection'",
            "did you mean 'collection'?",
        )
    ]


def test_unknown_key_without_a_close_match_lists_the_keys(write: Write, tmp_path: Path) -> None:
    # Given a collection with a key unlike any known one
    body = "paths: {}\nx-specmock: {collections: {pets: {idField: id, zzz: 1}}}\n"

    # When it is checked
    problems = _check(write, tmp_path, body)

    # Then the hint lists what is allowed
    allowed = (
        "idField, idType, idSource, class, unique, conflictStatus, references, files, "
        "jsonFiles, seed, location, notFound, fileChecks, valueRules, protect, hidden, "
        "setOnCreate, flatten, title, related, idFormat, envelope"
    )
    assert problems == [
        (
            "openapi.yaml",
            "/x-specmock/collections/pets/zzz",
            "unknown key 'zzz'",
            f"expected one of: {allowed}",
        )
    ]


def test_unknown_action_gets_a_hint(write: Write, tmp_path: Path) -> None:
    # Given a misspelt action
    # When it is checked
    problems = _check(write, tmp_path, _operation("{action: lst, collection: pets}"))

    # Then the allowed values are listed and the closest suggested
    assert problems == [
        (
            "openapi.yaml",
            "/paths/~1pets/get/x-specmock/action",
            '"lst" is not one of: "static", "list", "create", "read", "update", "replace", '
            '"delete", "issueToken", "refreshToken", "partition", "search", "document"',
            "did you mean 'list'?",
        )
    ]


def test_unknown_error_kind_gets_a_hint(write: Write, tmp_path: Path) -> None:
    # Given an error template for a misspelt kind
    body = "paths: {}\nx-specmock: {errors: {templates: {default: {}, notfound: {}}}}\n"

    # When it is checked
    problems = _check(write, tmp_path, body)

    # Then the kind is named with the right spelling
    assert problems == [
        (
            "openapi.yaml",
            "/x-specmock/errors/templates/notfound",
            "unknown key 'notfound'",
            "did you mean 'notFound'?",
        )
    ]


def test_wrong_type(write: Write, tmp_path: Path) -> None:
    # Given an idField that is a number
    # When it is checked
    problems = _check(
        write, tmp_path, "paths: {}\nx-specmock: {collections: {pets: {idField: 5}}}\n"
    )

    # Then the expected type is named
    assert problems == [
        ("openapi.yaml", "/x-specmock/collections/pets/idField", "expected string, got 5", None)
    ]


def test_misspelt_extension_names_are_errors(write: Write, tmp_path: Path) -> None:
    # Given extension keys that look like x-specmock but are not
    body = """\
        x-specmock-foo: {}
        paths:
          /pets:
            get:
              responses: {"200": {description: ok}}
              x-spec-mock: {action: static}
        """

    # When it is checked
    problems = _check(write, tmp_path, body)

    # Then each is an unknown extension with the right name suggested
    assert problems == [
        (
            "openapi.yaml",
            "/x-specmock-foo",
            "unknown extension 'x-specmock-foo'",
            "did you mean 'x-specmock'?",
        ),
        (
            "openapi.yaml",
            "/paths/~1pets/get/x-spec-mock",
            "unknown extension 'x-spec-mock'",
            "did you mean 'x-specmock'?",
        ),
    ]


def test_x_specmock_where_it_is_not_read_is_a_warning(write: Write, tmp_path: Path) -> None:
    # Given an x-specmock on a path item instead of on its operation
    body = """\
        paths:
          /pets:
            x-specmock: {action: list}
            get:
              responses: {"200": {description: ok}}
        """
    write("openapi.yaml", openapi(body))

    # When it is checked
    problems = check_extensions(load_contract(tmp_path))

    # Then it is a warning, not an error
    assert found(problems, tmp_path) == [
        (
            "openapi.yaml",
            "/paths/~1pets/x-specmock",
            "x-specmock is ignored here",
            "it is read at the document's root and on operations",
        )
    ]
    assert [p.severity for p in problems] == [Severity.WARNING]


def test_a_throttle_rate_must_be_count_per_period(write: Write, tmp_path: Path) -> None:
    # Given a throttle scope whose rate is not <count>/<period>
    body = "paths: {}\nx-specmock: {throttle: {scopes: {anon: {rate: ten a day}}}}\n"

    # When it is checked
    problems = _check(write, tmp_path, body)

    # Then the rate is named
    assert [p[1] for p in problems] == ["/x-specmock/throttle/scopes/anon/rate"]

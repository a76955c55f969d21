"""Validating the bundled document against the OpenAPI specification."""

from __future__ import annotations

from pathlib import Path

from specmock.contract import check_openapi, load_contract

from .conftest import Write, found, openapi


def _check(write: Write, tmp_path: Path, text: str) -> list[tuple[str, str, str, str | None]]:
    write("openapi.yaml", text)
    return found(check_openapi(load_contract(tmp_path)), tmp_path)


def test_valid_document_has_no_problems(write: Write, tmp_path: Path) -> None:
    # Given a minimal valid document
    # When it is checked
    problems = _check(write, tmp_path, openapi("paths: {}\n"))

    # Then there is nothing to report
    assert problems == []


def test_paths_of_the_wrong_type(write: Write, tmp_path: Path) -> None:
    # Given `paths` written as a list
    # When it is checked
    problems = _check(write, tmp_path, openapi("paths: []\n"))

    # Then the diagnostic points at /paths
    assert problems == [("openapi.yaml", "/paths", "expected object, got an array", None)]


def test_response_without_description(write: Write, tmp_path: Path) -> None:
    # Given a response with no description
    text = openapi("""\
        paths:
          /pets:
            get:
              responses:
                "200": {content: {application/json: {schema: {type: array}}}}
        """)

    # When it is checked
    problems = _check(write, tmp_path, text)

    # Then the diagnostic is at the response
    assert problems == [
        (
            "openapi.yaml",
            "/paths/~1pets/get/responses/200",
            "'description' is a required property",
            None,
        )
    ]


def test_oneof_failures_are_explained_in_30(write: Write, tmp_path: Path) -> None:
    # Given an OpenAPI 3.0 response with no description (3.0's schema says only that neither a
    # response nor a reference matched)
    text = openapi(
        """\
        paths:
          /pets:
            get:
              responses:
                "200": {content: {}}
        """,
        "3.0.3",
    )

    # When it is checked
    problems = _check(write, tmp_path, text)

    # Then the diagnostic says what the response lacks
    assert problems == [
        (
            "openapi.yaml",
            "/paths/~1pets/get/responses/200",
            "'description' is a required property",
            None,
        )
    ]


def test_unknown_top_level_key_gets_a_hint(write: Write, tmp_path: Path) -> None:
    # Given a misspelt `components`
    # When it is checked
    problems = _check(write, tmp_path, openapi("paths: {}\ncomponent: {}\n"))

    # Then the unknown key is named with a suggestion
    assert problems == [
        ("openapi.yaml", "/component", "unknown key 'component'", "did you mean 'components'?")
    ]


def test_unsupported_version(write: Write, tmp_path: Path) -> None:
    # Given a Swagger 2.0-style version
    # When it is checked
    problems = _check(write, tmp_path, openapi("paths: {}\n", "'2.0'"))

    # Then the version is refused
    assert problems == [
        (
            "openapi.yaml",
            "/openapi",
            "unsupported OpenAPI version '2.0'",
            "specmock reads OpenAPI 3.0 and 3.1",
        )
    ]


def test_undeclared_path_parameter(write: Write, tmp_path: Path) -> None:
    # Given a templated path whose operation does not declare its parameter
    text = openapi("""\
        paths:
          /pets/{id}:
            get:
              responses: {"200": {description: ok}}
        """)

    # When it is checked
    problems = _check(write, tmp_path, text)

    # Then openapi-spec-validator's keyword check reports it at the operation
    assert problems == [
        (
            "openapi.yaml",
            "/paths/~1pets~1{id}/get",
            "Path parameter 'id' for 'get' operation in '/pets/{id}' was not resolved",
            None,
        )
    ]


def test_invalid_schema_in_another_file_points_there(write: Write, tmp_path: Path) -> None:
    # Given an external schema with a misspelt type
    write("pet.yaml", "Pet: {type: object, properties: {name: {type: strnig}}}\n")
    text = openapi("""\
        paths:
          /pets:
            get:
              responses:
                "200":
                  description: ok
                  content: {application/json: {schema: {$ref: 'pet.yaml#/Pet'}}}
        """)

    # When it is checked
    problems = _check(write, tmp_path, text)

    # Then the diagnostic names the external file and the pointer in it
    assert problems == [
        (
            "pet.yaml",
            "/Pet/properties/name/type",
            '"strnig" is not one of: "array", "boolean", "integer", "null", "number", "object", '
            '"string"',
            None,
        )
    ]

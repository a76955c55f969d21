"""The generator's schema checks: jsonschema_rs on OpenAPI Schema Objects, per direction."""

from __future__ import annotations

from typing import Any

import pytest

from specmock.contract.schema_checks import schema_checks

ACCOUNT = {
    "type": "object",
    "required": ["id", "username", "password"],
    "properties": {
        "id": {"type": "integer", "readOnly": True},
        "username": {"type": "string"},
        "password": {"$ref": "#/components/schemas/Secret"},
    },
}
DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "components": {"schemas": {
        "Secret": {"type": "string", "writeOnly": True},
        "Account": ACCOUNT,
        "Maybe": {"type": "integer", "nullable": True, "minimum": 0, "exclusiveMinimum": True},
    }},
}


@pytest.mark.parametrize(
    ("value", "valid"), [(None, True), (1, True), (0, False), ("1", False)]
)
def test_openapi_30_nullable_and_boolean_bounds_are_honoured(value: Any, valid: bool) -> None:
    # Given a 3.0 schema: nullable, with `exclusiveMinimum: true` beside `minimum: 0`
    checks = schema_checks(DOCUMENT)
    # When a value is checked through a reference to it
    # Then null and positive integers pass, zero and text do not
    assert checks.valid(value, {"$ref": "#/components/schemas/Maybe"}) is valid


def test_a_response_leaves_out_write_only_properties() -> None:
    # Given the account schema, its password writeOnly through a reference
    checks = schema_checks(DOCUMENT, "response")
    # When response values are checked
    # Then the password may be missing though required, and must not be there
    assert checks.valid({"id": 1, "username": "u"}, ACCOUNT)
    assert not checks.valid({"id": 1, "username": "u", "password": "p"}, ACCOUNT)


def test_a_request_leaves_out_read_only_properties() -> None:
    # Given the account schema, its id readOnly
    checks = schema_checks(DOCUMENT, "request")
    # When request values are checked
    # Then the id may be missing though required, and must not be there
    assert checks.valid({"username": "u", "password": "p"}, ACCOUNT)
    assert not checks.valid({"id": 1, "username": "u", "password": "p"}, ACCOUNT)


def test_without_a_direction_required_is_as_written() -> None:
    # Given no direction
    checks = schema_checks(DOCUMENT)
    # When an account without its id is checked
    # Then it fails, as the schema says
    assert not checks.valid({"username": "u", "password": "p"}, ACCOUNT)


def test_formats_are_asserted() -> None:
    # Given a date schema
    checks = schema_checks(DOCUMENT)
    # When a date and a non-date are checked
    # Then only the date passes
    assert checks.valid("2026-12-01", {"type": "string", "format": "date"})
    assert not checks.valid("2026-13-01", {"type": "string", "format": "date"})


def test_a_schema_jsonschema_rs_cannot_compile_accepts_nothing() -> None:
    # Given a pattern only Python's re reads (lint reports it)
    schema = {"type": "string", "pattern": "^x-(?P<n>[a-c])(?P=n)$"}
    # When a value is checked
    # Then it is not accepted, and nothing is raised
    assert not schema_checks(DOCUMENT).valid("x-aa", schema)


def test_checks_are_shared_per_document_and_direction() -> None:
    # Given the same document asked for twice, and another document
    first, again = schema_checks(DOCUMENT, "response"), schema_checks(DOCUMENT, "response")
    other = schema_checks({"openapi": "3.1.0"}, "response")
    # Then one document and direction have one set of compiled checks
    assert first is again
    assert other is not first
    assert schema_checks(DOCUMENT, "request") is not first

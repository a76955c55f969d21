"""Numeric formats (int32, int64, float, the registry's sized integers) hold their ranges:
in parameters, in JSON bodies, in answers checked against the contract, in generated data."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from specmock.behaviours.fake import conforms, generate
from specmock.core.exchange import Request
from specmock.core.formats import NUMBER_FORMATS
from specmock.engine.schemas import compile_schema
from specmock.engine.validation import RequestValidator, ValidationFailed

DOCUMENT: dict[str, Any] = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
                            "paths": {}}
INT32_MAX, INT64_MAX = 2**31 - 1, 2**63 - 1


def body_validator(schema: dict[str, Any], version: str = "3.1.0") -> RequestValidator:
    operation = {"requestBody": {"content": {"application/json": {"schema": schema}}}}
    return RequestValidator(operation, {}, {**DOCUMENT, "openapi": version})


def post(check: RequestValidator, body: Any) -> None:
    check.validate({}, Request("POST", "/x", "", {"content-type": "application/json"},
                               json.dumps(body).encode()))


COUNT = {"type": "object", "properties": {"count": {"type": "integer", "format": "int32"},
                                          "total": {"type": "integer", "format": "int64"}}}


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_an_int32_body_field_past_its_range_is_refused(version: str) -> None:
    # Given a body with an int32 field
    check = body_validator(COUNT, version)
    # When the largest int32 and then one more are sent
    post(check, {"count": INT32_MAX})
    with pytest.raises(ValidationFailed) as caught:
        post(check, {"count": INT32_MAX + 1})
    # Then only the second is refused, the range named
    assert caught.value.pointer == "/body/count"
    assert "int32 range" in caught.value.detail


def test_an_int64_body_field_past_its_range_is_refused() -> None:
    # Given a body with an int64 field
    check = body_validator(COUNT)
    # When 2**63 is sent
    with pytest.raises(ValidationFailed) as caught:
        post(check, {"total": INT64_MAX + 1})
    # Then it is refused at its pointer
    assert caught.value.pointer == "/body/total"


def test_a_tighter_declared_bound_beside_a_format_is_kept() -> None:
    # Given an int32 that declares maximum 10
    check = body_validator({"type": "integer", "format": "int32", "maximum": 10})
    # When 11 is sent
    with pytest.raises(ValidationFailed) as caught:
        post(check, 11)
    # Then the declared bound refuses it
    assert "maximum of 10" in caught.value.detail


def test_a_float_past_single_precision_is_refused() -> None:
    # Given a float body
    check = body_validator({"type": "number", "format": "float"})
    # When 1e39 is sent
    with pytest.raises(ValidationFailed):
        post(check, 1e39)


def test_an_int32_query_parameter_past_its_range_is_refused() -> None:
    # Given an int32 query parameter
    check = RequestValidator({"parameters": [{"name": "n", "in": "query", "schema": {
        "type": "integer", "format": "int32"}}]}, {}, DOCUMENT)
    # When 2147483648 is sent
    with pytest.raises(ValidationFailed) as caught:
        check.validate({}, Request("GET", "/x", "n=2147483648", {}, b""))
    # Then the answer names the parameter and the range
    assert caught.value.pointer == "/query/n"
    assert 'Query parameter "n"' in caught.value.detail
    assert "int32 range is -2147483648 to 2147483647" in caught.value.detail


def test_a_format_in_a_component_schema_is_bounded_through_its_ref() -> None:
    # Given a 3.1 document whose component declares an int32
    document = {**DOCUMENT, "components": {"schemas": {"Count": {"type": "integer",
                                                                 "format": "int32"}}}}
    validator = compile_schema({"$ref": "#/components/schemas/Count"}, document)
    # When a value past it is checked / Then it fails
    assert not validator.is_valid(INT32_MAX + 1)
    assert validator.is_valid(INT32_MAX)


def test_a_string_with_an_integer_format_name_is_left_alone() -> None:
    # Given a string schema that (oddly) says format int32
    validator = compile_schema({"type": "string", "format": "int32"}, DOCUMENT)
    # When any text is checked / Then it passes: the range is for numbers
    assert validator.is_valid("99999999999")


@given(st.sampled_from(sorted(NUMBER_FORMATS)), st.integers(0, 2**64), st.integers(0, 10**6))
def test_generated_numbers_stay_inside_their_format(name: str, offset: int, seed: int) -> None:
    # Given a numeric format and a minimum anywhere inside its range
    low, high = NUMBER_FORMATS[name]
    kind = "number" if name == "float" else "integer"
    minimum = min(low + offset, high) if kind == "integer" else low
    schema = {"type": kind, "format": name, "minimum": minimum}
    # When a value is generated
    value = generate(schema, DOCUMENT, random.Random(seed))
    # Then it lies within the format's range and conforms
    assert low <= value <= high
    assert conforms(value, schema, DOCUMENT)


def test_a_value_past_its_format_does_not_conform_for_the_generator() -> None:
    # Given an int32 schema / When 2**31 is checked by the generator's own check
    # Then it does not conform (examples past a format are not served as valid)
    assert not conforms(INT32_MAX + 1, {"type": "integer", "format": "int32"}, DOCUMENT)

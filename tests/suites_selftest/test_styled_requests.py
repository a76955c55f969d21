"""The suites send parameters the way the document declares them (style and explode)."""

from __future__ import annotations

from typing import Any

from specmock.core.exchange import Request
from specmock.engine.validation import RequestValidator
from specmock.suites_support import ContractModel
from specmock_suites.probes import probe_for

COLOR = {"type": "object", "properties": {"R": {"type": "integer"}, "G": {"type": "integer"}}}


def model(parameters: list[dict[str, Any]], path: str = "/swatches") -> ContractModel:
    operation = {"operationId": "find", "parameters": parameters,
                 "responses": {"200": {"description": "ok"}}}
    return ContractModel.from_document({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
                                        "paths": {path: {"get": operation}}})


def test_a_label_path_parameter_is_filled_in_label_style() -> None:
    # Given an operation whose path parameter is a label-style exploded list
    found = model([{"name": "ids", "in": "path", "required": True, "style": "label",
                    "explode": True, "schema": {"type": "array", "items": {"type": "integer"}}}],
                  "/swatches/{ids}")
    # When the suites fill its path with [3, 4]
    # Then the segment is written as the style says
    assert found.operations[0].fill({"ids": [3, 4]}) == "/swatches/.3.4"


def test_a_matrix_path_parameter_keeps_its_delimiters() -> None:
    # Given a matrix-style object path parameter
    found = model([{"name": "color", "in": "path", "required": True, "style": "matrix",
                    "schema": COLOR}], "/swatches/{color}")
    # When it is filled / Then ';', '=' and ',' are not percent-encoded
    assert found.operations[0].fill({"color": {"R": 1, "G": 2}}) == "/swatches/;color=R,1,G,2"


def test_a_plain_id_is_still_percent_encoded() -> None:
    # Given a simple string path parameter
    found = model([{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                  "/swatches/{id}")
    # When an id holding a slash and a comma is filled / Then both are encoded
    assert found.operations[0].fill({"id": "a/b,c"}) == "/swatches/a%2Fb%2Cc"


def test_a_required_deep_object_probe_is_sent_in_brackets_and_accepted() -> None:
    # Given a required deepObject query parameter with an example
    parameter = {"name": "color", "in": "query", "required": True, "style": "deepObject",
                 "explode": True, "schema": COLOR, "example": {"R": 1, "G": 2}}
    operation = model([parameter]).operations[0]
    # When the suites build their probe request
    probe = probe_for(operation)
    # Then the query is the bracket form, and the mock reads it back as the example
    assert list(probe.query) == [("color[R]", "1"), ("color[G]", "2")]
    query = "&".join(f"{k}={v}" for k, v in probe.query)
    inputs = RequestValidator({"parameters": [parameter]}, {}, {"openapi": "3.1.0"}).validate(
        {}, Request("GET", "/swatches", query, {}, b""))
    assert inputs.query["color"] == {"R": 1, "G": 2}


def test_a_required_comma_list_probe_is_one_value() -> None:
    # Given a required non-exploded list query parameter with an example
    operation = model([{"name": "ids", "in": "query", "required": True, "explode": False,
                        "schema": {"type": "array", "items": {"type": "integer"}},
                        "example": [1, 2]}]).operations[0]
    # When the probe is built / Then the list is one comma-separated value
    assert list(probe_for(operation).query) == [("ids", "1,2")]

"""Swagger 2.0 documents are converted on load into the OpenAPI 3.0 they describe, and served."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from specmock.contract import lint_contract, load_contract
from specmock.contract.swagger import convert
from specmock.core.exchange import Request
from specmock.engine.app import MockEngine

from .conftest import Write

HOST = {"host": "127.0.0.1"}
SWAGGER = textwrap.dedent("""\
    swagger: '2.0'
    info: {title: Orders, version: '1'}
    host: orders.example.com
    basePath: /v2
    schemes: [https]
    produces: [application/json]
    securityDefinitions:
      key: {type: apiKey, in: header, name: X-Key}
      basic: {type: basic}
      oauth: {type: oauth2, flow: application, tokenUrl: 'https://auth.example.com/t', scopes: {}}
    paths:
      /orders:
        get:
          parameters:
            - $ref: '#/parameters/limit'
            - {name: tag, in: query, type: array, items: {type: string}, collectionFormat: pipes}
          responses:
            '200':
              description: orders
              schema: {type: array, items: {$ref: '#/definitions/Order'}}
              headers: {X-Total: {type: integer}}
        post:
          parameters:
            - {name: order, in: body, required: true, schema: {$ref: '#/definitions/Order'}}
          responses:
            '201':
              description: created
              schema: {$ref: '#/definitions/Order'}
              examples: {application/json: {id: 7, note: null}}
      /orders/{id}/file:
        post:
          consumes: [multipart/form-data]
          parameters:
            - {name: id, in: path, required: true, type: integer}
            - {name: file, in: formData, type: file, required: true}
          responses:
            '204': {description: stored}
    parameters:
      limit: {name: limit, in: query, type: integer, maximum: 50}
    definitions:
      Order:
        type: object
        required: [id]
        properties:
          id: {type: integer}
          note: {type: string, x-nullable: true}
    """)


def _converted() -> dict[str, Any]:
    import yaml

    return convert(yaml.safe_load(SWAGGER))[0]


def test_host_and_base_path_become_the_server() -> None:
    assert _converted()["servers"] == [{"url": "https://orders.example.com/v2"}]


def test_a_body_parameter_becomes_the_request_body_and_refs_move_to_components() -> None:
    post = _converted()["paths"]["/orders"]["post"]
    assert "parameters" not in post
    assert post["requestBody"] == {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Order"}}},
        "required": True,
    }


def test_form_data_with_a_file_becomes_a_multipart_body() -> None:
    post = _converted()["paths"]["/orders/{id}/file"]["post"]
    schema = post["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["properties"]["file"] == {"type": "string", "format": "binary"}
    assert schema["required"] == ["file"]
    assert [p["name"] for p in post["parameters"]] == ["id"]


def test_responses_get_content_per_produces_with_examples_and_header_schemas() -> None:
    responses = _converted()["paths"]["/orders"]
    created = responses["post"]["responses"]["201"]["content"]["application/json"]
    assert created["example"] == {"id": 7, "note": None}
    listed = responses["get"]["responses"]["200"]
    assert listed["headers"]["X-Total"] == {"schema": {"type": "integer"}}


def test_parameters_get_schemas_and_styles() -> None:
    parameters = _converted()["paths"]["/orders"]["get"]["parameters"]
    assert parameters[0] == {"$ref": "#/components/parameters/limit"}
    assert parameters[1]["schema"] == {"type": "array", "items": {"type": "string"}}
    assert (parameters[1]["style"], parameters[1]["explode"]) == ("pipeDelimited", False)


def test_security_definitions_become_schemes_and_x_nullable_nullable() -> None:
    converted = _converted()
    schemes = converted["components"]["securitySchemes"]
    assert schemes["basic"] == {"type": "http", "scheme": "basic"}
    assert schemes["oauth"]["flows"] == {
        "clientCredentials": {"tokenUrl": "https://auth.example.com/t", "scopes": {}}}
    note = converted["components"]["schemas"]["Order"]["properties"]["note"]
    assert note == {"type": "string", "nullable": True}


def test_a_swagger_document_lints_clean_and_is_served(write: Write) -> None:
    # Given a Swagger 2.0 document
    path = write("swagger.yaml", SWAGGER)
    # When it is linted and served
    assert lint_contract(path) == []
    engine = MockEngine.from_path(path, strict=True)
    # Then its operations validate and answer as the converted document says
    listed = engine.handle(Request("GET", "/orders", "limit=5", headers=HOST))
    too_many = engine.handle(Request("GET", "/orders", "limit=51", headers=HOST))
    created = engine.handle(Request("POST", "/orders", headers={
        **HOST, "content-type": "application/json"}, body=b'{"id": 1}'))
    assert listed.status == 200
    assert too_many.status == 400
    assert (created.status, json.loads(created.body)) == (201, {"id": 7, "note": None})


def test_a_problem_in_a_moved_part_is_placed_where_it_was_written(write: Write) -> None:
    # Given a Swagger document whose definition has a default its type refuses
    path = write("swagger.yaml", SWAGGER.replace("id: {type: integer}",
                                                 "id: {type: integer, default: x}"))
    # When it is linted
    problems = lint_contract(path)
    # Then the problem is placed at that definition's line in the Swagger file
    assert [p.pointer for p in problems] == ["/definitions/Order/properties/id/default"]
    lines = enumerate(SWAGGER.splitlines(), 1)
    line = next(i for i, text in lines if "id: {type: integer}" in text)
    assert problems[0].line == line
    assert load_contract(path).document["openapi"] == "3.0.3"


def test_parameters_in_another_file_are_converted_too(write: Write) -> None:
    # Given a Swagger document whose query parameter is a $ref into another file
    write("params.yaml", "limit: {name: limit, in: query, type: integer, maximum: 5}\n")
    path = write("swagger.yaml", textwrap.dedent("""\
        swagger: '2.0'
        info: {title: Split, version: '1'}
        paths:
          /things:
            get:
              parameters: [{$ref: 'params.yaml#/limit'}]
              responses: {'200': {description: ok, schema: {type: array, items: {}}}}
        """))
    # When it is linted and served
    assert lint_contract(path) == []
    engine = MockEngine.from_path(path)
    # Then the parameter from the other file is validated
    assert engine.handle(Request("GET", "/things", "limit=6", headers=HOST)).status == 400
    assert engine.handle(Request("GET", "/things", "limit=5", headers=HOST)).status == 200

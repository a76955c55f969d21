"""What kind of OpenAPI object a node is, from where it sits.

Bundling needs this to file an external reference under the right `components` section (a
response under `responses`, a schema under `schemas`) and to leave literal data (examples,
enums, defaults) alone, since a `$ref` inside an example is data, not a reference.
"""

from __future__ import annotations

from enum import Enum


class Kind(Enum):
    """The OpenAPI (or JSON Schema) object a node is."""

    ROOT = "root"
    PATHS = "paths"
    PATH_ITEM = "pathItem"
    OPERATION = "operation"
    PARAMETERS = "parameters"
    PARAMETER = "parameter"
    REQUEST_BODY = "requestBody"
    RESPONSES = "responses"
    RESPONSE = "response"
    CONTENT = "content"
    MEDIA_TYPE = "mediaType"
    ENCODINGS = "encodings"
    ENCODING = "encoding"
    HEADERS = "headers"
    HEADER = "header"
    EXAMPLES = "examples"
    EXAMPLE = "example"
    LINKS = "links"
    LINK = "link"
    CALLBACKS = "callbacks"
    CALLBACK = "callback"
    COMPONENTS = "components"
    SCHEMAS = "schemas"
    SCHEMA = "schema"
    SCHEMA_LIST = "schemaList"
    PARAMETER_MAP = "parameterMap"
    REQUEST_BODIES = "requestBodies"
    SECURITY_SCHEMES = "securitySchemes"
    SECURITY_SCHEME = "securityScheme"
    SPECMOCK = "x-specmock"
    LITERAL = "literal"
    OTHER = "other"


HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})

# Maps whose every member is of one kind.
_MAPS = {
    Kind.PATHS: Kind.PATH_ITEM,
    Kind.RESPONSES: Kind.RESPONSE,
    Kind.CONTENT: Kind.MEDIA_TYPE,
    Kind.ENCODINGS: Kind.ENCODING,
    Kind.HEADERS: Kind.HEADER,
    Kind.EXAMPLES: Kind.EXAMPLE,
    Kind.LINKS: Kind.LINK,
    Kind.CALLBACKS: Kind.CALLBACK,
    Kind.CALLBACK: Kind.PATH_ITEM,
    Kind.SCHEMAS: Kind.SCHEMA,
    Kind.PARAMETER_MAP: Kind.PARAMETER,
    Kind.REQUEST_BODIES: Kind.REQUEST_BODY,
    Kind.SECURITY_SCHEMES: Kind.SECURITY_SCHEME,
}

# Lists whose every item is of one kind.
_LISTS = {Kind.PARAMETERS: Kind.PARAMETER, Kind.SCHEMA_LIST: Kind.SCHEMA, Kind.SCHEMA: Kind.SCHEMA}

_SCHEMA_MEMBERS = {
    **dict.fromkeys(
        ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas"),
        Kind.SCHEMAS,
    ),
    **dict.fromkeys(
        (
            "items",
            "additionalProperties",
            "not",
            "if",
            "then",
            "else",
            "contains",
            "propertyNames",
            "unevaluatedItems",
            "unevaluatedProperties",
            "additionalItems",
            "contentSchema",
        ),
        Kind.SCHEMA,
    ),
    **dict.fromkeys(("allOf", "anyOf", "oneOf", "prefixItems"), Kind.SCHEMA_LIST),
    **dict.fromkeys(("example", "examples", "enum", "const", "default"), Kind.LITERAL),
}

_MEMBERS: dict[Kind, dict[str, Kind]] = {
    Kind.ROOT: {"paths": Kind.PATHS, "components": Kind.COMPONENTS, "webhooks": Kind.PATHS},
    Kind.PATH_ITEM: {"parameters": Kind.PARAMETERS, **dict.fromkeys(HTTP_METHODS, Kind.OPERATION)},
    Kind.OPERATION: {
        "parameters": Kind.PARAMETERS,
        "requestBody": Kind.REQUEST_BODY,
        "responses": Kind.RESPONSES,
        "callbacks": Kind.CALLBACKS,
    },
    Kind.PARAMETER: {
        "schema": Kind.SCHEMA,
        "content": Kind.CONTENT,
        "examples": Kind.EXAMPLES,
        "example": Kind.LITERAL,
    },
    Kind.HEADER: {
        "schema": Kind.SCHEMA,
        "content": Kind.CONTENT,
        "examples": Kind.EXAMPLES,
        "example": Kind.LITERAL,
    },
    Kind.REQUEST_BODY: {"content": Kind.CONTENT},
    Kind.RESPONSE: {"headers": Kind.HEADERS, "content": Kind.CONTENT, "links": Kind.LINKS},
    Kind.MEDIA_TYPE: {
        "schema": Kind.SCHEMA,
        "examples": Kind.EXAMPLES,
        "example": Kind.LITERAL,
        "encoding": Kind.ENCODINGS,
    },
    Kind.ENCODING: {"headers": Kind.HEADERS},
    Kind.EXAMPLE: {"value": Kind.LITERAL},
    Kind.SCHEMA: _SCHEMA_MEMBERS,
    Kind.COMPONENTS: {
        "schemas": Kind.SCHEMAS,
        "responses": Kind.RESPONSES,
        "parameters": Kind.PARAMETER_MAP,
        "examples": Kind.EXAMPLES,
        "requestBodies": Kind.REQUEST_BODIES,
        "headers": Kind.HEADERS,
        "securitySchemes": Kind.SECURITY_SCHEMES,
        "links": Kind.LINKS,
        "callbacks": Kind.CALLBACKS,
        "pathItems": Kind.PATHS,
    },
}

# The `components` section an external reference of each kind is filed under when bundled.
SECTIONS = {
    Kind.SCHEMA: "schemas",
    Kind.RESPONSE: "responses",
    Kind.PARAMETER: "parameters",
    Kind.EXAMPLE: "examples",
    Kind.REQUEST_BODY: "requestBodies",
    Kind.HEADER: "headers",
    Kind.SECURITY_SCHEME: "securitySchemes",
    Kind.LINK: "links",
    Kind.CALLBACK: "callbacks",
}


def member_kind(kind: Kind, key: str) -> Kind:
    """The kind of the member `key` of a mapping of kind `kind`."""
    if kind in (Kind.SPECMOCK, Kind.LITERAL):
        return kind
    if key == "x-specmock":
        return Kind.SPECMOCK
    if key.startswith("x-"):
        return Kind.OTHER
    if kind in _MAPS:
        return _MAPS[kind]
    return _MEMBERS.get(kind, {}).get(key, Kind.OTHER)


def item_kind(kind: Kind) -> Kind:
    """The kind of the items of a list of kind `kind`."""
    if kind in (Kind.SPECMOCK, Kind.LITERAL):
        return kind
    return _LISTS.get(kind, Kind.OTHER)

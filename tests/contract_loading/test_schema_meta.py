"""The compiled Schema Object meta-check agrees with openapi-spec-validator's own.

mockserver/contract/schema_meta.py lets jsonschema-rs accept a Schema Object before
openapi-spec-validator's Python checker is asked; a schema it refuses goes to that checker. So
the one thing that must hold is: whatever the compiled check accepts, the Python checker
accepts too. The properties below look for a counterexample among schema-shaped values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema.exceptions import SchemaError  # type: ignore[import-untyped, unused-ignore]
from jsonschema.validators import validator_for  # type: ignore[import-untyped, unused-ignore]
from openapi_schema_validator import OAS30Validator, _dialects
from openapi_schema_validator._format import oas31_format_checker
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.validation import keywords

from specmock.contract import load_contract
from specmock.contract.openapi_check import check_openapi
from specmock.contract.schema_meta import (
    FastMetaOAS30SchemaValidator,
    FastMetaOAS31SchemaValidator,
    FastOpenAPIV30SpecValidator,
    FastOpenAPIV31SpecValidator,
    compiled_meta_schema,
)

ROOT = Path(__file__).resolve().parents[2]
DIALECT = validator_for({"$schema": _dialects.OAS31_BASE_DIALECT_ID}, default=None)
COMPILED = compiled_meta_schema(DIALECT.META_SCHEMA)
COMPILED_30 = compiled_meta_schema(OAS30Validator.META_SCHEMA)


def python_accepts(schema: Any) -> bool:
    """openapi-spec-validator's verdict: the dialect's check_schema with the OAS formats."""
    try:
        DIALECT.check_schema(schema, format_checker=oas31_format_checker)
    except SchemaError:
        return False
    return True


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=False, allow_infinity=False, width=16)
    | st.sampled_from(
        ["string", "integer", "object", "array", "number", "boolean", "null", "strnig", "date",
         "uri", "#/$defs/a", "(", "[a-z]+", r"\p{L}", "(?P<n>x)", r"\d{3}", "", "a b"]
    )
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
KEYWORDS = st.sampled_from(
    ["type", "properties", "items", "required", "minimum", "maximum", "pattern", "format",
     "enum", "const", "allOf", "anyOf", "oneOf", "not", "$ref", "additionalProperties",
     "minLength", "maxLength", "nullable", "discriminator", "xml", "example", "examples",
     "externalDocs", "deprecated", "readOnly", "$defs", "$id", "$anchor", "$dynamicRef",
     "prefixItems", "contains", "dependentRequired", "unevaluatedProperties", "multipleOf",
     "exclusiveMinimum", "title", "default", "contentMediaType", "contentEncoding", "$schema",
     "if", "then", "else", "propertyNames", "patternProperties", "x-extra", "$comment"]
)
SCHEMA_LIKE = st.recursive(
    st.dictionaries(KEYWORDS, JSON, max_size=4),
    lambda inner: st.dictionaries(KEYWORDS, inner | JSON, max_size=4)
    | st.fixed_dictionaries({"properties": st.dictionaries(st.text(max_size=3), inner, max_size=3)})
    | st.fixed_dictionaries({"allOf": st.lists(inner, max_size=3)}),
    max_leaves=8,
)


@settings(max_examples=400)
@given(schema=SCHEMA_LIKE)
def test_what_the_compiled_check_accepts_the_python_checker_accepts(schema: Any) -> None:
    # Given any schema-shaped value, when the compiled meta-check accepts it
    if COMPILED.is_valid(schema):
        # Then openapi-spec-validator's own checker accepts it as well
        assert python_accepts(schema), schema


@pytest.mark.parametrize(
    "schema",
    [{"type": "strnig"}, {"minimum": "a"}, {"pattern": "("}, {"pattern": r"\p{L}"},
     {"required": "id"}, {"properties": []}, {"discriminator": {"propertyName": 1}},
     {"xml": {"name": 1}}, {"$ref": 3}, {"items": {"type": 1}}],
)
def test_schemas_both_refuse(schema: dict[str, Any]) -> None:
    # Given a broken Schema Object, then neither check accepts it
    assert not COMPILED.is_valid(schema)
    assert not python_accepts(schema)


@pytest.mark.parametrize("contract", ["dmlf", "freezerworks"])
def test_every_schema_of_the_bundled_contracts_takes_the_fast_path(contract: str) -> None:
    # Given every Schema Object of a bundled contract (components and inline)
    document = load_contract(ROOT / "contracts" / contract).document
    schemas = list(schema_objects(document))
    assert len(schemas) > 20
    # Then the compiled check accepts each (so no first start falls back to the slow checker)
    refused = [s for s in schemas if not COMPILED.is_valid(s)]
    assert refused == []


BROKEN_SCHEMAS = """\
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /pets:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {name: {type: strnig}}, required: id}
components:
  schemas:
    Pet: {type: object, properties: {tag: {pattern: '(', minLength: -1}}}
"""


def test_the_fast_validator_reports_what_openapi_spec_validator_reports(tmp_path: Path) -> None:
    # Given a document whose schemas break their dialect in several places
    (tmp_path / "openapi.yaml").write_text(BROKEN_SCHEMAS)
    contract = load_contract(tmp_path)
    # When it is checked with the fast validator and with openapi-spec-validator's own
    fast = check_openapi(contract)
    from specmock.contract import openapi_check

    original = list(openapi_check._keyword_diagnostics(contract, OpenAPIV31SpecValidator(
        contract.document)))
    # Then the diagnostics are the same, and there are some
    assert fast == original
    assert fast


def test_the_hook_is_where_openapi_spec_validator_looks() -> None:
    # Given the library's 3.1 validator classes, then the hook points still exist
    fast, original = FastOpenAPIV31SpecValidator, OpenAPIV31SpecValidator
    assert fast.keyword_validators["schema"] is FastMetaOAS31SchemaValidator
    assert original.keyword_validators["schema"] is keywords.OpenAPIV31SchemaValidator
    assert callable(keywords.OpenAPIV31SchemaValidator._get_schema_checker)


def schema_objects(document: dict[str, Any]) -> Any:
    """Every value under a `schema` key or in `components.schemas`."""
    yield from (document.get("components", {}).get("schemas") or {}).values()
    stack: list[Any] = [document.get("paths", {})]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "schema" and isinstance(value, dict):
                    yield value
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)


# ------------------------------------------------------------------ OpenAPI 3.0 (draft 4)

def python_accepts_30(schema: Any) -> bool:
    """openapi-spec-validator's 3.0 verdict: OAS30Validator.check_schema."""
    try:
        OAS30Validator.check_schema(schema)
    except SchemaError:
        return False
    return True


@settings(max_examples=400)
@given(schema=SCHEMA_LIKE)
def test_what_the_compiled_30_check_accepts_the_python_checker_accepts(schema: Any) -> None:
    # Given any schema-shaped value, when the compiled 3.0 meta-check accepts it
    if COMPILED_30.is_valid(schema):
        # Then openapi-spec-validator's own 3.0 checker accepts it as well
        assert python_accepts_30(schema), schema


def test_the_fast_30_validator_reports_what_openapi_spec_validator_reports(
        tmp_path: Path) -> None:
    # Given a 3.0 document whose schemas break their dialect in several places
    (tmp_path / "openapi.yaml").write_text(BROKEN_SCHEMAS.replace("3.1.0", "3.0.3"))
    contract = load_contract(tmp_path)
    # When its keyword pass runs with the fast validator and with openapi-spec-validator's own
    # (the 3.0 JSON Schema pass would report these first; the keyword pass is what differs)
    from specmock.contract import openapi_check

    fast, original = (list(openapi_check._keyword_diagnostics(contract, cls(contract.document)))
                      for cls in (FastOpenAPIV30SpecValidator, OpenAPIV30SpecValidator))
    # Then the diagnostics are the same, and there are some
    assert fast == original
    assert fast


def test_the_30_hook_is_where_openapi_spec_validator_looks() -> None:
    # Given the library's 3.0 validator classes, then the hook points still exist
    assert FastOpenAPIV30SpecValidator.keyword_validators["schema"] is \
        FastMetaOAS30SchemaValidator
    assert OpenAPIV30SpecValidator.keyword_validators["schema"] is \
        keywords.OpenAPIV30SchemaValidator
    assert callable(keywords.OpenAPIV30SchemaValidator._get_schema_checker)

"""A faster meta-check of each Schema Object for openapi-spec-validator's OpenAPI 3.x passes.

openapi-spec-validator checks every Schema Object of a document against its JSON Schema
dialect's meta-schema with Python jsonschema, building a fresh validator (and `$dynamicRef`
resolver) per schema: about 0.1 s of a first `specmock serve` on the bundled contracts, the
largest part of its keyword pass. Here the same meta-schema, with the same registry of
OpenAPI and JSON Schema resources, is compiled once per dialect with jsonschema-rs (the
validator the engine already uses), and a schema it accepts is done with. A schema it
refuses goes to openapi-spec-validator's own checker unchanged, so every reported error, and
every message, is the one openapi-spec-validator gives. jsonschema-rs is never the only judge of
an invalid schema; `tests/contract_loading/test_schema_meta.py` holds the two to the same
verdict on valid ones.

The hook is `keyword_validators["schema"]`, the mapping openapi-spec-validator's own versions
override in their subclasses; `_get_schema_checker` is the method its validators use to pick
the checker for a schema (3.1: by its dialect; 3.0: always the JSON Schema draft 4 meta-schema,
`OAS30Validator.check_schema`). On a generated 659-operation 3.0 document the Python
meta-check of 813 Schema Objects was 1.2 s of a 4.7 s check (cProfile).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

import jsonschema_rs
from openapi_schema_validator import OAS30Validator
from openapi_schema_validator._specifications import (  # type: ignore[import-untyped, unused-ignore]
    REGISTRY as OPENAPI_SPECIFICATIONS,
)
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.validation import keywords


def _compiled_first(compiled: Any, original: Callable[[Any], None]) -> Callable[[Any], None]:
    """A Schema Object check that asks the compiled meta-schema first and the library only for
    a value it refuses (so errors are still openapi-spec-validator's own)."""
    if compiled is None:
        return original

    def check(value: Any) -> None:
        if not compiled.is_valid(value):
            original(value)  # raises openapi-spec-validator's own error, or passes

    return check


class FastMetaOAS31SchemaValidator(keywords.OpenAPIV31SchemaValidator):
    """openapi-spec-validator's 3.1 Schema Object validator with a compiled meta-check first."""

    def _get_schema_checker(self, schema: Any, schema_value: Any) -> Callable[[Any], None]:
        original: Callable[[Any], None] = super()._get_schema_checker(schema, schema_value)
        dialect = self._get_validator_class_for_dialect(
            self._get_schema_dialect_id(schema, schema_value)
        )
        compiled = compiled_meta_schema(dialect.META_SCHEMA) if dialect is not None else None
        return _compiled_first(compiled, original)


class FastOpenAPIV31SpecValidator(OpenAPIV31SpecValidator):
    """The OpenAPI 3.1 spec validator with the compiled Schema Object meta-check."""

    keyword_validators = {  # noqa: RUF012 (the library's own subclasses do the same)
        **OpenAPIV31SpecValidator.keyword_validators,
        "schema": FastMetaOAS31SchemaValidator,
    }


class FastMetaOAS30SchemaValidator(keywords.OpenAPIV30SchemaValidator):
    """openapi-spec-validator's 3.0 Schema Object validator with a compiled meta-check first."""

    def _get_schema_checker(self, schema: Any, schema_value: Any) -> Callable[[Any], None]:
        original: Callable[[Any], None] = super()._get_schema_checker(schema, schema_value)
        return _compiled_first(compiled_meta_schema(OAS30Validator.META_SCHEMA), original)


class FastOpenAPIV30SpecValidator(OpenAPIV30SpecValidator):
    """The OpenAPI 3.0 spec validator with the compiled Schema Object meta-check."""

    keyword_validators = {  # noqa: RUF012 (the library's own subclasses do the same)
        **OpenAPIV30SpecValidator.keyword_validators,
        "schema": FastMetaOAS30SchemaValidator,
    }


@cache
def _registry() -> jsonschema_rs.Registry:
    return jsonschema_rs.Registry(
        [(uri, OPENAPI_SPECIFICATIONS[uri].contents) for uri in OPENAPI_SPECIFICATIONS]
    )


def compiled_meta_schema(meta_schema: Any) -> Any:
    """A jsonschema-rs validator of `meta_schema` (None when it cannot be compiled)."""
    # draft 4 (the 3.0 meta-check) names itself with `id`, later drafts with `$id`
    key = meta_schema.get("$id", meta_schema.get("id")) if isinstance(meta_schema, dict) else None
    if not isinstance(key, str):
        return None
    return _compiled(key, meta_schema)


def is_python_regex(value: str) -> bool:
    """Whether `value` compiles with Python's `re`, as jsonschema's "regex" format asks."""
    try:
        re.compile(value)
    except (re.error, RecursionError, OverflowError):
        return False
    return True


_COMPILED: dict[str, Any] = {}


def _compiled(key: str, meta_schema: dict[str, Any]) -> Any:
    if key not in _COMPILED:
        try:
            _COMPILED[key] = jsonschema_rs.validator_for(
                meta_schema,
                registry=_registry(),
                validate_formats=True,
                # `pattern` values are judged as the Python checker judges them (re), so that
                # an ECMA-262-only pattern is not accepted here and refused there.
                formats={"regex": is_python_regex},
            )
        except (jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError, ValueError):
            _COMPILED[key] = None  # openapi-spec-validator's checker alone, as before
    return _COMPILED[key]

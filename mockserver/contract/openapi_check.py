"""Validating the bundled document against the OpenAPI specification.

openapi-spec-validator does the work in two passes, run here separately: the document against
the version's JSON Schema, then (only when that passed, since it assumes a well-formed
document) its keyword checks: path parameters, duplicate operation ids, each schema against its
dialect. Its schema errors for `oneOf` alternatives say only that nothing matched; they are
explained again with jsonschema, which keeps the errors of each alternative.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from specmock.contract.diagnostics import Diagnostic, Severity
from specmock.contract.hints import did_you_mean
from specmock.contract.messages import describe, one_of_message, shorten, type_message
from specmock.contract.model import LoadedContract
from specmock.contract.pointers import escape, to_pointer, unescape
from specmock.contract.resolver import is_ref

if TYPE_CHECKING:  # jsonschema is imported when a check runs: loading does not need it
    from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped, unused-ignore]
    from jsonschema.protocols import Validator  # type: ignore[import-untyped, unused-ignore]

_REQUIRED = re.compile(r"""^["'](?P<name>.*)["'] is a required property""")
_WEAK = frozenset({"oneOf", "anyOf", "not", "if"})
_STRONG = frozenset({"required", "type", "enum", "const", "additionalProperties"})
_OPERATION = re.compile(r"for '(?P<method>\w+)' (?:operation )?in '(?P<path>[^']*)'")
_UNEXPECTED = re.compile(
    r"properties are not allowed \((?P<keys>.*) (?:was|were) unexpected\)"
    r"|^(?P<unmatched>.*) (?:does|do) not match any of the regexes"
)
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")
_VERSIONS = {
    "3.0": "OpenAPIV30SpecValidator",
    "3.1": "OpenAPIV31SpecValidator",
    "3.2": "OpenAPIV32SpecValidator",
}


def check_openapi(contract: LoadedContract) -> list[Diagnostic]:
    """Diagnostics for every way the bundled document breaks the OpenAPI specification."""
    if not contract.loaded:
        return []
    document = contract.document
    version = document.get("openapi")
    cls = _validator_class(version)
    if cls is None:
        return [_bad_version(contract, version)]
    validator = cls(document)
    _locate_defaults(validator)
    problems = [
        problem
        for error in validator.schema_validator.iter_errors(document)
        for problem in _schema_diagnostics(contract, error)
    ]
    # The keyword checks assume a well-formed document; on one that is not, they still find
    # what the schema pass cannot (a `default` its schema refuses), and a check they cannot
    # finish is said only when nothing else was.
    return [*problems, *_keyword_diagnostics(contract, validator, quiet=bool(problems))]


class _LocatedDefaults:
    """openapi-spec-validator's check of a schema's (or a parameter's) `default`, with the
    location it knows but does not put into its errors: the node checked (`parts`, a path
    through any `$ref`s) and `default`. Without it the only location is the one inside the
    value (`/default` for any value at all)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __call__(self, node: Any, value: Any) -> Iterator[ValidationError]:
        for error in self.inner(node, value):
            error.specmock_parts = (*node.parts, "default")
            yield error


def _locate_defaults(validator: Any) -> None:
    registry = getattr(validator, "keyword_validators_registry", None)
    if registry is not None and "default" in registry.keyword_validators:
        registry["default"] = _LocatedDefaults(registry["default"])


def physical_pointer(document: Any, parts: Sequence[Any]) -> str:
    """The pointer of the node a logical path names, the path followed through local `$ref`s
    (`/paths/~1a/get/.../schema/properties/q` when `schema` is a `$ref` becomes the pointer
    into the schema it names)."""
    tokens: list[str] = []
    node = document
    for part in (str(p) for p in parts):
        if is_ref(node) and part not in node and str(node["$ref"]).startswith("#"):
            tokens = [unescape(t) for t in str(node["$ref"])[2:].split("/") if t]
            node = _at(document, tokens)
        tokens.append(part)
        node = _at(node, [part])
    return to_pointer(tokens)


def _validator_class(version: Any) -> Any:
    if not isinstance(version, str) or version[:3] not in _VERSIONS:
        return None
    import openapi_spec_validator  # imported late: it takes ~0.2 s and serving does not need it

    if version[:3] == "3.1":
        from specmock.contract.schema_meta import FastOpenAPIV31SpecValidator

        return FastOpenAPIV31SpecValidator
    if version[:3] == "3.0":
        from specmock.contract.schema_meta import FastOpenAPIV30SpecValidator

        return FastOpenAPIV30SpecValidator
    return getattr(openapi_spec_validator, _VERSIONS[version[:3]])


def _bad_version(contract: LoadedContract, version: Any) -> Diagnostic:
    if version is None:
        return contract.diagnostic("", "'openapi' is a required property", "add openapi: 3.1.0")
    if not isinstance(version, str):
        return contract.diagnostic(
            "/openapi", f"expected a version string, got {describe(version)}", "quote it: '3.1.0'"
        )
    return contract.diagnostic(
        "/openapi", f"unsupported OpenAPI version '{version}'", "specmock reads OpenAPI 3.0 and 3.1"
    )


def _schema_diagnostics(contract: LoadedContract, error: ValidationError) -> list[Diagnostic]:
    error = _explain(contract.document, error)
    path = list(error.absolute_path)
    unexpected = _UNEXPECTED.search(str(error.message))
    if unexpected is None:
        message, hint = _message(error, contract.document), None
        if _both_examples(error, contract.document):
            message, hint = "'example' and 'examples' are both given", "keep one of them"
        elif path and path[-1] == "type" and _version(contract.document) == "3.0":
            hint = "a list of types is OpenAPI 3.1; in 3.0 write one type and nullable: true"
        return [contract.diagnostic(to_pointer(path), message, hint)]
    allowed = _allowed_keys(error)
    return [
        contract.diagnostic(
            to_pointer([*path, key]),
            f"unknown key '{key}'",
            _newer_keyword(contract.document, key)
            or did_you_mean(key, allowed) or "OpenAPI extensions start with 'x-'",
        )
        for key in _QUOTED.findall(unexpected["keys"] or unexpected["unmatched"])
    ]


JSON_SCHEMA_KEYWORDS = frozenset({
    "$schema", "$id", "$anchor", "$defs", "$dynamicRef", "$dynamicAnchor", "$comment", "const",
    "examples", "prefixItems", "contains", "minContains", "maxContains", "if", "then", "else",
    "dependentRequired", "dependentSchemas", "unevaluatedProperties", "unevaluatedItems",
    "propertyNames", "contentEncoding", "contentMediaType", "contentSchema",
})
"""Schema keywords of JSON Schema 2020-12 (OpenAPI 3.1) that an OpenAPI 3.0 Schema Object
lacks: in a 3.0 document they are warned about and still applied when serving."""


def _version(document: dict[str, Any]) -> str:
    return str(document.get("openapi", ""))[:3]


def _newer_keyword(document: dict[str, Any], key: str) -> str | None:
    if key in JSON_SCHEMA_KEYWORDS and _version(document) == "3.0":
        return "a JSON Schema keyword of OpenAPI 3.1, not 3.0: the mock applies it all the same"
    return None


def _both_examples(error: ValidationError, document: Any) -> bool:
    instance = _instance(error, document)
    return (_keyword_of(error) == "not" and isinstance(instance, dict)
            and "example" in instance and "examples" in instance)


def _keyword_of(error: ValidationError) -> str | None:
    if isinstance(error.validator, str):
        return error.validator
    schema_path = list(error.schema_path)
    return str(schema_path[-1]) if schema_path else None


def _allowed_keys(error: ValidationError) -> list[str]:
    if isinstance(error.validator, str):  # jsonschema: the schema the keyword is in
        schema = error.schema
    else:  # jsonschema-rs: the whole meta-schema and the keyword's path in it
        schema = _at(error.schema, list(error.schema_path)[:-1])
    properties = schema.get("properties") if isinstance(schema, dict) else None
    return list(properties) if isinstance(properties, dict) else []


def _explain(document: Any, error: ValidationError) -> ValidationError:
    """The most telling error under a `oneOf`/`anyOf` failure (or the error itself)."""
    schema_path = list(error.schema_path)
    if not error.context and schema_path and schema_path[-1] in ("oneOf", "anyOf"):
        again = _revalidate(document, error, schema_path[:-1])
        if again is not None:
            error = again
    return deepest(error)


def _revalidate(
    document: Any, error: ValidationError, schema_path: list[Any]
) -> ValidationError | None:
    """The error again, from jsonschema, with the errors of each alternative in its context."""
    if not isinstance(error.schema, dict):
        return None
    meta = _python_validator(error.schema)
    subschema = _at(meta.schema, schema_path)
    if not isinstance(subschema, dict):
        return None
    instance = _at(document, list(error.absolute_path))
    again = list(meta.evolve(schema=subschema).iter_errors(instance))
    return _with_prefix(again[0], list(error.absolute_path)) if len(again) == 1 else None


def deepest(error: ValidationError) -> ValidationError:
    """Descend into the alternatives of a failed `oneOf`/`anyOf` to the most specific error.

    Deeper errors win, then errors of other keywords over `oneOf`/`anyOf` themselves. An
    alternative that failed only because the object is not a `$ref` is skipped: a reference is
    never what the author meant when they wrote an object that is not one.
    """
    while error.context:
        candidates = [e for e in error.context if not _is_reference_branch(e)] or error.context
        error = min(candidates, key=_specificity)
    return error


def _specificity(error: ValidationError) -> tuple[int, bool, bool]:
    return -len(error.absolute_path), error.validator in _WEAK, error.validator not in _STRONG


def _is_reference_branch(error: ValidationError) -> bool:
    return error.validator == "required" and "$ref" in (error.validator_value or ())


def _with_prefix(error: ValidationError, prefix: list[Any]) -> ValidationError:
    """`error` (from validating a sub-instance) placed at `prefix` in the document."""
    error.path.extendleft(reversed(prefix))
    return error


_PYTHON_VALIDATORS: dict[int, tuple[dict[str, Any], Validator]] = {}


def _python_validator(schema: dict[str, Any]) -> Validator:
    """A jsonschema validator for a meta-schema (one per meta-schema object)."""
    from jsonschema.validators import validator_for  # type: ignore[import-untyped, unused-ignore]

    cached = _PYTHON_VALIDATORS.get(id(schema))
    if cached is None or cached[0] is not schema:
        cached = (schema, validator_for(schema)(schema))
        _PYTHON_VALIDATORS[id(schema)] = cached
    return cached[1]


def _at(node: Any, path: list[Any]) -> Any:
    for token in path:
        if isinstance(node, dict):
            node = node.get(str(token))
        elif isinstance(node, list) and str(token).isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def _message(error: ValidationError, document: Any) -> str:
    """One short line for a schema error, the same whichever jsonschema backend produced it."""
    keyword = error.validator if isinstance(error.validator, str) else None
    schema_path = list(error.schema_path)
    if keyword is None and schema_path:  # jsonschema-rs: the path says which keyword failed
        keyword = str(schema_path[-1])
    if keyword == "type":
        instance = _instance(error, document)
        return type_message(_keyword_value(error, schema_path), instance)
    if keyword == "required":
        name = _REQUIRED.match(str(error.message))
        if name:
            return f"'{name['name']}' is a required property"
    if keyword == "enum":
        allowed = _keyword_value(error, schema_path)
        if isinstance(allowed, list):
            return one_of_message(_instance(error, document), allowed)
    return shorten(str(error.message)) or "invalid"


def _keyword_value(error: ValidationError, schema_path: list[Any]) -> Any:
    if isinstance(error.validator, str):
        return error.validator_value
    return _at(error.schema, schema_path)


def _instance(error: ValidationError, document: Any) -> Any:
    if isinstance(error.validator, str):
        return error.instance
    return _at(document, list(error.absolute_path))


def _keyword_diagnostics(
    contract: LoadedContract, validator: Any, *, quiet: bool = False
) -> Iterator[Diagnostic]:
    try:
        for found in validator.root_validator(validator.schema_path):
            parts = getattr(found, "specmock_parts", None)
            error = deepest(found)
            if parts is not None:
                pointer = physical_pointer(contract.document, [*parts, *error.absolute_path])
            else:
                pointer = _keyword_pointer(contract.document, error)
            yield contract.diagnostic(pointer, _message(error, contract.document))
    except Exception as exc:  # the keyword checks assume more than the schema guarantees
        # Unless it tripped over a problem already reported (a bad $ref, a malformed part).
        if contract.ok and not quiet:
            message = shorten(f"the OpenAPI keyword checks stopped: {type(exc).__name__}: {exc}")
            yield contract.diagnostic("", message, severity=Severity.WARNING)


def _keyword_pointer(document: dict[str, Any], error: ValidationError) -> str:
    """Where a keyword check's error is: its paths are relative to the node it checked."""
    match = _OPERATION.search(str(error.message))
    if match:
        return to_pointer(("paths", match["path"], match["method"]))
    relative = list(error.absolute_path)
    for attempt in (relative, ["default", *relative]):  # a schema, or a schema's default value
        found = _find(document, attempt, error.instance)
        if found is not None:
            return found
    return ""


def _find(document: Any, relative: list[Any], instance: Any) -> str | None:
    """The pointer of the first node whose `relative` path leads to `instance`."""
    if not relative and not isinstance(instance, dict | list):
        return None
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        pointer, node = stack.pop()
        value = _at(node, relative)
        if value is instance or (value == instance and value is not None and relative):
            return pointer + to_pointer(relative)
        children = node.items() if isinstance(node, dict) else enumerate(node)
        stack.extend(
            (f"{pointer}/{escape(str(key))}", child)
            for key, child in reversed(list(children))
            if isinstance(child, dict | list)
        )
    return None

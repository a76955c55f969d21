"""Checking `x-specmock` objects against extensions.schema.yaml.

The root object is checked against `$defs/root`, each operation's against `$defs/operation`.
Unknown keys get a "did you mean" hint, and so does an unknown `x-` key that looks like a
misspelt `x-specmock` (`x-specmock-foo`, `x-spec-mock`) anywhere in the document.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from specmock.contract.diagnostics import Diagnostic, Severity
from specmock.contract.hints import closest, did_you_mean
from specmock.contract.kinds import HTTP_METHODS
from specmock.contract.messages import one_of_message, shorten, type_message
from specmock.contract.model import LoadedContract
from specmock.contract.openapi_check import deepest
from specmock.contract.operations import iter_operations
from specmock.contract.pointers import Tokens, to_pointer
from specmock.contract.yaml_loader import load_yaml

if TYPE_CHECKING:  # jsonschema is imported when a check runs: loading does not need it
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped, unused-ignore]
    from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped, unused-ignore]

EXTENSION = "x-specmock"
_SKIPPED = frozenset({EXTENSION, "example"})  # not scanned for misspelt extension keys


@cache
def extensions_schema() -> dict[str, Any]:
    """The JSON Schema of specmock's extensions (extensions.schema.yaml, parsed)."""
    text = resources.files("specmock.contract").joinpath("extensions.schema.yaml").read_text()
    schema = load_yaml(text)
    assert isinstance(schema, dict)
    return schema


@cache
def _validator(definition: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped, unused-ignore]

    return Draft202012Validator({**extensions_schema(), "$ref": f"#/$defs/{definition}"})


def check_extensions(contract: LoadedContract) -> list[Diagnostic]:
    """Diagnostics for `x-specmock` objects that do not follow extensions.schema.yaml."""
    document = contract.document
    problems: list[Diagnostic] = []
    if EXTENSION in document:
        problems += _validate(contract, "root", document[EXTENSION], (EXTENSION,))
    for operation in iter_operations(document):
        if EXTENSION in operation.operation:
            tokens = ("paths", operation.template, operation.method, EXTENSION)
            problems += _validate(contract, "operation", operation.operation[EXTENSION], tokens)
    problems += _misplaced(contract, document, ())
    return problems


def _validate(
    contract: LoadedContract, definition: str, value: Any, at: Tokens
) -> list[Diagnostic]:
    errors = sorted(_validator(definition).iter_errors(value), key=lambda e: list(e.absolute_path))
    return [problem for error in errors for problem in _diagnostics(contract, deepest(error), at)]


def _diagnostics(
    contract: LoadedContract, error: ValidationError, at: Tokens
) -> Iterator[Diagnostic]:
    tokens = (*at, *(str(token) for token in error.absolute_path))
    if error.validator == "additionalProperties" and error.validator_value is False:
        allowed = list(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
        for key in error.instance:
            if key not in allowed:
                yield contract.diagnostic(
                    to_pointer((*tokens, key)), f"unknown key '{key}'", _suggest(key, allowed)
                )
    elif error.validator == "enum" and "propertyNames" in error.schema_path:
        key, allowed = str(error.instance), [str(v) for v in error.validator_value]
        yield contract.diagnostic(
            to_pointer((*tokens, key)), f"unknown key '{key}'", _suggest(key, allowed)
        )
    elif error.validator in ("enum", "const"):
        allowed = error.validator_value if error.validator == "enum" else [error.validator_value]
        message = one_of_message(error.instance, list(allowed))
        hint = (
            did_you_mean(error.instance, map(str, allowed))
            if isinstance(error.instance, str)
            else None
        )
        yield contract.diagnostic(to_pointer(tokens), message, hint)
    else:
        yield contract.diagnostic(to_pointer(tokens), _message(error))


def _suggest(word: str, allowed: list[str]) -> str:
    return did_you_mean(word, allowed) or f"expected one of: {', '.join(allowed)}"


def _message(error: ValidationError) -> str:
    if error.validator == "type":
        return type_message(error.validator_value, error.instance)
    return shorten(str(error.message))


def _misplaced(contract: LoadedContract, node: Any, at: Tokens) -> Iterator[Diagnostic]:
    """Misspelt `x-specmock` keys anywhere, and `x-specmock` where it is not read."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _misplaced(contract, item, (*at, str(index)))
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == EXTENSION and not _reads_extension(at):
            yield contract.diagnostic(
                to_pointer((*at, key)),
                "x-specmock is ignored here",
                "it is read at the document's root and on operations",
                Severity.WARNING,
            )
        elif key != EXTENSION and _looks_like_extension(key):
            yield contract.diagnostic(
                to_pointer((*at, key)), f"unknown extension '{key}'", f"did you mean '{EXTENSION}'?"
            )
        if key not in _SKIPPED:
            yield from _misplaced(contract, value, (*at, key))


def _reads_extension(at: Tokens) -> bool:
    return at == () or (len(at) == 3 and at[0] == "paths" and at[2] in HTTP_METHODS)


def _looks_like_extension(key: str) -> bool:
    lowered = key.lower()
    if lowered.startswith(EXTENSION) or lowered.replace("_", "-").startswith(EXTENSION):
        return True
    return lowered.startswith("x") and closest(lowered, [EXTENSION], cutoff=0.85) is not None

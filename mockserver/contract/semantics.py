"""Checks of `x-specmock` meaning that a JSON Schema cannot express.

Names must refer to declared things: an operation's collection, `references`, `jsonFiles` and
`embed` collections, `scope` and `key` path parameters; features need their root settings
(`paginate` needs `pagination`, token actions need `auth`); seed records carry unique ids.
Every check tolerates values of the wrong type (the schema check reports those).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from specmock.contract.diagnostics import Diagnostic
from specmock.contract.hints import did_you_mean
from specmock.contract.model import LoadedContract
from specmock.contract.operations import OperationRef, iter_operations
from specmock.contract.pointers import Tokens, to_pointer

RECORD_ACTIONS = frozenset({"list", "create", "read", "update", "replace", "delete"})
TOKEN_ACTIONS = frozenset({"issueToken", "refreshToken"})
_ROOT: Tokens = ("x-specmock",)


def check_semantics(contract: LoadedContract) -> list[Diagnostic]:
    """Diagnostics for `x-specmock` declarations that name undeclared things or miss settings."""
    problems = [*_collections(contract), *_faults(contract)]
    for operation in iter_operations(contract.document):
        ext = operation.operation.get("x-specmock")
        if isinstance(ext, dict):
            problems += _operation(contract, operation, ext)
    return problems


def _declared(contract: LoadedContract) -> dict[str, Any]:
    collections = contract.root.get("collections")
    return collections if isinstance(collections, dict) else {}


def _unknown_collection(contract: LoadedContract, name: Any, at: Tokens) -> Iterator[Diagnostic]:
    declared = _declared(contract)
    if isinstance(name, str) and name not in declared:
        hint = did_you_mean(name, declared) or (
            f"declared collections: {', '.join(declared)}"
            if declared
            else "declare it under the root x-specmock's collections"
        )
        yield contract.diagnostic(to_pointer(at), f"unknown collection '{name}'", hint)


def _collections(contract: LoadedContract) -> Iterator[Diagnostic]:
    for name, collection in _declared(contract).items():
        if not isinstance(collection, dict):
            continue
        at = (*_ROOT, "collections", name)
        for field, target in _mapping(collection.get("references")).items():
            yield from _unknown_collection(contract, target, (*at, "references", field))
        for field, spec in _mapping(collection.get("related")).items():
            if isinstance(spec, dict):
                path = (*at, "related", field, "collection")
                yield from _unknown_collection(contract, spec.get("collection"), path)
        for field, spec in _mapping(collection.get("jsonFiles")).items():
            if isinstance(spec, dict):
                path = (*at, "jsonFiles", field, "collection")
                yield from _unknown_collection(contract, spec.get("collection"), path)
        yield from _protect_and_rules(contract, collection, at)
        yield from _seed(contract, collection, at)


def _faults(contract: LoadedContract) -> Iterator[Diagnostic]:
    """Fault rules name operations that exist, and a uniform latency's bounds are in order."""
    rules = contract.root.get("faults")
    if not isinstance(rules, list):
        return
    known = {
        str(op.operation["operationId"])
        for op in iter_operations(contract.document)
        if isinstance(op.operation.get("operationId"), str)
    }
    for index, rule in enumerate(rules):
        if not isinstance(rule, dict):
            continue
        at = (*_ROOT, "faults", str(index))
        names = rule.get("operations")
        for position, name in enumerate(names if isinstance(names, list) else []):
            if isinstance(name, str) and name not in known:
                hint = did_you_mean(name, known) or "name an operationId of the contract"
                where = to_pointer((*at, "operations", str(position)))
                yield contract.diagnostic(where, f"unknown operation '{name}'", hint)
        uniform = _mapping(_mapping(rule.get("latency")).get("uniform"))
        low, high = uniform.get("min"), uniform.get("max")
        if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
            where = to_pointer((*at, "latency", "uniform"))
            yield contract.diagnostic(where, f"min {low} is above max {high}")


def _protect_and_rules(
    contract: LoadedContract, collection: dict[str, Any], at: Tokens
) -> Iterator[Diagnostic]:
    """Collections named by `protect` and `valueRules` exist; rule patterns compile."""
    protect = _mapping(collection.get("protect"))
    refs = protect.get("referencedBy")
    for index, ref in enumerate(refs if isinstance(refs, list) else []):
        if isinstance(ref, dict):
            path = (*at, "protect", "referencedBy", str(index), "collection")
            yield from _unknown_collection(contract, ref.get("collection"), path)
    for field, rules in _mapping(collection.get("valueRules")).items():
        for index, rule in enumerate(rules if isinstance(rules, list) else []):
            if not isinstance(rule, dict):
                continue
            path = (*at, "valueRules", field, str(index))
            if "atMostHighestId" in rule:
                target = rule["atMostHighestId"]
                yield from _unknown_collection(contract, target, (*path, "atMostHighestId"))
            if isinstance(rule.get("pattern"), str):
                try:
                    re.compile(rule["pattern"])
                except re.error as error:
                    yield contract.diagnostic(
                        to_pointer((*path, "pattern")), f"pattern does not compile: {error}"
                    )


def _seed(contract: LoadedContract, collection: dict[str, Any], at: Tokens) -> Iterator[Diagnostic]:
    id_field = collection.get("idField")
    seed = collection.get("seed")
    records = seed.get("records") if isinstance(seed, dict) else None
    if not isinstance(id_field, str) or not isinstance(records, list):
        return
    id_type = collection.get("idType", "integer")
    first_index: dict[Any, int] = {}
    for index, record in enumerate(records):
        where = (*at, "seed", "records", str(index))
        if not isinstance(record, dict):
            continue
        if id_field not in record:
            yield contract.diagnostic(
                to_pointer(where), f"seed record has no '{id_field}' (the idField)"
            )
            continue
        value = record[id_field]
        if not _has_id_type(value, id_type):
            yield contract.diagnostic(
                to_pointer((*where, id_field)),
                f"id {value!r} is not of the collection's idType '{id_type}'",
            )
        key = (type(value).__name__, value) if _hashable(value) else None
        if key is not None and key in first_index:
            yield contract.diagnostic(
                to_pointer((*where, id_field)),
                f"duplicate id {value!r} (also record {first_index[key]})",
            )
        elif key is not None:
            first_index[key] = index


def _has_id_type(value: Any, id_type: Any) -> bool:
    if id_type == "string":
        return isinstance(value, str)
    if id_type == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return True


def _hashable(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) or value is None


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _operation(
    contract: LoadedContract, operation: OperationRef, ext: dict[str, Any]
) -> list[Diagnostic]:
    at = ("paths", operation.template, operation.method, "x-specmock")
    return [
        *_operation_collection(contract, ext, at),
        *_path_parameters(contract, operation, ext, at),
        *_root_settings(contract, ext, at),
    ]


def _operation_collection(
    contract: LoadedContract, ext: dict[str, Any], at: Tokens
) -> Iterator[Diagnostic]:
    action = ext.get("action")
    if action in RECORD_ACTIONS and "collection" not in ext:
        yield contract.diagnostic(to_pointer(at), f"action '{action}' needs a collection")
    yield from _unknown_collection(contract, ext.get("collection"), (*at, "collection"))
    yield from _action_settings(contract, ext, at)
    for prop, spec in _mapping(ext.get("embed")).items():
        if isinstance(spec, dict):
            yield from _unknown_collection(
                contract, spec.get("collection"), (*at, "embed", prop, "collection")
            )


def _path_parameters(
    contract: LoadedContract, operation: OperationRef, ext: dict[str, Any], at: Tokens
) -> Iterator[Diagnostic]:
    parameters = operation.path_parameters
    named = [((*at, "scope", field), param) for field, param in _mapping(ext.get("scope")).items()]
    key = ext.get("key")
    if isinstance(key, dict) and key.get("in") == "path":
        named.append(((*at, "key", "param"), key.get("param")))
    for where, param in named:
        if isinstance(param, str) and param not in parameters:
            hint = did_you_mean(param, parameters) or (
                f"its parameters: {', '.join(parameters)}" if parameters else "it has no parameters"
            )
            message = f"'{param}' is not a parameter of the path {operation.template}"
            yield contract.diagnostic(to_pointer(where), message, hint)


def _root_settings(
    contract: LoadedContract, ext: dict[str, Any], at: Tokens
) -> Iterator[Diagnostic]:
    root = contract.root
    if ext.get("paginate") is True and not isinstance(root.get("pagination"), dict):
        yield contract.diagnostic(
            to_pointer((*at, "paginate")), "paginate: true needs pagination in the root x-specmock"
        )
    action = ext.get("action")
    if action in TOKEN_ACTIONS and not isinstance(root.get("auth"), dict):
        yield contract.diagnostic(
            to_pointer((*at, "action")), f"action '{action}' needs auth in the root x-specmock"
        )


# Actions that need their own settings object, and the collections named inside it.
_ACTION_SETTINGS = {"search": "search", "document": "document", "partition": "partition"}


def _action_settings(
    contract: LoadedContract, ext: dict[str, Any], at: Tokens
) -> Iterator[Diagnostic]:
    action = ext.get("action")
    key = _ACTION_SETTINGS.get(action) if isinstance(action, str) else None
    if key is None:
        return
    settings = ext.get(key)
    if not isinstance(settings, dict):
        yield contract.diagnostic(to_pointer(at), f"action '{action}' needs '{key}' settings")
        return
    if action == "document":
        yield from _unknown_collection(
            contract, settings.get("collection"), (*at, key, "collection")
        )
    if action == "search":
        for name, target in _mapping(settings.get("collections")).items():
            yield from _unknown_collection(contract, target, (*at, key, "collections", name))
        catalogue = _mapping(settings.get("fieldNames"))
        yield from _unknown_collection(
            contract, catalogue.get("collection"), (*at, key, "fieldNames", "collection")
        )

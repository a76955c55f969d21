"""schemathesis configuration derived from a contract's `x-specmock` declarations.

Some operations enforce rules their schema cannot express: references to other records, unique
fields, JSON files checked against a structure kept elsewhere, client-chosen ids. Schema-valid
data can break those rules, so for exactly those operations schemathesis's
`positive_data_acceptance` check must also accept the rule's status (400 or 409). Everything else
keeps schemathesis's defaults; nothing is switched off.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

from specmock.contract.declarations import CollectionSpec, read_declarations
from specmock.contract.operations import iter_operations

POSITIVE_DATA_DEFAULTS = ("2xx", "3xx", "401", "403", "404", "409", "429", "5xx")
WRITE_ACTIONS = ("create", "update", "replace")
# Actions whose body names records or fields by value: a schema-valid value may name none.
LOOKUP_ACTIONS = ("search", "document")


def business_rule_statuses(document: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """operationId -> the statuses its business rules may answer to schema-valid data (the
    contract layer's declarations: declared or inferred collections alike)."""
    declarations = read_declarations(document)
    out: dict[str, tuple[str, ...]] = {}
    for ref in iter_operations(document):
        operation, ext = ref.operation, declarations.of(ref.template, ref.method)
        spec = declarations.collections.get(str(ext.get("collection")))
        if ext.get("action") in LOOKUP_ACTIONS and operation.get("operationId"):
            out[operation["operationId"]] = ("400",)  # ids and fields must name existing ones
            continue
        if spec is None:
            continue
        if _filters_name_records(ext, spec) and operation.get("operationId"):
            out[operation["operationId"]] = ("400",)
        if ext.get("action") not in WRITE_ACTIONS or not operation.get("operationId"):
            continue
        statuses = set()
        if spec.references or spec.json_files or spec.file_checks or spec.value_rules:
            statuses.add("400")
        if spec.unique or spec.client_ids:
            statuses.add(str(spec.conflict_status))
        if statuses:
            out[operation["operationId"]] = tuple(sorted(statuses))
    return out


def _filters_name_records(ext: dict[str, Any], spec: CollectionSpec) -> bool:
    """Whether a list filters by a reference field: a schema-valid value that names no record
    is refused with 400 (django-filter's "Select a valid choice"), a business rule too."""
    filters = ext.get("filters") or {}
    return ext.get("action") == "list" and any(
        isinstance(f, dict) and f.get("field") in spec.references for f in filters.values()
    )


def basic_auth_operations(document: dict[str, Any]) -> list[str]:
    """operationIds secured only by HTTP Basic (token endpoints such as Freezerworks' login)."""
    schemes = document.get("components", {}).get("securitySchemes", {})
    basic = {
        n
        for n, s in schemes.items()
        if s.get("type") == "http" and s.get("scheme", "").lower() == "basic"
    }
    return [
        op["operationId"]
        for op in _operations(document)
        if op.get("operationId")
        and op.get("security")
        and all(set(req) <= basic and req for req in op["security"])
    ]


def business_rule_toml(document: dict[str, Any]) -> list[str]:
    """`[[operations]]` TOML lines widening positive-data acceptance to each operation's
    business-rule statuses (shared by the CLI configuration and the conformance suite)."""
    lines: list[str] = []
    for operation_id, statuses in sorted(business_rule_statuses(document).items()):
        expected = sorted({*POSITIVE_DATA_DEFAULTS, *statuses})
        lines += [
            "[[operations]]",
            f"include-operation-id = {_quote(operation_id)}",
            f"checks.positive_data_acceptance.expected-statuses = {json.dumps(expected)}",
            "",
        ]
    return lines


def schemathesis_toml(
    document: dict[str, Any], *, bearer_token: str, basic_credentials: tuple[str, str] | None = None
) -> str:
    """A schemathesis.toml that authenticates with the token (Basic where an operation asks for
    it) and widens positive-data acceptance only where the contract declares business rules."""
    lines = [f"headers = {{ Authorization = {_quote('Bearer ' + bearer_token)} }}", ""]
    lines += business_rule_toml(document)
    if basic_credentials:
        encoded = base64.b64encode(":".join(basic_credentials).encode()).decode()
        for operation_id in basic_auth_operations(document):
            lines += [
                "[[operations]]",
                f"include-operation-id = {_quote(operation_id)}",
                f"headers = {{ Authorization = {_quote('Basic ' + encoded)} }}",
                "",
            ]
    return "\n".join(lines)


def _operations(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for path_item in document.get("paths", {}).values():
        for method in ("get", "put", "post", "delete", "patch", "head", "options", "trace"):
            if isinstance(path_item.get(method), dict):
                yield path_item[method]


def _quote(text: str) -> str:
    """A TOML basic string (JSON string escapes are valid TOML escapes)."""
    return json.dumps(text)

"""schemathesis, configured from the contract: its schema, per-operation checks, and an auth
provider that logs in through the contract's token endpoint and refreshes on 401.

Operations whose collection declares business rules (references, unique fields, JSON files,
client ids) may refuse schema-valid data with 400 or 409; for exactly those, schemathesis's
`positive_data_acceptance` check accepts those statuses too (mockserver.conformance). Every
other check keeps its defaults, with one correction: `negative_data_rejection` judges a multipart
file part as the binary string the schema declares (see `negative_data_rejection_with_files`).
"""

from __future__ import annotations

import base64
import copy
import warnings
from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    status_code_conformance,
    use_after_free,
)
from schemathesis.transport.serialization import Binary

from mockserver.conformance import business_rule_toml
from mockserver.core.pointers import escape
from mockserver.suites_support import ContractModel, Operation, Security
from suites.client import ApiClient
from suites.context import ContractRef, SuiteSession
from suites.expect import ContractWarning

TOKEN_ACTIONS = ("issueToken", "refreshToken")


def schemathesis_config(document: dict[str, Any]) -> SchemathesisConfig:
    """Per-operation positive-data acceptance for the contract's business rules."""
    return SchemathesisConfig.from_str("\n".join(business_rule_toml(document)))


def build_schema(contract: ContractRef, session: SuiteSession) -> Any:
    """The contract as a schemathesis schema, authenticated through its token endpoint, with
    OpenAPI links between each collection's operations for stateful sequences."""
    document = with_links(contract.model)
    schema = schemathesis.openapi.from_dict(document, config=schemathesis_config(document))
    schema.auth()(auth_provider(contract, session))
    budgeted = budgeted_operations(contract.model) if session.ledger(contract).budget else []
    return schema.exclude(operation_id=budgeted) if budgeted else schema


def budgeted_operations(model: ContractModel) -> list[str]:
    """Operations the token budget's throttle counts: the token endpoints and every other
    anonymous one (DMLF's schema pages share the anonymous 10 a day). Fuzzing them would spend
    a throttled target's budget in seconds, so there they are left out of conformance; the
    auth suite checks the token endpoints within the budget."""
    return [
        op.operation_id
        for op in model.operations
        if op.action in TOKEN_ACTIONS or op.security is Security.NONE
    ]


def with_links(model: ContractModel) -> dict[str, Any]:
    """A copy of the document whose create and list responses link to the operations on one
    record of the same collection (read, update, replace, delete), the id taken from the
    response body where the representation puts it. Links the contract declares are kept."""
    document = copy.deepcopy(dict(model.document))
    for name, spec in model.collections.items():
        targets = [model.crud(name, a) for a in ("read", "update", "replace", "delete")]
        for source in (model.crud(name, "create"), model.crud(name, "list")):
            if source is None or source.success_status is None:
                continue
            pointer = id_pointer(model, spec.id_field, listing=source.action == "list")
            response = document["paths"][source.path][source.method.lower()]["responses"]
            links = response[str(source.success_status)].setdefault("links", {})
            for target in targets:
                if target is not None and target.path_params:
                    links.setdefault(
                        target.operation_id,
                        {
                            "operationId": target.operation_id,
                            "parameters": {target.path_params[-1]: f"$response.body#{pointer}"},
                        },
                    )
    return document


def id_pointer(model: ContractModel, id_field: str, *, listing: bool) -> str:
    """Where a record's id sits in a response body (the first item's, for a list)."""
    field = escape(id_field)
    if model.siren:
        return f"/entities/0/properties/{field}" if listing else f"/properties/{field}"
    return f"/0/{field}" if listing else f"/{field}"


def auth_provider(contract: ContractRef, session: SuiteSession) -> type:
    """An auth provider class for schemathesis bound to one contract.

    `get` takes the run's shared tokens (suites.ledger: one login per run); asked again by
    schemathesis (its refresh interval), it refreshes them through the contract's own endpoint.
    `set` sends Basic credentials to Basic operations (the token endpoint of a Basic-to-JWT
    API) and the bearer token to protected ones.
    """
    model = contract.model
    by_route = {(op.method, op.path): op for op in model.operations}

    class ContractAuth:
        """Logs in through the contract's token endpoint; refreshes on 401."""

        def __init__(self) -> None:
            self.client: ApiClient | None = None

        def get(self, case: Any, context: Any) -> str | None:
            if model.token is None:
                return None
            if self.client is None:
                endpoint = session.endpoint(contract)
                self.client = ApiClient(
                    endpoint.base_url, model, endpoint.credentials, endpoint.ledger
                )
            elif self.client.tokens is not None and self.client.tokens.access == (
                self.client.ledger.access
            ):
                self.client.ledger.stale = True  # asked again: the token was refused or is old
            return self.client.login().access

        def set(self, case: Any, data: str | None, context: Any) -> None:
            operation = by_route.get((case.operation.method.upper(), case.operation.path))
            header = authorization(operation, data, session, contract)
            if header is not None:
                case.headers = {**(case.headers or {}), "Authorization": header}

    return ContractAuth


def authorization(
    operation: Operation | None, token: str | None, session: SuiteSession, contract: ContractRef
) -> str | None:
    """The Authorization header an operation needs (None: none)."""
    if operation is None:
        return None
    if operation.security is Security.BASIC:
        credentials = session.endpoint(contract).credentials
        if credentials is None:
            return None
        raw = f"{credentials.username}:{credentials.password}".encode()
        return "Basic " + base64.b64encode(raw).decode()
    if operation.security is Security.BEARER and token:
        return f"Bearer {token}"
    return None


def negative_data_rejection_with_files(ctx: Any, response: Any, case: Any) -> bool | None:
    """schemathesis's `negative_data_rejection`, except for a request that is valid once its
    file parts are read as the binary strings the schema declares.

    schemathesis (4.32) re-validates a body that changed after generation (stateful links merge
    response values into it) and counts any body holding a file part (`Binary`) as invalid,
    since jsonschema cannot see bytes as a string. A positive multipart request then reads as
    negative, and a server that accepts it is reported for accepting schema-violating data.
    Here such a body is validated again with each file part as text of the same length; if it
    conforms and no other part of the request is negative, the request was valid and nothing is
    judged. Every other case goes to the built-in check unchanged.
    """
    if is_valid_with_file_parts(case):
        return None
    try:
        result: bool | None = negative_data_rejection(ctx, response, case)
    except AcceptedNegativeData as accepted:
        unstated = unstated_refusal(case, str(accepted))
        if unstated is None:
            raise
        warnings.warn(
            ContractWarning(
                f"not a contract rule, noted: {case.operation.label} accepted a request the "
                f"schema does not allow ({unstated}): {accepted.message.strip()}"
            ),
            stacklevel=1,
        )
        return None
    return result


def unstated_refusal(case: Any, failure: str) -> str | None:
    """Why refusing this schema-violating request is not a rule the contract states (None: it
    is one). The contract states a refusal for invalid fields where the operation documents a
    400 (or 422); a missing body it does not refuse by name (DRF accepts an empty PATCH), and a
    path segment that fits no schema is refused (404) only where the path names a record of a
    collection (DRF answers OPTIONS for any segment)."""
    raw = case.operation.definition.raw
    documented = {str(s) for s in raw.get("responses", {})}
    ext = raw.get("x-specmock") or {}
    negative = {
        where
        for where, info in (case.meta.components.items() if case.meta else ())
        if info.mode.is_negative
    }
    if "Missing request body" in failure:
        return "the contract documents no refusal of an absent body"
    if negative == {ParameterLocation.PATH} and not ext.get("collection"):
        return "the path names no record of a collection, so no 404 is a rule for it"
    if negative - {ParameterLocation.PATH} and not documented & {"400", "422"}:
        return "the operation documents no 400 for invalid input"
    return None


def is_valid_with_file_parts(case: Any) -> bool:
    """Whether the case reads as negative only because its body holds file parts."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_negative:
        return False
    others = (info for where, info in meta.components.items() if where != ParameterLocation.BODY)
    if any(info.mode.is_negative for info in others) or case.media_type is None:
        return False
    body = case.operation.get_body_for_media_type(case.media_type)
    as_text = file_parts_as_text(case.body)
    return body is not None and as_text is not case.body and bool(body.is_valid(as_text))


def file_parts_as_text(value: Any) -> Any:
    """`value` with every file part (bytes, `Binary`) as a string of one character per byte;
    `value` itself when it holds none."""
    if isinstance(value, Binary):
        return value.data.decode("latin-1")
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, dict):
        items = {key: file_parts_as_text(item) for key, item in value.items()}
        changed = any(items[key] is not item for key, item in value.items())
        return items if changed else value
    if isinstance(value, list):
        converted = [file_parts_as_text(item) for item in value]
        changed = any(new is not old for new, old in zip(converted, value, strict=True))
        return converted if changed else value
    return value


def content_type_conformance_routed(ctx: Any, response: Any, case: Any) -> bool | None:
    """schemathesis's `content_type_conformance`, except for a 404 in another media type to a
    path whose parameters were filled: such a URL may name no route at all (DRF's router takes
    no `.` in an id, so Django answers its own HTML 404), while the contract's 404 body is for
    ids that name no record. That case is noted as a warning."""
    if response.status_code == 404 and "{" in case.operation.path:
        received = response.headers.get("content-type", [""])
        received = received[0] if isinstance(received, list) else received
        if "json" not in str(received):
            warnings.warn(
                ContractWarning(
                    f"not a contract rule, noted: {case.operation.label} answered a path "
                    f"that names no route 404 as {received}"
                ),
                stacklevel=1,
            )
            return None
    result: bool | None = content_type_conformance(ctx, response, case)
    return result


def use_after_free_but_options(ctx: Any, response: Any, case: Any) -> bool | None:
    """schemathesis's `use_after_free`, except for OPTIONS: it asks what a URL supports, not
    for the resource (RFC 9110 9.3.7), and the contract documents DRF answering it for any id,
    so a 200 after the DELETE is no sign the record lives on."""
    if case.operation.method.upper() == "OPTIONS":
        return None
    result: bool | None = use_after_free(ctx, response, case)
    return result


def is_negative(case: Any) -> bool:
    """Whether schemathesis generated this case to break the schema somewhere."""
    meta = case.meta
    if meta is None:
        return False
    return bool(meta.generation.mode.is_negative) or any(
        info.mode.is_negative for info in meta.components.values()
    )


def status_code_conformance_of_refusals(ctx: Any, response: Any, case: Any) -> bool | None:
    """schemathesis's `status_code_conformance`, except for a client error that refuses a
    request schemathesis made invalid on purpose: many documents (vendors' among them) declare
    only their successes, and a server that answers such a request 400, 404 or 422 does what
    it should; the document is what lacks the status. That case is noted as a warning. A
    valid request answered with an undocumented status still fails."""
    if is_negative(case) and 400 <= response.status_code < 500:
        documented = case.operation.responses.status_codes
        if "default" not in documented and not any(
            str(code).upper() in {str(response.status_code), "4XX"} for code in documented
        ):
            warnings.warn(
                ContractWarning(
                    f"not a contract rule, noted: {case.operation.label} refused invalid input "
                    f"with {response.status_code}, a status the document does not declare"
                ),
                stacklevel=1,
            )
            return None
    result: bool | None = status_code_conformance(ctx, response, case)
    return result


FILE_AWARE_CHECKS: dict[str, Any] = {
    "excluded_checks": [
        negative_data_rejection,
        content_type_conformance,
        use_after_free,
        status_code_conformance,
    ],
    "additional_checks": [
        negative_data_rejection_with_files,
        content_type_conformance_routed,
        use_after_free_but_options,
        status_code_conformance_of_refusals,
    ],
}
"""Keyword arguments for `call_and_validate`/`validate_response`: the built-in negative-data
check replaced by its file-aware form."""


def file_aware(additional_checks: list[Any] | None) -> dict[str, Any]:
    """`FILE_AWARE_CHECKS` with the caller's own additional checks kept."""
    return {
        "excluded_checks": FILE_AWARE_CHECKS["excluded_checks"],
        "additional_checks": [*(additional_checks or []), *FILE_AWARE_CHECKS["additional_checks"]],
    }

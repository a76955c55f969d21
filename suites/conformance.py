"""schemathesis, configured from the contract: its schema, per-operation checks, and an auth
provider that logs in through the contract's token endpoint and refreshes on 401, or, for a
document without one, sends the credentials each operation's security wants
(specmock_suites.credentials).

Operations whose collection declares business rules (references, unique fields, JSON files,
client ids) may refuse schema-valid data with 400 or 409; for exactly those, schemathesis's
`positive_data_acceptance` check accepts those statuses too (specmock.conformance). Every
other check keeps its defaults, with corrections: `negative_data_rejection` judges a multipart
file part as the binary string the schema declares (see `negative_data_rejection_with_files`);
on a target that checks credentials for presence and form only, `ignored_auth` asks only that a
request without credentials is refused (`ignored_auth_as_checkable`); an operation whose
credentials the run lacks is skipped with the option to give (`lacking_credentials`).
"""

from __future__ import annotations

import base64
import copy
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.core.parameters import ParameterLocation
from schemathesis.openapi.checks import AuthScenario
from schemathesis.specs.openapi._auth_retry import get_security_parameters, remove_auth, send_probe
from schemathesis.specs.openapi.checks import (
    _raise_no_auth_error,
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    status_code_conformance,
    use_after_free,
)
from schemathesis.transport.serialization import Binary

from specmock.conformance import business_rule_toml
from specmock.core.documents import RefError, resolve_ref
from specmock.core.formats import format_range
from specmock.core.pointers import escape
from specmock.suites_support import ContractModel, Operation, Security
from specmock_suites.client import ApiClient
from specmock_suites.context import ContractRef, SuiteSession
from specmock_suites.credentials import Sent, Wallet
from specmock_suites.expect import ContractWarning, warn
from specmock_suites.target import Target

TOKEN_ACTIONS = ("issueToken", "refreshToken")


GENERATION_TOML = """\
[generation]
# No NUL characters in generated strings: real stacks refuse them whatever the schema says
# (Django's forms: "Null characters are not allowed.", PostgreSQL text cannot hold them), so a
# schema-valid string holding one would be a false alarm against a correct deployment.
allow-x00 = false
"""


def schemathesis_config(document: dict[str, Any]) -> SchemathesisConfig:
    """Per-operation positive-data acceptance for the contract's business rules, and strings
    without NUL characters."""
    return SchemathesisConfig.from_str(GENERATION_TOML + "\n".join(business_rule_toml(document)))


def build_schema(contract: ContractRef, session: SuiteSession) -> Any:
    """The contract as a schemathesis schema, authenticated through its token endpoint, with
    OpenAPI links between each collection's operations for stateful sequences."""
    document = with_format_bounds(with_links(contract.model))
    schema = schemathesis.openapi.from_dict(document, config=schemathesis_config(document))
    RUNS[id(schema.raw_schema)] = AuthRun(contract, session, schema.raw_schema)
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


def with_format_bounds(document: dict[str, Any]) -> dict[str, Any]:
    """`document` (changed in place) with each numeric format's range (core/formats.py: int8
    to uint64, float) written as `minimum`/`maximum`, tighter declared bounds kept.

    A format is only an annotation to JSON Schema, so schemathesis would draw a `float` of
    1e308 or a `uint8` of -5, call the request schema-valid and report the refusal a server
    that holds the format owes it. It bounds int32 and int64 itself; these are the rest."""
    stack: list[Any] = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        bounds = format_range(node)
        if bounds is not None:
            low, high = bounds
            if not _number(node.get("minimum")) or node["minimum"] < low:
                node["minimum"] = low
            if not _number(node.get("maximum")) or node["maximum"] > high:
                node["maximum"] = high
        stack.extend(value for key, value in node.items() if key not in _LITERAL_KEYS)
    return document


# Keys whose values are data, not schemas (an example object may well say "format").
_LITERAL_KEYS = frozenset({"example", "examples", "enum", "const", "default", "x-specmock"})


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def id_pointer(model: ContractModel, id_field: str, *, listing: bool) -> str:
    """Where a record's id sits in a response body (the first item's, for a list)."""
    field = escape(id_field)
    if model.siren:
        return f"/entities/0/properties/{field}" if listing else f"/properties/{field}"
    return f"/0/{field}" if listing else f"/{field}"


@dataclass
class AuthRun:
    """How one contract's run authenticates the operations of a document without a token
    endpoint: with what the user gave, or made-up credentials on a target that checks only
    their presence and form (a specmock serving a document that declares nothing to verify
    them against)."""

    contract: ContractRef
    session: SuiteSession
    document: Any = field(repr=False)  # kept alive: its id is the key in RUNS
    _wallet: Wallet | None = field(default=None, repr=False)
    _noted: set[str] = field(default_factory=set, repr=False)

    def note(self, message: str) -> None:
        """Warn once per run with this message (each case would repeat it)."""
        if message not in self._noted:
            self._noted.add(message)
            warnings.warn(ContractWarning(message), stacklevel=2)

    @property
    def wallet(self) -> Wallet:
        """The run's credentials (the target is asked once whether it is a specmock)."""
        if self._wallet is None:
            endpoint = self.session.endpoint(self.contract)
            form_only = (not self.contract.model.verifies_credentials
                         and Target(self.contract, endpoint).has_admin)
            self._wallet = Wallet(self.session.options.headers, endpoint.credentials, form_only)
        return self._wallet

    def lacking(self, operation: Operation | None) -> str | None:
        """Why the run cannot authenticate `operation` (None: it can, or needs nothing)."""
        if operation is None or self.contract.model.token is not None:
            return None
        if self.wallet.for_operation(operation) is not None:
            return None
        wanted = " or ".join(
            " and ".join(f"{s.name} ({_where(s.kind, s.location, s.parameter)})" for s in r)
            for r in operation.requirements
        )
        return (f"{operation.label} needs credentials the run was not given: {wanted}; give "
                "--header 'Name: value' (or --username/--password for Basic)")


RUNS: dict[int, AuthRun] = {}
"""Each schema's run, by the id of its document (checks find it from the case)."""


def _where(kind: str, location: str, parameter: str) -> str:
    if kind == "apiKey":
        return f"{location} {parameter}"
    return f"Authorization: {kind}"


def run_of(case: Any) -> AuthRun | None:
    """The run a case belongs to."""
    return RUNS.get(id(case.operation.schema.raw_schema))


def operation_of(run: AuthRun, case: Any) -> Operation | None:
    """The contract model's operation of a case."""
    method, path = case.operation.method.upper(), case.operation.path
    return next((op for op in run.contract.model.operations
                 if op.method == method and op.path == path), None)


def auth_provider(contract: ContractRef, session: SuiteSession) -> type:
    """An auth provider class for schemathesis bound to one contract.

    `get` takes the run's shared tokens (specmock_suites.ledger: one login per run); asked again by
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

        def get(self, case: Any, context: Any) -> Any:
            if model.token is None:
                run = RUNS.get(id(case.operation.schema.raw_schema))
                return run.wallet if run is not None else None
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

        def set(self, case: Any, data: Any, context: Any) -> None:
            operation = by_route.get((case.operation.method.upper(), case.operation.path))
            if isinstance(data, Wallet):
                sent = data.for_operation(operation) if operation is not None else None
                if sent is not None:
                    send_credentials(case, sent)
                return
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


def send_credentials(case: Any, sent: Sent) -> None:
    """Add an operation's credentials to a case (headers, query, cookies)."""
    if sent.headers:
        case.headers = {**(case.headers or {}), **sent.headers}
    if sent.query:
        case.query = {**(case.query or {}), **sent.query}
    if sent.cookies:
        case.cookies = {**(case.cookies or {}), **sent.cookies}


def ignored_auth_as_checkable(ctx: Any, response: Any, case: Any) -> bool | None:
    """schemathesis's `ignored_auth`, except on a target that checks credentials for presence
    and form only: there a request without credentials must still be refused (401 or 403), but
    invalid credentials of a valid form cannot be told from valid ones, since the contract
    declares nothing to verify them against; that half is noted as a warning."""
    run = run_of(case)
    if run is None or run.contract.model.token is not None or not run.wallet.make_up:
        result: bool | None = ignored_auth(ctx, response, case)
        return result
    operation = operation_of(run, case)
    if (operation is None or not operation.requirements
            or any(not r for r in operation.requirements) or not 200 <= response.status_code < 300
            or not case._has_explicit_auth):
        return None
    sent = run.wallet.for_operation(operation)
    without = without_credentials(case, sent or Sent())
    probe = send_probe(ctx, case, without)
    if probe.status_code not in (401, 403):
        _raise_no_auth_error(probe, without, AuthScenario.NO_AUTH)
    run.note(
        f"not a contract rule, noted: {case.operation.label}: credentials of a valid form "
        "are accepted whatever their value; the contract declares no token issuer or "
        "users to verify them against (x-specmock.auth), so invalid ones are not probed"
    )
    return None


def without_credentials(case: Any, sent: Sent) -> Any:
    """A copy of the case without the declared security parameters and what the run sent."""
    without = remove_auth(case, get_security_parameters(case.operation))
    for container, names in ((without.headers, sent.headers), (without.query, sent.query),
                             (without.cookies, sent.cookies)):
        for name in names:
            if isinstance(container, dict):
                container.pop(name, None)
    return without


def status_code_conformance_authenticated(ctx: Any, response: Any, case: Any) -> bool | None:
    """`status_code_conformance_of_refusals`, except for the 401 (or 403) of an operation
    whose credentials the run lacks: the refusal its `security` asks for, whether or not the
    document lists the status. It is noted with the option that would give them."""
    run = run_of(case)
    if response.status_code in (401, 403) and run is not None:
        why = run.lacking(operation_of(run, case))
        if why is not None:
            run.note(f"not exercised past authentication: {why}")
            return None
    return status_code_conformance_of_refusals(ctx, response, case)


def lacking_credentials(case: Any) -> str | None:
    """Why the run cannot authenticate the case's operation (None: it can)."""
    run = run_of(case)
    return run.lacking(operation_of(run, case)) if run is not None else None


TRANSPORT_LIMITS = frozenset({413, 414, 431})
"""Refusals of a request too large to read at all (body, URL, header fields): what a server's
HTTP layer answers before any operation sees the request (nginx, Django's runserver and
specmock alike), so neither the document's statuses nor its media types apply to them."""


def refused_by_transport_limits(response: Any, case: Any) -> bool:
    """Whether the answer is a transport-limit refusal (noted as a warning when it is)."""
    if response.status_code not in TRANSPORT_LIMITS:
        return False
    warn(f"{case.operation.label} was refused {response.status_code} before the operation "
         "read it (a generated URL, header or body past the server's limits)")
    return True


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
    if is_valid_with_file_parts(case) or refused_by_transport_limits(response, case):
        return None
    try:
        result: bool | None = negative_data_rejection(ctx, response, case)
    except AcceptedNegativeData as accepted:
        unstated = unstated_refusal(case, str(accepted))
        if unstated is None:
            raise
        warn(f"{case.operation.label} accepted a request the schema does not allow "
             f"({unstated}): {accepted.message.strip()}")
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
    if _sent_empty(case, failure):
        return ("the value sent is empty text, which is also how an empty list or object is "
                "written in that parameter's style")
    spread = _SPREAD_EXTRA.search(failure)
    if spread and _is_spread_object(case, spread.group(1), spread.group(2)):
        return ("the extra properties of a form-exploded object are parameters of their own, "
                "which no server can tell from other parameters it ignores")
    if negative == {ParameterLocation.PATH} and not ext.get("collection"):
        return "the path names no record of a collection, so no 404 is a rule for it"
    if negative - {ParameterLocation.PATH} and not documented & {"400", "422"}:
        return "the operation documents no 400 for invalid input"
    return None


_SPREAD_EXTRA = re.compile(
    r"parameter `([^`]+)` in (query|cookie) - violates `additionalProperties`")


# "parameter `size` in header - violates `enum` at /properties/X-Paper/properties/size": the
# parameter is X-Paper (`size` is its property); without "at", the backticked name is it.
_NEGATIVE_PARAMETER = re.compile(
    r"parameter `([^`]+)` in (header|query|cookie|path)[^\n]*?(?: at /properties/([^/\s]+)\S*)?$",
    re.MULTILINE)


def _sent_empty(case: Any, failure: str) -> bool:
    """Whether every parameter the failure names as invalid went out as empty text, where it
    is an array or object (its empty form is the same text)."""
    named = [(outer or name, location)
             for name, location, outer in _NEGATIVE_PARAMETER.findall(failure)]
    if not named:
        return False
    sent = {"header": case.headers, "query": case.query, "cookie": case.cookies,
            "path": case.path_parameters}
    for name, location in named:
        values = sent[location] or {}
        value = next((v for k, v in values.items() if k.lower() == name.lower()), None)
        if value != "" or not _structured(case, name, location):  # sent, and empty
            return False
    return True


def _structured(case: Any, name: str, location: str) -> bool:
    document = getattr(case.operation.schema, "raw_schema", None) or {}
    for raw in case.operation.definition.raw.get("parameters", []):
        declared = _resolved(document, raw)
        if declared.get("name") == name and declared.get("in") == location:
            schema = _resolved(document, declared.get("schema") or {})
            return schema.get("type") in ("array", "object") or "properties" in schema
    return False


def _is_spread_object(case: Any, name: str, location: str) -> bool:
    """Whether the operation declares `name` in `location` as a form-style exploded object
    (its properties sent as parameters of their own)."""
    document = getattr(case.operation.schema, "raw_schema", None) or {}
    for raw in case.operation.definition.raw.get("parameters", []):
        declared = _resolved(document, raw)
        if declared.get("name") != name or declared.get("in") != location:
            continue
        schema = _resolved(document, declared.get("schema") or {})
        style = declared.get("style", "form")
        return bool(style == "form" and declared.get("explode", True)
                    and (schema.get("type") == "object" or "properties" in schema))
    return False


def _resolved(document: dict[str, Any], node: Any) -> dict[str, Any]:
    """A local `$ref` followed; {} where it names nothing."""
    try:
        found = resolve_ref(document, node)
    except RefError:
        return {}
    return found if isinstance(found, dict) else {}


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
    ids that name no record. That case is noted as a warning, as is a transport-limit refusal
    (TRANSPORT_LIMITS), whose body is the HTTP layer's, not the operation's."""
    if refused_by_transport_limits(response, case):
        return None
    if response.status_code == 404 and "{" in case.operation.path:
        received = response.headers.get("content-type", [""])
        received = received[0] if isinstance(received, list) else received
        if "json" not in str(received):
            warn(f"{case.operation.label} answered a path that names no route 404 as "
                 f"{received}")
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
    valid request answered with an undocumented status still fails, but for a transport-limit
    refusal (TRANSPORT_LIMITS), which no document's statuses describe."""
    if refused_by_transport_limits(response, case):
        return None
    if is_negative(case) and 400 <= response.status_code < 500:
        documented = case.operation.responses.status_codes
        if "default" not in documented and not any(
            str(code).upper() in {str(response.status_code), "4XX"} for code in documented
        ):
            warn(f"{case.operation.label} refused invalid input with {response.status_code}, "
                 "a status the document does not declare")
            return None
    result: bool | None = status_code_conformance(ctx, response, case)
    return result


FILE_AWARE_CHECKS: dict[str, Any] = {
    "excluded_checks": [
        negative_data_rejection,
        content_type_conformance,
        use_after_free,
        ignored_auth,
        status_code_conformance,
    ],
    "additional_checks": [
        negative_data_rejection_with_files,
        content_type_conformance_routed,
        use_after_free_but_options,
        ignored_auth_as_checkable,
        status_code_conformance_authenticated,
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

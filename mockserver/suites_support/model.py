"""What a contract says that the suites need, read generically from the document.

Nothing here names an API: the token endpoint is the operation whose `x-specmock.action` is
`issueToken`, protected operations are those whose `security` names an HTTP bearer scheme,
collections and what each operation does come from the contract layer's declarations model
(mockserver/contract/declarations.py: declared, or inferred from a plain document's resource
paths), the one the engine compiles from, and so on (docs/extensions.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from specmock.contract.declarations import (
    CollectionSpec,
    Declarations,
    JsonFileRule,
    read_declarations,
)
from specmock.core.styles import DEFAULT_STYLE, default_explode, serialise_pairs, serialise_text
from specmock.suites_support.schemas import find_placeholder, resolve_refs
from specmock.suites_support.security import Requirement, read_requirements

__all__ = [  # CollectionSpec and JsonFileRule are the contract layer's, re-exported
    "CollectionSpec", "ContractModel", "DatasetSpec", "JsonFileRule", "Operation",
    "PaginationSpec", "Parameter", "RefreshEndpoint", "Security", "TokenBudget",
    "TokenEndpoint", "User",
]

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_PARAMETER = re.compile(r"\{([^{}/]+)\}")


class Security(Enum):
    """How an operation authenticates, as far as the suites care."""

    NONE = "none"
    BEARER = "bearer"
    BASIC = "basic"
    OTHER = "other"


@dataclass(frozen=True)
class Parameter:
    """An operation parameter with its schema resolved."""

    name: str
    location: str
    required: bool
    schema: Mapping[str, Any]
    example: Any = None
    style: str = ""  # as declared ('' for the location's default)
    explode: bool | None = None  # as declared (None for the style's default)

    def _how(self) -> tuple[str, bool]:
        style = self.style or DEFAULT_STYLE.get(self.location, "form")
        return style, default_explode(style) if self.explode is None else self.explode

    def text(self, value: Any) -> str:
        """`value` as the text a path or header carries in this parameter's style."""
        return serialise_text(self.name, value, *self._how())

    def pairs(self, value: Any) -> list[tuple[str, str]]:
        """`value` as the query (name, text) pairs this parameter's style sends."""
        return serialise_pairs(self.name, value, *self._how())


@dataclass(frozen=True)
class Operation:
    """One operation: method, path template, `x-specmock`, parameters, bodies and responses."""

    method: str
    path: str
    operation_id: str
    ext: Mapping[str, Any]
    parameters: tuple[Parameter, ...]
    bodies: Mapping[str, Mapping[str, Any]] = field(repr=False)
    body_examples: Mapping[str, Any] = field(repr=False)
    responses: Mapping[str, Mapping[str, Any]] = field(repr=False)
    security: Security
    security_schemes: tuple[str, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    """The effective `security` alternatives, each scheme with where its credential goes."""

    @property
    def label(self) -> str:
        """`GET /path/{id}`."""
        return f"{self.method} {self.path}"

    @property
    def action(self) -> str:
        """The `x-specmock` action (`static` when none is declared)."""
        return str(self.ext.get("action", "static"))

    @property
    def collection(self) -> str | None:
        """The collection the action works on, if any."""
        value = self.ext.get("collection")
        return str(value) if value is not None else None

    @property
    def path_params(self) -> list[str]:
        """Names of the path template's parameters, in order."""
        return _PARAMETER.findall(self.path)

    @property
    def protected(self) -> bool:
        """Whether a bearer token is required."""
        return self.security is Security.BEARER

    @property
    def paginated(self) -> bool:
        """Whether this is a list paginated by the root `x-specmock.pagination`."""
        return self.action == "list" and bool(self.ext.get("paginate"))

    @property
    def success_status(self) -> int | None:
        """The first 2xx status the operation documents."""
        codes = sorted(int(s) for s in self.responses if s.isdigit() and s.startswith("2"))
        return codes[0] if codes else None

    def documents(self, status: int) -> bool:
        """Whether the contract lists this status (or its `4XX`-style range) for the operation."""
        return str(status) in self.responses or f"{str(status)[0]}XX" in self.responses

    def response_headers(self, status: int) -> Mapping[str, Any]:
        """The headers the contract declares for a status, by lower-case name."""
        response = self.responses.get(str(status), {})
        return {k.lower(): v for k, v in (response.get("headers") or {}).items()}

    def response_media_types(self, status: int) -> tuple[str, ...]:
        """The media types the contract declares for a status."""
        return tuple((self.responses.get(str(status), {}).get("content") or {}).keys())

    def parameter(self, name: str, location: str | None = None) -> Parameter | None:
        """A parameter by name (and location)."""
        for parameter in self.parameters:
            if parameter.name == name and location in (None, parameter.location):
                return parameter
        return None

    def body_media_type(self) -> str | None:
        """The first request media type the operation declares."""
        return next(iter(self.bodies), None)

    def matches(self, method: str, path: str) -> bool:
        """Whether `method path` (a concrete path) is this operation."""
        return (
            method.upper() == self.method and _template_regex(self.path).fullmatch(path) is not None
        )

    def fill(self, values: Mapping[str, Any]) -> str:
        """The path with its parameters filled (values percent-encoded)."""
        from urllib.parse import quote

        path = self.path
        for name in self.path_params:
            value, declared = values[name], self.parameter(name, "path")
            styled = declared is not None and (
                declared.style in ("label", "matrix") or isinstance(value, list | dict))
            text = declared.text(value) if declared is not None else str(value)
            # A style's own delimiters stay as they are; everything else is encoded.
            path = path.replace("{" + name + "}", quote(text, safe=",;=" if styled else ""))
        return path


@dataclass(frozen=True)
class TokenEndpoint:
    """The `issueToken` operation: how credentials go in and where the tokens come out."""

    operation: Operation
    credentials: str | Mapping[str, str]
    access_pointer: str
    refresh_pointer: str | None

    @property
    def basic(self) -> bool:
        """Whether credentials are sent as HTTP Basic."""
        return self.credentials == "basic"


@dataclass(frozen=True)
class RefreshEndpoint:
    """The `refreshToken` operation."""

    operation: Operation
    refresh_from: str
    access_pointer: str


@dataclass(frozen=True)
class DatasetSpec:
    """Data-set ids of paginated lists: the query parameter, lifetime and response property."""

    param: str
    ttl: float
    property: str


@dataclass(frozen=True)
class PaginationSpec:
    """The root `x-specmock.pagination`."""

    limit_param: str
    limit_min: int
    limit_max: int
    limit_default: int
    offset_param: str
    offset_unit: str
    dataset: DatasetSpec | None = None

    @classmethod
    def from_extension(cls, spec: Mapping[str, Any]) -> PaginationSpec:
        """Read the root `x-specmock.pagination` object."""
        limit, offset = spec.get("limit") or {}, spec.get("offset") or {}
        dataset = spec.get("dataset")
        return cls(
            limit_param=str(limit.get("param", "limit")),
            limit_min=int(limit.get("minimum", 1)),
            limit_max=int(limit.get("maximum", 1000)),
            limit_default=int(limit.get("default", 100)),
            offset_param=str(offset.get("param", "offset")),
            offset_unit=str(offset.get("unit", "records")),
            dataset=DatasetSpec(
                str(dataset.get("param", "datasetid")),
                float(dataset.get("ttl", 300)),
                str(dataset.get("property", dataset.get("param", "datasetid"))),
            )
            if isinstance(dataset, Mapping)
            else None,
        )

    def start(self, limit: int, offset: int) -> int:
        """Index of the first record of the page `limit`/`offset` names."""
        return offset * limit if self.offset_unit == "pages" else offset

    def offset_of_page(self, page: int, limit: int) -> int:
        """The offset value that names page number `page` (from 0) of size `limit`."""
        return page if self.offset_unit == "pages" else page * limit


@dataclass(frozen=True)
class TokenBudget:
    """How many token requests (obtain and refresh together) the contract's throttle allows a
    client per window: the tightest `x-specmock.throttle` scope that applies to them."""

    requests: int
    scope: str
    rate: str

    @property
    def source(self) -> str:
        """Where the budget comes from, for messages."""
        return f"x-specmock.throttle scope {self.scope} {self.rate}"


@dataclass(frozen=True)
class User:
    """Seed credentials the contract declares for its mock."""

    username: str
    password: str


@dataclass(frozen=True)
class ContractModel:
    """Everything the suites read from one contract."""

    title: str
    document: Mapping[str, Any] = field(repr=False)
    operations: tuple[Operation, ...] = field(repr=False)
    collections: Mapping[str, CollectionSpec]
    representation: str = "plain"
    pagination: PaginationSpec | None = None
    token: TokenEndpoint | None = None
    refresh: RefreshEndpoint | None = None
    users: tuple[User, ...] = ()
    access_ttl: float | None = None
    refresh_ttl: float | None = None
    token_budget: TokenBudget | None = None

    @classmethod
    def load(cls, path: str | Path) -> ContractModel:
        """Load a contract (directory with openapi.yaml, or the file) and read it."""
        from specmock.contract import load_contract

        loaded = load_contract(Path(path))
        if not loaded.loaded:
            raise ValueError(f"cannot read the contract {path}: {loaded.diagnostics}")
        return cls.from_document(loaded.document)

    @classmethod
    def from_document(cls, document: Mapping[str, Any], *, infer: bool = True) -> ContractModel:
        """Read a bundled OpenAPI document (with `infer`, collections inferred from a plain
        document's resource paths too, as the mock serves it without `--stateless`)."""
        root = document.get("x-specmock") or {}
        declarations = read_declarations(document, infer=infer)
        operations = tuple(_read_operations(document, declarations))
        auth = root.get("auth") or {}
        return cls(
            title=str((document.get("info") or {}).get("title", "")),
            document=document,
            operations=operations,
            collections=declarations.collections,
            representation=str(root.get("representation", "plain")),
            pagination=PaginationSpec.from_extension(root["pagination"])
            if isinstance(root.get("pagination"), Mapping)
            else None,
            token=_token_endpoint(operations),
            refresh=_refresh_endpoint(operations),
            users=tuple(
                User(str(u["username"]), str(u["password"])) for u in auth.get("users") or ()
            ),
            access_ttl=float(auth["accessTtl"]) if "accessTtl" in auth else None,
            refresh_ttl=float(auth["refreshTtl"]) if "refreshTtl" in auth else None,
            token_budget=_token_budget(root.get("throttle"), operations),
        )

    @property
    def verifies_credentials(self) -> bool:
        """Whether the contract declares what credentials are checked against (a token
        endpoint or users); without, a specmock checks credentials for presence and form."""
        return self.token is not None or bool(self.users)

    @property
    def siren(self) -> bool:
        """Whether every resource and error is a Siren entity."""
        return self.representation == "siren"

    def protected_operations(self) -> list[Operation]:
        """Operations that need a bearer token."""
        return [op for op in self.operations if op.protected]

    def by_action(self, action: str, collection: str | None = None) -> list[Operation]:
        """Operations with this `x-specmock` action (on this collection)."""
        return [
            op
            for op in self.operations
            if op.action == action and (collection is None or op.collection == collection)
        ]

    def crud(self, collection: str, action: str) -> Operation | None:
        """The plain CRUD operation of a collection: `list` without scope or path parameters,
        `read`/`update`/`replace`/`delete` addressing the record by one path parameter."""
        for op in self.by_action(action, collection):
            if action in ("list", "create") and not op.path_params and not op.ext.get("scope"):
                return op
            if (
                action not in ("list", "create")
                and len(op.path_params) == 1
                and "key" not in op.ext
            ):
                return op
        return None

    def paginated_lists(self) -> list[Operation]:
        """List operations paginated by the root `x-specmock.pagination`."""
        return [op for op in self.operations if op.paginated] if self.pagination else []

    def writable_collections(self) -> list[str]:
        """Collections that have a create operation and a read operation."""
        return [
            name
            for name in self.collections
            if self.crud(name, "create") is not None and self.crud(name, "read") is not None
        ]

    def operation_for(self, method: str, path: str) -> Operation | None:
        """The operation a concrete `method path` is (literal templates win)."""
        found = [op for op in self.operations if op.matches(method, path)]
        found.sort(key=lambda op: len(op.path_params))
        return found[0] if found else None

    def operations_at(self, path: str) -> list[Operation]:
        """Every operation whose template matches a concrete path, any method."""
        return [op for op in self.operations if _template_regex(op.path).fullmatch(path)]


def _template_regex(template: str) -> re.Pattern[str]:
    pattern = "".join(
        "[^/]+" if part.startswith("{") else re.escape(part)
        for part in re.split(r"(\{[^{}/]+\})", template)
    )
    return re.compile(pattern)


def _read_operations(
    document: Mapping[str, Any], declarations: Declarations
) -> Iterator[Operation]:
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    default_security = document.get("security")
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        shared = item.get("parameters") or []
        for method in HTTP_METHODS:
            raw = item.get(method)
            if isinstance(raw, dict):
                yield _operation(document, path, method, raw, shared, schemes, default_security,
                                 declarations.of(path, method))


def _operation(
    document: Mapping[str, Any],
    path: str,
    method: str,
    raw: Mapping[str, Any],
    shared: list[Any],
    schemes: Mapping[str, Any],
    default_security: Any,
    ext: Mapping[str, Any],
) -> Operation:
    parameters = _parameters(document, [*shared, *(raw.get("parameters") or [])])
    body = resolve_refs(document, raw.get("requestBody") or {})
    content = body.get("content") or {}
    security = raw.get("security", default_security) or []
    kind, names = _security(security, schemes)
    return Operation(
        method=method.upper(),
        path=path,
        operation_id=str(raw.get("operationId", f"{method} {path}")),
        ext=ext,
        parameters=parameters,
        bodies={m: c.get("schema") or {} for m, c in content.items()},
        body_examples={m: e for m, c in content.items() if (e := _first_example(c)) is not None},
        responses=resolve_refs(document, raw.get("responses") or {}),
        security=kind,
        security_schemes=names,
        requirements=read_requirements(security, schemes),
    )


def _parameters(document: Mapping[str, Any], raw: list[Any]) -> tuple[Parameter, ...]:
    by_key: dict[tuple[str, str], Parameter] = {}
    for node in raw:
        p = resolve_refs(document, node)
        if isinstance(p, dict) and "name" in p:
            example = p.get("example", (p.get("schema") or {}).get("example"))
            by_key[(p["name"], p.get("in", "query"))] = Parameter(
                p["name"],
                p.get("in", "query"),
                bool(p.get("required")),
                p.get("schema") or {},
                example,
                str(p.get("style", "")),
                p["explode"] if isinstance(p.get("explode"), bool) else None,
            )
    return tuple(by_key.values())


def _security(
    requirements: list[Any], schemes: Mapping[str, Any]
) -> tuple[Security, tuple[str, ...]]:
    names = tuple(n for req in requirements if isinstance(req, dict) for n in req)
    if not names or any(req == {} for req in requirements):
        return Security.NONE, names
    kinds = {
        str(schemes.get(n, {}).get("scheme", "")).lower()
        for n in names
        if schemes.get(n, {}).get("type") == "http"
    }
    if "bearer" in kinds:
        return Security.BEARER, names
    if kinds == {"basic"}:
        return Security.BASIC, names
    return Security.OTHER, names


def _first_example(media: Mapping[str, Any]) -> Any:
    if "example" in media:
        return media["example"]
    for example in (media.get("examples") or {}).values():
        if isinstance(example, dict) and "value" in example:
            return example["value"]
    return (media.get("schema") or {}).get("example")


def _token_endpoint(operations: tuple[Operation, ...]) -> TokenEndpoint | None:
    for op in operations:
        if op.action == "issueToken":
            respond = op.ext.get("respond") or {}
            access = find_placeholder(respond, "{access}")
            if access is None:
                continue
            return TokenEndpoint(
                op,
                op.ext.get("credentials", "basic"),
                access,
                find_placeholder(respond, "{refresh}"),
            )
    return None


def _refresh_endpoint(operations: tuple[Operation, ...]) -> RefreshEndpoint | None:
    for op in operations:
        if op.action == "refreshToken":
            access = find_placeholder(op.ext.get("respond") or {}, "{access}")
            if access is not None:
                return RefreshEndpoint(op, str(op.ext.get("refreshFrom", "/refresh")), access)
    return None


def _token_budget(throttle: Any, operations: tuple[Operation, ...]) -> TokenBudget | None:
    """The tightest throttle scope that counts requests to the token endpoints (anonymous POSTs
    unless they need credentials of their own), or None when none applies."""
    scopes = throttle.get("scopes") if isinstance(throttle, Mapping) else None
    token_ops = [op for op in operations if op.action in ("issueToken", "refreshToken")]
    if not isinstance(scopes, Mapping) or not token_ops:
        return None
    methods = {op.method for op in token_ops}
    anonymous = all(op.security in (Security.NONE, Security.BASIC) for op in token_ops)
    found: TokenBudget | None = None
    for name, scope in scopes.items():
        if not isinstance(scope, Mapping) or not isinstance(scope.get("rate"), str):
            continue
        who = scope.get("who", "everyone")
        applies_to_methods = not scope.get("methods") or methods & set(scope["methods"])
        if (who == "authenticated" and anonymous) or not applies_to_methods:
            continue
        count_text = str(scope["rate"]).partition("/")[0]
        if not count_text.isdigit():
            continue
        if found is None or int(count_text) < found.requests:
            found = TokenBudget(int(count_text), str(name), str(scope["rate"]))
    return found

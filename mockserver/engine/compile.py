"""Compiling a bundled contract into operations, once, at start-up.

For every path and method this prepares the request validator, the static responder, the
security requirements and the behaviour handler the operation's `x-specmock` declares, so that
handling a request does no contract work at all.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from specmock.behaviours.callbacks import Callbacks, compile_callbacks
from specmock.behaviours.collections import (
    CollectionContext,
    CreateRecord,
    DeleteRecord,
    ListRecords,
    ReadRecord,
    ReplaceRecord,
    UpdateRecord,
)
from specmock.behaviours.credentials import UserDirectory
from specmock.behaviours.datasets import DataSetCache
from specmock.behaviours.documents import Document
from specmock.behaviours.outcomes import BodyOutcome, Call, Outcome
from specmock.behaviours.pagination import PaginationSpec
from specmock.behaviours.partition import Partition
from specmock.behaviours.paths import ResourcePaths
from specmock.behaviours.prefer import Preference, preference_of
from specmock.behaviours.representation import (
    PlainRepresentation,
    Representation,
    SirenAction,
    SirenRepresentation,
)
from specmock.behaviours.search import Search
from specmock.behaviours.seed import SAMPLE_SIZE, estimated_bytes
from specmock.behaviours.state import CollectionSpec, State
from specmock.behaviours.static import StaticResponder
from specmock.behaviours.throttle import Throttle
from specmock.behaviours.tokens import TokenService, TokenSettings
from specmock.behaviours.tokens_actions import IssueToken, RefreshToken
from specmock.contract.declarations import Declarations, read_declarations
from specmock.core.clock import Clock
from specmock.core.exchange import Request
from specmock.core.memory import available_bytes, human
from specmock.core.pointers import escape
from specmock.core.problems import ApiError
from specmock.core.templates import render_template
from specmock.engine.errors import ErrorRenderer
from specmock.engine.inferred import as_documented, documented_not_found, server_made
from specmock.engine.options import EngineOptions
from specmock.engine.routing import Router
from specmock.engine.schemas_util import record_properties, resolve_ref
from specmock.engine.security import (
    Authenticator,
    Requirement,
    digest_nonce,
    requirements_of,
)
from specmock.engine.unservable import (
    UnservableHandler,
    UnservableValidator,
    described,
    no_operation,
)
from specmock.engine.validation import RequestValidator

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
Handler = Callable[[Call], Outcome]


@dataclass(frozen=True)
class Operation:
    """One compiled operation."""

    method: str
    template: str
    operation_id: str
    spec: dict[str, Any]
    requirements: tuple[Requirement, ...]
    validator: RequestValidator
    static: StaticResponder
    handler: Handler
    media_types: dict[str, str | None]
    contents: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    """Per response key (`200`, `2XX`, `default`): each declared media type's object, in
    contract order (refs followed), for negotiation and for the schema that shapes XML."""

    def content_for(self, status: int) -> dict[str, dict[str, Any]]:
        """The media types declared for a status (then its range, then default); {} if none."""
        for key in (str(status), f"{str(status)[0]}XX", "default"):
            if key in self.contents:
                return self.contents[key]
        return {}
    not_found: Callable[[Request], Outcome] | None = None
    """The operation's own 404 for a path that names no record (inferred collections)."""
    callbacks: Callbacks | None = None
    """The OpenAPI `callbacks` a successful answer sends (None: it declares none)."""

    def media_type_for(self, status: int) -> str | None:
        """The media type the contract declares for a status (then its range, then default)."""
        for key in (str(status), f"{str(status)[0]}XX", "default"):
            if key in self.media_types:
                return self.media_types[key]
        return "application/json"


@dataclass(frozen=True)
class StaticHandler:
    """`static`: the contract's example or schema-generated data, chosen Prism-style."""

    responder: StaticResponder

    def __call__(self, call: Call) -> Outcome:
        preference = preference_of(call.request)
        answer = self.responder.answer(preference, accept=call.request.header("accept") or "*/*")
        return BodyOutcome(
            answer.body, answer.status, answer.media_type, tuple(answer.headers.items())
        )


@dataclass
class CompiledContract:
    """Everything the pipeline needs, ready before the first request."""

    title: str
    routes: dict[str, dict[str, Operation]]
    router: Router
    errors: ErrorRenderer
    representation: Representation
    authenticator: Authenticator
    state: State
    tokens: TokenService | None
    datasets: DataSetCache | None
    document_requirements: tuple[Requirement, ...] = ()
    """The document's own `security`: what reading an upload needs when the admin API is
    protected."""
    throttle: Throttle | None = None
    redirect: dict[str, Any] | None = None  # root `trailingSlashRedirect`
    allow_header: str = "on405"  # root `allowHeader`: on405 | every
    compile_failures: dict[tuple[str, str], str] = field(default_factory=dict)
    """(template, METHOD): why compiling that operation failed (it answers 500 saying so)."""
    declarations: Declarations = field(default_factory=lambda: Declarations({}))
    """The collections and per-operation declarations (declared or inferred) it was built
    from."""


def iter_operations(
    document: dict[str, Any],
) -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """(template, METHOD, operation, path item) for every operation of the document."""
    for template, path_item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            if isinstance(path_item.get(method), dict):
                yield template, method.upper(), path_item[method], path_item


def compile_contract(
    document: dict[str, Any], options: EngineOptions, clock: Clock,
    unservable: Mapping[tuple[str, str], str] | None = None,
) -> CompiledContract:
    """Prepare a bundled contract for serving. The operations `unservable` names (template,
    METHOD: the problem), and any whose compiling fails, answer 500 naming their problem."""
    root = document.get("x-specmock", {})
    declarations = read_declarations(document, infer=not options.stateless)
    specs = declarations.collections
    state = State(_scaled(specs, options.seed_scale), seed=options.seed,
                  max_file_bytes=options.max_file_store_bytes)
    tokens, users = _auth(root.get("auth"), options, clock)
    paths = _resource_paths(document, declarations)
    pagination = pagination_spec(root, options)
    datasets = _datasets(pagination, clock, options.seed)
    builder = _HandlerBuilder(
        document, options, state, paths, tokens, users, pagination, datasets, clock,
        declarations,
    )
    routes: dict[str, dict[str, Operation]] = {}
    failed: dict[tuple[str, str], str] = {}
    for template, method, operation, path_item in iter_operations(document):
        routes.setdefault(template, {})[method] = builder.lenient_operation(
            template, method, operation, path_item, dict(unservable or {}), failed
        )
    return CompiledContract(
        title=str(document.get("info", {}).get("title", "")),
        routes=routes,
        router=Router(routes, root.get("trailingSlash", "strict")),
        errors=ErrorRenderer(root.get("errors")),
        representation=_representation(root, document, declarations, paths),
        authenticator=Authenticator(tokens, users, digest_nonce(options.seed)),
        state=state,
        tokens=tokens,
        datasets=datasets,
        document_requirements=requirements_of({}, document),
        throttle=Throttle.from_contract(root.get("throttle"), clock, options.throttle),
        redirect=root.get("trailingSlashRedirect"),
        allow_header=str(root.get("allowHeader", "on405")),
        compile_failures=failed,
        declarations=declarations,
    )


class SeedScaleError(ValueError):
    """A --seed-scale names a collection the contract lacks, or one without a generator.

    Seen by: the CLI, which prints it as one line."""


def _scaled(specs: dict[str, CollectionSpec], scale: dict[str, int]) -> dict[str, CollectionSpec]:
    """The collection specs with their generators' counts replaced as asked."""
    out = dict(specs)
    for name, count in scale.items():
        spec = specs.get(name)
        if spec is None:
            known = ", ".join(sorted(specs))
            raise SeedScaleError(
                f"--seed-scale {name}={count}: no collection {name!r} (known: {known})"
            )
        generate = (spec.seed or {}).get("generate")
        if not generate:
            raise SeedScaleError(
                f"--seed-scale {name}={count}: collection {name!r} declares no seed "
                f"generator (x-specmock.collections.{name}.seed.generate)"
            )
        out[name] = replace(
            spec, seed={**(spec.seed or {}), "generate": {**generate, "count": count}}
        )
        _refuse_what_will_not_fit(name, count, out[name].seed or {}, available_bytes())
    return out


def _refuse_what_will_not_fit(name: str, count: int, seed: dict[str, Any],
                              available: int | None) -> None:
    """Refuse a scale whose estimated records exceed the memory the machine has now."""
    needed = estimated_bytes(seed, count)
    if available is not None and needed > available:
        raise SeedScaleError(
            f"--seed-scale {name}={count}: the records would take about {human(needed)} "
            f"(estimated from {min(count, SAMPLE_SIZE)} generated), but only "
            f"{human(available)} of memory is available; ask for at most "
            f"{count * available // needed:,} records")


def pagination_spec(root: dict[str, Any], options: EngineOptions) -> PaginationSpec:
    """The contract's pagination with the instance's overrides (offset unit, data-set TTL)."""
    spec = PaginationSpec.from_contract(root.get("pagination"))
    if options.offset_unit:
        spec = replace(spec, offset_unit=options.offset_unit)
    if options.dataset_ttl:
        spec = replace(spec, dataset_ttl=options.dataset_ttl)
    return spec


def _datasets(spec: PaginationSpec, clock: Clock, seed: int) -> DataSetCache | None:
    if not spec.datasets:
        return None
    return DataSetCache(
        clock,
        spec.dataset_ttl,
        spec.dataset_max_sets,
        spec.dataset_max_bytes,
        rng=random.Random(f"datasets:{seed}"),
    )


def _auth(
    auth: dict[str, Any] | None, options: EngineOptions, clock: Clock
) -> tuple[TokenService | None, UserDirectory | None]:
    if not auth:
        return None, None
    settings = TokenSettings(
        access_ttl=options.token_ttl or auth.get("accessTtl", 3600),
        refresh_ttl=options.refresh_ttl or auth.get("refreshTtl", 86400),
        user_id_claim=auth.get("userIdClaim", "user_id"),
        token_type_claim=auth.get("tokenTypeClaim", "token_type"),
    )
    tokens = TokenService(settings, clock, secret=options.secret, rng=random.Random(options.seed))
    return tokens, UserDirectory.from_config(auth["users"])


def _last_param(template: str) -> str | None:
    start = template.rfind("{")
    return template[start + 1 : template.index("}", start)] if start >= 0 else None


def _resource_paths(document: dict[str, Any], declarations: Declarations) -> ResourcePaths:
    paths = ResourcePaths()
    for template, method, _operation, _item in iter_operations(document):
        ext = declarations.of(template, method)
        collection, action = ext.get("collection"), ext.get("action")
        if not collection:
            continue
        if action == "read" and "key" not in ext and "select" not in ext:
            param = _last_param(template)
            if param:
                paths.add_detail(collection, template, param)
        elif action in ("list", "create") and "scope" not in ext:
            paths.add_list(collection, template)
    return paths


def _representation(
    root: dict[str, Any],
    document: dict[str, Any],
    declarations: Declarations,
    paths: ResourcePaths,
) -> Representation:
    specs = declarations.collections
    if root.get("representation", "plain") != "siren":
        return PlainRepresentation(specs, _envelopes(document, declarations, paths))
    pagination = PaginationSpec.from_contract(root.get("pagination"))  # parameter names only
    record_actions: dict[str, list[SirenAction]] = {}
    list_actions: dict[str, list[SirenAction]] = {}
    for template, method, operation, _item in iter_operations(document):
        collection = declarations.of(template, method).get("collection")
        if not collection or method == "GET":
            continue
        if template == paths.detail_template(collection):
            record_actions.setdefault(collection, []).append(
                _siren_action(method, operation, document)
            )
        elif template == paths.listing(collection):
            list_actions.setdefault(collection, []).append(
                _siren_action(method, operation, document)
            )
    return SirenRepresentation(
        specs,
        paths,
        record_actions,
        list_actions,
        limit_param=pagination.limit_param,
        offset_param=pagination.offset_param,
        dataset_param=pagination.dataset_param,
        dataset_property=pagination.dataset_property,
    )


def _envelopes(
    document: dict[str, Any], declarations: Declarations, paths: ResourcePaths
) -> dict[str, dict[str, Any]]:
    """The rest of each enveloped list answer: its list operation's static answer."""
    out: dict[str, dict[str, Any]] = {}
    for name, spec in declarations.collections.items():
        template = paths.listing(name)
        operation = document.get("paths", {}).get(template or "", {}).get("get")
        if spec.envelope is None or not isinstance(operation, dict):
            continue
        try:
            body = StaticResponder(operation, document).answer(Preference()).body
        except ApiError:  # no answer documented: the records alone, in their member
            body = {}
        out[name] = dict(body) if isinstance(body, dict) else {}
    return out


_FIELD_TYPES = {"integer": "number", "number": "number", "boolean": "checkbox"}


def _siren_action(method: str, operation: dict[str, Any], document: dict[str, Any]) -> SirenAction:
    content = resolve_ref(document, operation.get("requestBody", {})).get("content", {})
    media_type = next(iter(content), None)
    fields: tuple[tuple[str, str], ...] = ()
    if media_type:
        properties = record_properties(document, content[media_type].get("schema", {}), siren=False)
        fields = tuple(
            (name, _field_type(resolve_ref(document, schema)))
            for name, schema in properties.items()
        )
    name = operation.get("operationId") or f"{method.lower()}"
    return SirenAction(name=name, method=method, media_type=media_type, fields=fields)


def _field_type(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    kind = next((t for t in kind if t != "null"), "string") if isinstance(kind, list) else kind
    fmt = str(schema.get("format", ""))
    if fmt in ("date", "date-time", "email"):
        return "datetime-local" if fmt == "date-time" else fmt
    return _FIELD_TYPES.get(str(kind), "text")


class _HandlerBuilder:
    """Builds each operation's handler from its `x-specmock` declaration."""

    def __init__(
        self,
        document: dict[str, Any],
        options: EngineOptions,
        state: State,
        paths: ResourcePaths,
        tokens: TokenService | None,
        users: UserDirectory | None,
        pagination: PaginationSpec,
        datasets: DataSetCache | None,
        clock: Clock | None = None,
        declarations: Declarations | None = None,
    ) -> None:
        self.document, self.options, self.state, self.paths = document, options, state, paths
        self.declarations = declarations or read_declarations(document, infer=False)
        self.tokens, self.users = tokens, users
        self.pagination, self.datasets = pagination, datasets
        self.root = document.get("x-specmock", {})
        self.clock = clock
        self.siren = self.root.get("representation") == "siren"

    def lenient_operation(
        self, template: str, method: str, operation: dict[str, Any], path_item: dict[str, Any],
        unservable: dict[tuple[str, str], str], failed: dict[tuple[str, str], str],
    ) -> Operation:
        """The compiled operation, or one answering 500 when a problem (given, or met while
        compiling it, then added to `failed`) leaves it unservable."""
        problem = unservable.get((template, method))
        if problem is None:
            try:
                return self.operation(template, method, operation, path_item)
            except Exception as exc:  # one broken operation must not stop the others
                failed[(template, method)] = described(exc)
                problem = f"/paths/{escape(template)}/{method.lower()}: {described(exc)}"
        return Operation(
            method=method, template=template,
            operation_id=str(operation.get("operationId", f"{method} {template}")),
            spec=operation, requirements=(), validator=UnservableValidator(problem),
            static=StaticResponder(no_operation(), self.document, seed=self.options.seed),
            handler=UnservableHandler(problem), media_types={},
        )

    def operation(
        self, template: str, method: str, operation: dict[str, Any], path_item: dict[str, Any]
    ) -> Operation:
        static = StaticResponder(operation, self.document, seed=self.options.seed)
        ext = self.declarations.of(template, method) or {"action": "static"}
        return Operation(
            method=method,
            template=template,
            operation_id=str(operation.get("operationId", f"{method} {template}")),
            spec=operation,
            requirements=requirements_of(operation, self.document),
            validator=RequestValidator(
                operation,
                path_item,
                self.document,
                self.document.get("x-specmock", {}).get("errors", {}).get("messages"),
            ),
            static=static,
            handler=self._answering_as_documented(
                _own_errors(
                    self._handler(template, ext, operation, static), ext.get("errors"),
                    operation,
                ),
                ext, static, operation,
            ),
            media_types=self._media_types(operation),
            contents=self._contents(operation),
            not_found=self._documented_not_found(ext, static, operation),
            callbacks=compile_callbacks(operation, self.document, self.options.seed),
        )

    def _contents(self, operation: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for status, response in operation.get("responses", {}).items():
            content = resolve_ref(self.document, response).get("content", {})
            if isinstance(content, dict):
                out[str(status)] = {
                    str(key): media if isinstance(media := resolve_ref(self.document, raw),
                                                  dict) else {}
                    for key, raw in content.items()
                }
        return out

    def _answering_as_documented(
        self, handler: Handler, ext: dict[str, Any], static: StaticResponder,
        operation: dict[str, Any],
    ) -> Handler:
        """An inferred collection's handler answers the statuses its document declares."""
        spec = self.state.specs.get(str(ext.get("collection")))
        if spec is None or not spec.inferred:
            return handler
        return as_documented(handler, static, operation)

    def _documented_not_found(
        self, ext: dict[str, Any], static: StaticResponder, operation: dict[str, Any]
    ) -> Callable[[Request], Outcome] | None:
        """An inferred collection's operation that documents a 404 answers it also for a path
        value its parameter's schema refuses (no record can have that id)."""
        spec = self.state.specs.get(str(ext.get("collection")))
        documented = {str(status) for status in operation.get("responses") or {}}
        if spec is None or not spec.inferred or "404" not in documented:
            return None
        return lambda request: documented_not_found(static, request)

    def _media_types(self, operation: dict[str, Any]) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for status, response in operation.get("responses", {}).items():
            content = resolve_ref(self.document, response).get("content", {})
            out[str(status)] = next(iter(content), None)
        return out

    def _handler(
        self, template: str, ext: dict[str, Any], operation: dict[str, Any], static: StaticResponder
    ) -> Handler:
        action = ext.get("action", "static")
        if action == "static":
            return StaticHandler(static)
        if action == "issueToken":
            assert self.tokens is not None
            assert self.users is not None
            return IssueToken(
                self.tokens, self.users, ext.get("credentials", "basic"), ext.get("respond")
            )
        if action == "refreshToken":
            assert self.tokens is not None
            return RefreshToken(self.tokens, ext.get("refreshFrom", "/refresh"), ext.get("respond"))
        if action == "partition":
            return Partition(self.state, ext["collection"], ext["partition"], ext.get("respond"))
        if action == "search":
            return Search(self.state, ext["search"], ext.get("respond", "{results}"))
        if action == "document":
            media = self._media_types(operation).get("200") or "application/pdf"
            assert self.clock is not None
            return Document(self.state, ext["document"], self.clock, media)
        return self._collection_handler(template, action, ext, operation)

    def _collection_handler(
        self, template: str, action: str, ext: dict[str, Any], operation: dict[str, Any]
    ) -> Handler:
        spec = self.state.specs[ext["collection"]]
        ctx = CollectionContext(
            spec,
            self.state,
            self.paths,
            id_param=_last_param(template),
            defaults=self._defaults(spec.name),
            clock=self.clock,
        )
        if action == "list":
            if not ext.get("paginate"):
                return ListRecords(ctx, ext.get("filters", {}), ext.get("scope", {}))
            return ListRecords(
                ctx, ext.get("filters", {}), ext.get("scope", {}), self.pagination, self.datasets
            )
        if action == "read":
            return ReadRecord(ctx, ext.get("key"), ext.get("select"), ext.get("embed", {}))
        if action == "delete":
            return DeleteRecord(ctx)
        if action == "create":
            return CreateRecord(
                ctx, self._writable(operation), ext.get("scope", {}), ext.get("many")
            )
        writers: dict[str, Callable[[CollectionContext, frozenset[str] | None], Handler]] = {
            "update": UpdateRecord,
            "replace": ReplaceRecord,
        }
        return writers[action](ctx, self._writable(operation))

    def _writable(self, operation: dict[str, Any]) -> frozenset[str] | None:
        """Fields the request body declares (any media type); None when it declares none."""
        content = resolve_ref(self.document, operation.get("requestBody", {})).get("content", {})
        names: set[str] = set()
        for media in content.values():
            names.update(record_properties(self.document, media.get("schema", {}), siren=False))
        return frozenset(names) or None

    def _defaults(self, collection: str) -> dict[str, Any]:
        """Null for every nullable property of the record schema (a record always has every
        property, as DRF serializers give them), the schema's default where one is declared."""
        template = self.paths.detail_template(collection)
        operation = self.document.get("paths", {}).get(template or "", {}).get("get", {})
        response = resolve_ref(self.document, operation.get("responses", {}).get("200", {}))
        content = response.get("content", {})
        if not content:
            return {}
        schema = next(iter(content.values())).get("schema", {})
        defaults: dict[str, Any] = {}
        for name, prop in record_properties(self.document, schema, siren=self.siren).items():
            prop = resolve_ref(self.document, prop)
            if "default" in prop:
                defaults[name] = prop["default"]
            elif _nullable(self.document, prop):
                defaults[name] = None
        spec = self.state.specs[collection]
        create = self.document.get("paths", {}).get(self.paths.listing(collection) or "", {})
        if spec.inferred and isinstance(create.get("post"), dict):
            made = server_made(self.document, schema, self._writable(create["post"]),
                               spec.id_field, self.options.seed)
            defaults.update({k: v for k, v in made.items() if k not in defaults})
        return defaults


def _own_errors(
    handler: Handler, templates: dict[str, Any] | None, operation: dict[str, Any]
) -> Handler:
    """The handler, with the operation's own error templates (`x-specmock.errors`) used for
    the kinds they name instead of the contract's (e.g. one endpoint's 404 body)."""
    if not templates:
        return handler
    kept = dict(templates)

    def with_own_errors(call: Call) -> Outcome:
        try:
            return handler(call)
        except ApiError as error:
            template = kept.get(error.kind)
            if template is None or error.body is not None:
                raise
            values = {"status": error.status, "detail": error.detail, "field": error.field,
                      "pointer": error.pointer, "code": error.code or error.kind,
                      "method": call.request.method}
            error.body = render_template(template, values)
            raise

    return with_own_errors


def _nullable(document: dict[str, Any], schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind) or schema.get("nullable"):
        return True
    return any(
        _nullable(document, resolve_ref(document, s))
        for s in schema.get("anyOf", schema.get("oneOf", []))
    )

"""The "validate" step: a request checked against its operation, compiled once, on first use.

Per operation, everything is prepared by the operation's first request (so a start costs what
is used, not the whole document: issue 15): the parameter readers, a form reader per form media
type, and one compiled schema per declared media type that checks the whole request at once, as
the object {"path": ..., "query": ..., "header": ..., "cookie": ..., "body": ...}. One call to
the compiled schema per request; its instance locations are the violations' pointers as they
are (/query/limit, /body/items/0/qty).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from specmock.core.exchange import Request
from specmock.core.pointers import escape
from specmock.core.problems import ApiError
from specmock.engine.bodies import (
    BodyParseError,
    FormReader,
    Part,
    parse_json,
    parse_multipart,
    parse_text,
    parse_urlencoded,
    without_files,
)
from specmock.engine.coercion import coerce_text, shape_of
from specmock.engine.mediatypes import best_range, essence, is_form, is_json, is_xml
from specmock.engine.parameters import ParameterReader, ParameterSpec, declared_parameters
from specmock.engine.schemas import (
    SchemaError,
    SchemaValidator,
    TooDeepError,
    compile_schema,
    pointer_of,
)
from specmock.engine.schemas_util import record_properties, resolve_ref
from specmock.engine.violations import Violation
from specmock.engine.xml_bodies import read_xml

__all__ = ["PathMismatch", "RequestValidator", "ValidInput", "ValidationFailed", "Violation"]

_LOCATION_ORDER = {"path": 0, "query": 1, "header": 2, "cookie": 3, "body": 4}


@dataclass(frozen=True)
class ValidInput:
    """A request's inputs after validation, typed as the contract declares them.

    `query` holds the declared parameters coerced plus undeclared ones as text (a list when
    repeated). `body` is the parsed body (a dict for forms, with `UploadedFile` values for
    files), None when there is none; `media_type` is the request's, without parameters.
    """

    path: dict[str, Any]
    query: dict[str, Any]
    headers: dict[str, Any]
    body: Any
    media_type: str | None
    cookies: dict[str, Any] = field(default_factory=dict)


@dataclass
class ValidationFailed(ApiError):  # noqa: N818 -- the name reads as the outcome, like ApiError
    """A 400 for a request that breaks its contract. `field`/`pointer`/`detail` describe the
    first violation; `violations` has them all, for error shapes that list every one."""

    violations: list[Violation] = field(default_factory=list)


@dataclass
class PathMismatch(ApiError):  # noqa: N818 -- named as the outcome, like ApiError
    """A 404 for path values that fit no parameter schema (they name no resource); `reasons`
    says why, for answers that list it (problem+json's `errors`), without changing the
    contract's own 404 shape."""

    reasons: list[Violation] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _BodyPlan:
    """What is prepared for one declared media type (or range) of the request body."""

    validator: SchemaValidator  # the whole request, with this media type's body schema
    form: FormReader
    files: frozenset[str] = frozenset()  # body properties that are files (format: binary)
    schema: Any = None  # the body's schema as declared (shapes XML and typed text)
    document: Any = None  # the bundled document the schema's refs point into


@dataclass(frozen=True, slots=True)
class _ReadBody:
    """A body as read: the value handed on, the value the schema sees (files stood in for),
    what reading found wrong, and instance locations whose schema failures are to be ignored."""

    value: Any
    seen: Any
    problems: list[Violation] = field(default_factory=list)
    ignored: list[tuple[str | int, ...]] = field(default_factory=list)


class RequestValidator:
    """Checks requests for one operation. Cheap to build: what checking needs is compiled by
    the first `validate` (or `compile`) and kept; `validate` is the per-request hot path."""

    __slots__ = ("_compiled", "_source")

    def __init__(self, operation: dict[str, Any], path_item: dict[str, Any],
                 document: dict[str, Any], messages: dict[str, str] | None = None) -> None:
        self._source = (operation, path_item, document, messages)
        self._compiled: _CompiledRequest | None = None

    def compile(self) -> _CompiledRequest:
        """The compiled checks (compiled now if this is the first call)."""
        compiled = self._compiled
        if compiled is None:
            try:
                compiled = self._compiled = _CompiledRequest(*self._source)
            except Exception as exc:
                # Lenient serving: an operation whose checks cannot be built answers the 500
                # naming why (as those found unservable at start-up do), never a bare failure.
                from specmock.engine.unservable import described, unservable_error

                raise unservable_error(described(exc)) from exc
        return compiled

    @property
    def is_compiled(self) -> bool:
        """Whether the checks have been compiled (by a first request, or `compile`)."""
        return self._compiled is not None

    @property
    def accepted_media_types(self) -> tuple[str, ...]:
        """The media types (or ranges) the operation declares for its body, in contract order."""
        return self.compile().accepted_media_types

    def validate(self, path_params: dict[str, str], request: Request) -> ValidInput:
        """The request's inputs, coerced and checked.

        Raises ApiError "unsupportedMediaType" (415) for a body of an undeclared type, and
        `ValidationFailed` (400) listing every violation otherwise.
        """
        compiled = self._compiled
        if compiled is None:
            compiled = self.compile()
        return compiled.validate(path_params, request)


class _CompiledRequest:
    """One operation's request checks, compiled (see the module docstring)."""

    def __init__(self, operation: dict[str, Any], path_item: dict[str, Any],
                 document: dict[str, Any], messages: dict[str, str] | None = None) -> None:
        # The contract's own wording per failed keyword (`x-specmock.errors.messages`).
        self._messages = dict(messages or {})
        specs = declared_parameters(operation, path_item, document)
        self._parameters = ParameterReader(specs)
        self._specs = {(spec.location, spec.name): spec for spec in specs}
        # `allowEmptyValue` parameters sent empty: present, unchecked, then left out.
        self._empty_allowed = frozenset(spec.name for spec in specs if spec.allow_empty)
        body = resolve_ref(document, operation.get("requestBody")) or {}
        content: dict[str, Any] = body.get("content", {}) if isinstance(body, dict) else {}
        self._body_required = bool(content) and bool(body.get("required", False))
        self._no_body = compile_schema(_request_schema(specs, self._parameters), document,
                                       direction="request")
        self._plans: dict[str, _BodyPlan] = {}
        for key, raw_media in content.items():
            media = resolve_ref(document, raw_media) or {}
            schema = _request_schema(specs, self._parameters, media.get("schema", {}))
            self._plans[essence(key)] = _BodyPlan(
                compile_schema(schema, document, direction="request"), FormReader(media, document),
                _file_properties(media.get("schema", {}), document), media.get("schema"),
                document)
        self.accepted_media_types: tuple[str, ...] = tuple(self._plans)
        """The media types (or ranges) the operation declares for its body, in contract order."""

    def validate(self, path_params: dict[str, str], request: Request) -> ValidInput:
        """See `RequestValidator.validate`."""
        reader = self._parameters
        styled: list[Violation] = []  # values that break their style (left out of `values`)
        query, extra = reader.query(request.query, styled) if request.query_string else ({}, {})
        values = {"path": reader.path(path_params, styled), "query": query,
                  "header": reader.headers(request, styled) if reader.has_headers else {},
                  "cookie": reader.cookies(request, styled) if reader.has_cookies else {}}
        instance = {location: values[location] for location in reader.locations}
        if self._empty_allowed:
            query = {k: v for k, v in query.items() if not (k in self._empty_allowed and v == "")}
        ignored: list[tuple[str | int, ...]] = [(v.location, v.field) for v in styled]
        plan, media_type = self._plan_for(request)
        if plan is None:  # the usual read: no body, nothing to parse (the hot path)
            if self._body_required:
                missing = Violation("body", "", "/body", "A request body is required.")
                raise _failure([missing, *styled, *self._found(self._no_body, instance,
                                                               ignored)])
            if styled or not self._no_body.is_valid(instance):
                found = [*styled, *self._found(self._no_body, instance, ignored)]
                if found:
                    raise _failure(found)
            return ValidInput(values["path"], {**extra, **query} if extra else query,
                              values["header"], None, None, values["cookie"])
        read = _read_body(plan, media_type or "", request)
        instance["body"] = read.seen
        try:
            if styled or read.problems or not plan.validator.is_valid(instance):
                found = [*styled, *read.problems,
                         *self._found(plan.validator, instance, [*ignored, *read.ignored],
                                      plan.files)]
                if found:
                    raise _failure(found)
        except TooDeepError:
            raise _failure([Violation("body", "", "/body", _TOO_DEEP)]) from None
        return ValidInput(values["path"], {**extra, **query}, values["header"], read.value,
                          media_type, values["cookie"])

    def _found(self, validator: SchemaValidator, instance: dict[str, Any],
               ignored: list[tuple[str | int, ...]],
               files: frozenset[str] = frozenset()) -> list[Violation]:
        return _violations(validator, instance, ignored, self._messages, files, self._specs)

    def _plan_for(self, request: Request) -> tuple[_BodyPlan | None, str | None]:
        """The plan for the request's body and its media type; (None, None) without a body."""
        if not request.body and not self._empty_is_a_body(request):
            return None, None
        if not self._plans:
            # Refused, as Prism does (415): the operation reads no body, so whatever was sent
            # is in a media type it does not support, and silently dropping it would hide a
            # client bug (a filter sent as JSON to a GET, a body on a DELETE).
            raise ApiError("unsupportedMediaType", _NO_BODY)
        media_type = request.content_type
        matched = best_range(media_type, self._plans) if media_type else None
        if matched is None:
            detail = _unsupported(media_type, self.accepted_media_types)
            raise ApiError("unsupportedMediaType", detail)
        return self._plans[matched], media_type

    def _empty_is_a_body(self, request: Request) -> bool:
        """Whether no bytes are an empty body rather than none: for a required body of a type
        where zero bytes are a value (an empty file, empty text), sent with its Content-Type.
        JSON, XML and forms have no empty value, and an optional body is as well absent."""
        if not self._body_required or not request.content_type:
            return False
        media_type = essence(request.content_type)
        return not (is_json(media_type) or is_xml(media_type) or is_form(media_type))


_NO_BODY = ("This operation takes no request body, but one was sent; send the request "
            "without a body.")

_TOO_DEEP = ("The body is nested too deeply to be checked; send JSON nested at most a few "
             "hundred levels.")


def _read_body(plan: _BodyPlan, media_type: str, request: Request) -> _ReadBody:
    """The body parsed by its media type; a body that cannot be parsed fails at once."""
    content_type = request.header("content-type")
    try:
        if is_json(media_type):
            value = parse_json(request.body)
            return _ReadBody(value, value)
        if media_type == "multipart/form-data":
            return _read_form(plan, parse_multipart(request.body, content_type))
        if media_type == "application/x-www-form-urlencoded":
            return _read_form(plan, parse_urlencoded(request.body))
        if is_xml(media_type):
            value = read_xml(request.body, plan.schema, plan.document or {})
            return _ReadBody(value, value)
        if media_type.startswith("text/"):
            text = parse_text(request.body, content_type)
            typed = coerce_text(text, shape_of(plan.schema, plan.document or {}))
            return _ReadBody(typed, typed)
    except BodyParseError as error:
        raise _failure([_in_body(error.violation)]) from None
    # Other bodies (files, images) are bytes: present, but not checked against a schema.
    return _ReadBody(request.body, "", ignored=[("body",)])


def _read_form(plan: _BodyPlan, parts: list[Part]) -> _ReadBody:
    form, problems = plan.form.read(parts)
    seen, replaced = without_files(form)
    return _ReadBody(form, seen, [_in_body(v) for v in problems],
                     [("body", *location) for location in replaced])


def _request_schema(specs: list[ParameterSpec], reader: ParameterReader,
                    body_schema: Any = None) -> dict[str, Any]:
    """The schema of the whole request as one object (see the module docstring)."""
    properties: dict[str, Any] = {}
    for location in reader.locations:
        mine = [spec for spec in specs if spec.location == location]
        properties[location] = {
            "type": "object",
            "properties": {spec.name: _checked_schema(spec) for spec in mine if spec.checked},
            "required": [spec.name for spec in mine if spec.required],
        }
    if body_schema is not None:
        properties["body"] = body_schema
    return {"type": "object", "properties": properties}


def _checked_schema(spec: ParameterSpec) -> Any:
    """A parameter's schema as checked: an allowed empty value passes as it is."""
    if spec.allow_empty:
        return {"if": {"const": ""}, "else": spec.schema}
    return spec.schema


def _violations(validator: SchemaValidator, instance: dict[str, Any],
                ignored: list[tuple[str | int, ...]],
                messages: dict[str, str] | None = None,
                files: frozenset[str] = frozenset(),
                specs: dict[tuple[str, str], ParameterSpec] | None = None) -> list[Violation]:
    """The schema's failures as violations, in request order (path, query, ..., body)."""
    skip = set(ignored)
    found = [
        _violation(error, _message(error, messages, files), messages or {}, specs)
        for error in validator.schema_errors(instance)
        if error.path and error.path not in skip
        and not (error.path[0] != "body" and error.path[:2] in skip)
    ]
    return sorted(found, key=lambda v: _LOCATION_ORDER.get(v.location, 9))


def _violation(error: SchemaError, message: str, messages: dict[str, str],
               specs: dict[tuple[str, str], ParameterSpec] | None) -> Violation:
    """One failure as a violation; a parameter's says which one, where, and how to send it
    (unless the contract words that keyword itself)."""
    location = str(error.path[0])
    name = str(error.path[1]) if len(error.path) > 1 else ""
    spec = specs.get((location, name)) if specs else None
    if spec is not None and error.keyword not in messages:
        inner = pointer_of(error.path[2:])
        where = f" at {inner}" if inner else ""
        message = f"{spec.place}{where}: {message}{spec.advice()}."
    return Violation(location, name, pointer_of(error.path), message, error.keyword)


def _message(error: SchemaError, messages: dict[str, str] | None,
             files: frozenset[str] = frozenset()) -> str:
    """The contract's wording for the failed keyword ({limit} filled), else the checker's; a
    missing file part has its own wording (`requiredFile`) where the contract gives one."""
    messages = messages or {}
    missing_file = error.keyword == "required" and error.path and str(error.path[-1]) in files
    if missing_file and "requiredFile" in messages:
        return messages["requiredFile"]
    template = messages.get(error.keyword)
    if template is None:
        return error.message
    return template.replace("{limit}", str(error.limit))


def _file_properties(schema: Any, document: dict[str, Any]) -> frozenset[str]:
    """Names of the body's properties that are files (`format: binary`)."""
    return frozenset(
        name for name, prop in record_properties(document, schema, siren=False).items()
        if (resolve_ref(document, prop) or {}).get("format") == "binary"
    )


def _in_body(violation: Violation) -> Violation:
    """A violation found inside the body, located in the request."""
    return Violation("body", violation.field, "/body" + violation.pointer, violation.message)


def _failure(violations: list[Violation]) -> ValidationFailed:
    violations = sorted(violations, key=lambda v: _LOCATION_ORDER.get(v.location, 9))
    first = violations[0]
    own_pointer = f"/{first.location}" + (f"/{escape(first.field)}" if first.field else "")
    detail = first.message
    if first.pointer != own_pointer:  # deeper than the field: say where
        detail = f"{first.message} (at {first.pointer})"
    return ValidationFailed("badRequest", detail, field=first.field, pointer=first.pointer,
                            violations=violations)


def _unsupported(media_type: str, accepted: tuple[str, ...]) -> str:
    return (f'Unsupported media type "{media_type}" in request. '
            f"Expected one of: {', '.join(accepted)}.")

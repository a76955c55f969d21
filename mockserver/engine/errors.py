"""Turning an `ApiError` into a response in the contract's own error shape.

A contract that declares `x-specmock.errors` gets its templates (DRF's `{"detail": ...}`, a Siren
error entity, ...); any other gets RFC 7807 problem+json with stable `type` URIs.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from specmock.core.exchange import Request, Response
from specmock.core.limits import MAX_QUOTED_CHARS
from specmock.core.problems import ApiError
from specmock.core.templates import render_template

PROBLEM_TYPE_BASE = "https://specmock.dev/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"


class ErrorRenderer:
    """Renders errors with the contract's templates, or as problem+json."""

    def __init__(self, config: dict[str, Any] | None) -> None:
        self._templates: dict[str, Any] = dict((config or {}).get("templates", {}))
        self._media_type = (config or {}).get("mediaType", "application/json")
        # Render every violation of a 400 and merge them (DRF lists every field's errors).
        self._every_violation = bool((config or {}).get("everyViolation", False))
        # `item`: one entry per problem, listed by the `{errors}` placeholder (an error shape
        # that reports several wrong fields at once); `codes`: kind -> stable error code.
        self._item: Any = (config or {}).get("item")
        self._codes: dict[str, str] = dict((config or {}).get("codes", {}))

    @property
    def own_shape(self) -> bool:
        """Whether the contract declares its error shapes (then they answer every error)."""
        return bool(self._templates)

    def render(self, error: ApiError, request: Request) -> Response:
        """The response for `error` raised while handling `request`."""
        values = self._values(error, request)
        if self._item is not None:
            values["errors"] = self._items(error, values)
        if error.body is not None:
            body, media_type = error.body, self._media_type
        elif self._templates:
            template = self._templates.get(error.kind, self._templates["default"])
            body, media_type = render_template(template, values), self._media_type
            violations = getattr(error, "violations", None)
            if self._every_violation and violations and len(violations) > 1:
                body = self._merged(template, violations, values)
        else:
            body, media_type = self._problem(error, request, values), PROBLEM_MEDIA_TYPE
        headers = [("content-type", media_type), *error.headers]
        return Response(error.status, headers, orjson.dumps(body))

    @staticmethod
    def _merged(template: Any, violations: list[Any], values: dict[str, Any]) -> Any:
        """The template rendered per violation, objects merged and lists joined in order."""
        merged: Any = None
        for one in _per_violation(template, violations, values):
            merged = one if merged is None else merge_bodies(merged, one)
        return merged

    def _items(self, error: ApiError, values: dict[str, Any]) -> list[Any]:
        """The `item` template once per violation of a validation failure, else once."""
        violations = getattr(error, "violations", None) or []
        if not violations:
            return [render_template(self._item, values)]
        return _per_violation(self._item, violations, values)

    def _values(self, error: ApiError, request: Request) -> dict[str, Any]:
        query = f"?{request.query_string}" if request.query_string else ""
        return {
            "status": error.status,
            "title": error.title,
            "detail": error.detail,
            "code": error.code or error.kind,
            "errorCode": self._codes.get(error.kind) or error.code or snake_case(error.kind),
            "url": request.base_url + request.path + query,
            "field": error.field or "non_field_errors",
            "pointer": error.pointer,
            "method": request.method,
            "mediaType": request.content_type,
        }

    def problem(self, error: ApiError, request: Request, status: int | None = None
                ) -> dict[str, Any]:
        """The problem+json body of `error` (what `render` answers without templates), as
        answered with `status` where that is another (a document's 422 for a failed check)."""
        violations = getattr(error, "violations", None)
        if status is not None and status != error.status:
            kind = _KIND_OF_STATUS.get(status, error.kind)
            error = ApiError(kind, error.detail, error.field, error.pointer, error.code,
                             status=status)
        return self._problem(error, request, self._values(error, request), violations)

    @staticmethod
    def _problem(error: ApiError, request: Request, values: dict[str, Any],
                 violations: list[Any] | None = None) -> dict[str, Any]:
        problem: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + error.kind,
            "title": error.title,
            "status": error.status,
            "detail": error.detail,
            "instance": request.path[:MAX_QUOTED_CHARS],  # a client chooses its length
        }
        if error.pointer:
            problem["pointer"] = error.pointer
        # A path that names nothing (a 404) says why as `reasons` (engine.validation).
        violations = (violations or getattr(error, "violations", None)
                      or getattr(error, "reasons", None))
        if violations:
            problem["errors"] = [{"pointer": v.pointer, "detail": v.message} for v in violations]
        return problem


def _per_violation(template: Any, violations: list[Any], values: dict[str, Any]) -> list[Any]:
    """`template` rendered once per violation, each with its own detail, field and pointer."""
    return [
        render_template(template, {**values, "detail": v.message,
                                   "field": v.field or "non_field_errors", "pointer": v.pointer})
        for v in violations
    ]


def merge_bodies(first: Any, second: Any) -> Any:
    """Two rendered error bodies as one: objects merged key by key, lists joined."""
    if isinstance(first, dict) and isinstance(second, dict):
        out = dict(first)
        for key, value in second.items():
            out[key] = merge_bodies(out[key], value) if key in out else value
        return out
    if isinstance(first, list) and isinstance(second, list):
        return [*first, *(v for v in second if v not in first)]
    return first
# The kind a problem is of when a document's response answers an error with another status.
_KIND_OF_STATUS = {400: "badRequest", 404: "notFound", 415: "unsupportedMediaType",
                   422: "unprocessable"}
_CAPITAL = re.compile(r"(?<!^)([A-Z])")


def snake_case(name: str) -> str:
    """`notFound` -> `not_found`: an error kind as a stable snake_case code."""
    return _CAPITAL.sub(r"_\1", name).lower()

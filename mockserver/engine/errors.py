"""Turning an `ApiError` into a response in the contract's own error shape.

A contract that declares `x-specmock.errors` gets its templates (DRF's `{"detail": ...}`, a Siren
error entity, ...); any other gets RFC 7807 problem+json with stable `type` URIs.
"""

from __future__ import annotations

from typing import Any

import orjson

from mockserver.core.exchange import Request, Response
from mockserver.core.limits import MAX_QUOTED_CHARS
from mockserver.core.problems import ApiError
from mockserver.core.templates import render_template

PROBLEM_TYPE_BASE = "https://specmock.dev/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"


class ErrorRenderer:
    """Renders errors with the contract's templates, or as problem+json."""

    def __init__(self, config: dict[str, Any] | None) -> None:
        self._templates: dict[str, Any] = dict((config or {}).get("templates", {}))
        self._media_type = (config or {}).get("mediaType", "application/json")

    def render(self, error: ApiError, request: Request) -> Response:
        """The response for `error` raised while handling `request`."""
        values = self._values(error, request)
        if self._templates:
            template = self._templates.get(error.kind, self._templates["default"])
            body, media_type = render_template(template, values), self._media_type
        else:
            body, media_type = self._problem(error, request, values), PROBLEM_MEDIA_TYPE
        headers = [("content-type", media_type), *error.headers]
        return Response(error.status, headers, orjson.dumps(body))

    @staticmethod
    def _values(error: ApiError, request: Request) -> dict[str, Any]:
        return {
            "status": error.status,
            "title": error.title,
            "detail": error.detail,
            "code": error.code or error.kind,
            "field": error.field or "non_field_errors",
            "pointer": error.pointer,
            "method": request.method,
            "mediaType": request.content_type,
        }

    @staticmethod
    def _problem(error: ApiError, request: Request, values: dict[str, Any]) -> dict[str, Any]:
        problem: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + error.kind,
            "title": error.title,
            "status": error.status,
            "detail": error.detail,
            "instance": request.path[:MAX_QUOTED_CHARS],  # a client chooses its length
        }
        if error.pointer:
            problem["pointer"] = error.pointer
        violations = getattr(error, "violations", None)
        if violations:
            problem["errors"] = [{"pointer": v.pointer, "detail": v.message} for v in violations]
        return problem

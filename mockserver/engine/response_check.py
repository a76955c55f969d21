"""Debug mode: every answer checked against the contract before it leaves.

A mismatch becomes a 500 that names the operation, the status and the first violation, so a
mock that drifts from its contract fails loudly in tests instead of misleading clients.
"""

from __future__ import annotations

from typing import Any

import orjson

from mockserver.core.exchange import Response
from mockserver.core.problems import ApiError
from mockserver.engine.compile import Operation
from mockserver.engine.mediatypes import is_json
from mockserver.engine.schemas import SchemaValidator, compile_schema
from mockserver.engine.schemas_util import resolve_ref


class ResponseChecker:
    """Validates response status, media type and body; validators compiled on first use."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._document = document
        self._validators: dict[tuple[str, str, str], SchemaValidator | None] = {}

    def check(self, operation: Operation, response: Response) -> None:
        """Raise a 500 `ApiError` when the response breaks the contract."""
        responses = operation.spec.get("responses", {})
        status = str(response.status)
        key = next((k for k in (status, f"{status[0]}XX", "default") if k in responses), None)
        if key is None:
            self._fail(operation, response, f"status {status} is not documented")
            return
        content = resolve_ref(self._document, responses[key]).get("content", {})
        media_type = (response.header("content-type") or "").split(";")[0].strip()
        if not content or not response.body:
            return
        if media_type not in content:
            self._fail(
                operation, response, f"media type {media_type!r} is not one of {sorted(content)}"
            )
        validator = self._validator(operation, key, media_type, content[media_type])
        if validator is None:
            return
        body = orjson.loads(response.body) if is_json(media_type) else _text(response.body)
        violations = validator.errors(body)
        if violations:
            first = violations[0]
            self._fail(operation, response, f"body at {first.pointer or '/'}: {first.message}")

    def _validator(
        self, operation: Operation, key: str, media_type: str, media: dict[str, Any]
    ) -> SchemaValidator | None:
        cache_key = (operation.operation_id, key, media_type)
        if cache_key not in self._validators:
            schema = media.get("schema")
            self._validators[cache_key] = compile_schema(schema, self._document) if schema else None
        return self._validators[cache_key]

    @staticmethod
    def _fail(operation: Operation, response: Response, why: str) -> None:
        raise ApiError(
            "serverError",
            f"The mock's answer to {operation.operation_id} breaks the contract: {why} "
            f"(status {response.status}). This is a specmock defect or a contract inconsistency.",
        )


def _text(body: bytes) -> Any:
    """A text body as the string its schema describes (undecodable bytes stay bytes' repr)."""
    try:
        return body.decode()
    except UnicodeDecodeError:
        return repr(body)

"""Answers checked against the contract: in debug mode before they leave, and by the proxy.

Debug mode (`check`): a mismatch becomes a 500 that names the operation, the status and the
first violation, so a mock that drifts from its contract fails loudly in tests instead of
misleading clients. The proxy (`problems`): every mismatch of a real server's answer, each
with the rule it breaks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from specmock.core.exchange import Response
from specmock.core.problems import ApiError
from specmock.engine.bodies import BodyParseError
from specmock.engine.coercion import coerce_text, shape_of
from specmock.engine.compile import Operation
from specmock.engine.mediatypes import essence, in_range, is_json, is_xml
from specmock.engine.schemas import SchemaValidator, compile_schema
from specmock.engine.schemas_util import resolve_ref
from specmock.engine.xml_bodies import read_xml


@dataclass(frozen=True, slots=True)
class ResponseProblem:
    """One way an answer breaks its operation's contract.

    `rule`: `response.status` (undocumented status), `response.mediaType` (undocumented media
    type), `response.body` (not JSON, or the body fails its schema); `pointer` is into the body.
    """

    rule: str
    pointer: str
    message: str


class ResponseChecker:
    """Validates response status, media type and body; validators compiled on first use."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._document = document
        self._validators: dict[tuple[str, str, str], SchemaValidator | None] = {}

    def check(self, operation: Operation, response: Response) -> None:
        """Raise a 500 `ApiError` when the response breaks the contract."""
        found = self.problems(operation, response, first_only=True)
        if found:
            self._fail(operation, response, _why(found[0]))

    def problems(
        self,
        operation: Operation,
        response: Response,
        *,
        first_only: bool = False,
        head_only: bool = False,
    ) -> list[ResponseProblem]:
        """Every way the response breaks the contract (only the first with `first_only`).

        `head_only`: the body is not at hand (it streams past); status and media type are
        checked."""
        responses = operation.spec.get("responses", {})
        status = str(response.status)
        key = next((k for k in (status, f"{status[0]}XX", "default") if k in responses), None)
        if key is None:
            return [ResponseProblem("response.status", "", f"status {status} is not documented")]
        content = resolve_ref(self._document, responses[key]).get("content", {})
        media_type = essence(response.header("content-type") or "")
        if not content or not (response.body or (head_only and media_type)):
            return []
        media_key = _declared_key(content, media_type)
        if media_key is None:
            why = f"media type {media_type!r} is not one of {sorted(content)}"
            return [ResponseProblem("response.mediaType", "", why)]
        if head_only:
            return []
        media = resolve_ref(self._document, content[media_key]) or {}
        validator = self._validator(operation, key, media_key, media)
        if validator is None:
            return []
        if is_json(media_type):
            try:
                body = orjson.loads(response.body)
            except orjson.JSONDecodeError as error:
                return [ResponseProblem("response.body", "", f"the body is not JSON ({error})")]
        elif is_xml(media_type) and not _is_string(media.get("schema"), self._document):
            try:
                body = read_xml(response.body, media.get("schema"), self._document)
            except BodyParseError as error:
                return [ResponseProblem("response.body", "", f"the body is not XML ({error})")]
        elif _is_textual(media_type):
            text = _text(response.body)
            body = coerce_text(text, shape_of(media.get("schema"), self._document))
        else:
            return []  # a document (PDF, image): its bytes are not checked against a schema
        violations = validator.errors(body)
        if first_only:
            violations = violations[:1]
        return [ResponseProblem("response.body", v.pointer, v.message) for v in violations]

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


def _why(problem: ResponseProblem) -> str:
    if problem.rule == "response.body" and problem.message.startswith(
            ("the body is not JSON", "the body is not XML")):
        return problem.message
    if problem.rule == "response.body":
        return f"body at {problem.pointer or '/'}: {problem.message}"
    return problem.message


def _declared_key(content: dict[str, Any], media_type: str) -> str | None:
    """The content key that declares `media_type`: the same type (parameters such as charset
    aside), else the most specific range holding it (`text/*`, `*/*`)."""
    ranked = sorted(content, key=lambda k: essence(k).count("*"))
    return next((k for k in ranked if in_range(essence(k), media_type)), None)


def _is_string(schema: Any, document: dict[str, Any]) -> bool:
    """Whether the schema describes the XML document as one string (no structure to map)."""
    return shape_of(schema, document).types == frozenset({"string"})


def _is_textual(media_type: str) -> bool:
    """Text a schema describes as a string: text/*, YAML, XML."""
    return media_type.startswith("text/") or "yaml" in media_type or media_type.endswith("xml")


def _text(body: bytes) -> Any:
    """A text body as the string its schema describes (undecodable bytes stay bytes' repr)."""
    try:
        return body.decode()
    except UnicodeDecodeError:
        return repr(body)

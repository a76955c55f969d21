"""Deliberately broken servers: the real engine, wrapped so that it breaks exactly one rule.

Each `Breaker` answers the admin API (/__specmock/) as the engine does, so the suites can reset
it and move its clock, and breaks its one rule on the contract's operations. Which requests a
breaker touches is read from the contract model, never from a hard-coded path.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from specmock.core.exchange import Request, Response
from specmock.core.pointers import resolve as resolve_pointer
from specmock.engine.app import MockEngine
from specmock.engine.options import EngineOptions
from specmock.suites_support import ContractModel, Operation
from specmock.suites_support.schemas import nullable, object_shape, set_pointer


class Breaker:
    """A correct engine; subclasses override `broken` to break one rule."""

    rule = "none: a correct server"

    def __init__(self, contract: str) -> None:
        # Throttling off: the suites log in far more often than DMLF's 10 anonymous a day.
        options = EngineOptions(check_responses=True, throttle=False)
        self.engine = MockEngine.from_path(contract, options)
        self.model = ContractModel.from_document(self.engine.document)

    @property
    def options(self) -> EngineOptions:
        """The wrapped engine's options (the HTTP server reads max_body_bytes)."""
        return self.engine.options

    def handle(self, request: Request) -> Response:
        """Admin requests as they are; contract requests through `broken`."""
        if request.path.startswith("/__specmock/"):
            return self.engine.handle(request)
        return self.broken(request, self.model.operation_for(request.method, request.path))

    def broken(self, request: Request, operation: Operation | None) -> Response:
        """The answer, with the rule broken (here: not broken)."""
        return self.engine.handle(request)


class AcceptsExpiredTokens(Breaker):
    """A bearer token past its `exp` is replaced by a fresh one instead of being refused."""

    rule = "expired tokens accepted"

    def broken(self, request: Request, operation: Operation | None) -> Response:
        token = request.header("authorization").removeprefix("Bearer ")
        if (
            operation is not None
            and operation.protected
            and _expired(token, self.engine.clock.now())
        ):
            headers = {**request.headers, "authorization": f"Bearer {self._fresh_token()}"}
            request = replace(request, headers=headers)
        return self.engine.handle(request)

    def _fresh_token(self) -> str:
        token = self.model.token
        assert token is not None
        user = self.model.users[0]
        if token.basic:
            raw = base64.b64encode(f"{user.username}:{user.password}".encode()).decode()
            login = Request(
                token.operation.method,
                token.operation.path,
                headers={"authorization": f"Basic {raw}"},
            )
        else:
            assert isinstance(token.credentials, dict)
            body: dict[str, Any] = {}
            set_pointer(body, token.credentials["username"], user.username)
            set_pointer(body, token.credentials["password"], user.password)
            login = Request(
                token.operation.method,
                token.operation.path,
                headers={"content-type": "application/json"},
                body=json.dumps(body).encode(),
            )
        answer = json.loads(self.engine.handle(login).body)
        return str(resolve_pointer(answer, token.access_pointer))


class DropsLastRecordOfPages(Breaker):
    """Every page of a paginated list loses its last record (an off-by-one)."""

    rule = "a page dropping its last record"

    def broken(self, request: Request, operation: Operation | None) -> Response:
        response = self.engine.handle(request)
        if operation is None or not operation.paginated or response.status != 200:
            return response
        body = json.loads(response.body)
        if body.get("entities"):
            body["entities"] = body["entities"][:-1]
        return _with_json(response, body)


class IgnoresDatasetIds(Breaker):
    """The data-set id of a request is ignored: every page runs the query afresh."""

    rule = "data-set ids ignored"

    def broken(self, request: Request, operation: Operation | None) -> Response:
        pagination = self.model.pagination
        if operation is not None and operation.paginated and pagination and pagination.dataset:
            kept = [(k, v) for k, v in request.query if k != pagination.dataset.param]
            request = replace(request, query_string=urlencode(kept))
        return self.engine.handle(request)


class SirenLinkWithoutHref(Breaker):
    """The `self` link of every Siren entity answered loses its href."""

    rule = "a Siren link without href"

    def broken(self, request: Request, operation: Operation | None) -> Response:
        response = self.engine.handle(request)
        if not response.body.startswith(b"{"):
            return response
        body = json.loads(response.body)
        for link in body.get("links") or []:
            if "self" in link.get("rel", []):
                link.pop("href", None)
        return _with_json(response, body)


class PatchReplaces(Breaker):
    """PATCH replaces: every nullable writable field it does not send is cleared."""

    rule = "PATCH that replaces"

    def broken(self, request: Request, operation: Operation | None) -> Response:
        if operation is None or operation.action != "update" or "json" not in request.content_type:
            return self.engine.handle(request)
        sent = json.loads(request.body or b"{}")
        shape = object_shape(operation.bodies[request.content_type])
        cleared = {n: None for n, s in shape.writable().items() if n not in sent and nullable(s)}
        return self.engine.handle(replace(request, body=json.dumps({**sent, **cleared}).encode()))


class DeleteKeepsRecord(Breaker):
    """DELETE answers 204 but the record stays."""

    rule = "DELETE that does not delete"

    def broken(self, request: Request, operation: Operation | None) -> Response:
        if operation is not None and operation.action == "delete":
            probe = self.engine.handle(replace(request, method="GET", body=b""))
            if probe.status == 200:
                return Response(204)
        return self.engine.handle(request)


class FieldOfWrongType(Breaker):
    """Records answered carry their first integer field (not the id) as a string."""

    rule = "a field of the wrong type"

    def broken(self, request: Request, operation: Operation | None) -> Response:
        response = self.engine.handle(request)
        if operation is None or operation.action not in ("read", "list") or response.status != 200:
            return response
        body = json.loads(response.body)
        collection = self.model.collections.get(operation.collection or "")
        id_field = collection.id_field if collection else "id"
        for record in body if isinstance(body, list) else [body]:
            if isinstance(record, dict):
                _stringify_first_integer(record, id_field)
        return _with_json(response, body)


class CreatedAnswers200(Breaker):
    """A create answers 200 instead of the documented 201."""

    rule = "200 instead of 201"

    def broken(self, request: Request, operation: Operation | None) -> Response:
        response = self.engine.handle(request)
        if operation is not None and operation.action == "create" and response.status == 201:
            response.status = 200
        return response


class AcceptsInvalidMultipartUpdates(Breaker):
    """A multipart update or replace that the engine refuses with 400 answers 200 with the
    record as it stands (the invalid form ignored)."""

    rule = "invalid multipart update accepted"

    def broken(self, request: Request, operation: Operation | None) -> Response:
        response = self.engine.handle(request)
        if (
            operation is not None
            and operation.action in ("update", "replace")
            and request.content_type == "multipart/form-data"
            and response.status == 400
        ):
            probe = self.engine.handle(replace(request, method="GET", body=b""))
            if probe.status == 200:
                return probe
        return response


def _expired(token: str, now: float) -> bool:
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return False
    return isinstance(claims, dict) and float(claims.get("exp", time.time() + 1)) <= now


def _stringify_first_integer(record: dict[str, Any], id_field: str) -> None:
    for name, value in record.items():
        if name != id_field and isinstance(value, int) and not isinstance(value, bool):
            record[name] = str(value)
            return


def _with_json(response: Response, body: Any) -> Response:
    headers = [(k, v) for k, v in response.headers if k.lower() != "content-length"]
    return Response(response.status, headers, json.dumps(body).encode())

"""Security of a plain document (no token issuer in `x-specmock`): presence and form of every
scheme kind, alternatives and combinations, and the 401 that says what to send."""

from __future__ import annotations

import json
from typing import Any

import pytest

from specmock.core.exchange import Request, Response
from specmock.engine.app import MockEngine
from specmock.engine.options import EngineOptions
from specmock.engine.security import requirements_of

SCHEMES: dict[str, Any] = {
    "token": {"type": "http", "scheme": "bearer"},
    "login": {"type": "http", "scheme": "basic"},
    "digest": {"type": "http", "scheme": "digest"},
    "oauth": {"type": "oauth2", "flows": {"clientCredentials": {
        "tokenUrl": "https://auth.example/token", "scopes": {"read": "Read"}}}},
    "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
    "queryKey": {"type": "apiKey", "in": "query", "name": "key"},
    "cookieKey": {"type": "apiKey", "in": "cookie", "name": "sid"},
    "tls": {"type": "mutualTLS"},
}
BASIC = "Basic b3BzOnB3"  # ops:pw


def document(security: list[dict[str, list[str]]], root: Any = None) -> dict[str, Any]:
    ok = {"200": {"description": "ok", "content": {"application/json": {
        "schema": {"type": "object"}, "example": {}}}}}
    doc: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"operationId": "a", "security": security, "responses": ok}},
                  "/b": {"get": {"operationId": "b", "responses": ok}}},
        "components": {"securitySchemes": SCHEMES},
    }
    if root is not None:
        doc["security"] = root
    return doc


def get(security: list[dict[str, list[str]]], headers: dict[str, str] | None = None,
        query: str = "", path: str = "/a", root: Any = None) -> Response:
    engine = MockEngine(document(security, root), EngineOptions(check_responses=True))
    return engine.handle(Request("GET", path, query, {k.lower(): v for k, v in
                                                      (headers or {}).items()}))


def challenges(response: Response) -> list[str]:
    return [v for k, v in response.headers if k == "www-authenticate"]


@pytest.mark.parametrize(("scheme", "headers", "query"), [
    ("token", {"Authorization": "Bearer abc.def"}, ""),
    ("login", {"Authorization": BASIC}, ""),
    ("digest", {"Authorization": 'Digest username="u", realm="r", nonce="n", uri="/a", '
                                 'response="x"'}, ""),
    ("oauth", {"Authorization": "Bearer opaque"}, ""),
    ("key", {"x-key": "k"}, ""),
    ("queryKey", {}, "key=k"),
    ("cookieKey", {"Cookie": "sid=s"}, ""),
    ("tls", {}, ""),
])
def test_a_well_formed_credential_of_each_kind_is_accepted(
    scheme: str, headers: dict[str, str], query: str
) -> None:
    """Given an operation protected by one scheme and no issuer declared, when a well-formed
    credential is sent, then the operation answers (mutualTLS: nothing HTTP can show)."""
    assert get([{scheme: []}], headers, query).status == 200


@pytest.mark.parametrize(("scheme", "challenge"), [
    ("token", 'Bearer realm="api"'),
    ("login", 'Basic realm="api", charset="UTF-8"'),
    ("oauth", 'Bearer realm="api", scope="read"'),
    ("key", 'ApiKey realm="api", in="header", name="X-Key"'),
    ("cookieKey", 'ApiKey realm="api", in="cookie", name="sid"'),
])
def test_a_missing_credential_is_401_with_the_scheme_challenge(scheme: str, challenge: str) -> None:
    """Given nothing sent, then 401 problem+json with the scheme's challenge."""
    response = get([{scheme: ["read"] if scheme == "oauth" else []}])
    assert response.status == 401
    assert response.header("content-type") == "application/problem+json"
    assert challenges(response) == [challenge]


def test_the_digest_challenge_carries_a_nonce_fixed_by_the_seed() -> None:
    """Given a Digest scheme, then the challenge has realm, qop and a nonce that repeats."""
    first, second = get([{"digest": []}]), get([{"digest": []}])
    assert challenges(first)[0].startswith('Digest realm="api", qop="auth"')
    assert 'nonce="' in challenges(first)[0]
    assert challenges(first) == challenges(second)


def test_the_problem_says_where_an_api_key_goes() -> None:
    """Given a query apiKey and nothing sent, then the detail and the violation name it."""
    body = json.loads(get([{"queryKey": []}]).body)
    assert "the query parameter key" in body["detail"]
    missing = {"pointer": "/query/key", "detail": "no query parameter key was sent"}
    assert body["errors"] == [missing]


def test_a_malformed_credential_is_401_naming_what_is_wrong() -> None:
    """Given a bearer operation and a Basic header, then 401 saying the form expected."""
    response = get([{"token": []}], {"Authorization": BASIC})
    body = json.loads(response.body)
    assert response.status == 401
    assert body["type"].endswith("/invalidToken")
    assert body["detail"].startswith("Invalid credentials: the Authorization header is not")


def test_alternatives_accept_either_and_challenge_for_each() -> None:
    """Given bearer OR header key, then either passes and a refusal challenges for both."""
    security = [{"token": []}, {"key": []}]
    assert get(security, {"Authorization": "Bearer t"}).status == 200
    assert get(security, {"X-Key": "k"}).status == 200
    refused = get(security)
    assert refused.status == 401
    assert challenges(refused) == ['Bearer realm="api"',
                                   'ApiKey realm="api", in="header", name="X-Key"']
    assert " or " in json.loads(refused.body)["detail"]


def test_a_combination_needs_every_scheme() -> None:
    """Given header key AND basic in one requirement, then one alone is refused, both pass,
    and the refusal challenges only for what is missing."""
    security = [{"key": [], "login": []}]
    alone = get(security, {"X-Key": "k"})
    assert alone.status == 401
    assert challenges(alone) == ['Basic realm="api", charset="UTF-8"']
    assert get(security, {"X-Key": "k", "Authorization": BASIC}).status == 200


def test_an_empty_requirement_makes_credentials_optional() -> None:
    """Given `{}` among the alternatives, then no credentials and malformed ones both pass."""
    assert get([{}, {"token": []}]).status == 200
    assert get([{}, {"token": []}], {"Authorization": "Bearer two words"}).status == 200


def test_root_security_applies_unless_the_operation_overrides_it() -> None:
    """Given root security bearer, then /b (no own security) needs it, /a with [] does not."""
    assert get([], path="/b", root=[{"token": []}]).status == 401
    assert get([], path="/a", root=[{"token": []}]).status == 200


def test_requirements_name_the_declared_place_of_each_key() -> None:
    """Given apiKey schemes, then each requirement knows where its key goes."""
    found = requirements_of({"security": [{"cookieKey": []}, {"queryKey": []}]},
                            document([]))
    assert [r.schemes[0].pointer for r in found] == ["/cookie/sid", "/query/key"]


def test_an_undeclared_scheme_name_cannot_be_checked_and_lets_the_request_through() -> None:
    """Given a requirement naming no declared scheme, then the mock does not
    refuse what it cannot judge."""
    assert get([{"nowhere": []}]).status == 200

"""CORS, in process: preflights as browsers send them, the headers a page needs to read answers,
plain OPTIONS left to the contract, and `cors` off.

The preflight headers are those Chromium sends for a credentialed `fetch` with a JSON body and
an `Authorization` header from another origin (lower-case, as the HTTP layer hands them over).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from specmock.contract.bundled import resolve_contract
from specmock.core.exchange import Request, Response
from specmock.engine.app import MockEngine
from specmock.engine.options import EngineOptions
from tests.engine.test_pipeline import send

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny" / "openapi.yaml"
PAGE = "http://localhost:5173"
CHROMIUM_PREFLIGHT = {
    "origin": PAGE,
    "access-control-request-method": "POST",
    "access-control-request-headers": "authorization,content-type",
    "sec-fetch-mode": "cors",
    "referer": f"{PAGE}/",
}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return yaml.safe_load(TINY.read_text())


@pytest.fixture
def engine(document: dict[str, Any]) -> MockEngine:
    return MockEngine(document, EngineOptions(check_responses=True))


def _names(response: Response) -> set[str]:
    return {name.lower() for name, _ in response.headers}


def test_a_preflight_is_204_allowing_what_it_asks(engine: MockEngine) -> None:
    # Given a browser's preflight for a POST with Authorization and a JSON body
    # When it reaches the mock (the operation is protected: a preflight carries no credentials)
    response = send(engine, "OPTIONS", "/books", headers=CHROMIUM_PREFLIGHT)
    # Then it is allowed, echoing the origin, the method and the headers
    assert response.status == 204
    assert response.body == b""
    assert response.header("access-control-allow-origin") == PAGE
    assert response.header("access-control-allow-methods") == "POST"
    assert response.header("access-control-allow-headers") == "authorization,content-type"
    assert response.header("access-control-allow-credentials") == "true"
    assert int(response.header("access-control-max-age") or 0) > 0


@given(method=st.sampled_from(["GET", "PUT", "PATCH", "DELETE", "QUERY"]),
       origin=st.from_regex(r"\Ahttps?://[a-z][a-z0-9.-]{0,20}(:[1-9][0-9]{0,4})?\Z"))
def test_a_preflight_echoes_any_origin_and_method(method: str, origin: str) -> None:
    # Given any origin asking for any method (DELETE on an item, a method the path lacks)
    engine = MockEngine(yaml.safe_load(TINY.read_text()))
    headers = {"origin": origin, "access-control-request-method": method}
    # When it is sent
    response = send(engine, "OPTIONS", "/books/1", headers=headers)
    # Then exactly that is allowed, with no headers asked and none allowed
    assert response.status == 204
    assert response.header("access-control-allow-origin") == origin
    assert response.header("access-control-allow-methods") == method
    assert response.header("access-control-allow-headers") is None


def test_a_preflight_from_a_public_page_to_loopback_is_allowed(engine: MockEngine) -> None:
    # Given Chromium's Private Network Access question
    headers = {**CHROMIUM_PREFLIGHT, "access-control-request-private-network": "true"}
    # When it is sent
    response = send(engine, "OPTIONS", "/books", headers=headers)
    # Then the mock says yes
    assert response.header("access-control-allow-private-network") == "true"


def test_a_preflight_is_journalled(engine: MockEngine) -> None:
    # Given a preflight answered
    send(engine, "OPTIONS", "/books", headers=CHROMIUM_PREFLIGHT)
    # Then the journal shows it
    [entry] = engine.journal.entries()
    assert (entry["method"], entry["path"], entry["status"]) == ("OPTIONS", "/books", 204)


def test_an_answer_to_a_page_exposes_its_own_headers(engine: MockEngine) -> None:
    # Given a page's request that gets a 401 with a challenge
    response = send(engine, "GET", "/books", headers={"origin": PAGE})
    # Then the page may read it, and the challenge in it
    assert response.status == 401
    assert response.header("access-control-allow-origin") == PAGE
    assert response.header("access-control-allow-credentials") == "true"
    exposed = (response.header("access-control-expose-headers") or "").split(", ")
    assert "www-authenticate" in exposed
    assert "content-type" not in exposed  # safelisted: readable anyway
    assert "Origin" in [v for k, v in response.headers if k == "vary"]


def test_a_list_exposes_its_pagination_header(engine: MockEngine) -> None:
    # Given a logged-in page listing books
    token = send(engine, "POST", "/token",
                 json_body={"username": "alice", "password": "secret-1"}).body
    access = __import__("json").loads(token)["access"]
    response = send(engine, "GET", "/books", token=access, headers={"origin": PAGE})
    # Then the total count is readable by the page
    assert response.status == 200
    assert "x-total-count" in (response.header("access-control-expose-headers") or "")


def test_without_an_origin_any_origin_is_allowed(engine: MockEngine) -> None:
    # Given a request that is no browser's cross-origin call
    response = send(engine, "GET", "/status")
    # Then the answer says `*` (as Prism's), without credentials
    assert response.status == 200
    assert response.header("access-control-allow-origin") == "*"
    assert response.header("access-control-allow-credentials") is None


def test_a_declared_cors_header_is_replaced_not_doubled() -> None:
    # Given a document whose answer declares Access-Control-Allow-Origin itself
    document = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/a": {
        "get": {"responses": {"200": {"description": "ok", "headers": {
            "Access-Control-Allow-Origin": {"schema": {"type": "string"}, "example": "x"}},
            "content": {"application/json": {"example": {"a": 1}}}}}}}}}
    engine = MockEngine(document)
    # When a page calls it
    response = send(engine, "GET", "/a", headers={"origin": PAGE})
    # Then one Access-Control-Allow-Origin, the page's
    assert [v for k, v in response.headers if k == "access-control-allow-origin"] == [PAGE]


def test_a_plain_options_still_gets_the_contracts_metadata() -> None:
    # Given DMLF, whose OPTIONS operations answer DRF's metadata
    engine = MockEngine.from_path(resolve_contract("dmlf"))
    # When a client (no preflight: no Access-Control-Request-Method) asks OPTIONS
    response = send(engine, "OPTIONS", "/api/token/", headers={"origin": PAGE})
    # Then the contract answers, readable by the page
    assert response.status == 200
    assert b"Token Obtain Pair" in response.body
    assert response.header("access-control-allow-origin") == PAGE


def test_a_plain_options_on_a_path_without_one_is_405_with_allow(engine: MockEngine) -> None:
    # Given a path with no OPTIONS operation, asked OPTIONS without a preflight's headers
    response = send(engine, "OPTIONS", "/status")
    # Then it is 405 with Allow, as before CORS
    assert response.status == 405
    assert response.header("allow") == "GET"


def test_cors_off_answers_a_preflight_as_any_options(document: dict[str, Any]) -> None:
    # Given CORS turned off
    engine = MockEngine(document, EngineOptions(cors=False))
    # When a browser sends a preflight
    response = send(engine, "OPTIONS", "/status", headers=CHROMIUM_PREFLIGHT)
    # Then the contract answers it (no OPTIONS operation: 405), with no CORS header anywhere
    assert response.status == 405
    assert not any(name.startswith("access-control-") for name in _names(response))
    assert not any(n.startswith("access-control-")
                   for n in _names(send(engine, "GET", "/status", headers={"origin": PAGE})))


def test_the_admin_api_gets_no_cors_headers(engine: MockEngine) -> None:
    # Given a page reading the journal (the admin API refuses other origins' writes on purpose)
    response = engine.handle(Request("GET", "/__specmock/journal", headers={"origin": PAGE}))
    # Then nothing tells the browser to let the page read it
    assert response.header("access-control-allow-origin") is None

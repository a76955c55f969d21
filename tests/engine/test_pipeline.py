"""The whole engine, in process (no sockets), on a small generic contract.

Each test sends `Request`s to a `MockEngine` built from tests/fixtures/tiny/openapi.yaml with
response checking on, so every answer is also held to the contract.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from urllib3 import encode_multipart_formdata

from specmock.core.exchange import Request, Response
from specmock.engine.app import MockEngine
from specmock.engine.options import EngineOptions

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny" / "openapi.yaml"
BASE = "http://mock.test:8080"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return yaml.safe_load(TINY.read_text())


@pytest.fixture
def engine(document: dict[str, Any]) -> MockEngine:
    return MockEngine(document, EngineOptions(check_responses=True, max_body_bytes=4096))


def send(
    engine: MockEngine,
    method: str,
    path: str,
    *,
    token: str | None = None,
    json_body: Any = None,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    query: str = "",
) -> Response:
    all_headers = {k.lower(): v for k, v in (headers or {}).items()}
    if token:
        all_headers["authorization"] = f"Bearer {token}"
    if json_body is not None:
        body = json.dumps(json_body).encode()
        all_headers.setdefault("content-type", "application/json")
    return engine.handle(Request(method, path, query, all_headers, body, BASE))


def payload(response: Response) -> Any:
    return json.loads(response.body)


def login(engine: MockEngine) -> dict[str, str]:
    response = send(
        engine, "POST", "/token", json_body={"username": "alice", "password": "secret-1"}
    )
    assert response.status == 200
    return payload(response)  # type: ignore[no-any-return]


@pytest.fixture
def token(engine: MockEngine) -> str:
    return login(engine)["access"]


def test_a_protected_operation_without_credentials_is_401_problem_json(engine: MockEngine) -> None:
    response = send(engine, "GET", "/books")
    assert response.status == 401
    assert response.header("content-type") == "application/problem+json"
    assert response.header("www-authenticate") == 'Bearer realm="api"'
    assert payload(response)["type"] == "https://specmock.dev/problems/unauthorized"


def test_wrong_credentials_are_401(engine: MockEngine) -> None:
    response = send(engine, "POST", "/token", json_body={"username": "alice", "password": "x"})
    assert (response.status, payload(response)["type"]) == (
        401,
        "https://specmock.dev/problems/badCredentials",
    )


def test_a_token_works_until_it_expires_then_refresh_gives_a_working_one(
    engine: MockEngine,
) -> None:
    tokens = login(engine)
    engine.clock.advance(59)
    assert send(engine, "GET", "/books", token=tokens["access"]).status == 200
    engine.clock.advance(1)
    assert send(engine, "GET", "/books", token=tokens["access"]).status == 401
    refreshed = payload(
        send(engine, "POST", "/token/refresh", json_body={"refresh": tokens["refresh"]})
    )
    assert send(engine, "GET", "/books", token=refreshed["access"]).status == 200


def test_an_expired_refresh_token_is_401(engine: MockEngine) -> None:
    tokens = login(engine)
    engine.clock.advance(600)
    assert (
        send(engine, "POST", "/token/refresh", json_body={"refresh": tokens["refresh"]}).status
        == 401
    )


def test_a_refresh_token_is_not_an_access_token(engine: MockEngine) -> None:
    assert send(engine, "GET", "/books", token=login(engine)["refresh"]).status == 401


def test_lists_are_paginated_with_a_total(engine: MockEngine, token: str) -> None:
    response = send(engine, "GET", "/books", token=token, query="limit=5&offset=30")
    assert [b["id"] for b in payload(response)] == [128, 129]
    assert response.header("x-total-count") == "32"


def test_a_limit_beyond_the_bounds_is_400_naming_the_parameter(
    engine: MockEngine, token: str
) -> None:
    response = send(engine, "GET", "/books", token=token, query="limit=51")
    assert response.status == 400
    assert payload(response)["pointer"] == "/query/limit"


def test_a_non_integer_limit_is_400_naming_the_parameter(engine: MockEngine, token: str) -> None:
    response = send(engine, "GET", "/books", token=token, query="limit=abc")
    assert (response.status, payload(response)["pointer"]) == (400, "/query/limit")


def test_filters_match_as_declared(engine: MockEngine, token: str) -> None:
    response = send(engine, "GET", "/books", token=token, query="genre=classic&limit=50")
    assert [b["title"] for b in payload(response)] == ["Emma"]


def test_create_answers_201_with_location_and_reads_back(engine: MockEngine, token: str) -> None:
    book = {"title": "Solaris", "isbn": "978-0156027601", "shelf": 2, "genre": "SciFi"}
    response = send(engine, "POST", "/books", token=token, json_body=book)
    assert response.status == 201
    created = payload(response)
    assert response.header("location") == f"{BASE}/books/{created['id']}"
    assert payload(send(engine, "GET", f"/books/{created['id']}", token=token)) == {
        **book,
        "id": created["id"],
        "cover": None,
    }


def test_a_duplicate_unique_field_is_a_conflict(engine: MockEngine, token: str) -> None:
    book = {"title": "Dune again", "isbn": "978-0441013593", "shelf": 1, "genre": "SciFi"}
    response = send(engine, "POST", "/books", token=token, json_body=book)
    assert (response.status, payload(response)["pointer"]) == (409, "/body/isbn")


def test_a_reference_to_a_missing_record_is_400_on_that_field(
    engine: MockEngine, token: str
) -> None:
    book = {"title": "Lost", "isbn": "x-1", "shelf": 99, "genre": "SciFi"}
    response = send(engine, "POST", "/books", token=token, json_body=book)
    assert (response.status, payload(response)["pointer"]) == (400, "/body/shelf")


def test_a_missing_required_field_is_400_with_its_pointer(engine: MockEngine, token: str) -> None:
    response = send(
        engine,
        "POST",
        "/books",
        token=token,
        json_body={"title": "No isbn", "shelf": 1, "genre": "x"},
    )
    assert response.status == 400
    assert "/body/isbn" in payload(response)["pointer"]


def test_patch_changes_only_the_sent_fields(engine: MockEngine, token: str) -> None:
    response = send(engine, "PATCH", "/books/1", token=token, json_body={"genre": "Classic SF"})
    assert payload(response) == {
        "id": 1,
        "title": "Dune",
        "isbn": "978-0441013593",
        "shelf": 1,
        "genre": "Classic SF",
        "cover": None,
    }


def test_put_requires_every_writable_field(engine: MockEngine, token: str) -> None:
    response = send(engine, "PUT", "/books/1", token=token, json_body={"title": "Dune"})
    assert response.status == 400


def test_put_replaces_the_record(engine: MockEngine, token: str) -> None:
    new = {"title": "Dune Messiah", "isbn": "978-0593098233", "shelf": 2, "genre": "SciFi"}
    response = send(engine, "PUT", "/books/1", token=token, json_body=new)
    assert payload(response) == {**new, "id": 1, "cover": None}


def test_delete_then_read_is_404(engine: MockEngine, token: str) -> None:
    assert send(engine, "DELETE", "/books/2", token=token).status == 204
    assert send(engine, "GET", "/books/2", token=token).status == 404


def test_an_unknown_id_is_404(engine: MockEngine, token: str) -> None:
    assert send(engine, "GET", "/books/424242", token=token).status == 404


def test_a_multipart_upload_is_kept_and_readable_back(engine: MockEngine, token: str) -> None:
    fields = {
        "title": "Atlas",
        "isbn": "x-2",
        "shelf": "2",
        "genre": "Atlas",
        "cover": ("cover.png", b"\x89PNG fake", "image/png"),
    }
    body, content_type = encode_multipart_formdata(fields)
    response = send(
        engine, "POST", "/books", token=token, body=body, headers={"content-type": content_type}
    )
    assert response.status == 201, response.body
    cover_url = payload(response)["cover"]
    assert cover_url.startswith(f"{BASE}/__specmock/files/")
    stored = send(engine, "GET", cover_url.removeprefix(BASE))
    assert (stored.body, stored.header("content-type")) == (b"\x89PNG fake", "image/png")


def test_an_unsupported_media_type_is_415(engine: MockEngine, token: str) -> None:
    response = send(
        engine,
        "POST",
        "/books",
        token=token,
        body=b"title=x",
        headers={"content-type": "text/plain"},
    )
    assert response.status == 415


def test_a_body_over_the_limit_is_413(engine: MockEngine, token: str) -> None:
    response = send(
        engine,
        "POST",
        "/books",
        token=token,
        body=b"x" * 5000,
        headers={"content-type": "application/json"},
    )
    assert response.status == 413


def test_an_undeclared_method_is_405_with_allow(engine: MockEngine) -> None:
    response = send(engine, "POST", "/status")
    assert (response.status, response.header("allow")) == (405, "GET")


def test_an_unknown_path_is_404_with_the_nearest_paths(engine: MockEngine) -> None:
    response = send(engine, "GET", "/book")
    assert response.status == 404
    assert "/books" in payload(response)["detail"]


def test_head_answers_like_get_without_a_body(engine: MockEngine) -> None:
    response = send(engine, "HEAD", "/status")
    assert (response.status, response.body) == (200, b"")


def test_prefer_picks_a_named_example(engine: MockEngine) -> None:
    response = send(engine, "GET", "/status", headers={"prefer": "example=degraded"})
    assert payload(response) == {"state": "degraded"}


def test_prefer_picks_a_status(engine: MockEngine) -> None:
    response = send(engine, "GET", "/status", headers={"prefer": "code=503"})
    assert (response.status, payload(response)) == (503, {"state": "down"})


def test_reset_restores_the_seed(engine: MockEngine, token: str) -> None:
    send(engine, "DELETE", "/books/1", token=token)
    assert send(engine, "POST", "/__specmock/reset").status == 204
    assert send(engine, "GET", "/books/1", token=login(engine)["access"]).status == 200


def test_the_journal_records_each_request(engine: MockEngine) -> None:
    send(engine, "GET", "/status")
    entries = payload(send(engine, "GET", "/__specmock/journal"))["entries"]
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [("GET", "/status", 200)]


def test_the_admin_clock_advances_token_expiry(engine: MockEngine, token: str) -> None:
    send(engine, "POST", "/__specmock/clock", json_body={"advance": 61})
    assert send(engine, "GET", "/books", token=token).status == 401


def test_a_bad_admin_clock_command_is_400(engine: MockEngine) -> None:
    response = send(engine, "POST", "/__specmock/clock", json_body={"advance": "soon"})
    assert response.status == 400


def test_a_path_parameter_off_its_schema_is_404(engine: MockEngine, token: str) -> None:
    # Given an integer id parameter, when the path carries a word, then the URL names nothing
    assert send(engine, "GET", "/books/abc", token=token).status == 404

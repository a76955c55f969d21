"""The admin API cannot be driven by a web page, nor by anyone without its token when exposed."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from urllib3 import encode_multipart_formdata

from specmock.cli import is_loopback
from specmock.engine.app import MockEngine
from specmock.engine.options import EngineOptions
from tests.engine.test_pipeline import TINY, login, payload, send

TOKEN = "s3cret-admin"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return yaml.safe_load(TINY.read_text())


@pytest.fixture
def open_engine(document: dict[str, Any]) -> MockEngine:
    return MockEngine(document, EngineOptions())


@pytest.fixture
def guarded(document: dict[str, Any]) -> MockEngine:
    return MockEngine(document, EngineOptions(admin_token=TOKEN))


@pytest.mark.parametrize("headers", [
    {"origin": "http://evil.example", "host": "127.0.0.1:8000"},
    {"sec-fetch-site": "cross-site"},
])
def test_an_admin_write_from_another_origin_is_403(open_engine: MockEngine,
                                                  headers: dict[str, str]) -> None:
    answer = send(open_engine, "POST", "/__specmock/reset", headers=headers)
    assert answer.status == 403


@pytest.mark.parametrize("media_type", ["text/plain", "application/x-www-form-urlencoded",
                                        "multipart/form-data; boundary=x"])
def test_an_admin_write_a_form_could_send_is_415(open_engine: MockEngine,
                                                 media_type: str) -> None:
    # Given the clock's reading
    before = payload(send(open_engine, "GET", "/__specmock/clock"))["offset"]

    # When a page of the mock's own origin posts a clock command as a simple (preflight-free)
    # request, as a form or a no-cors fetch can
    answer = send(open_engine, "POST", "/__specmock/clock", body=b'{"advance": 3600}',
                  headers={"content-type": media_type, "origin": "http://127.0.0.1:8000",
                           "host": "127.0.0.1:8000", "sec-fetch-mode": "no-cors"})

    # Then it is refused and the clock has not moved
    assert answer.status == 415
    assert payload(send(open_engine, "GET", "/__specmock/clock"))["offset"] == before


def test_an_admin_write_from_the_same_origin_with_json_is_carried_out(
        open_engine: MockEngine) -> None:
    answer = send(open_engine, "POST", "/__specmock/clock", json_body={"advance": 60},
                  headers={"origin": "http://127.0.0.1:8000", "host": "127.0.0.1:8000"})
    assert answer.status == 200


def test_a_reset_without_a_body_is_carried_out(open_engine: MockEngine) -> None:
    assert send(open_engine, "POST", "/__specmock/reset").status == 204


def test_a_tool_may_send_a_clock_command_as_curl_d_does(open_engine: MockEngine) -> None:
    # curl -d sends a form content type, and no Origin: a tool, not a page
    answer = send(open_engine, "POST", "/__specmock/clock", body=b'{"advance": 60}',
                  headers={"content-type": "application/x-www-form-urlencoded"})
    assert answer.status == 200


def test_with_a_token_the_admin_api_refuses_calls_without_it(guarded: MockEngine) -> None:
    answer = send(guarded, "GET", "/__specmock/journal")
    assert answer.status == 401
    assert "x-specmock-token" in payload(answer)["detail"]


def test_with_a_token_the_admin_api_answers_calls_with_it(guarded: MockEngine) -> None:
    answer = send(guarded, "GET", "/__specmock/journal", headers={"x-specmock-token": TOKEN})
    assert answer.status == 200


def test_the_health_check_needs_no_token(guarded: MockEngine) -> None:
    assert send(guarded, "GET", "/__specmock/health").status == 200


def test_with_a_token_an_upload_is_read_with_the_contracts_credentials(
        guarded: MockEngine) -> None:
    # Given a book created with a cover, by a client holding a bearer token
    access = login(guarded)["access"]
    body, content_type = encode_multipart_formdata({
        "title": "x", "isbn": "isbn-x", "shelf": "1", "genre": "sf",
        "cover": ("c.png", b"\x89PNG", "image/png")})
    created = payload(send(guarded, "POST", "/books", token=access, body=body,
                           headers={"content-type": content_type}))
    path = created["cover"].removeprefix("http://mock.test:8080")

    # Then the cover is not readable without credentials, and readable with the client's
    # token or the admin token
    assert send(guarded, "GET", path).status == 401
    assert send(guarded, "GET", path, token=access).status == 200
    assert send(guarded, "GET", path, headers={"x-specmock-token": TOKEN}).status == 200


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("localhost", True),
    ("0.0.0.0", False), ("::", False), ("192.0.2.10", False), ("mock.internal", False)])
def test_only_loopback_binds_go_without_an_admin_token(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback

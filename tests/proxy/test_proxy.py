"""`specmock proxy` in front of real servers: the mock itself (correct), the suites' broken
servers (each breaking one rule) and ad-hoc pytest-httpserver upstreams.

Contract: tests/fixtures/tiny, whose errors are problem+json.
"""

from __future__ import annotations

import gzip
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from pytest_httpserver import HTTPServer

from specmock.contract import lint_contract
from specmock.engine.app import MockEngine
from specmock.engine.options import EngineOptions
from specmock.http.server import ServerThread
from specmock.proxy import VIOLATIONS_HEADER, ContractChecks, ProxyApp, Recorder
from tests.suites_selftest.broken import Breaker, CreatedAnswers200, FieldOfWrongType

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny"
FAULTS = TINY.parent / "faults"
CREDENTIALS = {"username": "alice", "password": "secret-1"}


@contextmanager
def proxy(
    upstream: str, contract: Path = TINY, **options: Any
) -> Iterator[tuple[str, ProxyApp]]:
    """A proxy in front of `upstream`, served in a thread: (its URL, its app)."""
    app = ProxyApp(ContractChecks(MockEngine.from_path(contract)), upstream, **options)
    with ServerThread(None, app=app) as server:
        yield server.url, app


@contextmanager
def served(engine: Any) -> Iterator[str]:
    with ServerThread(engine) as server:
        yield server.url


def login(url: str) -> dict[str, str]:
    tokens = requests.post(url + "/token", json=CREDENTIALS, timeout=5).json()
    return {"Authorization": f"Bearer {tokens['access']}"}


def violations(response: requests.Response) -> list[dict[str, Any]]:
    header = response.headers.get(VIOLATIONS_HEADER)
    return list(json.loads(header)) if header else []


def crud_session(url: str) -> list[requests.Response]:
    """Every operation of the tiny contract, as a client would call them."""
    auth = login(url)
    book = {"title": "Solaris", "isbn": "978-0156027601", "shelf": 2, "genre": "SciFi"}
    created = requests.post(url + "/books", json=book, headers=auth, timeout=5)
    location = f"/books/{created.json()['id']}"
    return [
        created,
        requests.get(url + "/status", timeout=5),
        requests.get(url + "/books?limit=5&genre=scifi", headers=auth, timeout=5),
        requests.get(url + location, headers=auth, timeout=5),
        requests.patch(url + location, json={"title": "Solaris!"}, headers=auth, timeout=5),
        requests.put(url + location, json=book, headers=auth, timeout=5),
        requests.delete(url + location, headers=auth, timeout=5),
        requests.get(url + location, headers=auth, timeout=5),
    ]


def test_in_front_of_a_correct_server_it_reports_nothing() -> None:
    # Given the mock itself as the upstream
    upstream = MockEngine.from_path(TINY, EngineOptions(check_responses=True))
    with served(upstream) as real, proxy(real) as (url, app):
        # When a client goes through every operation
        answers = crud_session(url)
    # Then every answer is the server's, and no violation is reported anywhere
    assert [a.status_code for a in answers] == [201, 200, 200, 200, 200, 200, 204, 404]
    assert [violations(a) for a in answers] == [[]] * len(answers)
    assert app.report.distinct() == []
    assert app.report.requests == len(answers) + 1  # and the login


@pytest.mark.parametrize(
    ("breaker", "rule", "where", "pointer"),
    [
        (FieldOfWrongType, "response.body", "getBook", "/shelf"),
        (CreatedAnswers200, "response.status", "createBook", ""),
    ],
)
def test_in_front_of_a_broken_server_each_violation_is_reported_once_with_its_rule(
    breaker: type[Breaker], rule: str, where: str, pointer: str
) -> None:
    # Given a server that breaks one rule of the contract
    with served(breaker(str(TINY))) as real, proxy(real) as (url, app):
        # When clients make the requests that show it, three times
        auth = login(url)
        book = {"title": "Solaris", "isbn": "isbn-x", "shelf": 2, "genre": "SciFi"}
        for attempt in range(3):
            requests.post(url + "/books", json={**book, "isbn": f"x-{attempt}"}, headers=auth,
                          timeout=5)
            answer = requests.get(url + "/books/1", headers=auth, timeout=5)
    # Then the summary lists that one violation once, with its rule and how often it was seen
    distinct = app.report.distinct()
    assert [(d["rule"], d["where"], d["pointer"], d["count"]) for d in distinct] == [
        (rule, where, pointer, 3)
    ]
    assert rule in app.report.summary()
    if rule == "response.body":  # and the client saw it in the answer's header
        assert [v["rule"] for v in violations(answer)] == ["response.body"]


def test_the_same_field_wrong_in_every_listed_record_is_one_violation() -> None:
    with served(FieldOfWrongType(str(TINY))) as real, proxy(real) as (url, app):
        answer = requests.get(url + "/books?limit=4", headers=login(url), timeout=5)
    assert len(violations(answer)) == 4
    assert [(d["pointer"], d["count"]) for d in app.report.distinct()] == [("/*/shelf", 4)]


def test_a_request_that_breaks_the_contract_is_reported_and_still_forwarded() -> None:
    upstream = MockEngine.from_path(TINY)
    with served(upstream) as real, proxy(real) as (url, app):
        answer = requests.get(url + "/books?limit=abc", headers=login(url), timeout=5)
    assert answer.status_code == 400  # the server's own answer
    assert [(v["rule"], v["location"]) for v in violations(answer)] == [
        ("request.query", ["request", "query", "limit"])
    ]
    assert app.report.entries()[-1]["violations"][0]["rule"] == "request.query"


def test_a_protected_operation_called_without_credentials_is_reported() -> None:
    with served(MockEngine.from_path(TINY)) as real, proxy(real) as (url, _app):
        answer = requests.get(url + "/books", timeout=5)
    assert [v["rule"] for v in violations(answer)] == ["request.security"]


def test_an_unreachable_upstream_is_a_502_in_the_contracts_error_shape() -> None:
    with proxy("http://127.0.0.1:9", timeout=2) as (url, app):
        answer = requests.get(url + "/status", timeout=5)
    assert answer.status_code == 502
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"].endswith("/badGateway")
    assert app.report.entries()[-1]["status"] == 502


def test_host_is_the_upstreams_and_links_stay_as_written(httpserver: HTTPServer) -> None:
    # Given an upstream that answers with a link to itself and echoes the Host it was sent
    own = httpserver.url_for("/").rstrip("/")
    seen: dict[str, str] = {}

    def handler(request: Any) -> Any:
        from werkzeug import Response as WerkzeugResponse

        seen["host"] = request.headers["Host"]
        body = {"state": "up", "self": f"{own}/status"}
        return WerkzeugResponse(json.dumps(body), content_type="application/json")

    httpserver.expect_request("/status").respond_with_handler(handler)
    with proxy(own) as (url, _app):
        kept = requests.get(url + "/status", timeout=5).json()
    with proxy(own, rewrite_links=True) as (url, _app):
        rewritten = requests.get(url + "/status", timeout=5).json()
    # Then the upstream saw its own host; links are the server's unless asked otherwise
    assert seen["host"] == own.removeprefix("http://")
    assert kept["self"] == f"{own}/status"
    assert rewritten["self"] == f"{url}/status"


def test_a_non_json_answer_streams_through_checked_for_its_media_type(
    httpserver: HTTPServer,
) -> None:
    payload = bytes(range(256)) * 1024
    httpserver.expect_request("/status").respond_with_data(payload, content_type="image/png")
    with proxy(httpserver.url_for("/").rstrip("/")) as (url, app):
        answer = requests.get(url + "/status", timeout=5)
    assert answer.content == payload
    assert [v["rule"] for v in violations(answer)] == ["response.mediaType"]
    assert app.report.distinct()[0]["rule"] == "response.mediaType"


def test_an_answer_that_is_not_json_where_json_is_documented(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/status").respond_with_data(
        "{not json", content_type="application/json"
    )
    with proxy(httpserver.url_for("/").rstrip("/")) as (url, _app):
        answer = requests.get(url + "/status", timeout=5)
    assert [v["rule"] for v in violations(answer)] == ["response.body"]


def test_keep_alive_to_the_client_and_to_the_upstream() -> None:
    upstream = MockEngine.from_path(TINY)
    with served(upstream) as real, proxy(real) as (url, app), requests.Session() as session:
        answers = [session.get(url + "/status", timeout=5) for _ in range(5)]
    assert [a.status_code for a in answers] == [200] * 5
    assert app.report.requests == 5


def test_record_writes_a_contract_that_lints_clean_with_secrets_redacted(tmp_path: Path) -> None:
    # Given a recording proxy in front of the mock
    upstream = MockEngine.from_path(TINY)
    recorder = Recorder(upstream.document, tmp_path / "recorded")
    with served(upstream) as real, proxy(real, recorder=recorder) as (url, _app):
        crud_session(url)
    # When the recording is written
    written = recorder.write()
    # Then it is a contract specmock lint accepts, with what was seen as examples and seed
    assert [str(d) for d in lint_contract(tmp_path / "recorded") if d.is_error] == []
    contract, *seeds = written
    recorded = json.dumps(list(_recorded_examples(yaml.safe_load(contract.read_text()))))
    recorded += "\n".join(path.read_text() for path in seeds)
    assert "Solaris" in recorded
    assert [p.name for p in seeds] == ["books.yaml"]
    # And no secret seen on the wire reached the disk: the login's password, the tokens
    assert "secret-1" not in recorded
    assert "eyJ" not in contract.read_text() + recorded
    assert "<redacted>" in recorded


def _recorded_examples(node: Any) -> Iterator[Any]:
    if isinstance(node, dict):
        for key, value in node.items():
            if str(key).startswith("recorded-"):
                yield value
            else:
                yield from _recorded_examples(value)
    elif isinstance(node, list):
        for item in node:
            yield from _recorded_examples(item)


def test_a_recording_serves_what_was_seen(tmp_path: Path) -> None:
    upstream = MockEngine.from_path(TINY)
    recorder = Recorder(upstream.document, tmp_path / "recorded")
    with served(upstream) as real, proxy(real, recorder=recorder) as (url, _app):
        requests.patch(url + "/books/2", json={"title": "Emma, 2nd ed."}, headers=login(url),
                       timeout=5)
    recorder.write()
    replay = MockEngine.from_path(tmp_path / "recorded")
    books = replay.contract.state.dump()["collections"]["books"]
    # the seen record over the contract's literal seed (Dune, Emma); the generator dropped
    assert [r["title"] for r in books] == ["Dune", "Emma, 2nd ed."]


def test_each_violation_is_logged_with_its_rule(caplog: pytest.LogCaptureFixture) -> None:
    with served(FieldOfWrongType(str(TINY))) as real, proxy(real, log_violations=True) as (
        url, _app
    ):
        requests.get(url + "/books/1", headers=login(url), timeout=5)
    lines = [r.getMessage() for r in caplog.records if r.name == "specmock.proxy"]
    assert len(lines) == 1
    assert lines[0].startswith("GET /books/1 -> 200: response.body at /shelf: ")


def test_rewrite_links_also_rewrites_location(httpserver: HTTPServer) -> None:
    own = httpserver.url_for("/").rstrip("/")
    httpserver.expect_request("/status").respond_with_data(
        status=301, headers={"Location": f"{own}/status/"}
    )
    with proxy(own, rewrite_links=True) as (url, _app):
        answer = requests.get(url + "/status", allow_redirects=False, timeout=5)
    assert answer.headers["location"] == f"{url}/status/"


def test_a_body_over_the_limit_streams_to_the_upstream_whole(httpserver: HTTPServer) -> None:
    # Given a proxy that reads at most 1 kB of a request body
    received: dict[str, Any] = {}

    def handler(request: Any) -> Any:
        from werkzeug import Response as WerkzeugResponse

        received["body"] = request.get_data()
        received["length"] = request.headers.get("Content-Length")
        return WerkzeugResponse(json.dumps({"state": "up"}), content_type="application/json")

    httpserver.expect_request("/status").respond_with_handler(handler)
    payload = b"y" * 200_000
    with proxy(httpserver.url_for("/").rstrip("/"), max_body_bytes=1024) as (url, _app):
        # When a client sends 200 kB
        answer = requests.get(url + "/status", data=payload, timeout=5)
    # Then the upstream got all of it, with its length, and the answer came back
    assert answer.json() == {"state": "up"}
    assert received == {"body": payload, "length": str(len(payload))}


def test_the_upstreams_admin_api_stays_reachable_unjournalled() -> None:
    upstream = MockEngine.from_path(TINY)
    with served(upstream) as real, proxy(real) as (url, app):
        requests.post(url + "/__specmock/clock", json={"advance": 60}, timeout=5)
        own = requests.get(url + "/__specmock/proxy/violations", timeout=5).json()
    assert upstream.clock.offset == 60
    assert own == {"requests": 0, "violating": 0, "distinct": []}
    assert app.report.entries() == []


@pytest.mark.parametrize("fault", ["reset", "empty", "garbage", "brokenChunk"])
def test_an_upstream_that_gives_no_usable_answer_is_a_502_in_the_contracts_shape(
    fault: str,
) -> None:
    # Given the mock as upstream, asked (through the proxy) for a wire fault
    upstream = MockEngine.from_path(FAULTS)
    with served(upstream) as real, proxy(real, FAULTS) as (url, app):
        answer = requests.get(url + "/notes", headers={"Prefer": f"fault={fault}"}, timeout=5)
    # Then the client gets a 502 in the contract's error shape, and the journal says why
    assert answer.status_code == 502
    assert answer.json()["type"].endswith("/badGateway")
    assert violations(answer) == []  # no answer of the server's to judge
    assert app.report.entries()[-1]["status"] == 502


def test_an_answer_broken_off_after_its_head_is_a_502_noting_it() -> None:
    # Given an upstream that promises 100 bytes of JSON, sends 10 and hangs up
    listener = socket.create_server(("127.0.0.1", 0))

    def serve_one() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                               b"content-length: 100\r\n\r\n{\"state\": ")

    thread = threading.Thread(target=serve_one, daemon=True)
    thread.start()
    upstream = f"http://127.0.0.1:{listener.getsockname()[1]}"
    with proxy(upstream) as (url, app):
        answer = requests.get(url + "/status", timeout=5)
    thread.join(timeout=5)
    listener.close()
    # Then the client gets a 502, with the incomplete answer as the violation
    assert answer.status_code == 502
    assert [v["rule"] for v in violations(answer)] == ["response.incomplete"]
    assert app.report.distinct()[0]["rule"] == "response.incomplete"


def test_a_gzipped_answer_is_checked_and_passed_on_as_sent(httpserver: HTTPServer) -> None:
    # Given an upstream that gzips a status of the wrong kind
    raw = gzip.compress(json.dumps({"state": "sideways"}).encode())
    httpserver.expect_request("/status").respond_with_data(
        raw, content_type="application/json", headers={"Content-Encoding": "gzip"}
    )
    with proxy(httpserver.url_for("/").rstrip("/")) as (url, _app):
        answer = requests.get(url + "/status", timeout=5)
    # Then the client gets the server's bytes (decoded by the client) and the violation
    assert answer.headers["content-encoding"] == "gzip"
    assert answer.json() == {"state": "sideways"}
    assert [(v["rule"], v["location"]) for v in violations(answer)] == [
        ("response.body", ["response", "state"])
    ]

"""The admin journal as WireMock users expect it: bounded but saying what it dropped, headers
and bodies kept (bounded), ISO 8601 times, find and count by method, path, status, headers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from specmock.core.exchange import Request, Response
from specmock.engine.app import MockEngine
from specmock.engine.journal import JOURNAL_BODY_BYTES, Journal
from specmock.engine.journal_query import QueryError, compile_query
from specmock.engine.options import EngineOptions


@pytest.fixture(scope="module")
def dmlf() -> MockEngine:
    return MockEngine.from_path("dmlf", EngineOptions(throttle=False))


@pytest.fixture
def engine(dmlf: MockEngine) -> MockEngine:
    dmlf.journal.clear()
    return dmlf


def _admin(engine: MockEngine, method: str, name: str, body: Any = None) -> tuple[int, Any]:
    raw = b"" if body is None else json.dumps(body).encode()
    answer = engine.handle(Request(method, f"/__specmock/{name}", body=raw, client="127.0.0.1",
                                   headers={"content-type": "application/json"}))
    return answer.status, json.loads(answer.body) if answer.body else None


def _traffic(engine: MockEngine) -> None:
    engine.handle(Request("GET", "/institutes/", headers={"x-trace": "abc-1"}, client="10.0.0.7"))
    engine.handle(Request("GET", "/nowhere", client="10.0.0.8"))
    engine.handle(Request("POST", "/api/token/", body=b'{"username": "demo"}',
                          headers={"content-type": "application/json"}, client="10.0.0.7"))


def _add(journal: Journal, status: int = 200, path: str = "/a", body: bytes = b"") -> None:
    journal.add(0.0, "GET", path, "", status, 1.0, None, None,
                Request("GET", path, body=body), Response(status, [], body))


@given(size=st.integers(1, 20), added=st.integers(0, 60))
def test_the_journal_keeps_its_last_entries_and_counts_the_dropped(size: int, added: int) -> None:
    # Given a journal of `size` entries
    journal = Journal(size)
    # When `added` requests are journalled
    for index in range(added):
        _add(journal, path=f"/{index}")
    # Then it keeps the last ones and says how many older ones it dropped
    assert len(journal) == min(size, added)
    assert journal.dropped == max(0, added - size)
    assert [e["path"] for e in journal.entries()] == [f"/{i}" for i in range(added)][-size:]


def test_an_entry_keeps_headers_bodies_client_and_an_iso_time(engine: MockEngine) -> None:
    # When a request with a header and a body is answered
    _traffic(engine)
    _, journal = _admin(engine, "GET", "journal")
    login = next(e for e in journal["entries"] if e["path"] == "/api/token/")
    # Then its entry has both sides' headers and bodies, the client and an ISO 8601 time
    assert login["request"]["headers"]["content-type"] == "application/json"
    assert login["request"]["body"] == '{"username": "demo"}'
    assert login["response"]["headers"]["content-type"].startswith("application/json")
    assert login["response"]["bodyBytes"] == len(login["response"]["body"].encode())
    assert login["client"] == "10.0.0.7"
    assert login["time"].endswith("Z")
    assert login["time"][:4].isdigit()
    assert journal["dropped"] == 0
    assert journal["maxEntries"] == engine.journal.size


def test_a_long_body_is_kept_cut_and_says_so() -> None:
    journal = Journal(2)
    _add(journal, body=b"x" * (JOURNAL_BODY_BYTES * 3))
    (entry,) = journal.entries()
    assert len(entry["request"]["body"]) == JOURNAL_BODY_BYTES
    assert entry["request"]["bodyBytes"] == JOURNAL_BODY_BYTES * 3
    assert entry["request"]["truncated"] is True


def test_a_binary_body_is_shown_as_base64() -> None:
    journal = Journal(2)
    _add(journal, body=b"%PDF-\xff\xfe\x00")
    (entry,) = journal.entries()
    assert entry["request"]["bodyBase64"] == "JVBERi3//gA="


@pytest.mark.parametrize(
    ("query", "paths"),
    [
        ({}, ["/institutes/", "/nowhere", "/api/token/"]),
        ({"method": "post"}, ["/api/token/"]),
        ({"method": ["GET", "DELETE"]}, ["/institutes/", "/nowhere"]),
        ({"path": "/inst*"}, ["/institutes/"]),
        ({"pathRegex": "(/api/token|/nowhere)/?"}, ["/nowhere", "/api/token/"]),
        ({"status": 404}, ["/nowhere"]),
        ({"status": "4xx", "method": "GET"}, ["/institutes/", "/nowhere"]),
        ({"headers": {"X-Trace": "abc-*"}}, ["/institutes/"]),
        ({"headers": {"content-type": True}}, ["/api/token/"]),
        ({"responseHeaders": {"www-authenticate": True}}, ["/institutes/"]),
    ],
)
def test_find_and_count_filter_the_journal(
    engine: MockEngine, query: dict[str, Any], paths: list[str]
) -> None:
    # Given three journalled requests
    _traffic(engine)
    # When the journal is searched and counted
    found_status, found = _admin(engine, "POST", "journal/find", query)
    count_status, counted = _admin(engine, "POST", "journal/count", query)
    # Then both agree on the entries that match (the admin calls themselves are not journalled)
    assert (found_status, count_status) == (200, 200)
    assert [e["path"] for e in found["entries"]] == paths
    assert counted["count"] == found["count"] == len(paths)


@pytest.mark.parametrize(
    ("query", "pointer"),
    [
        ([], "/body"),
        ({"verb": "GET"}, "/body/verb"),
        ({"method": 3}, "/body/method"),
        ({"path": ["/a"]}, "/body/path"),
        ({"pathRegex": "(unclosed"}, "/body/pathRegex"),
        ({"status": "4x"}, "/body/status"),
        ({"status": True}, "/body/status"),
        ({"headers": {"x": 1}}, "/body/headers/x"),
        ({"headers": []}, "/body/headers"),
    ],
)
def test_a_bad_query_is_400_saying_what_is_accepted(
    engine: MockEngine, query: Any, pointer: str
) -> None:
    for name in ("journal/find", "journal/count"):
        status, problem = _admin(engine, "POST", name, query)
        assert status == 400
        assert pointer in json.dumps(problem)
    with pytest.raises(QueryError) as raised:
        compile_query(query)
    assert raised.value.pointer == pointer


def test_a_body_that_is_not_json_is_400(engine: MockEngine) -> None:
    answer = engine.handle(Request("POST", "/__specmock/journal/count", body=b"{",
                                   headers={"content-type": "application/json"}))
    assert answer.status == 400
    assert b"method" in answer.body  # says what a query may hold


def test_clearing_the_journal_forgets_the_dropped_count_too() -> None:
    journal = Journal(1)
    _add(journal)
    _add(journal)
    journal.clear()
    assert (len(journal), journal.dropped) == (0, 0)

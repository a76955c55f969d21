"""The hot-path shortcuts made for the benchmarks answer exactly what the long way answers.

Remembered token decodings (behaviours/tokens.py), remembered routes and encoded records
(engine/pipeline.py), remembered list items and page links (behaviours/representation.py), the
bounded memo itself (core/memo.py), record paths (behaviours/paths.py), the request's parsed query
(core/exchange.py) and the journal's rows (engine/journal.py). No timing. The HTTP protocol that
answers without ASGI (http/protocol.py) has its own tests in tests/e2e/test_protocol.py.
"""

from __future__ import annotations

import base64
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from specmock.behaviours import tokens as tokens_module
from specmock.behaviours.paths import ResourcePaths
from specmock.behaviours.representation import SirenRepresentation
from specmock.behaviours.tokens import TokenRejected, TokenService, TokenSettings, parse_bearer
from specmock.core.clock import ControllableClock
from specmock.core.exchange import Request
from specmock.core.memo import BoundedMemo
from specmock.engine.app import MockEngine
from specmock.engine.journal import Journal, JournalEntry

ROOT = Path(__file__).resolve().parents[2]
T0 = 1_700_000_000.0


def _service(settings: TokenSettings | None = None) -> tuple[TokenService, ControllableClock]:
    clock = ControllableClock(base=lambda: T0)
    return TokenService(settings or TokenSettings(), clock, secret=b"k" * 32,
                        rng=random.Random(0)), clock


def _reason(result: object) -> str:
    assert isinstance(result, TokenRejected), result
    return result.reason


# ------------------------------------------------------------------------ remembered decodings


def test_a_remembered_token_still_expires_with_the_clock() -> None:
    service, clock = _service(TokenSettings(access_ttl=60))
    token = service.issue_access(7)
    assert isinstance(service.verify(token), dict)
    clock.advance(61)
    assert _reason(service.verify(token)) == "expired"
    clock.advance(-61)
    assert isinstance(service.verify(token), dict)


def test_a_remembered_token_is_still_checked_for_its_type() -> None:
    service, _ = _service()
    pair = service.issue(7)
    assert isinstance(service.verify(pair.refresh, "refresh"), dict)
    assert _reason(service.verify(pair.refresh, "access")) == "wrong_type"
    assert isinstance(service.verify(pair.access, "access"), dict)
    assert _reason(service.verify(pair.access, "refresh")) == "wrong_type"


def test_changing_the_returned_claims_changes_no_later_verification() -> None:
    service, _ = _service()
    token = service.issue_access(7)
    claims = service.verify(token)
    assert isinstance(claims, dict)
    claims["token_type"] = "refresh"
    claims["user_id"] = 99
    again = service.verify(token)
    assert isinstance(again, dict)
    assert (again["token_type"], again["user_id"]) == ("access", 7)


def test_a_changed_token_is_refused_after_the_original_was_remembered() -> None:
    service, _ = _service()
    token = service.issue_access(7)
    assert isinstance(service.verify(token), dict)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["user_id"] = 8
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert _reason(service.verify(f"{header}.{forged_payload}.{signature}")) == "bad_signature"
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert _reason(service.verify(f"{header}.{payload}.{flipped}")) == "bad_signature"


def test_new_claim_names_apply_to_remembered_tokens() -> None:
    service, _ = _service()
    token = service.issue_access(7)
    assert isinstance(service.verify(token), dict)
    service.settings = TokenSettings(user_id_claim="sub")
    assert _reason(service.verify(token)) == "missing_claims"


def test_another_instance_refuses_a_token_this_one_remembers() -> None:
    service, clock = _service()
    other = TokenService(TokenSettings(), clock, secret=b"o" * 32)
    token = service.issue_access(7)
    assert isinstance(service.verify(token), dict)
    assert _reason(other.verify(token)) == "bad_signature"


def test_remembered_decodings_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens_module, "DECODED_CACHE_SIZE", 3)
    service, _ = _service()
    issued = [service.issue_access(user) for user in range(10)]
    for token in issued:
        assert isinstance(service.verify(token), dict)
    assert len(service._decoded) <= 3
    assert all(isinstance(service.verify(token), dict) for token in issued)


def _parse_bearer_by_the_rule(header: str) -> str | None:
    parts = re.split(r"[ \t]+", header.strip(" \t"))
    if len(parts) != 2 or parts[0].lower() != "bearer" or not parts[1]:
        return None
    return parts[1]


@pytest.mark.parametrize("header", [
    "Bearer abc", "bearer abc", "BEARER abc", "Bearer  abc", "Bearer\tabc", " Bearer abc",
    "Bearer abc ", "Bearer abc\t", "Bearer", "Bearer ", "Bearer a b", "Basic abc", "Bearerabc",
    "Bearer abc\n", "Token abc", "", "Bearer \t", "bEaReR x.y.z",
])
def test_the_fast_bearer_reading_agrees_with_the_rule(header: str) -> None:
    assert parse_bearer(header) == _parse_bearer_by_the_rule(header)


# ------------------------------------------------------------------------ remembered routes


@pytest.fixture(scope="module")
def dmlf() -> MockEngine:
    return MockEngine.from_path(ROOT / "contracts/dmlf")


def _token(engine: MockEngine) -> str:
    body = json.dumps({"username": "demo", "password": "demo-pass-123"}).encode()
    answer = engine.handle(Request("POST", "/api/token/", headers={
        "content-type": "application/json"}, body=body))
    assert answer.status == 200
    return str(json.loads(answer.body)["access"])


def test_remembered_routes_answer_as_the_router(dmlf: MockEngine,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dmlf.pipeline._routes, "size", 2)
    headers = {"authorization": f"Bearer {_token(dmlf)}"}
    for _ in range(2):
        for record_id in (1, 2, 3, 1):
            answer = dmlf.handle(Request("GET", f"/institutes/{record_id}/", headers=headers))
            assert answer.status == 200
            assert json.loads(answer.body)["id"] == record_id
        assert dmlf.handle(Request("GET", "/institutes/abc/", headers=headers)).status == 404
        assert dmlf.handle(Request("GET", "/institutes/1", headers=headers)).status == 301
        assert dmlf.handle(Request("GET", "/nowhere/", headers=headers)).status == 404
    assert len(dmlf.pipeline._routes) <= 2


# ------------------------------------------------------------------------ the journal


def test_the_journal_keeps_rows_and_reads_them_as_before() -> None:
    journal = Journal(size=2)
    journal.record(JournalEntry(1.0, "GET", "/a", "", 200, 0.5, "op"))
    journal.add(2.0, "POST", "/b", "x=1", 201, 0.123456, None)
    journal.add(3.0, "GET", "/c", "", 404, 1.0, None)
    nothing = {"headers": {}, "body": "", "bodyBytes": 0, "truncated": False}
    assert journal.entries() == [
        {"time": "1970-01-01T00:00:02.000Z", "epoch": 2.0, "method": "POST", "path": "/b",
         "query": "x=1", "status": 201, "duration_ms": 0.123, "operation_id": None,
         "client": "", "request": nothing, "response": nothing},
        {"time": "1970-01-01T00:00:03.000Z", "epoch": 3.0, "method": "GET", "path": "/c",
         "query": "", "status": 404, "duration_ms": 1.0, "operation_id": None, "client": "",
         "request": nothing, "response": nothing},
    ]
    assert journal.dropped == 1
    journal.clear()
    assert journal.entries() == []


# ------------------------------------------------------------------------ the bounded memo


def test_a_full_memo_forgets_its_oldest_entry_first() -> None:
    memo: BoundedMemo[int, str] = BoundedMemo(3)
    for key in range(5):
        memo.remember(key, str(key))
    assert list(memo.items()) == [(2, "2"), (3, "3"), (4, "4")]


def test_remember_returns_the_value_it_keeps() -> None:
    memo: BoundedMemo[str, list[int]] = BoundedMemo(2)
    value = [1]
    assert memo.remember("a", value) is value
    assert memo.get("a") is value


# ------------------------------------------------------------------------ remembered bodies


@pytest.fixture
def freezerworks() -> MockEngine:
    return MockEngine.from_path(ROOT / "contracts/freezerworks")


def _bearer(engine: MockEngine) -> dict[str, str]:
    basic = base64.b64encode(b"demoUser:demoPassword").decode()
    answer = engine.handle(Request("GET", "/api/v1/users/authenticate",
                                   headers={"authorization": f"Basic {basic}"}))
    assert answer.status == 200
    return {"authorization": f"Bearer {json.loads(answer.body)['properties']['token']}"}


def _get(engine: MockEngine, path: str, headers: dict[str, str], query: str = "",
         base_url: str = "http://127.0.0.1") -> Any:
    answer = engine.handle(Request("GET", path, query, headers=headers, base_url=base_url))
    assert answer.status == 200, answer.body
    return json.loads(answer.body)


def _patch_comments(engine: MockEngine, headers: dict[str, str], text: str) -> None:
    body = json.dumps({"Sample_Notes": text}).encode()
    answer = engine.handle(Request("PATCH", "/api/v1/aliquots/102992", body=body,
                                   headers={**headers, "content-type": "application/json"}))
    assert answer.status == 200, answer.body


def test_a_remembered_record_body_follows_an_update(freezerworks: MockEngine) -> None:
    # Given an aliquot read (and its encoded body remembered)
    headers = _bearer(freezerworks)
    _get(freezerworks, "/api/v1/aliquots/102992", headers)
    # When it is changed
    _patch_comments(freezerworks, headers, "moved to rack R9")
    # Then the next read shows the change
    entity = _get(freezerworks, "/api/v1/aliquots/102992", headers)
    assert entity["properties"]["Sample_Notes"] == "moved to rack R9"


def test_a_remembered_record_body_is_per_host(freezerworks: MockEngine) -> None:
    headers = _bearer(freezerworks)
    first = _get(freezerworks, "/api/v1/aliquots/102992", headers, base_url="http://a:1")
    second = _get(freezerworks, "/api/v1/aliquots/102992", headers, base_url="http://b:2")
    assert first["links"][0]["href"] == "http://a:1/api/v1/aliquots/102992"
    assert second["links"][0]["href"] == "http://b:2/api/v1/aliquots/102992"


def test_a_remembered_record_body_is_forgotten_on_reset(freezerworks: MockEngine) -> None:
    headers = _bearer(freezerworks)
    _patch_comments(freezerworks, headers, "changed")
    _get(freezerworks, "/api/v1/aliquots/102992", headers)
    freezerworks.reset()
    headers = _bearer(freezerworks)
    entity = _get(freezerworks, "/api/v1/aliquots/102992", headers)
    assert entity["properties"]["Sample_Notes"] != "changed"


def test_remembered_list_items_follow_an_update(freezerworks: MockEngine) -> None:
    # Given a page whose items were remembered
    headers = _bearer(freezerworks)
    query = "limit=3&offset=0"
    _get(freezerworks, "/api/v1/samples/100001/aliquots", headers, query)
    # When one of them changes
    _patch_comments(freezerworks, headers, "relabelled")
    # Then a new page shows the changed item
    page = _get(freezerworks, "/api/v1/samples/100001/aliquots", headers, query)
    items = {e["properties"]["PK_AliquotUID"]: e for e in page["entities"]}
    assert items[102992]["properties"]["Sample_Notes"] == "relabelled"
    assert items[102992]["rel"] == ["item"]


def test_a_remembered_item_is_the_entity_of_its_record(freezerworks: MockEngine) -> None:
    headers = _bearer(freezerworks)
    page = _get(freezerworks, "/api/v1/aliquots", headers, "limit=2&offset=0")
    again = _get(freezerworks, "/api/v1/aliquots", headers, "limit=2&offset=0")
    for item, repeated in zip(page["entities"], again["entities"], strict=True):
        record_id = item["properties"]["PK_AliquotUID"]
        single = _get(freezerworks, f"/api/v1/aliquots/{record_id}", headers)
        assert item == repeated
        assert item["properties"] == single["properties"]
        assert item["links"] == single["links"]


def test_remembered_items_are_bounded(freezerworks: MockEngine,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    representation = freezerworks.contract.representation
    assert isinstance(representation, SirenRepresentation)
    monkeypatch.setattr(representation._items, "size", 5)
    headers = _bearer(freezerworks)
    for offset in range(4):
        _get(freezerworks, "/api/v1/aliquots", headers, f"limit=10&offset={offset}")
    assert len(representation._items) <= 5


# ------------------------------------------------------------------------ links and paths

_QUERY_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)


_ENGINE: list[tuple[MockEngine, dict[str, str]]] = []


def _shared_freezerworks() -> tuple[MockEngine, dict[str, str]]:
    """One engine for every example (examples only read)."""
    if not _ENGINE:
        engine = MockEngine.from_path(ROOT / "contracts/freezerworks")
        _ENGINE.append((engine, _bearer(engine)))
    return _ENGINE[0]


@given(others=st.lists(st.tuples(_QUERY_TEXT.map("x-{}".format), _QUERY_TEXT), max_size=3),
       limit=st.integers(1, 40), offset=st.integers(0, 3))
def test_page_links_are_urlencoded_queries(others: list[tuple[str, str]], limit: int,
                                           offset: int) -> None:
    from urllib.parse import urlencode

    engine, headers = _shared_freezerworks()
    query = urlencode([*others, ("limit", limit), ("offset", offset)])
    page = _get(engine, "/api/v1/aliquots", headers, query)
    carried = [*others, ("datasetid", page["properties"]["datasetid"])]
    expected = {"first": 0, "prev": offset - 1, "next": offset + 1}
    for link in page["links"][1:]:
        (rel,) = link["rel"]
        wanted = urlencode([*carried, ("limit", limit), ("offset", expected[rel])])
        assert link["href"] == f"http://127.0.0.1/api/v1/aliquots?{wanted}"


@given(record_id=st.one_of(st.integers(), st.text(max_size=12)))
def test_record_paths_quote_as_before(record_id: int | str) -> None:
    from urllib.parse import quote

    paths = ResourcePaths()
    paths.add_detail("things", "/things/{thingId}", "thingId")
    assert paths.record("things", record_id) == "/things/" + quote(str(record_id), safe="")


@given(query_string=st.text(max_size=40))
def test_the_parsed_query_is_parse_qsl_and_parsed_once(query_string: str) -> None:
    from urllib.parse import parse_qsl

    request = Request("GET", "/", query_string)
    assert list(request.query) == parse_qsl(query_string, keep_blank_values=True)
    assert request.query is request.query

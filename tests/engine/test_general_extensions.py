"""The general extensions of issue 11 on a small library contract (no Freezerworks in sight):
error items, token claims, `limit.all`, create under a scope with `many`, `flatten`, `related`,
`title`, `search` and `document`. Every answer is held to the contract (response checking on).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from specmock.behaviours.search import COMPARISONS
from specmock.core.exchange import Request, Response
from specmock.engine.app import MockEngine
from specmock.engine.options import EngineOptions

BASE = "http://mock.test:8080"

LIBRARY = Path(__file__).resolve().parents[1] / "fixtures" / "library" / "openapi.yaml"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return yaml.safe_load(LIBRARY.read_text())  # type: ignore[no-any-return]


@pytest.fixture
def engine(document: dict[str, Any]) -> MockEngine:
    return MockEngine(document, EngineOptions(check_responses=True))


def send(engine: MockEngine, method: str, path: str, body: Any = None, *,
         query: str = "", auth: str | None = None) -> Response:
    headers = {"content-type": "application/json"} if body is not None else {}
    if auth is not None:
        headers["authorization"] = auth
    data = json.dumps(body).encode() if body is not None else b""
    return engine.handle(Request(method, path, query, headers, data, BASE))


def token(engine: MockEngine) -> str:
    # "ann:pw-123" in base64
    response = send(engine, "GET", "/token", auth="Basic YW5uOnB3LTEyMw==")
    assert response.status == 200, response.body
    return str(json.loads(response.body)["properties"]["token"])


def call(engine: MockEngine, method: str, path: str, body: Any = None, query: str = "") -> Any:
    response = send(engine, method, path, body, query=query, auth="Bearer " + token(engine))
    return response.status, (json.loads(response.body) if response.body[:1] == b"{" else response)


def test_the_token_entity_carries_the_jwt_claims(engine: MockEngine) -> None:
    # Given a token issued for ann
    response = send(engine, "GET", "/token", auth="Basic YW5uOnB3LTEyMw==")
    # When its entity is read
    properties = json.loads(response.body)["properties"]
    # Then the claims and the username are beside the token, with their types
    assert (properties["who"], properties["uid"]) == ("ann", 7)
    assert isinstance(properties["exp"], int)
    assert properties["exp"] > 0


def test_several_wrong_fields_are_listed_each_with_its_pointer_and_a_self_link(
    engine: MockEngine,
) -> None:
    # Given an update with two wrong fields
    # When it is sent
    status, entity = call(engine, "POST", "/books/1", {"title": "", "pages": 0})
    # Then both come back as items with a snake_case code, and the self link is the request's
    assert status == 400
    assert sorted(e["at"] for e in entity["properties"]["errors"]) == ["/body/pages", "/body/title"]
    assert {e["code"] for e in entity["properties"]["errors"]} == {"bad_request"}
    assert entity["links"] == [{"rel": ["self"], "href": BASE + "/books/1"}]


def test_an_error_kind_takes_the_code_the_contract_declares(engine: MockEngine) -> None:
    # Given a tampered bearer token
    response = send(engine, "GET", "/books", auth="Bearer " + token(engine) + "x")
    # When the error is read
    errors = json.loads(response.body)["properties"]["errors"]
    # Then its code is the contract's for the kind, not the engine's own
    assert (response.status, errors[0]["code"]) == (401, "bad_token")


def test_a_not_found_error_is_one_item_in_snake_case(engine: MockEngine) -> None:
    status, entity = call(engine, "GET", "/books/99")
    assert status == 404
    assert entity["properties"]["errors"] == [
        {"status": 404, "code": "not_found", "message": "Not found.", "at": ""}
    ]


def test_limit_all_answers_up_to_its_ceiling_with_a_next_link(engine: MockEngine) -> None:
    # Given five books (three seeded, two created) and a ceiling of four
    call(engine, "POST", "/shelves/1/books", {"title": "New", "copies": 2})
    # When the whole list is asked for
    status, page = call(engine, "GET", "/books/", query="limit=0")
    # Then four come back, the limit says so, and `next` leads to the rest
    assert status == 200
    assert (len(page["entities"]), page["properties"]["limit"]) == (4, 4)
    assert [link["rel"] for link in page["links"]].count(["next"]) == 1


def test_one_created_under_a_scope_is_the_record_with_the_scoped_field(engine: MockEngine) -> None:
    status, entity = call(engine, "POST", "/shelves/1/books", {"title": "Haiku", "copies": 1})
    assert status == 201
    assert entity["class"] == ["book"]
    assert "copies" not in entity["properties"]
    assert entity["entities"][0]["properties"] == {"id": 1}


def test_several_created_are_a_list_whose_items_carry_their_fields(engine: MockEngine) -> None:
    # Given a create of three alike books on shelf -1
    # When it is sent
    status, entity = call(engine, "POST", "/shelves/-1/books", {"title": "Atlas", "copies": 3})
    # Then the answer lists three new records, each readable as item["id"] and by its link
    assert status == 201
    ids = [item["id"] for item in entity["entities"]]
    assert len(set(ids)) == 3
    assert all(item["properties"]["title"] == "Atlas" for item in entity["entities"])
    for book_id in ids:
        assert call(engine, "GET", f"/books/{book_id}")[1]["properties"]["title"] == "Atlas"


@pytest.mark.parametrize("copies", [0, 4, "2", True])
def test_a_count_out_of_bounds_is_a_400_on_it(engine: MockEngine, copies: Any) -> None:
    status, entity = call(engine, "POST", "/shelves/1/books", {"title": "X", "copies": copies})
    assert status == 400
    assert entity["properties"]["errors"][0]["at"] == "/body/copies"


def test_a_create_under_a_missing_parent_is_404(engine: MockEngine) -> None:
    assert call(engine, "POST", "/shelves/42/books", {"title": "X"})[0] == 404


def test_a_flattened_object_is_stored_as_fields_and_checked_as_references(
    engine: MockEngine,
) -> None:
    # Given a write of a place object
    status, _ = call(engine, "POST", "/books/2", {"place": {"shelfId": -1, "row": "4"}})
    # When the book is read, and a place on a missing shelf is written
    book = call(engine, "GET", "/books/2")[1]["properties"]
    refused, error = call(engine, "POST", "/books/2", {"place": {"shelfId": 5}})
    # Then its members are the book's fields, and the missing shelf is refused on its field
    assert status == 200
    assert (book["row"], "place" in book) == ("4", False)
    assert refused == 400
    assert error["properties"]["errors"][0]["at"] == "/body/shelfId"


def test_a_related_field_is_a_linked_sub_entity_with_a_followable_link(engine: MockEngine) -> None:
    entity = call(engine, "GET", "/books/3")[1]
    assert "shelfId" not in entity["properties"]
    [shelf] = entity["entities"]
    assert (shelf["class"], shelf["rel"], shelf["properties"]) == (
        ["shelf"], ["shelved-on"], {"id": -1})
    href = shelf["links"][0]["href"]
    target = call(engine, "GET", href.removeprefix(BASE))[1]
    assert (target["title"], target["properties"]["id"]) == ("Returns", -1)


def _find(engine: MockEngine, *lines: dict[str, Any], limit: int = 0) -> tuple[int, Any]:
    return call(engine, "POST", "/find", {"in": "Books", "where": list(lines), "limit": limit})  # type: ignore[no-any-return]


def test_a_search_returns_the_matching_records_with_their_ids(engine: MockEngine) -> None:
    status, found = _find(engine, {"field": "pages", "op": "greaterThan", "value": "100"},
                          {"field": "title", "op": "in", "value": "Odes, Sonnets,Elegies"})
    assert status == 200
    assert [(r["Ref"], r["title"]) for r in found["properties"]["results"]] == [
        (1, "Odes"), (3, "Sonnets")]


def test_a_search_limit_cuts_the_results(engine: MockEngine) -> None:
    _, found = _find(engine, {"field": "title", "op": "isNotNull"}, limit=1)
    assert found["properties"]["count"] == 1


@pytest.mark.parametrize(
    ("line", "pointer"),
    [
        ({"field": "colour", "op": "equals", "value": "red"}, "/body/where/0/field"),
        ({"field": "title", "op": "like", "value": "O%"}, "/body/where/0/op"),
    ],
)
def test_a_search_on_an_unknown_field_or_comparison_is_a_400_on_it(
    engine: MockEngine, line: dict[str, Any], pointer: str
) -> None:
    status, error = _find(engine, line)
    assert status == 400
    assert error["properties"]["errors"][0]["at"] == pointer


@settings(max_examples=60, deadline=None)
@given(have=st.one_of(st.none(), st.integers(-50, 50), st.text(max_size=4)),
       want=st.one_of(st.integers(-50, 50), st.text(max_size=4)))
def test_each_negated_comparison_is_the_complement(have: Any, want: Any) -> None:
    # Given any stored value and compared value
    # Then notEquals / notIn / isNotNull hold exactly where their positive forms do not
    for positive, negative in (("equals", "notEquals"), ("in", "notIn"), ("isNull", "isNotNull")):
        assert COMPARISONS[positive](have, want) != COMPARISONS[negative](have, want)


@settings(max_examples=60, deadline=None)
@given(a=st.integers(-10**6, 10**6), b=st.integers(-10**6, 10**6))
def test_ordered_comparisons_order_numbers_sent_as_text_as_numbers(a: int, b: int) -> None:
    assert COMPARISONS["lessThan"](a, str(b)) == (a < b)
    assert COMPARISONS["greaterThanOrEqual"](str(a), b) == (a >= b)


def test_a_document_has_one_page_per_record_and_copy_in_order(engine: MockEngine) -> None:
    # Given two books and two copies of each
    # When their slips are printed
    status, response = call(engine, "POST", "/books/print", {"books": [3, 1], "copies": 2})
    # Then a PDF opens with four pages, in the order asked
    assert status == 200
    assert response.header("content-type") == "application/pdf"
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(response.body)).pages]
    assert len(pages) == 4
    assert ["Sonnets" in pages[0], "Sonnets" in pages[1], "Odes" in pages[2]] == [True] * 3


def test_the_same_document_at_the_same_time_is_the_same_bytes(engine: MockEngine) -> None:
    first = call(engine, "POST", "/books/print", {"books": [1]})[1].body
    again = call(engine, "POST", "/books/print", {"books": [1]})[1].body
    assert first == again


def test_a_document_naming_a_missing_record_is_a_400_on_its_index(engine: MockEngine) -> None:
    status, error = call(engine, "POST", "/books/print", {"books": [1, 99]})
    assert status == 400
    assert error["properties"]["errors"][0]["at"] == "/body/books/1"

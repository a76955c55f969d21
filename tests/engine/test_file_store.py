"""Uploads are kept within a byte budget and go with the record that holds them."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from urllib3 import encode_multipart_formdata

from specmock.behaviours.state import safe_file_name
from specmock.core.exchange import Response
from specmock.engine.app import MockEngine
from specmock.engine.options import EngineOptions
from tests.engine.test_pipeline import TINY, login, payload, send

COVER = b"\x89PNG" + b"c" * 996  # 1000 bytes


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return yaml.safe_load(TINY.read_text())


def _engine(document: dict[str, Any], budget: int = 10**6) -> tuple[MockEngine, str]:
    engine = MockEngine(document, EngineOptions(check_responses=True,
                                                max_file_store_bytes=budget))
    return engine, login(engine)["access"]


def _create(engine: MockEngine, token: str, cover: bytes = COVER,
            title: str = "Dune") -> Response:
    body, content_type = encode_multipart_formdata({
        "title": title, "isbn": f"isbn-{title}", "shelf": "1", "genre": "sf",
        "cover": ("cover.png", cover, "image/png")})
    return send(engine, "POST", "/books", token=token, body=body,
                headers={"content-type": content_type})


def _files(engine: MockEngine) -> dict[str, int]:
    return payload(send(engine, "GET", "/__specmock/stores"))["files"]  # type: ignore[no-any-return]


def test_a_deleted_record_takes_its_upload_with_it(document: dict[str, Any]) -> None:
    # Given a book created with a 1000-byte cover
    engine, token = _engine(document)
    created = payload(_create(engine, token))
    assert _files(engine)["bytes"] == 1000

    # When the book is deleted
    assert send(engine, "DELETE", f"/books/{created['id']}", token=token).status == 204

    # Then the store holds nothing of it, and the cover's URL is gone
    assert _files(engine) == {"count": 0, "bytes": 0, "maxBytes": 10**6}
    assert send(engine, "GET", created["cover"].removeprefix("http://mock.test:8080")).status \
        == 404


def test_a_replaced_upload_is_freed(document: dict[str, Any]) -> None:
    # Given a book with a cover
    engine, token = _engine(document)
    created = payload(_create(engine, token))

    # When a new cover is sent with a PATCH
    body, content_type = encode_multipart_formdata(
        {"cover": ("new.png", b"n" * 300, "image/png")})
    answer = send(engine, "PATCH", f"/books/{created['id']}", token=token, body=body,
                  headers={"content-type": content_type})

    # Then only the new cover is kept
    assert answer.status == 200
    assert _files(engine)["bytes"] == 300


def test_create_and_delete_cycles_keep_no_memory(document: dict[str, Any]) -> None:
    # Given 300 create-then-delete cycles, each with a 1000-byte upload
    engine, token = _engine(document)
    for n in range(300):
        created = payload(_create(engine, token, title=f"t{n}"))
        send(engine, "DELETE", f"/books/{created['id']}", token=token)

    # Then no upload is left behind
    assert _files(engine)["count"] == 0


def test_a_write_past_the_budget_is_413_and_stores_nothing(document: dict[str, Any]) -> None:
    # Given a store of 1500 bytes holding one 1000-byte cover
    engine, token = _engine(document, budget=1500)
    _create(engine, token, title="first")
    books_before = len(payload(send(engine, "GET", "/books", token=token)))

    # When a second 1000-byte cover is uploaded
    answer = _create(engine, token, title="second")

    # Then it is refused in the contract's error shape, saying how to make room
    assert answer.status == 413
    assert "file store is full" in payload(answer)["detail"]
    # And neither the record nor its file was kept
    assert len(payload(send(engine, "GET", "/books", token=token))) == books_before
    assert _files(engine)["bytes"] == 1000


def test_the_stores_report_names_every_bound(document: dict[str, Any]) -> None:
    engine, _ = _engine(document)
    report = payload(send(engine, "GET", "/__specmock/stores"))
    assert report["files"]["maxBytes"] == 10**6
    assert report["journal"]["maxEntries"] == 1000


@given(st.text(max_size=300))
def test_an_upload_name_stands_in_a_url_unescaped(given_name: str) -> None:
    # When a client names its upload anything at all
    name = safe_file_name(given_name)

    # Then the kept name needs no escaping in a URL path and cannot climb out of it
    assert name
    assert quote(name, safe="") == name
    assert name not in (".", "..")
    assert not name.startswith(".")
    assert len(name) <= 100


def test_a_name_with_control_characters_and_markup_is_cleaned(document: dict[str, Any]) -> None:
    # Given an upload named with a NUL, a newline and markup
    engine, token = _engine(document)
    body, content_type = encode_multipart_formdata({
        "title": "x", "isbn": "isbn-x", "shelf": "1", "genre": "sf",
        "cover": ('a\x00b\n"><script>.png', COVER, "image/png")})

    # When it is created
    created = payload(send(engine, "POST", "/books", token=token, body=body,
                           headers={"content-type": content_type}))

    # Then the link names the file with those characters replaced
    assert created["cover"].endswith("/a_b____script_.png")


def test_the_state_is_a_summary_and_pages_per_collection(document: dict[str, Any]) -> None:
    # Given the tiny contract's seed (32 books)
    engine, _ = _engine(document)

    # When the state is asked for without and with a collection
    summary = payload(send(engine, "GET", "/__specmock/state"))
    page = payload(send(engine, "GET", "/__specmock/state",
                        query="collection=books&offset=30&limit=5"))

    # Then the summary counts, and a page holds what is left past its offset
    assert summary["collections"]["books"] == {"count": 32}
    assert page["count"] == 32
    assert [book["id"] for book in page["records"]] == [128, 129]


@pytest.mark.parametrize("query", ["collection=nope", "collection=books&limit=0",
                                   "collection=books&limit=1001", "collection=books&offset=-1",
                                   "collection=books&offset=x"])
def test_a_state_page_out_of_bounds_is_refused(document: dict[str, Any], query: str) -> None:
    engine, _ = _engine(document)
    assert send(engine, "GET", "/__specmock/state", query=query).status in (400, 404)

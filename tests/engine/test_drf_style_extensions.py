"""The general extensions a DRF-style API needs, on the small generic contract.

Each test declares one extension on tests/fixtures/tiny/openapi.yaml (books on shelves) and sends
`Request`s to the engine in process.
"""

from __future__ import annotations

import copy
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from urllib3 import encode_multipart_formdata

from specmock.core.clock import ControllableClock
from specmock.core.exchange import Request, Response
from specmock.engine.app import MockEngine
from specmock.engine.options import EngineOptions

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny" / "openapi.yaml"
BASE = "http://mock.test:8080"
NEW_BOOK = {"title": "Solaris", "isbn": "978-0156027601", "shelf": 1, "genre": "SciFi"}
Change = Callable[[dict[str, Any]], None]


def _engine(change: Change, **options: Any) -> MockEngine:
    document = copy.deepcopy(yaml.safe_load(TINY.read_text()))
    change(document)
    return MockEngine(document, EngineOptions(**options))


def _books(document: dict[str, Any]) -> dict[str, Any]:
    return document["x-specmock"]["collections"]["books"]  # type: ignore[no-any-return]


def _send(
    engine: MockEngine,
    method: str,
    path: str,
    *,
    json_body: Any = None,
    token: str = "",
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    client: str = "10.0.0.1",
) -> Response:
    all_headers = dict(headers or {})
    if token:
        all_headers["authorization"] = f"Bearer {token}"
    if json_body is not None:
        body = json.dumps(json_body).encode()
        all_headers["content-type"] = "application/json"
    return engine.handle(Request(method, path, "", all_headers, body, BASE, client=client))


def _token(engine: MockEngine, client: str = "10.0.0.1") -> str:
    answer = _send(
        engine,
        "POST",
        "/token",
        json_body={"username": "alice", "password": "secret-1"},
        client=client,
    )
    assert answer.status == 200, answer.body
    return str(json.loads(answer.body)["access"])


def _multipart(fields: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    body, content_type = encode_multipart_formdata(fields)
    return body, {"content-type": content_type}


def test_a_collection_without_location_creates_without_the_header() -> None:
    # Given books declared with `location: false`
    engine = _engine(lambda d: _books(d).update(location=False))
    # When a book is created, then 201 comes without Location
    answer = _send(engine, "POST", "/books", json_body=NEW_BOOK, token=_token(engine))
    assert answer.status == 201
    assert answer.header("location") is None


def test_a_missing_record_gets_the_collections_not_found_detail() -> None:
    # Given books with their own 404 detail and DRF-like error templates
    def change(d: dict[str, Any]) -> None:
        _books(d)["notFound"] = "No Book matches the given query."
        d["x-specmock"]["errors"] = {"templates": {"default": {"detail": "{detail}"}}}

    engine = _engine(change)
    # When a book no record has is read, then the detail names the model
    answer = _send(engine, "GET", "/books/999", token=_token(engine))
    assert (answer.status, json.loads(answer.body)) == (
        404,
        {"detail": "No Book matches the given query."},
    )


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "a")
    return buffer.getvalue()


@pytest.mark.parametrize(("content", "status"), [(b"not a zip", 400), (_zip(), 201)])
def test_a_file_check_judges_the_content_not_the_name(content: bytes, status: int) -> None:
    # Given covers that must be ZIP archives
    engine = _engine(
        lambda d: _books(d).update(
            fileChecks={"cover": {"format": "zip", "message": "Only zip files are allowed."}}
        )
    )
    body, headers = _multipart(
        {**{k: str(v) for k, v in NEW_BOOK.items()}, "cover": ("cover.png", content, "image/png")}
    )
    # When a book is created with that cover, then only a real ZIP is accepted
    answer = _send(engine, "POST", "/books", body=body, headers=headers, token=_token(engine))
    assert answer.status == status, answer.body
    if status == 400:
        assert b"Only zip files are allowed." in answer.body


def test_a_referenced_record_is_not_deleted() -> None:
    # Given books that a shelf's `favourite` names, protected on delete
    def change(d: dict[str, Any]) -> None:
        shelves = d["x-specmock"]["collections"]["shelves"]
        shelves["seed"]["records"][0]["favourite"] = 1
        _books(d)["protect"] = {"referencedBy": [{"collection": "shelves", "field": "favourite"}]}

    engine = _engine(change)
    token = _token(engine)
    # When the referenced book is deleted, then it is refused with 409 and still there
    answer = _send(engine, "DELETE", "/books/1", token=token)
    assert answer.status == 409
    assert b"shelves.favourite" in answer.body
    assert _send(engine, "GET", "/books/1", token=token).status == 200
    # while an unreferenced one is deleted
    assert _send(engine, "DELETE", "/books/2", token=token).status == 204


def test_set_on_create_stamps_the_user_and_the_mocks_time() -> None:
    # Given books whose creator and creation time the server sets, and a clock at a known time
    clock = ControllableClock(lambda: 1_718_542_298.25)
    clock.freeze()
    engine = _engine(
        lambda d: _books(d).update(setOnCreate={"owner": "user", "added": "now"}), clock=clock
    )
    # When a book is created, then it carries user 1 and that time in ISO 8601 UTC
    answer = _send(engine, "POST", "/books", json_body=NEW_BOOK, token=_token(engine))
    created = json.loads(answer.body)
    assert (created["owner"], created["added"]) == (1, "2024-06-16T12:51:38.250000Z")


def test_hidden_fields_are_kept_but_never_represented() -> None:
    # Given books whose `genre` is hidden
    engine = _engine(lambda d: _books(d).update(hidden=["genre"]))
    # When a book is read, then genre is not in it
    answer = _send(engine, "GET", "/books/1", token=_token(engine))
    assert "genre" not in json.loads(answer.body)


def test_allow_every_puts_allow_on_every_answer() -> None:
    # Given `allowHeader: every`
    engine = _engine(lambda d: d["x-specmock"].update(allowHeader="every"))
    # When a book is read (and when a caller is refused), then Allow lists the path's methods
    ok = _send(engine, "GET", "/books/1", token=_token(engine))
    refused = _send(engine, "GET", "/books/1")
    assert ok.header("allow") == refused.header("allow") == "GET, PUT, PATCH, DELETE, HEAD"


def test_a_slash_redirect_can_be_301_relative_for_every_method() -> None:
    # Given Django's APPEND_SLASH redirect declared for a contract whose paths have no slash
    engine = _engine(
        lambda d: d["x-specmock"].update(
            trailingSlash="redirect",
            trailingSlashRedirect={"readStatus": 301, "writeStatus": 301, "location": "relative"},
        )
    )
    # When a POST goes to the slashed spelling, then it is a 301 to the relative contract path
    answer = _send(engine, "POST", "/books/", json_body=NEW_BOOK)
    assert (answer.status, answer.header("location")) == (301, "/books")


def test_messages_and_every_violation_word_a_400_as_drf() -> None:
    # Given DRF's wording and every violation reported
    def change(d: dict[str, Any]) -> None:
        d["x-specmock"]["errors"] = {
            "templates": {
                "default": {"detail": "{detail}"},
                "badRequest": {"{field}": ["{detail}"]},
            },
            "messages": {"required": "This field is required."},
            "everyViolation": True,
        }

    engine = _engine(change)
    # When a book without title and isbn is created, then both fields are named, in DRF's words
    answer = _send(
        engine, "POST", "/books", json_body={"shelf": 1, "genre": "x"}, token=_token(engine)
    )
    assert json.loads(answer.body) == {
        "title": ["This field is required."],
        "isbn": ["This field is required."],
    }


def _throttled(document: dict[str, Any]) -> None:
    document["x-specmock"]["throttle"] = {"scopes": {"anon": {"rate": "2/day", "who": "anonymous"}}}


def test_throttling_refuses_past_the_rate_per_client_and_reset_clears_it() -> None:
    # Given 2 anonymous requests a day
    engine = _engine(_throttled)
    _token(engine)
    _token(engine)
    # When a third comes from the same address, then 429 with Retry-After; another address passes
    refused = _send(
        engine, "POST", "/token", json_body={"username": "alice", "password": "secret-1"}
    )
    assert refused.status == 429
    assert refused.header("retry-after") == "86400"
    _token(engine, client="10.0.0.2")
    # and after a reset the first address is let through again
    engine.reset()
    _token(engine)


def test_throttling_off_by_option_refuses_nothing() -> None:
    # Given declared rates but `throttle=False`, when many logins come, then all pass
    engine = _engine(_throttled, throttle=False)
    for _ in range(5):
        _token(engine)


def test_an_unauthenticated_call_is_not_counted() -> None:
    # Given 2 anonymous requests a day
    engine = _engine(_throttled)
    # When protected calls without a token are refused, then they do not use the budget
    for _ in range(3):
        assert _send(engine, "GET", "/books").status == 401
    _token(engine)
    _token(engine)


def _drf_errors(document: dict[str, Any]) -> None:
    document["x-specmock"]["errors"] = {
        "templates": {"default": {"detail": "{detail}"}, "badRequest": {"{field}": ["{detail}"]}},
        "messages": {"requiredFile": "No file was submitted."},
        "everyViolation": True,
    }


def test_a_writes_field_problems_are_reported_together() -> None:
    # Given ZIP-only covers and DRF's error shape
    def change(document: dict[str, Any]) -> None:
        _drf_errors(document)
        _books(document)["fileChecks"] = {"cover": {"format": "zip", "message": "Only zip."}}

    engine = _engine(change)
    fields = {**{k: str(v) for k, v in NEW_BOOK.items()}, "shelf": "99"}
    body, headers = _multipart({**fields, "cover": ("c.png", b"text", "image/png")})
    # When a book names no shelf and has a cover that is no ZIP, then both fields are named
    answer = _send(engine, "POST", "/books", body=body, headers=headers, token=_token(engine))
    assert answer.status == 400
    assert json.loads(answer.body) == {
        "cover": ["Only zip."], "shelf": ['Invalid pk "99" - object does not exist.'],
    }


def test_a_missing_file_part_has_its_own_wording() -> None:
    # Given a required cover file and the contract's wording of a missing file
    def change(document: dict[str, Any]) -> None:
        _drf_errors(document)
        media = document["paths"]["/books"]["post"]["requestBody"]["content"]
        media["multipart/form-data"]["schema"]["allOf"][1]["required"] = ["cover"]

    engine = _engine(change)
    body, headers = _multipart({k: str(v) for k, v in NEW_BOOK.items()})
    # When a book comes without it, then the message is the file's
    answer = _send(engine, "POST", "/books", body=body, headers=headers, token=_token(engine))
    assert json.loads(answer.body) == {"cover": ["No file was submitted."]}


def test_a_text_example_of_a_text_media_type_is_the_body_itself() -> None:
    # Given an operation documenting a YAML document as a string example
    def change(document: dict[str, Any]) -> None:
        document["paths"]["/schema"] = {"get": {
            "operationId": "schema", "security": [], "x-specmock": {"action": "static"},
            "responses": {"200": {"description": "The document", "content": {
                "application/yaml": {"schema": {"type": "string"}, "example": "openapi: 3.1.0\n"},
            }}},
        }}

    engine = _engine(change, check_responses=True)
    # When it is read, then the body is the text, not a JSON string holding it
    answer = _send(engine, "GET", "/schema")
    assert (answer.status, answer.body) == (200, b"openapi: 3.1.0\n")

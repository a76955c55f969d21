"""`--watch`'s reload, in process: a changed document served by a new engine that keeps the
state, clock, journal and tokens it can; a broken one leaves the old engine serving. And the
watcher itself, waited on with an event, never a pause."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml

from specmock.core.clock import ControllableClock
from specmock.core.exchange import Request, Response
from specmock.engine.options import EngineOptions
from specmock.engine.reload import ReloadingEngine, rebuilding, stamps, watch_files

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny" / "openapi.yaml"
WAIT = 30.0  # a bound for a broken watcher, never a pause


def _serving(path: Path) -> ReloadingEngine:
    options = EngineOptions(clock=ControllableClock(), secret=b"s" * 32, throttle=False)
    build = rebuilding(path, options)
    engine, files = build(None)
    return ReloadingEngine(engine, files, build)


def _send(served: ReloadingEngine, method: str, path: str, body: Any = None,
          token: str = "") -> Response:
    headers = {"content-type": "application/json"} if body is not None else {}
    if token:
        headers["authorization"] = f"Bearer {token}"
    payload = json.dumps(body).encode() if body is not None else b""
    return served.handle(Request(method, path, "", headers, payload))


def _login(served: ReloadingEngine) -> str:
    answer = _send(served, "POST", "/token", {"username": "alice", "password": "secret-1"})
    return str(json.loads(answer.body)["access"])


def _edit(path: Path, change: Any) -> None:
    document = yaml.safe_load(path.read_text())
    change(document)
    path.write_text(yaml.safe_dump(document, sort_keys=False))


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    copy = tmp_path / "openapi.yaml"
    shutil.copy(TINY, copy)
    return copy


def _add_status_path(document: dict[str, Any]) -> None:
    operation = {**document["paths"]["/status"]["get"], "operationId": "getStatus2"}
    document["paths"]["/status2"] = {"get": operation}


def test_a_change_serves_the_new_document_keeping_records_and_tokens(tiny: Path) -> None:
    # Given a mock with a book created and a token issued
    served = _serving(tiny)
    token = _login(served)
    created = _send(served, "POST", "/books", {"title": "Kept", "isbn": "k-1", "shelf": 1,
                                                  "genre": "X"}, token)
    book = json.loads(created.body)["id"]
    # When a path is added to the document and it is reloaded
    _edit(tiny, _add_status_path)
    result = served.reload()
    # Then the new path answers, the book is still there and the old token still works
    assert result.ok
    assert set(result.kept) == {"books", "shelves"}
    assert _send(served, "GET", "/status2").status == 200
    assert _send(served, "GET", f"/books/{book}", token=token).status == 200


def test_a_collection_declared_anew_starts_from_its_seed(tiny: Path) -> None:
    # Given a book created
    served = _serving(tiny)
    token = _login(served)
    created = _send(served, "POST", "/books", {"title": "Gone", "isbn": "g-1", "shelf": 1,
                                                  "genre": "X"}, token)
    book = json.loads(created.body)["id"]

    def fewer_generated(document: dict[str, Any]) -> None:
        document["x-specmock"]["collections"]["books"]["seed"]["generate"]["count"] = 3

    # When the books' declaration changes
    _edit(tiny, fewer_generated)
    result = served.reload()
    # Then books start again from the new seed; shelves, declared as before, are kept
    assert result.renewed == ("books",)
    assert result.kept == ("shelves",)
    assert _send(served, "GET", f"/books/{book}", token=token).status == 404
    listing = _send(served, "GET", "/books", token=token)
    assert listing.header("x-total-count") == "5"  # 2 records + 3 generated


def test_a_broken_document_keeps_the_old_one_serving(tiny: Path) -> None:
    # Given a serving mock
    served = _serving(tiny)
    before = served.engine
    # When the document is saved half-written
    tiny.write_text(tiny.read_text() + "\npaths: [\n")
    result = served.reload()
    # Then the problem is reported (file and place) and the old engine still answers
    assert not result.ok
    assert any("openapi.yaml" in line for line in result.problems)
    assert served.engine is before
    assert _send(served, "GET", "/status").status == 200


def test_a_document_with_a_contract_problem_keeps_the_old_one_serving(tiny: Path) -> None:
    served = _serving(tiny)

    def unknown_collection(document: dict[str, Any]) -> None:
        document["paths"]["/books"]["get"]["x-specmock"]["collection"] = "nowhere"

    _edit(tiny, unknown_collection)
    result = served.reload()
    assert not result.ok
    assert any("nowhere" in line for line in result.problems)
    assert _send(served, "GET", "/status").status == 200


def test_the_journal_and_clock_carry_over(tiny: Path) -> None:
    # Given a request journalled and the clock advanced
    served = _serving(tiny)
    _send(served, "GET", "/status")
    served.engine.clock.advance(3600)
    now = served.engine.clock.now()
    # When the document is reloaded
    _edit(tiny, _add_status_path)
    assert served.reload().ok
    # Then the journal and the clock are those of before
    assert [e["path"] for e in served.engine.journal.entries()] == ["/status"]
    assert served.engine.clock.now() >= now


def _status_response(state: str) -> str:
    return yaml.safe_dump({"Status": {"description": "ok", "content": {"application/json": {
        "schema": {"type": "object", "properties": {"state": {"type": "string"}}},
        "example": {"state": state}}}}})


def test_a_change_to_a_referenced_file_is_seen(tmp_path: Path) -> None:
    # Given a document whose response lives in another file
    (tmp_path / "responses.yaml").write_text(_status_response("up"))
    (tmp_path / "openapi.yaml").write_text(yaml.safe_dump({
        "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "paths": {"/s": {"get": {"responses": {"200": {"$ref": "responses.yaml#/Status"}}}}}}))
    served = _serving(tmp_path / "openapi.yaml")
    assert (tmp_path / "responses.yaml").resolve() in {p.resolve() for p in served.files}
    # When the referenced file changes
    (tmp_path / "responses.yaml").write_text(_status_response("down"))
    result = served.reload()
    # Then its new content is served
    assert result.ok
    assert json.loads(_send(served, "GET", "/s").body) == {"state": "down"}


def test_the_watcher_calls_back_on_a_change_to_a_watched_file(tmp_path: Path) -> None:
    # Given a watcher on one file
    watched = tmp_path / "openapi.yaml"
    watched.write_text("openapi: 3.0.3\n")
    seen, stop = threading.Event(), threading.Event()
    thread = threading.Thread(target=watch_files, args=(lambda: [watched], seen.set, stop),
                              kwargs={"debounce_ms": 50}, daemon=True)
    thread.start()
    try:
        # When the file is written (again until seen: the watcher may not be armed yet)
        for attempt in range(200):
            watched.write_text(f"openapi: 3.0.3\n# edit {attempt}\n")
            if seen.wait(0.1):
                break
        # Then it says so
        assert seen.is_set()
    finally:
        stop.set()
        thread.join(WAIT)
    assert not thread.is_alive()


def test_a_save_before_the_watcher_is_armed_is_a_change_too(tmp_path: Path) -> None:
    # Given a file read at some moment, then saved again before any watcher runs
    watched = tmp_path / "openapi.yaml"
    watched.write_text("openapi: 3.0.3\n")
    read = stamps([watched])
    watched.write_text("openapi: 3.1.0\n")
    os.utime(watched, ns=(read[watched] + 10**9, read[watched] + 10**9))
    seen, stop = threading.Event(), threading.Event()
    # When the watcher starts, told when the file was read
    thread = threading.Thread(target=watch_files, args=(lambda: [watched], seen.set, stop),
                              kwargs={"debounce_ms": 50, "since": read}, daemon=True)
    thread.start()
    try:
        # Then it reports the change once armed, though nothing changed while it watched
        assert seen.wait(WAIT)
    finally:
        stop.set()
        thread.join(WAIT)

"""`specmock serve --watch` as a user runs it: edit the document, the same port serves the new
version with the records made before; save it broken, the old version goes on and the problem
is printed. Waits poll the server or its log with a deadline, never a fixed pause."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
import yaml

from tests.e2e.conftest import ROOT, _free_port

TINY = ROOT / "tests" / "fixtures" / "tiny" / "openapi.yaml"
DEADLINE = 30.0


def _until(condition: Callable[[], bool], what: str) -> None:
    ends = time.monotonic() + DEADLINE
    while time.monotonic() < ends:
        if condition():
            return
        time.sleep(0.05)  # a poll interval, not a wait for something to have happened
    raise AssertionError(f"not within {DEADLINE:.0f} s: {what}")


def _answers(url: str, status: int) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return requests.get(url, timeout=2).status_code == status
        except requests.ConnectionError:
            return False
    return check


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[Path, str, Path]]:
    document, log = tmp_path / "openapi.yaml", tmp_path / "serve.log"
    shutil.copy(TINY, document)
    port = _free_port()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "specmock.cli", "serve", str(document), "--port", str(port),
             "--check-responses", "--quiet", "--no-throttle", "--watch"],
            cwd=ROOT, stdout=sink, stderr=sink)
    base = f"http://127.0.0.1:{port}"
    try:
        _until(_answers(f"{base}/__specmock/health", 200), "the mock is ready")
        yield document, base, log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()


@pytest.mark.slow
def test_an_edit_is_served_on_the_same_port_with_records_kept(
        watched: tuple[Path, str, Path]) -> None:
    document, base, log = watched
    # Given a book created with a token
    token = requests.post(f"{base}/token", json={"username": "alice", "password": "secret-1"},
                          timeout=5).json()["access"]
    auth = {"Authorization": f"Bearer {token}"}
    book = requests.post(f"{base}/books", headers=auth, timeout=5, json={
        "title": "Kept", "isbn": "kept-1", "shelf": 1, "genre": "X"}).json()["id"]
    # When the document gains a path
    spec = yaml.safe_load(document.read_text())
    spec["paths"]["/health2"] = {"get": {**spec["paths"]["/status"]["get"],
                                         "operationId": "getHealth2"}}
    document.write_text(yaml.safe_dump(spec, sort_keys=False))
    # Then the same port serves it, the book and the token still good
    _until(_answers(f"{base}/health2", 200), "the new path is served")
    assert requests.get(f"{base}/books/{book}", headers=auth, timeout=5).status_code == 200
    assert "reloaded" in log.read_text()


@pytest.mark.slow
def test_a_broken_save_keeps_the_old_version_and_says_why(
        watched: tuple[Path, str, Path]) -> None:
    document, base, log = watched
    # When the document is saved half-written
    document.write_text(document.read_text() + "\npaths: [\n")
    # Then the problem is printed with the file, and the old version still answers
    _until(lambda: "still serving the previous version" in log.read_text(), "the problem line")
    assert f"{document}:" in log.read_text()
    assert requests.get(f"{base}/status", timeout=5).status_code == 200

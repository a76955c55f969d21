"""`specmock proxy` as a command: serves, prints the summary on exit, records, refuses bad input."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from specmock.http.server import ServerThread
from tests.suites_selftest.broken import FieldOfWrongType

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "fixtures" / "tiny"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _specmock(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "specmock.cli", *args], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            requests.get(url + "/__specmock/proxy/health", timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.05)
    raise AssertionError("the proxy did not start")


@pytest.mark.slow
def test_the_proxy_prints_its_summary_on_exit_and_records(tmp_path: Path) -> None:
    # Given `specmock proxy` in front of a server that answers a field of the wrong type
    with ServerThread(FieldOfWrongType(str(TINY))) as upstream:
        port = _free_port()
        record = tmp_path / "seen"
        process = _specmock("proxy", str(TINY), "--upstream", upstream.url, "--port", str(port),
                            "--record", str(record))
        url = f"http://127.0.0.1:{port}"
        _wait_for(url, process)
        # When a client reads a book twice and the proxy is stopped
        tokens = requests.post(url + "/token", json={"username": "alice", "password": "secret-1"},
                               timeout=5).json()
        for _ in range(2):
            requests.get(url + "/books/1", headers={"Authorization": f"Bearer {tokens['access']}"},
                         timeout=5)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    # Then it prints the one violation once, with its rule and count, and exits 0
    assert process.returncode == 0, err
    assert "3 request(s), 2 with violations, 1 distinct violation(s)" in out
    assert "response.body: getBook -> 200 at /shelf:" in out
    assert "(2x)" in out
    # And what it recorded lints clean
    lint = subprocess.run([sys.executable, "-m", "specmock.cli", "lint", str(record)],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert lint.returncode == 0, lint.stdout + lint.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--upstream", "staging.example"], "is not an http(s) URL"),
        (["--upstream", "http://127.0.0.1:9", "--port", "99999"], "at most 65535"),
    ],
)
def test_bad_proxy_arguments_get_one_line(args: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "specmock.cli", "proxy", str(TINY), *args],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=60,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_contract_is_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "specmock.cli", "proxy", "nowhere", "--upstream",
         "http://127.0.0.1:9"], cwd=ROOT, capture_output=True, text=True, check=False, timeout=60,
    )
    assert (result.returncode, result.stderr.count("\n")) == (2, 1)



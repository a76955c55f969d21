"""`specmock serve` as a process: start-up, one log line per request, clean stop, bad input."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import ROOT, ServedMock, start_serve, stop_serve


@pytest.mark.slow
def test_sigterm_stops_the_server_cleanly() -> None:
    mock = start_serve("freezerworks")
    assert stop_serve(mock) == 0
    assert b"Traceback" not in mock.process.stderr.read()  # type: ignore[union-attr]


@pytest.mark.slow
def test_ctrl_c_stops_the_server_cleanly() -> None:
    mock = start_serve("dmlf")
    mock.process.send_signal(signal.SIGINT)
    assert mock.process.wait(timeout=10) == 0
    assert b"Traceback" not in mock.process.stderr.read()  # type: ignore[union-attr]


@pytest.mark.slow
def test_each_request_is_logged_on_one_line() -> None:
    # Given a server started without --quiet
    mock = start_serve("dmlf", quiet=False)
    # When it answers two requests
    requests.get(mock.base_url + "institutes/")
    requests.get(mock.base_url + "nowhere")
    stop_serve(mock)
    # Then each has its access-log line with method, path and status
    log = mock.process.stderr.read().decode()  # type: ignore[union-attr]
    lines = [line for line in log.splitlines() if "specmock.access" in line]
    assert any('"GET /institutes/" 401' in line for line in lines)
    assert any('"GET /nowhere" 404' in line for line in lines)


def test_a_missing_contract_is_one_line_and_exit_2() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "specmock.cli", "serve", "no/such/dir"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=30,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "specmock: no/such/dir: no such file or directory, nor a bundled contract (bundled: "
        "dmlf, freezerworks; or give a contract directory, or its openapi.yaml)"
    ]


def test_a_broken_contract_prints_its_problems_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "openapi.yaml").write_text("openapi: 3.1.0\ninfo: {title: x}\npaths: []\n")
    result = subprocess.run(
        [sys.executable, "-m", "specmock.cli", "serve", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=30,
    )
    assert result.returncode == 1
    assert "openapi.yaml:" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_readme_shows_every_serve_option() -> None:
    # Given the parser's options for `specmock serve`
    from specmock.cli import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    serve = subparsers.choices["serve"]  # type: ignore[index]
    options = {o for a in serve._actions for o in a.option_strings if o.startswith("--")}
    options.discard("--help")
    # Then the README's usage block names each of them
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    usage = readme.split("specmock serve CONTRACT", 1)[1].split("```", 1)[0]
    assert sorted(o for o in options if o not in usage) == []


def _resident_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(("sent", "code", "line"), [
    (signal.SIGINT, 130, b"specmock: interrupted while starting"),  # as shells report Ctrl-C
    (signal.SIGTERM, 143, b"specmock: terminated while starting"),  # as a process manager's stop
])
def test_a_signal_while_starting_exits_with_one_line(sent: int, code: int, line: bytes) -> None:
    # Given a start that takes seconds (a million seeded aliquots)
    process = subprocess.Popen(
        [sys.executable, "-m", "specmock.cli", "serve", "contracts/freezerworks", "--quiet",
         "--port", "0", "--seed-scale", "aliquots=1000000"],
        cwd=ROOT, stderr=subprocess.PIPE,
    )
    try:
        # When the signal arrives while it is seeding (its memory growing past what imports take)
        for _ in range(400):
            if process.poll() is not None or _resident_mib(process.pid) > 200:
                break
            time.sleep(0.05)
        process.send_signal(sent)
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
    # Then it says so in one line, with the exit code that signal is reported by
    assert process.returncode == code, err
    assert b"Traceback" not in err
    assert line in err


def _raw_get(base_url: str, head: str) -> bytes:
    host, port = base_url.removeprefix("http://").rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(head.encode("latin-1"))
        return sock.recv(65536)


@pytest.mark.parametrize("host_lines", ["Host: evil.example\r\n",
                                        "Host: 127.0.0.1\r\nHost: evil.example\r\n",
                                        'Host: x"><script>\r\n'])
def test_serve_refuses_a_host_it_does_not_serve(freezerworks: ServedMock,
                                                host_lines: str) -> None:
    # When a request names another host, two hosts, or a host with markup in it
    answer = _raw_get(freezerworks.base_url,
                      f"GET /api/v1/samples/100001 HTTP/1.1\r\n{host_lines}\r\n")

    # Then it is a 400 whose links point at the mock itself, never at the host sent
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"http://evil.example" not in answer
    assert b"<script>" not in answer.replace(b"x\\\"><script>", b"")


def test_serve_answers_its_own_address_and_localhost(freezerworks: ServedMock) -> None:
    port = freezerworks.base_url.rstrip("/").rsplit(":", 1)[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        answer = _raw_get(freezerworks.base_url,
                          f"GET /__specmock/health HTTP/1.1\r\nHost: {host}\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 200 ")

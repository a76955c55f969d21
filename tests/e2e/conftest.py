"""A real `specmock serve` process per bundled contract, on a free loopback port."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class ServedMock:
    """A `specmock serve` child process and its base URL (with a trailing slash)."""

    process: subprocess.Popen[bytes]
    base_url: str

    def admin(self, method: str, name: str, **kwargs: object) -> requests.Response:
        """Call the admin API."""
        return requests.request(method, f"{self.base_url}__specmock/{name}", timeout=5, **kwargs)  # type: ignore[arg-type]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_serve(contract: str, *extra: str, quiet: bool = True) -> ServedMock:
    """Start `specmock serve CONTRACT` and wait until its health endpoint answers."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "specmock.cli",
        "serve",
        str(ROOT / "contracts" / contract),
        "--port",
        str(port),
        "--check-responses",
        *extra,
    ]
    if quiet:
        command.append("--quiet")
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"specmock serve exited: {process.stderr.read().decode()}")  # type: ignore[union-attr]
        try:
            if requests.get(base + "__specmock/health", timeout=1).ok:
                return ServedMock(process, base)
        except requests.ConnectionError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("specmock serve did not become ready in 20 s")


def stop_serve(mock: ServedMock) -> int:
    """SIGTERM, as a process manager would; returns the exit code."""
    mock.process.send_signal(signal.SIGTERM)
    try:
        return mock.process.wait(timeout=10)
    finally:
        if mock.process.poll() is None:
            mock.process.kill()


@pytest.fixture(scope="session")
def dmlf_server() -> Iterator[ServedMock]:
    mock = start_serve("dmlf")
    yield mock
    stop_serve(mock)


@pytest.fixture(scope="session")
def freezerworks_server() -> Iterator[ServedMock]:
    mock = start_serve("freezerworks")
    yield mock
    stop_serve(mock)


@pytest.fixture
def dmlf(dmlf_server: ServedMock) -> ServedMock:
    """The DMLF mock, reset to its seed."""
    assert dmlf_server.admin("POST", "reset").status_code == 204
    return dmlf_server


@pytest.fixture
def freezerworks(freezerworks_server: ServedMock) -> ServedMock:
    """The Freezerworks mock, reset to its seed."""
    assert freezerworks_server.admin("POST", "reset").status_code == 204
    return freezerworks_server

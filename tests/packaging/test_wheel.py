"""The built wheel, installed into a fresh virtual environment outside the checkout: both
bundled contracts served by name from an empty directory, and `specmock test` passing on them
with unique JUnit case names."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import venv
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# What the wheel may put at the top of site-packages: names no other package installs.
OWN_TOP_LEVEL = {"specmock", "specmock_suites"}
# PyPI's MockServer client installs the import package `mockserver` and a pytest plugin of
# that name: installed beside specmock, neither may shadow the other.
NEIGHBOUR = "mockserver-client"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout, as a release builds it."""
    where = tmp_path_factory.mktemp("dist")
    # Through the sdist, as a release is built: the wheel is made from an unpacked sdist in a
    # fresh folder, so nothing a developer's `build/` holds from older layouts gets into it.
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(where), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    (built,) = where.glob("specmock-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ folder of a fresh venv holding the wheel and PyPI's mockserver-client."""
    where = tmp_path_factory.mktemp("wheel")
    venv.create(where / "venv", with_pip=True)
    bin_dir = where / "venv" / "bin"
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", f"{wheel}[suites]",
                    NEIGHBOUR], check=True, capture_output=True, timeout=900)
    return bin_dir


@pytest.mark.slow
def test_the_wheel_puts_only_its_own_names_at_the_top_of_site_packages(wheel: Path) -> None:
    # Given the built wheel
    with zipfile.ZipFile(wheel) as archive:
        tops = {name.split("/")[0] for name in archive.namelist()}
    # Then it holds its two packages and its metadata, nothing generic (no `suites`) and
    # nothing another package installs (no `mockserver`)
    assert {t for t in tops if not t.endswith(".dist-info")} == OWN_TOP_LEVEL


@pytest.mark.slow
def test_the_wheel_and_mockserver_client_import_side_by_side(installed: Path,
                                                              tmp_path: Path) -> None:
    # Given the wheel and PyPI's mockserver-client in one environment
    # When both are imported
    done = subprocess.run(
        [str(installed / "python"), "-c",
         "import mockserver, specmock, specmock_suites; "
         "print(mockserver.__file__); print(specmock.__version__)"],
        cwd=tmp_path, env=_clean_env(), capture_output=True, text=True, timeout=60)
    # Then each is its own package
    assert done.returncode == 0, done.stderr
    client_file, version = done.stdout.split()
    assert "site-packages/mockserver/" in client_file
    assert version


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("SPECMOCK_", "PYTEST_", "VIRTUAL_ENV", "PYTHON"))}


@pytest.mark.slow
@pytest.mark.parametrize("name", ["freezerworks", "dmlf"])
def test_the_wheel_serves_a_bundled_contract_by_name_from_an_empty_directory(
    installed: Path, tmp_path: Path, name: str
) -> None:
    # Given the installed wheel and an empty working directory
    port = _free_port()
    # When `specmock serve NAME` starts there
    process = subprocess.Popen([str(installed / "specmock"), "serve", name, "--port", str(port)],
                               cwd=tmp_path, env=_clean_env(), stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read()  # type: ignore[union-attr]
            try:
                health = requests.get(f"http://127.0.0.1:{port}/__specmock/health", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        # Then it serves the contract shipped inside the package
        assert health.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.slow
def test_the_wheel_lists_its_contracts_inside_the_package(installed: Path, tmp_path: Path) -> None:
    listed = subprocess.run([str(installed / "specmock"), "contracts"], cwd=tmp_path,
                            env=_clean_env(), capture_output=True, text=True, timeout=60)
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert [row[0] for row in rows] == ["dmlf", "freezerworks"]
    assert all("site-packages" in row[2] and "_bundled" in row[2] for row in rows)


@pytest.mark.slow
def test_the_wheel_runs_the_suites_on_both_contracts(installed: Path, tmp_path: Path) -> None:
    # Given the installed wheel and an empty working directory
    junit = tmp_path / "suites.xml"
    # When `specmock test` checks both bundled contracts (few examples: the suites' plumbing
    # is what is tested here; their depth is the repository's own run)
    done = subprocess.run(
        [str(installed / "specmock"), "test", "--contract", "dmlf", "--contract",
         "freezerworks", "--max-examples", "2", "--seed", "0", "--workers", "2",
         "--junitxml", str(junit)],
        cwd=tmp_path, env=_clean_env(), capture_output=True, text=True, timeout=1200)
    # Then every suite passes, the siren schema was found inside the package, and each JUnit
    # case is named once
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "siren        freezerworks   passed" in done.stdout
    cases = [(c.get("classname"), c.get("name")) for c in ET.parse(junit).iter("testcase")]
    assert len(cases) > 50
    assert len(cases) == len(set(cases))

"""Bundled contracts by short name: serve, lint, test, the pytest fixture; `specmock contracts`."""

from __future__ import annotations

import io
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from specmock.cli import main
from specmock.contract import run_lint
from specmock.contract.bundled import (
    bundled_contracts,
    describe_bundled,
    resolve_contract,
    siren_schema,
)
from specmock.engine.app import MockEngine
from specmock_suites.context import SuiteOptions

ROOT = Path(__file__).resolve().parents[2]


def test_both_contracts_are_bundled_by_short_name() -> None:
    # Given the bundled contracts
    found = bundled_contracts()
    # Then each short name is its folder holding an openapi.yaml
    assert sorted(found) == ["dmlf", "freezerworks"]
    assert all((path / "openapi.yaml").is_file() for path in found.values())


def test_the_siren_schema_is_found_where_the_contracts_are() -> None:
    assert siren_schema().is_file()
    assert siren_schema().parent.parent == bundled_contracts()["dmlf"].parent


def test_a_name_resolves_to_its_bundled_folder_from_any_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an empty working directory
    monkeypatch.chdir(tmp_path)
    # When a bundled name is resolved
    # Then it is the bundled folder
    assert resolve_contract("freezerworks") == bundled_contracts()["freezerworks"]


def test_an_existing_path_wins_over_a_bundled_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a local folder that happens to be called dmlf
    (tmp_path / "dmlf").mkdir()
    monkeypatch.chdir(tmp_path)
    # Then the path is used as before
    assert resolve_contract("dmlf") == Path("dmlf")


def test_an_unknown_name_is_left_as_given_for_the_loader_to_report() -> None:
    assert resolve_contract("no-such-contract") == Path("no-such-contract")


def test_specmock_contracts_lists_name_title_and_path() -> None:
    # When `specmock contracts` runs
    out = io.StringIO()
    with redirect_stdout(out):
        status = main(["contracts"])
    # Then one tab-separated line per bundled contract: name, its document's title, its path
    assert status == 0
    rows = [line.split("\t") for line in out.getvalue().splitlines()]
    assert [row[0] for row in rows] == ["dmlf", "freezerworks"]
    assert rows[1][1] == "Freezerworks API"
    assert [Path(row[2]) for row in rows] == [c.path for c in describe_bundled()]


def test_lint_takes_a_bundled_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given an empty working directory
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    # When `specmock lint dmlf` runs
    status = run_lint(["dmlf"], out)
    # Then the bundled DMLF contract is linted clean
    assert status == 0
    assert out.getvalue().strip().endswith(": ok")


def test_the_engine_loads_a_bundled_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert MockEngine.from_path("freezerworks").contract.title == "Freezerworks API"


def test_the_suites_take_a_bundled_name(tmp_path: Path) -> None:
    # When the suites are given --contract dmlf from an unrelated directory
    options = SuiteOptions.from_values(["dmlf"], None, None, None, None, tmp_path)
    # Then they check the bundled DMLF contract
    assert options.contracts == (bundled_contracts()["dmlf"].resolve(),)


def test_serve_names_the_bundled_contracts_when_nothing_matches(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "specmock.cli", "serve", "nope"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "bundled: dmlf, freezerworks" in result.stderr


def test_the_pytest_fixture_takes_a_bundled_name(pytester: pytest.Pytester) -> None:
    # Given a user's test project whose contract fixture names a bundled contract
    pytester.makeconftest(
        "import pytest\n"
        "@pytest.fixture(scope='session')\n"
        "def specmock_contract():\n"
        "    return 'dmlf'\n"
    )
    pytester.makepyfile(
        "import requests\n"
        "def test_schema(specmock):\n"
        "    assert requests.get(specmock.url + '/institutes/').status_code == 401\n"
    )
    # When it runs
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    # Then the mock served DMLF by name
    result.assert_outcomes(passed=1)

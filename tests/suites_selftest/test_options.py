"""How the suites are started: options, environment variables, and `specmock test`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from specmock_suites.cli import pytest_args
from specmock_suites.context import BUNDLED, SuiteOptions, SuiteUsageError, bundled_contracts
from tests.suites_selftest.harness import ROOT


def options(contracts: list[str] | None = None, target: str | None = None) -> SuiteOptions:
    """Options as the command line gives them (only contract and target here)."""
    return SuiteOptions.from_values(contracts, target, None, None, None, ROOT)


def test_without_options_every_bundled_contract_is_checked_on_its_mock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Given no options and no environment, then both bundled contracts run, without target."""
    for name in ("CONTRACT", "TARGET", "USERNAME", "PASSWORD", "TOKEN_TTL"):
        monkeypatch.delenv(f"SPECMOCK_{name}", raising=False)
    found = options()
    assert found.contracts == bundled_contracts()
    assert {p.name for p in found.contracts} == {"dmlf", "freezerworks"}
    assert found.target is None


def test_environment_variables_stand_in_for_options(monkeypatch: pytest.MonkeyPatch) -> None:
    """Given CI secrets in the environment, then they are used where no option is given."""
    monkeypatch.setenv("SPECMOCK_CONTRACT", "contracts/dmlf")
    monkeypatch.setenv("SPECMOCK_TARGET", "https://staging.example/")
    monkeypatch.setenv("SPECMOCK_USERNAME", "qa")
    monkeypatch.setenv("SPECMOCK_PASSWORD", "secret")
    monkeypatch.setenv("SPECMOCK_TOKEN_TTL", "5")
    found = options()
    assert found.contracts == ((BUNDLED / "dmlf").resolve(),)
    assert (found.target, found.username, found.password, found.token_ttl) == (
        "https://staging.example",
        "qa",
        "secret",
        5.0,
    )


def test_options_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Given both, then the command line wins."""
    monkeypatch.setenv("SPECMOCK_TARGET", "https://staging.example/")
    found = options(contracts=["freezerworks"], target="http://127.0.0.1:9/")
    assert found.target == "http://127.0.0.1:9"


def test_a_target_needs_a_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    """Given a target but no contract, then the suites refuse to guess."""
    monkeypatch.delenv("SPECMOCK_CONTRACT", raising=False)
    with pytest.raises(SuiteUsageError, match="--target needs --contract"):
        options(target="http://127.0.0.1:9")


def test_an_unknown_contract_is_a_usage_error() -> None:
    """Given a contract path that does not exist, then the error names it."""
    with pytest.raises(SuiteUsageError, match="no-such-contract"):
        options(contracts=["no-such-contract"])


def test_specmock_test_builds_the_pytest_command_line() -> None:
    """Given `specmock test` arguments, then pytest gets the suite files and the options."""
    args = pytest_args(
        [
            "--contract",
            "contracts/dmlf",
            "--target",
            "http://h/",
            "--suite",
            "auth",
            "--junitxml",
            "out.xml",
            "--profile",
            "thorough",
            "--",
            "-x",
        ]
    )
    assert args[0].endswith("suites/test_auth.py")
    for pair in (
        ["--contract", "contracts/dmlf"],
        ["--target", "http://h/"],
        ["--junitxml", "out.xml"],
        ["--specmock-profile", "thorough"],
    ):
        assert any(args[i : i + 2] == pair for i in range(len(args))), pair
    assert args[-1] == "-x"


@pytest.mark.slow
def test_specmock_test_runs_the_suites_and_reports_them(tmp_path: Path) -> None:
    """Given `python suites/cli.py` for one suite of one contract, then it passes on the bundled
    mock, writes JUnit XML and ends with the per-suite summary."""
    junit = tmp_path / "suites.xml"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "suites" / "cli.py"),
            "--contract",
            "freezerworks",
            "--suite",
            "siren",
            "--junitxml",
            str(junit),
            "--",
            "-p",
            "no:cacheprovider",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert junit.exists()
    assert "specmock contract suites" in done.stdout
    assert "siren        freezerworks   passed" in done.stdout

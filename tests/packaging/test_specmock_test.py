"""`specmock test` as a product: its own pytest configuration, one-line errors, exit codes,
and JUnit XML with one case name per operation and contract."""

from __future__ import annotations

import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from specmock_suites import cli

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], cwd: Path, env_extra: dict[str, str] | None = None,
         ) -> subprocess.CompletedProcess[str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPECMOCK_", "PYTEST_"))}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "specmock.cli", "test", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=600)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when this returns


@pytest.fixture(autouse=True)
def _no_suite_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SPECMOCK_CONTRACT", "SPECMOCK_TARGET"):
        monkeypatch.delenv(name, raising=False)


def test_no_contract_is_a_one_line_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    # When `specmock test` is given no contract
    status = cli.main([])
    # Then it says which to give, in one line, and exits 2 (never a green run of nothing)
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1
    assert "--contract" in err
    assert "dmlf, freezerworks" in err


@pytest.mark.parametrize("profile", ["fast", "CI", ""])
def test_an_unknown_profile_is_a_one_line_usage_error(
    profile: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.main(["--contract", "dmlf", "--profile", profile])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1
    assert "ci" in err
    assert "thorough" in err


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_workers_and_max_examples_take_positive_numbers(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for option in ("--workers", "--max-examples"):
        assert cli.main(["--contract", "dmlf", option, value]) == 2
        assert capsys.readouterr().err.count("\n") == 1


def test_an_unreachable_target_is_one_line_and_exit_6(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given a loopback port nothing listens on
    url = f"http://127.0.0.1:{_closed_port()}/api"
    # When the suites are pointed at it
    status = cli.main(["--contract", "dmlf", "--target", url])
    # Then one line says so before any test starts
    err = capsys.readouterr().err
    assert status == cli.EXIT_UNREACHABLE
    assert err.count("\n") == 1
    assert url in err


def test_a_target_that_is_not_a_url_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--contract", "dmlf", "--target", "staging.example"]) == 6
    assert "not an http(s) URL" in capsys.readouterr().err


def test_a_missing_suite_package_is_one_line_naming_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a runtime package that is not installed
    monkeypatch.setattr(cli, "RUNTIME", ("pytest", "no_such_package_for_specmock"))
    # When `specmock test` starts
    status = cli.main(["--contract", "dmlf"])
    # Then one line names it and the extra that brings it, never a traceback
    err = capsys.readouterr().err
    assert status == cli.EXIT_MISSING
    assert err.splitlines() == [
        "specmock test: needs no_such_package_for_specmock, not installed: "
        "pip install 'specmock[suites]'"
    ]


def test_the_run_uses_its_own_configuration() -> None:
    # When the pytest command line is built
    args = cli.pytest_args(["--contract", "dmlf", "--seed", "7", "--max-examples", "3",
                            "--workers", "2"])
    # Then pytest reads the suites' own ini, rootdir and plugins, no conftest and no cache
    pairs = {(args[i], args[i + 1]) for i in range(len(args) - 1)}
    assert ("-c", str(cli.INI)) in pairs
    assert ("--rootdir", str(cli.SUITES_DIR)) in pairs
    assert "--noconftest" in args
    assert ("-p", "no:cacheprovider") in pairs
    assert ("-p", "specmock_suites.conftest") in pairs
    # And the run's knobs reach hypothesis and xdist
    assert ("--hypothesis-seed", "7") in pairs
    assert ("--specmock-max-examples", "3") in pairs
    assert ("-n", "2") in pairs
    assert cli.INI.is_file()


def test_nothing_ran_is_exit_5_with_one_line(tmp_path: Path) -> None:
    # When every test is deselected
    done = _run(["--contract", "freezerworks", "--suite", "siren", "--", "-k", "no_such_test"],
                tmp_path)
    # Then the run is not green
    assert done.returncode == 5, done.stdout + done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("specmock test: nothing ran")


@pytest.mark.slow
def test_a_hostile_user_project_changes_nothing_and_junit_names_are_unique(
    tmp_path: Path,
) -> None:
    # Given a project with --strict-markers, unknown addopts, PYTEST_ADDOPTS and an autouse
    # fixture that breaks every test it reaches
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\naddopts = "--strict-markers --no-such-option"\n')
    (tmp_path / "conftest.py").write_text(
        "import pytest\n@pytest.fixture(autouse=True)\ndef boom():\n"
        "    raise RuntimeError('the user fixture ran')\n")
    junit = tmp_path / "out.xml"
    # When the conformance and siren suites run from it, in two workers
    done = _run(["--contract", "freezerworks", "--suite", "conformance", "--suite", "siren",
                 "--max-examples", "2", "--seed", "1", "--workers", "2",
                 "--junitxml", str(junit)], tmp_path, {"PYTEST_ADDOPTS": "--also-unknown"})
    # Then they pass under their own configuration
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "the user fixture ran" not in done.stdout
    # And each JUnit case is one operation of one contract, named once
    cases = [(c.get("classname"), c.get("name")) for c in ET.parse(junit).iter("testcase")]
    assert len(cases) == len(set(cases))
    conformance = [name for _, name in cases if name and name.startswith("test_conformance")]
    assert len(conformance) > 10
    assert "test_conformance_freezerworks[GET /api/v1/users]" in conformance
    assert not (tmp_path / ".pytest_cache").exists()

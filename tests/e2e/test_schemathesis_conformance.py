"""`schemathesis run --checks all` against `specmock serve`, with a valid token: no failures.

The configuration comes from the contract (mockserver/conformance.py): the token header, Basic
credentials for login operations, and wider positive-data acceptance only for operations whose
declared business rules (references, unique fields, JSON files) can refuse schema-valid data.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from specmock.conformance import schemathesis_toml
from specmock.contract import load_contract
from tests.e2e.conftest import ROOT, ServedMock, start_serve, stop_serve

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))


def _run_schemathesis(
    contract: str,
    mock: ServedMock,
    token: str,
    basic: tuple[str, str] | None,
    config_dir: Path,
    *extra: str,
) -> subprocess.CompletedProcess[str]:
    document = load_contract(ROOT / "contracts" / contract).document
    config = config_dir / "schemathesis.toml"
    config.write_text(schemathesis_toml(document, bearer_token=token, basic_credentials=basic))
    command = [
        SCHEMATHESIS,
        "--config-file",
        str(config),
        "run",
        str(ROOT / "contracts" / contract / "openapi.yaml"),
        "--url",
        mock.base_url.rstrip("/"),
        "--checks",
        "all",
        "--max-examples",
        "25",
        "--seed",
        "7",
        "--workers",
        "1",
        *extra,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=config_dir)


@pytest.mark.slow
def test_dmlf_mock_passes_every_schemathesis_check(tmp_path: Path) -> None:
    # Unthrottled: schemathesis sends far more than DMLF's 10 anonymous requests a day, and
    # throttling has its own tests; here every operation's logic is to be reached.
    dmlf = start_serve("dmlf", "--no-throttle")
    try:
        token = requests.post(
            dmlf.base_url + "api/token/", json={"username": "demo", "password": "demo-pass-123"}
        ).json()
        # OPTIONS describes an endpoint, not a record: DRF answers its metadata for any id, a
        # deleted record's too, so schemathesis's use-after-free check (ST301) would flag the
        # real service as well. tests/contracts checks the OPTIONS bodies.
        result = _run_schemathesis(
            "dmlf", dmlf, token["access"], None, tmp_path, "--exclude-method", "OPTIONS"
        )
    finally:
        stop_serve(dmlf)
    _assert_every_case_passed(result)


@pytest.mark.slow
def test_freezerworks_mock_passes_every_schemathesis_check(
    freezerworks: ServedMock, tmp_path: Path
) -> None:
    response = requests.get(
        freezerworks.base_url + "api/v1/users/authenticate", auth=("demoUser", "demoPassword")
    )
    token = response.json()["properties"]["token"]
    result = _run_schemathesis(
        "freezerworks", freezerworks, token, ("demoUser", "demoPassword"), tmp_path
    )
    _assert_every_case_passed(result)


def _assert_every_case_passed(result: subprocess.CompletedProcess[str]) -> None:
    """Exit 0, and the summary says every generated case passed (so cases did run)."""
    assert result.returncode == 0, result.stdout[-6000:]
    counts = re.search(r"(\d+) generated, (\d+) passed", result.stdout)
    assert counts is not None, result.stdout[-2000:]
    assert counts.group(1) == counts.group(2)
    assert int(counts.group(1)) > 100

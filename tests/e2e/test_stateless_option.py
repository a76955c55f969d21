"""`--stateless` is an option like the others: command line, SPECMOCK_STATELESS, config file."""

from __future__ import annotations

from pathlib import Path

import pytest

from specmock.cli import parse_arguments


@pytest.mark.parametrize(
    ("argv", "environ", "config", "expected"),
    [
        ([], {}, "", False),
        (["--stateless"], {}, "", True),
        ([], {"SPECMOCK_STATELESS": "true"}, "", True),
        ([], {}, "stateless = true\n", True),
        ([], {"SPECMOCK_STATELESS": "false"}, "stateless = true\n", False),
    ],
    ids=["default", "flag", "environment", "file", "environment-over-file"],
)
def test_stateless_comes_from_each_layer(
    tmp_path: Path, argv: list[str], environ: dict[str, str], config: str, expected: bool
) -> None:
    # Given a command line, environment and configuration file
    if config:
        (tmp_path / "specmock.toml").write_text(config)
    # When serve's arguments are read
    args = parse_arguments(["serve", "api.yaml", *argv], environ, tmp_path)
    # Then --stateless is what the highest layer that sets it says
    assert args.stateless is expected

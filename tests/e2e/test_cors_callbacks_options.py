"""`--cors` and `--callbacks` like every serve option: command line, SPECMOCK_*, specmock.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from specmock.cli import parse_arguments
from specmock.cli_config import ConfigError


@pytest.mark.parametrize("option", ["cors", "callbacks"])
def test_on_by_default(option: str, tmp_path: Path) -> None:
    assert getattr(parse_arguments(["serve", "dmlf"], {}, tmp_path), option) == "on"


@pytest.mark.parametrize("option", ["cors", "callbacks"])
def test_off_from_each_source(option: str, tmp_path: Path) -> None:
    # Given "off" on the command line, in the variable, or in the file
    (tmp_path / "specmock.toml").write_text(f'{option} = "off"\n')
    from_file = parse_arguments(["serve", "dmlf"], {}, tmp_path)
    from_env = parse_arguments(["serve", "dmlf"], {f"SPECMOCK_{option.upper()}": "off"},
                               tmp_path / "nowhere")
    from_cli = parse_arguments(["serve", "dmlf", f"--{option}", "off"], {}, tmp_path / "none")
    # Then each turns it off
    assert getattr(from_file, option) == getattr(from_env, option) == getattr(from_cli, option)
    assert getattr(from_cli, option) == "off"


def test_a_value_it_does_not_take_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SPECMOCK_CORS='maybe': expected one of on, off"):
        parse_arguments(["serve", "dmlf"], {"SPECMOCK_CORS": "maybe"}, tmp_path)

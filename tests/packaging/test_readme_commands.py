"""The README's two commands at the top: CI runs exactly the test one; the install line
brings what `specmock test` needs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.+?)\n```", text)[:2]


def test_ci_runs_exactly_the_readmes_test_command() -> None:
    # Given the README's second command and CI's script
    test_command = _commands()[1]
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    # Then the script's last line is that command, character for character
    assert script[-1] == test_command


def test_the_install_line_brings_the_suites_runtime() -> None:
    assert "'.[suites]'" in _commands()[0]

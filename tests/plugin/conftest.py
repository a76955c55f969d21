"""The plugin's fixtures pointed at the small generic contract."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def specmock_contract() -> str:
    return str(Path(__file__).resolve().parents[1] / "fixtures" / "tiny")

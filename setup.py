"""Build step: the wheel carries the bundled contracts and the Siren schema.

The repository keeps them in its top-level `contracts/` folder (the layout requires it); a
wheel copies that folder to `mockserver/_bundled/`, where `mockserver.contract.bundled` finds
it once installed. Editable installs read `contracts/` in place, so nothing is copied for them.
Everything else about the project is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CONTRACTS = Path(__file__).resolve().parent / "contracts"


class BuildWithContracts(build_py):
    """`build_py` that also copies contracts/ into the built package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "mockserver" / "_bundled"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(CONTRACTS, target)


setup(cmdclass={"build_py": BuildWithContracts})

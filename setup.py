"""Build step: the wheel carries the bundled contracts and the Siren schema.

The repository keeps them in its top-level `contracts/` folder (the layout requires it); a
wheel copies that folder to `specmock/_bundled/`, where `specmock.contract.bundled` finds
it once installed. Editable installs read `contracts/` in place, so nothing is copied for them.

Package names: the folders `mockserver/` and `suites/` install as `specmock` and
`specmock_suites`, names no other package on PyPI installs. Everything else about the project
is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

CONTRACTS = Path(__file__).resolve().parent / "contracts"


class BuildWithContracts(build_py):
    """`build_py` that also copies contracts/ into the built package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "specmock" / "_bundled"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(CONTRACTS, target)


# Installed name -> repository folder.
PACKAGE_FOLDERS = {"specmock": "mockserver", "specmock_suites": "suites"}


def installed_packages() -> list[str]:
    """Every package and subpackage under its installed name."""
    names: list[str] = []
    for installed, folder in PACKAGE_FOLDERS.items():
        names.append(installed)
        names += [f"{installed}.{sub}" for sub in find_packages(folder)]
    return names


setup(
    cmdclass={"build_py": BuildWithContracts},
    package_dir=PACKAGE_FOLDERS,
    packages=installed_packages(),
)

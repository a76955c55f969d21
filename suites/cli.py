"""`specmock test`: run the contract suites through pytest.

    specmock test [--contract DIR]... [--target URL] [--username U] [--password P]
                  [--token-ttl S] [--token-budget N] [--suite NAME]... [--profile ci|thorough]
                  [--junitxml PATH] [-- PYTEST ARGS...]

`main(argv)` builds the pytest command line (`pytest <suites> --contract .. --target ..
--junitxml ..`) and returns pytest's exit status. Without --target the bundled mock of each
contract is served in-process; without --contract every bundled contract is checked.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

SUITES_DIR = Path(__file__).resolve().parent
ROOT = SUITES_DIR.parent
SUITE_NAMES = ("conformance", "auth", "pagination", "siren", "crud")


def parser() -> argparse.ArgumentParser:
    """The options of `specmock test`."""
    p = argparse.ArgumentParser(prog="specmock test", description=__doc__.split("\n\n")[0])
    p.add_argument("--contract", action="append", help="contract directory or openapi.yaml")
    p.add_argument("--target", help="base URL of the deployment (default: the bundled mock)")
    p.add_argument("--username", help="login for the contract's token endpoint")
    p.add_argument("--password", help="password for the contract's token endpoint")
    p.add_argument("--token-ttl", help="seconds the target's access tokens live")
    p.add_argument("--token-budget", help="most token requests the run may make")
    p.add_argument("--suite", action="append", choices=SUITE_NAMES, help="run only these")
    p.add_argument("--profile", default="ci", help="hypothesis profile: ci (default), thorough")
    p.add_argument("--junitxml", help="write JUnit XML here")
    p.add_argument("pytest_args", nargs="*", help="more pytest arguments (after --)")
    return p


def pytest_args(argv: Sequence[str]) -> list[str]:
    """The pytest command line for `specmock test` arguments."""
    options = parser().parse_args(list(argv))
    suites = options.suite or []
    args = [str(SUITES_DIR / f"test_{s}.py") for s in suites] or [str(SUITES_DIR)]
    args += ["-p", "suites.plugin", "--hypothesis-profile", options.profile]
    for contract in options.contract or []:
        args += ["--contract", contract]
    for name in ("target", "username", "password", "token_ttl", "token_budget", "junitxml"):
        value = getattr(options, name)
        if value is not None:
            args += [f"--{name.replace('_', '-')}", value]
    return args + list(options.pytest_args)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the suites; pytest's exit status (0: every suite passed)."""
    import pytest

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return int(pytest.main(pytest_args(sys.argv[1:] if argv is None else argv)))


if __name__ == "__main__":
    raise SystemExit(main())

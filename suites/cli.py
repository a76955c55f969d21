"""`specmock test`: run the contract suites, as a product of their own.

    specmock test --contract NAME|PATH... [--target URL] [--username U] [--password P]
                  [--header 'Name: value']...
                  [--token-ttl S] [--token-budget N] [--suite NAME]... [--profile ci|thorough]
                  [--max-examples N] [--seed N] [--workers N] [--junitxml PATH]
                  [-- PYTEST ARGS...]

The suites run under their own pytest configuration (suites/pytest.ini, rootdir the suites'
folder, no conftest.py and no addopts of the project it is started from, no cache folder, no
pytest plugin but the ones the suites need), so a user's `--strict-markers`, autouse fixtures
or unknown options change nothing. Without --target, the bundled mock of each contract is
served in-process.

Exit status: 0 every suite passed; 1 a check failed; 2 bad usage (no --contract, an unknown
option, profile or contract); 5 nothing ran (every test deselected or skipped); 6 the
--target cannot be reached; 7 a package the suites need is not installed. Each of 2, 5, 6 and
7 comes with one line on stderr.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import socket
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

from specmock.cli import positive_int

SUITES_DIR = Path(__file__).resolve().parent
ROOT = SUITES_DIR.parent
INI = SUITES_DIR / "pytest.ini"
SUITE_NAMES = ("conformance", "auth", "pagination", "siren", "crud")
PROFILES = ("ci", "thorough")
EXIT_USAGE, EXIT_NOTHING_RAN, EXIT_UNREACHABLE, EXIT_MISSING = 2, 5, 6, 7
RUNTIME = ("pytest", "hypothesis", "schemathesis", "requests")
"""What the suites import; `pip install 'specmock[suites]'` brings them."""
PLUGINS = ("_hypothesis_pytestplugin", "schemathesis.pytest.plugin", "specmock_suites.plugin",
           "specmock_suites.conftest")
"""The pytest plugins a suite run loads (plugin auto-loading is off: the user's are not ours)."""
_USER_PYTEST_ENV = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")


class UsageError(Exception):
    """`specmock test` was called in a way it cannot run. Seen by: `main`, which prints it as
    one line and exits 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (no usage block) and exit 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def parser() -> argparse.ArgumentParser:
    """The options of `specmock test`."""
    p = _Parser(prog="specmock test", description=__doc__.split("\n\n")[0],
                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--contract", action="append",
                   help="a bundled contract's name (see `specmock contracts`), a contract "
                   "directory or an openapi.yaml; repeatable (or $SPECMOCK_CONTRACT)")
    p.add_argument("--target", help="base URL of the deployment (default: the bundled mock)")
    p.add_argument("--username", help="login for the contract's token endpoint")
    p.add_argument("--password", help="password for the contract's token endpoint")
    p.add_argument("--header", action="append",
                   help="'Name: value' sent where a security scheme wants it (API key, "
                   "`Authorization: Bearer ...`); repeatable (or $SPECMOCK_HEADERS)")
    p.add_argument("--token-ttl", help="seconds the target's access tokens live")
    p.add_argument("--token-budget", help="most token requests the run may make")
    p.add_argument("--suite", action="append", choices=SUITE_NAMES, help="run only these")
    p.add_argument("--profile", default="ci", choices=PROFILES,
                   help="hypothesis profile: ci (50 examples), thorough (1000)")
    p.add_argument("--max-examples", type=positive_int, metavar="N",
                   help="examples per property instead of the profile's")
    p.add_argument("--seed", type=int, help="hypothesis seed, to replay a run")
    p.add_argument("--workers", type=positive_int, metavar="N",
                   help="run in N processes (pytest-xdist)")
    p.add_argument("--junitxml", metavar="PATH", help="write JUnit XML here")
    p.add_argument("pytest_args", nargs="*", help="more pytest arguments (after --)")
    return p


def pytest_args(argv: Sequence[str]) -> list[str]:
    """The pytest command line for `specmock test` arguments (raises UsageError)."""
    options = parser().parse_args(list(argv))
    if not options.contract and not os.environ.get("SPECMOCK_CONTRACT"):
        raise UsageError(
            "which contract? give --contract NAME or PATH (bundled: "
            f"{', '.join(_bundled_names())}), or set SPECMOCK_CONTRACT")
    suites = options.suite or []
    args = [str(SUITES_DIR / f"test_{s}.py") for s in suites] or [str(SUITES_DIR)]
    args += ["-c", str(INI), "--rootdir", str(SUITES_DIR), "--noconftest",
             "-p", "no:cacheprovider"]
    for plugin in PLUGINS:
        args += ["-p", plugin]
    args += ["--specmock-profile", options.profile]
    if options.max_examples is not None:
        args += ["--specmock-max-examples", str(options.max_examples)]
    if options.seed is not None:
        args += ["--hypothesis-seed", str(options.seed)]
    if options.workers is not None:
        args += ["-p", "xdist.plugin", "-n", str(options.workers)]
    for contract in options.contract or []:
        args += ["--contract", contract]
    for header in options.header or []:
        args += ["--header", header]
    for name in ("target", "username", "password", "token_ttl", "token_budget", "junitxml"):
        value = getattr(options, name)
        if value is not None:
            args += [f"--{name.replace('_', '-')}", value]
    return args + list(options.pytest_args)


def _bundled_names() -> list[str]:
    from specmock.contract.bundled import bundled_contracts

    return list(bundled_contracts())


def missing_packages(argv: Sequence[str]) -> list[str]:
    """The packages this run needs that are not installed."""
    needed = list(RUNTIME) + (["xdist"] if any(a.startswith("--workers") for a in argv) else [])
    return [name for name in needed if importlib.util.find_spec(name) is None]


def unreachable(target: str) -> str | None:
    """Why `target` cannot be reached (None: a TCP connection to it opens)."""
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "is not an http(s) URL, e.g. https://staging.example/api"
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return "has a port that is not a number from 0 to 65535"
    try:
        with socket.create_connection((parts.hostname, port), timeout=5):
            return None
    except OSError as error:
        return f"cannot be reached ({error.strerror or error})"


class _Outcomes:
    """Counts what ran (a pytest plugin object, on the controller under xdist too)."""

    def __init__(self) -> None:
        self.ran = 0

    def pytest_runtest_logreport(self, report: Any) -> None:
        # A call that passed or failed ran; an error in setup or teardown is a result too.
        if report.failed or (report.when == "call" and report.passed):
            self.ran += 1


@contextmanager
def _own_pytest_environment() -> Iterator[None]:
    """No addopts or plugins from the user's environment while the suites run."""
    saved = {name: os.environ.pop(name) for name in _USER_PYTEST_ENV if name in os.environ}
    autoload = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # inherited by xdist's workers
    try:
        yield
    finally:
        os.environ.update(saved)
        if autoload is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = autoload


def main(argv: Sequence[str] | None = None) -> int:
    """Run the suites; the exit status in the module's docstring."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    missing = missing_packages(arguments)
    if missing:
        print(f"specmock test: needs {', '.join(missing)}, not installed: "
              "pip install 'specmock[suites]'", file=sys.stderr)
        return EXIT_MISSING
    try:
        args = pytest_args(arguments)
    except UsageError as error:
        print(f"specmock test: {error}", file=sys.stderr)
        return EXIT_USAGE
    target = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "--target"), None)
    target = target or os.environ.get("SPECMOCK_TARGET")
    why = unreachable(target) if target else None
    if target and why:
        print(f"specmock test: --target {target} {why}", file=sys.stderr)
        return EXIT_UNREACHABLE
    import pytest

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    outcomes = _Outcomes()
    with _own_pytest_environment():
        status = int(pytest.main(args, plugins=[outcomes]))
    if status in (0, EXIT_NOTHING_RAN) and outcomes.ran == 0:
        print("specmock test: nothing ran (every test was deselected or skipped): "
              "check --suite, --contract and the arguments after --", file=sys.stderr)
        return EXIT_NOTHING_RAN
    return status


if __name__ == "__main__":
    raise SystemExit(main())

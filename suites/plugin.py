"""pytest plugin of the contract suites: options, the suite session, and the closing summary.

Loaded from the root conftest.py (`pytest_plugins`), so its options exist wherever pytest starts
from the repository: `pytest suites --contract contracts/dmlf --target URL --username U
--password P [--token-ttl S]`. Every option also reads an environment variable (CI secrets).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from specmock_suites.context import ENV, SuiteOptions, SuiteSession, SuiteUsageError
from specmock_suites.profiles import PROFILES, load_run_profile

SUITES = ("conformance", "auth", "pagination", "siren", "crud")
_SESSION: SuiteSession | None = None


def current_session() -> SuiteSession:
    """The running session's suite settings (collection code needs them at import time)."""
    if _SESSION is None:
        raise RuntimeError("the suites plugin is not configured (run the suites through pytest)")
    return _SESSION


def pytest_addoption(parser: pytest.Parser) -> None:
    """The suites' options (each also from an environment variable)."""
    group = parser.getgroup("specmock suites", "contract suites (suites/)")
    group.addoption(
        "--contract",
        action="append",
        help=f"contract directory or openapi.yaml; repeatable (env {ENV['contract']}; "
        "default: every bundled contract)",
    )
    group.addoption(
        "--target",
        help=f"base URL of the deployment to check (env {ENV['target']}; "
        "default: the bundled mock, started in-process)",
    )
    group.addoption("--username", help=f"login for the token endpoint (env {ENV['username']})")
    group.addoption("--password", help=f"password for the token endpoint (env {ENV['password']})")
    group.addoption(
        "--header",
        action="append",
        help="'Name: value' sent where an operation's security scheme wants it (an API key "
        "header, `Authorization: Bearer ...`), for documents without a token endpoint; "
        f"repeatable (env {ENV['headers']}, one per line)",
    )
    group.addoption(
        "--token-ttl",
        help=f"seconds the target's access tokens live, if short enough to wait for "
        f"(env {ENV['token_ttl']})",
    )
    group.addoption(
        "--token-budget",
        help="most token requests (obtain and refresh) the run may make "
        f"(env {ENV['token_budget']}; default: the contract's x-specmock.throttle on a "
        "deployment, unlimited on the bundled mock)",
    )
    # Set by `specmock test` (suites/cli.py); a plain pytest run uses --hypothesis-profile.
    group.addoption("--specmock-profile", choices=PROFILES, help="hypothesis profile to load")
    group.addoption("--specmock-max-examples", type=int,
                    help="max_examples instead of the profile's (with --specmock-profile)")


def pytest_configure(config: pytest.Config) -> None:
    """Read the options and open the suite session."""
    global _SESSION
    config.addinivalue_line(
        "markers", "specmock_contract(name): the contract a suite test checks (set by the suites)"
    )
    try:
        options = SuiteOptions.from_values(
            config.getoption("contract"),
            config.getoption("target"),
            config.getoption("username"),
            config.getoption("password"),
            config.getoption("token_ttl"),
            Path(config.invocation_params.dir),
            config.getoption("token_budget"),
            config.getoption("header"),
        )
    except (SuiteUsageError, ValueError) as exc:
        raise pytest.UsageError(str(exc)) from None
    _SESSION = SuiteSession(options)
    _RESULTS.tallies.clear()
    profile = config.getoption("specmock_profile")
    if profile is not None:
        load_run_profile(profile, config.getoption("specmock_max_examples"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give each schemathesis case the operation in its id (`test_conformance_dmlf[GET /x/]`).

    schemathesis names its items after the operation, but pytest >= 9.2 builds node ids from
    the function name and parameters only, so every operation of a contract shared one id (and
    one JUnit case name). The id is what reports, JUnit XML and xdist go by.
    """
    for item in items:
        label = getattr(item, "operation_label", None)
        if not label or item.nodeid.endswith("]"):
            continue
        ident = getattr(item, "_id", None)
        if ident is not None and hasattr(ident, "with_params"):  # pytest >= 9.2's NodeId
            item._id = ident.with_params(label)
        else:  # earlier pytest kept the id as a string
            item._nodeid = f"{item.nodeid}[{label}]"  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop the bundled mocks."""
    global _SESSION
    if _SESSION is not None:
        _SESSION.close()
        _SESSION = None


@dataclass
class Tally:
    """Outcomes of one suite for one contract."""

    passed: int = 0
    failed: int = 0
    skipped: int = 0
    first_failure: str | None = None


@dataclass
class SuiteResults:
    """How each (suite, contract) pair fared."""

    tallies: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count outcomes per suite and contract; keep the first failure's first line."""
    owner = owner_of(report.nodeid)
    if owner is None or (report.when != "call" and not (report.failed or report.skipped)):
        return
    tally = _RESULTS.tallies[owner]
    if report.failed:
        tally.failed += 1
        tally.first_failure = tally.first_failure or _first_line(report)
    elif report.skipped:
        tally.skipped += 1
    else:
        tally.passed += 1


_RESULTS = SuiteResults()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Which suite found what, per contract."""
    tallies = _RESULTS.tallies
    if not tallies:
        return
    write = terminalreporter.write_line
    terminalreporter.section("specmock contract suites")
    target = _SESSION.options.target if _SESSION else None
    write(f"target: {target or 'the bundled mock of each contract'}")
    for (suite, contract), tally in sorted(tallies.items(), key=_order):
        verdict = "FAILED" if tally.failed else "passed"
        counts = f"{tally.passed} passed, {tally.failed} failed, {tally.skipped} skipped"
        write(f"{suite:<12} {contract:<14} {verdict:<7} {counts}")
        if tally.first_failure:
            write(f"{'':<12} first failure: {tally.first_failure}")
    for name, ledger in sorted((_SESSION.ledgers if _SESSION else {}).items()):
        write(f"token requests {name}: {ledger.summary()}")


def _order(entry: tuple[tuple[str, str], Tally]) -> tuple[int, str]:
    (suite, contract), _ = entry
    return (SUITES.index(suite) if suite in SUITES else len(SUITES), contract)


def owner_of(nodeid: str) -> tuple[str, str] | None:
    """The (suite, contract) a suite test's node id belongs to; None for other tests.

    Read from the id alone (suites/test_<suite>.py, the contract name as a parameter or as the
    conformance function's suffix), so it also works for reports from xdist workers.
    """
    # suites/test_<suite>.py from a checkout; test_<suite>.py from `specmock test`, whose
    # rootdir is the suites' own folder.
    found = re.match(r"(?:(?:.*/)?suites/)?test_(\w+)\.py::(\w+)(\[[^\]]*\])?", nodeid)
    if found is None:
        return None
    suite, function, params = found.group(1), found.group(2), found.group(3) or ""
    names = [c.name for c in _SESSION.contracts] if _SESSION else []
    for name in sorted(names, key=len, reverse=True):
        if function.endswith(f"_{name}") or re.match(rf"\[{re.escape(name)}(\]|-)", params):
            return suite, name
    return suite, "-"


def _first_line(report: pytest.TestReport) -> str:
    """The line that says what broke: a suite's rule, or schemathesis's failure title."""
    found = _SCHEMATHESIS_FAILURE.search(report.longreprtext)
    if found:
        where = report.head_line or ""
        where = where[where.find("[") :] if "[" in where else ""
        return f"{where} {found.group(1).strip()}: {found.group(2).strip()}".strip()[:200]
    crash = getattr(report.longrepr, "reprcrash", None)
    message = crash.message if crash is not None else report.longreprtext
    for raw in message.splitlines():
        line = re.sub(r"^([\w.]+(Error|Exception)|E)\s*:?\s+", "", raw.strip())
        if line and not line.startswith("+"):
            return line[:200]
    return message[:200]


_SCHEMATHESIS_FAILURE = re.compile(r"^[\s|]*- (ST\d+ [^\n]+)\n(?:[\s|]*\n)*[\s|]*([^\n]+)", re.M)

"""Harness of the selftests: serving (broken) engines and running the suites against them.

The suites run in a subprocess (`python -m pytest suites/... --target URL --contract ...`),
exactly as QA would run them, with a small deterministic hypothesis profile and JUnit XML that
says which test failed with which message.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from specmock.http.server import ServerThread
from tests.suites_selftest.broken import Breaker

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "contracts"


@dataclass(frozen=True)
class Outcome:
    """One test of a child run: its id, whether it failed, and its failure text."""

    name: str
    failed: bool
    skipped: bool
    message: str


@dataclass(frozen=True)
class SuiteRun:
    """What a child run of the suites reported."""

    returncode: int
    outcomes: list[Outcome]
    output: str

    def failed(self) -> list[Outcome]:
        """The tests that failed (or errored)."""
        return [o for o in self.outcomes if o.failed]

    def failure_of(self, fragment: str) -> Outcome | None:
        """The first failed test whose id contains `fragment`."""
        return next((o for o in self.failed() if fragment in o.name), None)


@contextmanager
def served(breaker: Breaker) -> Iterator[str]:
    """Serve an engine on a loopback port; yields its base URL."""
    server = ServerThread(breaker).start()
    try:
        yield server.url
    finally:
        server.stop()


def run_suites(url: str, contract: str, modules: list[str], junit: Path, *extra: str) -> SuiteRun:
    """Run suite modules against `url` in a child pytest and read its JUnit XML."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        *[str(ROOT / "suites" / m) for m in modules],
        "--contract",
        str(CONTRACTS / contract),
        "--target",
        url,
        "--junitxml",
        str(junit),
        "-p",
        "tests.suites_selftest.profile",
        "--hypothesis-profile",
        "selftest",
        "-p",
        "no:cacheprovider",
        "-q",
        # One process, whatever the repository's addopts say: the token ledger and budget
        # checks here count one run's requests, and the outer run already uses the cores.
        "-n",
        "0",
        *extra,
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    return SuiteRun(done.returncode, _outcomes(junit), done.stdout[-20000:] + done.stderr[-5000:])


def _outcomes(junit: Path) -> list[Outcome]:
    if not junit.exists():
        return []
    outcomes = []
    for case in ElementTree.parse(junit).iter("testcase"):
        problems = [c for c in case if c.tag in ("failure", "error")]
        text = "\n".join(f"{p.get('message', '')}\n{p.text or ''}" for p in problems)
        skipped = any(c.tag == "skipped" for c in case)
        outcomes.append(Outcome(case.get("name", ""), bool(problems), skipped, text))
    return outcomes

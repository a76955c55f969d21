"""Checking a contract in a child process while the caller gets on with start-up.

The first start of a contract spends about a quarter of a second in the OpenAPI check
(importing openapi-spec-validator and running it) and about as long importing the engine and
compiling the contract. Neither needs the other until the server is about to listen, so on a
machine with more than one core the checks run in a child and the diagnostics are collected
before serving: `specmock serve` hands them to a child it forked before loading the contract
(`PendingChecks.handed_to`, core/prewarmed.py), which has imported the checker meanwhile;
`PendingChecks(...)` alone forks one after loading.

Forking is only done where it is safe and useful: on Linux, from a process with one thread
(a fork copies only the calling thread; locks other threads hold would stay held in the child),
with more than one CPU. Anywhere else, and whenever the child fails, the checks run in the
caller when their result is asked for: the answer is always the same list of diagnostics.
"""

from __future__ import annotations

import contextlib
import os
import pickle

from specmock.contract.diagnostics import Diagnostic
from specmock.contract.lint import Check, check_contract, serve_checks
from specmock.contract.model import LoadedContract
from specmock.core.prewarmed import PrewarmedChild, fork_is_useful

CHECK_JOB = "specmock.contract.parallel:check_in_child"
"""The job a prewarmed child (core/prewarmed.py) runs for `PendingChecks.handed_to`."""


class PendingChecks:
    """The diagnostics of `checks` on a loaded contract, maybe being computed by a child."""

    def __init__(self, contract: LoadedContract, checks: tuple[Check, ...], *,
                 fork: bool | None = None, child: tuple[int, int] | None = None) -> None:
        self._contract = contract
        self._checks = checks
        self._result: list[Diagnostic] | None = None
        self._child = child  # (pid, read end of the pipe the pickled diagnostics come on)
        if child is None and (fork_is_useful() if fork is None else fork) and contract.loaded:
            self._child = self._fork()

    @classmethod
    def handed_to(cls, prewarmed: PrewarmedChild, contract: LoadedContract, *,
                  remember: bool) -> PendingChecks:
        """The serve checks (every check afresh without `remember`) run by a child forked
        earlier, which has imported the OpenAPI checker while the contract was loaded."""
        child = prewarmed.run(CHECK_JOB, (contract, remember))
        return cls(contract, serve_checks(remember), child=child)

    def result(self) -> list[Diagnostic]:
        """The diagnostics (waiting for the child, if there is one)."""
        if self._result is None:
            from_child = self._collect() if self._child is not None else None
            self._result = (
                from_child if from_child is not None
                else check_contract(self._contract, self._checks)
            )
        return self._result

    @property
    def forked(self) -> bool:
        """Whether a child process is (or was) doing the checks."""
        return self._child is not None

    def _fork(self) -> tuple[int, int] | None:
        try:
            read_end, write_end = os.pipe()
            pid = os.fork()
        except OSError:  # no processes or descriptors left: check here instead
            return None
        if pid == 0:  # the child: check, send the pickled diagnostics, leave at once
            os.close(read_end)
            _run_child(self._contract, self._checks, write_end)
        os.close(write_end)
        return pid, read_end

    def _collect(self) -> list[Diagnostic] | None:
        assert self._child is not None
        pid, read_end = self._child
        chunks = []
        with os.fdopen(read_end, "rb") as pipe:
            while chunk := pipe.read(65536):
                chunks.append(chunk)
        _, status = os.waitpid(pid, 0)
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            return None
        try:
            found = pickle.loads(b"".join(chunks))
        except Exception:  # a truncated or unreadable answer: check here instead
            return None
        if isinstance(found, list) and all(isinstance(d, Diagnostic) for d in found):
            return found
        return None


def check_in_child(job: tuple[LoadedContract, bool]) -> list[Diagnostic]:
    """The job of a prewarmed child: the serve checks of a contract (`remember` False: all)."""
    contract, remember = job
    return check_contract(contract, serve_checks(remember))


def _run_child(contract: LoadedContract, checks: tuple[Check, ...], write_end: int) -> None:
    """In the forked child: never returns, never runs the parent's exit handlers."""
    code = 1
    try:
        payload = pickle.dumps(check_contract(contract, checks))
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
        code = 0
    except BaseException:  # any failure: the parent sees a non-zero exit and checks itself
        with contextlib.suppress(OSError):
            os.close(write_end)
    finally:
        os._exit(code)

"""Checking a contract in a child process while the caller gets on with start-up.

The first start of a contract spends about a quarter of a second in the OpenAPI check
(importing openapi-spec-validator and running it) and about as long importing the engine and
compiling the contract. Neither needs the other until the server is about to listen, so on a
machine with more than one core `specmock serve` forks a child for the checks right after
loading the contract and collects the child's diagnostics before serving.

Forking is only done where it is safe and useful: on Linux, from a process with one thread
(a fork copies only the calling thread; locks other threads hold would stay held in the child),
with more than one CPU. Anywhere else, and whenever the child fails, the checks run in the
caller when their result is asked for: the answer is always the same list of diagnostics.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import threading

from mockserver.contract.diagnostics import Diagnostic
from mockserver.contract.lint import Check, check_contract
from mockserver.contract.model import LoadedContract


class PendingChecks:
    """The diagnostics of `checks` on a loaded contract, maybe being computed by a child."""

    def __init__(self, contract: LoadedContract, checks: tuple[Check, ...], *,
                 fork: bool | None = None) -> None:
        self._contract = contract
        self._checks = checks
        self._result: list[Diagnostic] | None = None
        self._child: tuple[int, int] | None = None  # (pid, read end of the pipe)
        if (fork_is_useful() if fork is None else fork) and contract.loaded:
            self._child = self._fork()

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


def fork_is_useful() -> bool:
    """Linux, one thread in this process, more than one CPU to run on."""
    if not sys.platform.startswith("linux") or threading.active_count() != 1:
        return False
    try:
        return len(os.sched_getaffinity(0)) > 1
    except OSError:
        return (os.cpu_count() or 1) > 1


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

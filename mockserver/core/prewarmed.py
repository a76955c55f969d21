"""A child process forked before its job is known, so that it imports what the job needs while
the parent prepares the job's input.

`specmock serve` forks one at its very start: the child imports openapi-spec-validator (about a
quarter of a second) while the parent imports the contract layer and loads the contract; the
parent then hands it the loaded contract and goes on importing the engine and compiling, and
collects the child's answer before it listens (mockserver/contract/parallel.py).

A job is named `module:function` (a module-level function taking one picklable argument and
returning a picklable result), so nothing but data crosses the pipe. Forking is only done where
it is safe and useful: on Linux, from a process with one thread (a fork copies only the calling
thread; a lock another thread holds would stay held in the child), with more than one CPU.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import signal
import sys
import threading


def fork_is_useful() -> bool:
    """Linux, one thread in this process, more than one CPU to run on."""
    if not sys.platform.startswith("linux") or threading.active_count() != 1:
        return False
    try:
        return len(os.sched_getaffinity(0)) > 1
    except OSError:
        return (os.cpu_count() or 1) > 1


class PrewarmedChild:
    """A forked child importing `modules`, waiting for one job."""

    def __init__(self, pid: int, job_write: int, result_read: int) -> None:
        self.pid = pid
        self._job_write = job_write
        self._result_read = result_read
        self._used = False

    @classmethod
    def start(cls, modules: tuple[str, ...]) -> PrewarmedChild | None:
        """Fork a child that imports `modules` now (None where forking is not useful)."""
        if not fork_is_useful():
            return None
        try:
            job_read, job_write = os.pipe()
            result_read, result_write = os.pipe()
            pid = os.fork()
        except OSError:  # no processes or descriptors left: the job runs in the parent
            return None
        if pid == 0:
            os.close(job_write)
            os.close(result_read)
            _child_main(modules, job_read, result_write)
        os.close(job_read)
        os.close(result_write)
        return cls(pid, job_write, result_read)

    def run(self, job: str, argument: object) -> tuple[int, int]:
        """Hand the child its job; returns (pid, read end of the pipe its pickled result comes
        on). The caller reads the pipe to its end and waits for the pid."""
        assert not self._used, "a prewarmed child runs one job"
        self._used = True
        try:
            with os.fdopen(self._job_write, "wb") as pipe:
                pipe.write(pickle.dumps((job, argument)))
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            # The child is gone or the argument cannot be sent: the child answers nothing,
            # and the caller, finding no answer, does the job itself.
            pass
        return self.pid, self._result_read

    def dismiss(self) -> None:
        """No job after all: stop the child at once and reap it."""
        if self._used:
            return
        self._used = True
        for end in (self._job_write, self._result_read):
            with contextlib.suppress(OSError):
                os.close(end)
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)


def _child_main(modules: tuple[str, ...], job_read: int, result_write: int) -> None:
    """In the child: never returns, never runs the parent's exit handlers."""
    code = 1
    try:
        # The job is read by a thread while the imports run: a job larger than the pipe's
        # buffer would otherwise block the parent's write until the imports were done.
        received: list[bytes] = []
        reader = threading.Thread(target=_read_all, args=(job_read, received), daemon=True)
        reader.start()
        for name in modules:
            with contextlib.suppress(ImportError):
                importlib.import_module(name)
        reader.join()
        if received and received[0]:  # no job (the parent could not send one): exit 1
            job, argument = pickle.loads(received[0])
            module, _, function = job.partition(":")
            result = getattr(importlib.import_module(module), function)(argument)
            with os.fdopen(result_write, "wb") as pipe:
                pipe.write(pickle.dumps(result))
            code = 0
    except BaseException:  # any failure: the parent sees a non-zero exit and does the job
        pass
    finally:
        os._exit(code)


def _read_all(descriptor: int, into: list[bytes]) -> None:
    with os.fdopen(descriptor, "rb") as pipe:
        into.append(pipe.read())

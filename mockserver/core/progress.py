"""Progress lines for a long start: what `specmock serve` is doing while a large document loads.

A start shorter than `quiet_for` seconds prints nothing (the bundled contracts start in well
under a second). Past it, a line names the phase when one begins, and again every `every`
seconds while one lasts, with the time since the start:

    specmock: starting (4.2 s): checking the contract against the OpenAPI specification

The clock is injected, so tests drive it; `ticking` calls `tick` from a thread meanwhile, so a
single long phase (a YAML parse, the OpenAPI check) is reported while it runs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class StartupProgress:
    """Says which phase of a start is running, once the start has taken a while."""

    def __init__(self, write: Callable[[str], None], *, clock: Callable[[], float] = time.monotonic,
                 quiet_for: float = 2.0, every: float = 5.0) -> None:
        self._write = write
        self._clock = clock
        self._quiet_for, self._every = quiet_for, every
        self._started = clock()
        self._phase = ""
        self._said: tuple[str, float] | None = None  # the phase last reported, and when
        self._lock = threading.Lock()

    def phase(self, name: str) -> None:
        """A phase begins (reported at once if the start is already long)."""
        with self._lock:
            self._phase = name
        self.tick()

    def tick(self) -> None:
        """Report the running phase if the start is long and it was not said lately."""
        with self._lock:
            now = self._clock()
            elapsed = now - self._started
            if not self._phase or elapsed < self._quiet_for:
                return
            if self._said is not None and self._said[0] == self._phase and \
                    now - self._said[1] < self._every:
                return
            self._said = (self._phase, now)
            line = f"specmock: starting ({elapsed:.1f} s): {self._phase}"
        self._write(line)


@contextmanager
def ticking(progress: StartupProgress, interval: float = 0.5) -> Iterator[None]:
    """`progress.tick()` every `interval` seconds from a daemon thread until the block ends.

    Start it only after any fork of the start-up (a fork copies just the calling thread)."""
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(interval):
            progress.tick()

    thread = threading.Thread(target=run, name="specmock-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()

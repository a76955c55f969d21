"""Time for every time-based behaviour, injected so tests advance it instead of sleeping."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Protocol


class Clock(Protocol):
    """Wall-clock seconds since the epoch (JWT `exp` is wall-clock time)."""

    def now(self) -> float:
        """The current time in seconds since the epoch."""


# The latest reading a clock may show: 9999-12-31T23:59:59Z, the end of what datetime, JWT
# libraries and HTTP dates can express. Past it, issuing a token or a date would fail.
LATEST_READING = 253_402_300_799.0


class ClockOutOfRangeError(ValueError):
    """An advance that would move a clock before the epoch or past the year 9999.

    Seen by whoever drives the clock (the admin API turns it into a 400, tests see it raised)."""


class SystemClock:
    """The real time."""

    def now(self) -> float:
        """The current time in seconds since the epoch."""
        return time.time()


class ControllableClock:
    """A clock that follows a base clock, and can be advanced, frozen and unfrozen.

    Advancing adds to an offset; freezing pins the reading. Thread-safe, because the admin API
    and request handling may touch it from different threads in the pytest plugin.
    """

    def __init__(self, base: Callable[[], float] = time.time) -> None:
        self._base = base
        self._offset = 0.0
        self._frozen_at: float | None = None
        self._lock = threading.Lock()

    def now(self) -> float:
        """The current (possibly advanced or frozen) time."""
        frozen = self._frozen_at
        return frozen if frozen is not None else self._base() + self._offset

    @property
    def frozen(self) -> bool:
        """Whether the clock is frozen."""
        return self._frozen_at is not None

    @property
    def offset(self) -> float:
        """Seconds this clock runs ahead of its base (while not frozen)."""
        return self._offset

    def advance(self, seconds: float) -> float:
        """Move the clock forward (or back, for a negative amount); returns the new time.

        Raises `ClockOutOfRangeError`, leaving the clock as it was, when `seconds` is not finite or
        the new reading would fall before the epoch or after `LATEST_READING`.
        """
        with self._lock:
            reading = self.now() + seconds if math.isfinite(seconds) else math.nan
            if not 0 <= reading <= LATEST_READING:
                raise ClockOutOfRangeError(
                    f"advancing by {seconds} seconds would put the clock outside 1970-01-01 .. "
                    f"9999-12-31; it now reads {self.now():.0f}")
            if self._frozen_at is not None:
                self._frozen_at += seconds
            else:
                self._offset += seconds
            return self.now()

    def freeze(self) -> float:
        """Stop the clock at its current reading; returns that reading."""
        with self._lock:
            if self._frozen_at is None:
                self._frozen_at = self._base() + self._offset
            return self._frozen_at

    def unfreeze(self) -> float:
        """Let the clock run again from where it was frozen; returns the current time."""
        with self._lock:
            if self._frozen_at is not None:
                self._offset = self._frozen_at - self._base()
                self._frozen_at = None
            return self.now()

    def reset(self) -> None:
        """Back to the base clock's time, running."""
        with self._lock:
            self._offset = 0.0
            self._frozen_at = None

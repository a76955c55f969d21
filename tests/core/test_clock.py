"""The controllable clock: advance, freeze, unfreeze, reset."""

from __future__ import annotations

import math

import pytest

from specmock.core.clock import LATEST_READING, ClockOutOfRangeError, ControllableClock


class FakeBase:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_a_running_clock_follows_its_base() -> None:
    base = FakeBase()
    clock = ControllableClock(base)
    base.t = 1005.0
    assert clock.now() == 1005.0


def test_advance_moves_the_clock_ahead_of_its_base() -> None:
    base = FakeBase()
    clock = ControllableClock(base)
    clock.advance(3600)
    assert clock.now() == 4600.0


def test_a_frozen_clock_does_not_move_with_its_base() -> None:
    base = FakeBase()
    clock = ControllableClock(base)
    clock.freeze()
    base.t = 2000.0
    assert clock.now() == 1000.0


def test_advance_moves_a_frozen_clock() -> None:
    clock = ControllableClock(FakeBase())
    clock.freeze()
    clock.advance(10)
    assert clock.now() == 1010.0


def test_unfreeze_resumes_from_the_frozen_reading() -> None:
    base = FakeBase()
    clock = ControllableClock(base)
    clock.freeze()
    clock.advance(10)
    clock.unfreeze()
    base.t = 1001.0
    assert clock.now() == 1011.0


def test_reset_returns_to_the_base_time_running() -> None:
    base = FakeBase()
    clock = ControllableClock(base)
    clock.advance(50)
    clock.freeze()
    clock.reset()
    assert (clock.now(), clock.frozen) == (1000.0, False)


def test_an_advance_past_the_year_9999_is_refused_and_changes_nothing() -> None:
    # Given a clock
    clock = ControllableClock(FakeBase())

    # When it is advanced by the largest float, twice
    for _ in range(2):
        with pytest.raises(ClockOutOfRangeError):
            clock.advance(1.7e308)

    # Then it reads as before, and a reading is still a finite time
    assert clock.now() == 1000.0


@pytest.mark.parametrize("seconds", [math.inf, -math.inf, math.nan, -1001.0])
def test_an_advance_that_is_not_finite_or_before_the_epoch_is_refused(seconds: float) -> None:
    clock = ControllableClock(FakeBase())
    with pytest.raises(ClockOutOfRangeError):
        clock.advance(seconds)
    assert clock.now() == 1000.0


def test_an_advance_to_the_last_second_of_9999_is_allowed() -> None:
    clock = ControllableClock(FakeBase())
    assert clock.advance(LATEST_READING - 1000.0) == LATEST_READING

"""Progress lines of a long start (mockserver/core/progress.py), on a clock the tests drive."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from specmock.core.progress import StartupProgress


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def started(quiet_for: float = 2.0, every: float = 5.0) -> tuple[StartupProgress, Clock,
                                                                   list[str]]:
    clock, lines = Clock(), []
    return StartupProgress(lines.append, clock=clock, quiet_for=quiet_for, every=every), \
        clock, lines


def test_a_short_start_says_nothing() -> None:
    # Given a start whose phases all begin within the quiet time
    progress, clock, lines = started()
    for name, at in (("loading", 0.0), ("compiling", 0.5), ("checking", 1.9)):
        clock.now = at
        progress.phase(name)
        progress.tick()
    # Then no line was written
    assert lines == []


def test_a_phase_beginning_late_is_said_with_the_time_so_far() -> None:
    # Given a start that spent 3.2 s loading
    progress, clock, lines = started()
    progress.phase("loading")
    clock.now = 3.2
    # When the next phase begins
    progress.phase("checking the contract")
    # Then it is said, with the time since the start
    assert lines == ["specmock: starting (3.2 s): checking the contract"]


def test_a_long_phase_is_said_again_every_few_seconds_only() -> None:
    # Given a phase running from 2 s, ticked every half second until 12 s
    progress, clock, lines = started(every=5.0)
    progress.phase("checking")
    for step in range(4, 25):
        clock.now = step / 2
        progress.tick()
    # Then it was said at 2 s, 7 s and 12 s
    assert [line.split("(")[1].split(")")[0] for line in lines] == ["2.0 s", "7.0 s", "12.0 s"]


@given(st.lists(st.floats(min_value=0, max_value=100), max_size=30))
def test_no_two_lines_of_one_phase_are_closer_than_the_interval(ticks: list[float]) -> None:
    # Given one phase ticked at arbitrary (ordered) times
    progress, clock, lines = started(quiet_for=0.0, every=5.0)
    progress.phase("checking")
    for at in sorted(ticks):
        clock.now = at
        progress.tick()
    # Then the times said are at least the interval apart
    said = [float(line.split("(")[1].split(" s)")[0]) for line in lines]
    assert all(later - earlier >= 5.0 - 0.05 for earlier, later in itertools.pairwise(said))

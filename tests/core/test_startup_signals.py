"""Signals during start-up: held while compiled extensions initialise, acted on right after."""

from __future__ import annotations

import os
import signal

import pytest

from specmock.cli import TerminatedError, _signals_deferred


@pytest.mark.parametrize(("sig", "raised"), [(signal.SIGINT, KeyboardInterrupt),
                                             (signal.SIGTERM, TerminatedError)])
def test_a_signal_inside_the_block_is_raised_after_it(sig: int,
                                                      raised: type[BaseException]) -> None:
    reached: list[str] = []

    def run_block() -> None:
        with _signals_deferred():
            os.kill(os.getpid(), sig)
            reached.append("end")  # the signal did not interrupt the block

    with pytest.raises(raised):
        run_block()
    assert reached == ["end"]


def test_the_previous_handlers_are_back_after_the_block() -> None:
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with _signals_deferred():
        pass
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before

"""FastClock: simulated time that runs a given number of times faster than the real one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ocpptk.sim.clock import FastClock
from tests.sim.helpers import START, FakeClock


def test_it_runs_speed_times_faster_from_when_it_was_made() -> None:
    real = FakeClock()
    fast = FastClock(60, real)
    assert fast() == START
    real.advance(seconds=2)
    assert fast() == START + timedelta(minutes=2)
    assert fast.speed == 60


@pytest.mark.parametrize("speed", [0, -1])
def test_a_speed_must_be_positive(speed: float) -> None:
    with pytest.raises(ValueError, match="speed must be positive"):
        FastClock(speed)

"""A charge point on a FastClock: the runner sleeps in simulated seconds divided by the speed."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from ocpptk.sim.charge_point import ChargePointSim
from ocpptk.sim.clock import FastClock, parse_timestamp
from ocpptk.transport.central_system import CentralSystem
from ocpptk.transport.charge_point import ChargePoint
from tests.conftest import wait_until


async def test_a_minute_of_meter_values_passes_in_a_moment_at_speed_600(
    captured_log: Any,
) -> None:
    cs_log = captured_log("cs")
    sim = ChargePointSim("FAST1", now=FastClock(600), lifecycle=True)
    async with CentralSystem(log=cs_log.log) as cs, ChargePoint(cs.url, "FAST1", sim=sim) as cp:
        await wait_until(lambda: sim.registration_status == "Accepted")
        sim.charge(1, "TAG", interval_s=60, duration_s=240)  # four simulated minutes
        cp.poke()
        state = cs.sim.charge_points["FAST1"]
        await wait_until(lambda: bool(state.closed_transactions))  # well under a real second
    frames = [f for f in cs_log.frames() if f[0] == 2]
    meters = [f[3] for f in frames if f[2] == "MeterValues"]
    stamps = [parse_timestamp(m["meterValue"][0]["timestamp"]) for m in meters]
    assert len(stamps) >= 3
    gaps = [(b - a).total_seconds() for a, b in pairwise(stamps)]
    assert all(59 <= gap <= 120 for gap in gaps), gaps  # a simulated minute (and a late wake-up)
    start = next(f[3] for f in frames if f[2] == "StartTransaction")
    stop = next(f[3] for f in frames if f[2] == "StopTransaction")
    seconds = (parse_timestamp(stop["timestamp"]) - parse_timestamp(start["timestamp"])).seconds
    assert seconds >= 240
    # 22 kW over the simulated seconds, whatever the real time was (timestamps are whole
    # seconds: 12 Wh either way).
    assert abs(stop["meterStop"] - 22_000 * seconds / 3600) <= 25

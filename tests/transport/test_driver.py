"""The runner's driver: a timer that fails is logged, and the charger's clock goes on."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ocpptk.sim.charge_point import ChargePointSim
from ocpptk.transport.central_system import CentralSystem
from ocpptk.transport.charge_point import ChargePoint
from tests.conftest import wait_until


async def test_a_failing_timer_does_not_stop_the_clock(captured_log: Any) -> None:
    cp_log = captured_log("cp")
    sim = ChargePointSim("DRV1")
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("a bug")

    async with (
        CentralSystem() as cs,
        ChargePoint(cs.url, "DRV1", sim=sim, log=cp_log.log) as cp,
    ):
        sim.timers.set("broken", sim.now(), broken)
        sim.timers.set("later", sim.now() + timedelta(milliseconds=50), lambda: ran.append("x"))
        cp.poke()
        await wait_until(lambda: ran == ["x"])
        assert any("internal error in a timer" in n["text"] for n in cp_log.notes()), cp_log.notes()

"""``ocpptk demo``: a charge point talking to an embedded central system, every frame shown.

Nothing to set up: the central system listens on a free port of 127.0.0.1, the charge point
connects and boots by itself, a driver charges for four seconds (meter values every second),
the central system halves the power with a charging profile and asks for the composite
schedule. At the end comes one deliberately broken frame, to show how OCPP-J answers it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence

from ocpptk.rpc.errors import OcppError
from ocpptk.sim.charge_point import ChargePointSim
from ocpptk.spec.catalog import Role
from ocpptk.transport.central_system import CentralSystem
from ocpptk.transport.charge_point import ChargePoint
from ocpptk.transport.log import FrameLog

__all__ = ["main", "run_demo"]


async def run_demo(log: FrameLog, charge_point_id: str = "CP001") -> None:
    async with CentralSystem(log=log) as cs:
        log.note(Role.CENTRAL_SYSTEM, "", f"central system listening on {cs.url}")
        sim = ChargePointSim(charge_point_id, vendor="ocpptk", model="Demo", lifecycle=True)
        sim.sessions.unplug_delay_s = 1.0
        async with ChargePoint(cs.url, charge_point_id, sim=sim, log=log) as cp:
            # It boots and reports its connectors by itself; then a driver charges for 4 s.
            await _until(lambda: sim.registration_status == "Accepted")
            sim.charge(1, "DEMO-TAG", duration_s=4, interval_s=1)
            cp.poke()
            await _until(lambda: sim.connectors[1].transaction is not None)
            await _until(lambda: bool(cs.sim.charge_points[charge_point_id].open_transactions))
            # The central system halves the power (22 kW -> 11 kW) and asks what it will get.
            await cs.call(
                charge_point_id, "SetChargingProfile", connectorId=1, csChargingProfiles=_HALF
            )
            await cs.call(charge_point_id, "GetCompositeSchedule", connectorId=1, duration=60)
            await cs.call(charge_point_id, "GetConfiguration", key=["HeartbeatInterval"])
            await _until(lambda: sim.connectors[1].status.value == "Available", 20)
            try:  # a payload that breaks the schema: the central system refuses it
                await cp.call("Authorize", {"idTag": 42}, validate=False)
            except OcppError as error:
                log.note(Role.CHARGE_POINT, charge_point_id, f"refused as expected: {error.key}")


# A TxDefaultProfile of 11 kW from now on: half of the demo connector's 22 kW.
_HALF = {
    "chargingProfileId": 1,
    "stackLevel": 0,
    "chargingProfilePurpose": "TxDefaultProfile",
    "chargingProfileKind": "Relative",
    "chargingSchedule": {
        "chargingRateUnit": "W",
        "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 11000.0}],
    },
}


async def _until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.05)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="ocpptk demo",
        description="A charge point boots and charges against an embedded central system.",
    )
    parser.add_argument("--id", default="CP001", help="the charge point's identity")
    parser.add_argument("--log", metavar="FILE", help="also write every frame as JSON lines")
    args = parser.parse_args(argv)
    log = FrameLog(print, args.log)
    try:
        asyncio.run(run_demo(log, args.id))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # one line, never a traceback
        print(f"ocpptk demo: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        log.close()
    return 0

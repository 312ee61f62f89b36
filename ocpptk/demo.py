"""``ocpptk demo``: a charge point talking to an embedded central system, every frame shown.

Nothing to set up: the central system listens on a free port of 127.0.0.1, the charge point
connects, boots, charges for a moment, and the central system sends it a few commands. At the
end comes one deliberately broken frame, to show how OCPP-J answers it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from ocpptk.rpc.errors import OcppError
from ocpptk.spec.catalog import Role
from ocpptk.transport.central_system import CentralSystem
from ocpptk.transport.charge_point import ChargePoint
from ocpptk.transport.log import FrameLog

__all__ = ["main", "run_demo"]


async def run_demo(log: FrameLog, charge_point_id: str = "CP001") -> None:
    async with CentralSystem(log=log) as cs:
        log.note(Role.CENTRAL_SYSTEM, "", f"central system listening on {cs.url}")
        async with ChargePoint(cs.url, charge_point_id, log=log) as cp:
            await cs.wait_for_charge_point(charge_point_id)
            await cp.call("BootNotification", chargePointVendor="ocpptk", chargePointModel="Demo")
            await cp.call("StatusNotification", connectorId=1, status="Available")
            await cp.call("Heartbeat")
            await cp.call("Authorize", idTag="DEMO-TAG")
            await cp.call("StatusNotification", connectorId=1, status="Preparing")
            await cp.call("StartTransaction", connectorId=1, idTag="DEMO-TAG")
            await cp.call("StatusNotification", connectorId=1, status="Charging")
            await cp.call("MeterValues")
            await cs.call(charge_point_id, "GetConfiguration", key=["HeartbeatInterval"])
            await cs.call(charge_point_id, "TriggerMessage", requestedMessage="Heartbeat")
            await cp.call("StopTransaction", reason="Local")
            await cp.call("StatusNotification", connectorId=1, status="Finishing")
            await cp.call("StatusNotification", connectorId=1, status="Available")
            try:  # a payload that breaks the schema: the central system refuses it
                await cp.call("Authorize", {"idTag": 42}, validate=False)
            except OcppError as error:
                log.note(Role.CHARGE_POINT, charge_point_id, f"refused as expected: {error.key}")


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

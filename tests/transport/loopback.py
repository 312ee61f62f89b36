"""The loopback: our CentralSystem on 127.0.0.1 and any number of our ChargePoints connected
to it, with a frame log on each side."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ocpptk.sim.central_system import ChargePointState
from ocpptk.transport.central_system import CentralSystem
from ocpptk.transport.charge_point import ChargePoint
from tests.conftest import CapturedLog, wait_until


@dataclass
class Loopback:
    """Our CentralSystem on 127.0.0.1 and the ChargePoints connected to it; all charge points
    share one frame log, the central system has its own."""

    cs: CentralSystem
    cs_log: CapturedLog
    cp_log: CapturedLog
    charge_points: list[ChargePoint] = field(default_factory=list)
    port: int = 0

    async def connect(self, charge_point_id: str = "CP001", **kwargs: Any) -> ChargePoint:
        """A ChargePoint connected to the central system (closed when the test ends)."""
        cp = ChargePoint(self.cs.url, charge_point_id, log=self.cp_log.log, **kwargs)
        self.charge_points.append(cp)
        await cp.connect()
        await self.cs.wait_for_charge_point(charge_point_id)
        return cp

    async def stop_central_system(self) -> None:
        """The central system goes away: its links close (1001) and its port is closed."""
        self.port = self.cs.port
        await self.cs.close()

    async def start_central_system(self) -> None:
        """The central system comes back on the same port, with the same memory (its sim)."""
        self.cs = CentralSystem(port=self.port, sim=self.cs.sim, log=self.cs_log.log)
        await self.cs.start()

    def state(self, charge_point_id: str = "CP001") -> ChargePointState:
        return self.cs.sim.charge_points[charge_point_id]

    def records(self, charge_point_id: str = "CP001", side: str = "cs") -> list[dict[str, Any]]:
        log = self.cs_log if side == "cs" else self.cp_log
        return [r for r in log.records() if "frame" in r and r["charge_point"] == charge_point_id]

    def received(
        self, action: str | None = None, charge_point_id: str = "CP001"
    ) -> list[dict[str, Any]]:
        """The payloads of the CALLs the central system received from ``charge_point_id``
        (of ``action``, or all of them), in the order they arrived."""
        return [payload for _, payload in self.received_calls(action, charge_point_id)]

    def received_calls(
        self, action: str | None = None, charge_point_id: str = "CP001"
    ) -> list[tuple[str, dict[str, Any]]]:
        """(action, payload) of the CALLs the central system received, in order."""
        found = []
        for record in self.records(charge_point_id):
            frame = parse(record)
            wanted = action is None or frame[2] == action
            if record["direction"] == "in" and frame[0] == 2 and wanted:
                found.append((frame[2], frame[3]))
        return found

    def actions(self, charge_point_id: str = "CP001") -> list[str]:
        return [action for action, _ in self.received_calls(None, charge_point_id)]

    def statuses(self, connector_id: int, charge_point_id: str = "CP001") -> list[str]:
        """The statuses the central system was told of for one connector, in order."""
        return [
            p["status"]
            for p in self.received("StatusNotification", charge_point_id)
            if p["connectorId"] == connector_id
        ]

    def times(
        self,
        action: str,
        *,
        outgoing: bool,
        call: bool = True,
        charge_point_id: str = "CP001",
    ) -> list[datetime]:
        """When the charge point logged the CALLs (or, ``call=False``, the CALLRESULTs to its
        CALLs) of ``action`` it sent (``outgoing``) or received."""
        direction = "out" if outgoing else "in"
        cp_records = self.records(charge_point_id, side="cp")
        actions_by_id = {parse(r)[1]: parse(r)[2] for r in cp_records if parse(r)[0] == 2}
        found = []
        for record in cp_records:
            frame = parse(record)
            if call:
                matches = frame[0] == 2 and frame[2] == action
            else:
                matches = frame[0] == 3 and actions_by_id.get(frame[1]) == action
            if record["direction"] == direction and matches:
                found.append(datetime.fromisoformat(record["time"]))
        return found

    def assert_clean(self) -> None:
        for log in (self.cs_log, self.cp_log):
            assert log.problems() == []
            assert log.errors() == []
            assert log.notes() == []

    def connection_notes(self, side: str = "cp") -> list[str]:
        log = self.cs_log if side == "cs" else self.cp_log
        return [r["text"] for r in log.records() if r.get("event") == "connection"]


def parse(record: dict[str, Any]) -> list[Any]:
    frame: list[Any] = json.loads(record["frame"])
    return frame


@contextlib.asynccontextmanager
async def running(captured_log: Callable[[str], CapturedLog]) -> AsyncIterator[Loopback]:
    """A started central system (port 0); on exit every charge point, then it, is closed."""
    cs_log, cp_log = captured_log("cs"), captured_log("cp")
    cs = CentralSystem(log=cs_log.log)
    await cs.start()
    loopback = Loopback(cs, cs_log, cp_log)
    try:
        yield loopback
    finally:
        # Close everything even if one close fails, then let that failure show.
        async with contextlib.AsyncExitStack() as stack:
            stack.push_async_callback(lambda: loopback.cs.close())
            for cp in loopback.charge_points:
                stack.push_async_callback(cp.close)


async def accepted(lb: Loopback, cp: ChargePoint, connectors: int = 1) -> None:
    """Wait until ``cp`` booted, was accepted and reported connector 0 and every connector."""
    await wait_until(lambda: cp.sim.registration_status == "Accepted")
    await wait_until(lambda: all(lb.statuses(n, cp.charge_point_id) for n in range(connectors + 1)))
    await wait_until(lambda: cp.idle)

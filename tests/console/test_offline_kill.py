"""The offline queue with real processes: the central system goes away mid-session, the charge
point keeps charging and queueing, dies (SIGKILL), and a new process on the same journal delivers
every transaction message exactly once, in order, then stops the transaction (PowerLoss).

The charge point is ``ocpptk start_cp ... --journal FILE`` in a subprocess, commands on its
standard input. The central system is a plain ``websockets`` server in the test process,
independent of ocpptk: it answers what a charge point sends, numbers the transaction itself,
records every CALL with the connection it came on and checks it against the OCA schemas. It
stops on a fixed port and starts again there.

The central system hangs up right after answering a MeterValues: one second before the next
one, so no transaction message is on its way then, and "exactly once" is what the charge point
owes (a message whose answer was lost may come again; none is lost here).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from tests.conftest import wait_until
from tests.console.processes import ENV
from tests.sim.helpers import schema_errors

TRANSACTION_ID = 4242  # the central system's number, nothing our simulator would make up
CHARGE_POINT = "CPK"
ENERGY = "Energy.Active.Import.Register"
TRANSACTION_ACTIONS = ("StartTransaction", "MeterValues", "StopTransaction")
PATIENCE = 15.0  # seconds to wait for something a correct run does within one or two
EXIT_PATIENCE = 5.0  # seconds for a console to exit at the end of its input
ONLINE_SAMPLES = 2  # MeterValues the central system sees before it goes away
OFFLINE_SAMPLES = 2  # MeterValues the charge point queues before it is killed


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Received:
    connection: int  # 1 for the first connection the central system accepted
    action: str
    payload: dict[str, Any]


class CentralSystem:
    """Answers a charge point's CALLs (and only those) and records them."""

    def __init__(self) -> None:
        self.port = 0
        self.server: Server | None = None
        self.received: list[Received] = []
        self.problems: list[str] = []
        self.connections = 0
        self.hang_up: Callable[[], bool] | None = None  # asked after each answer
        self.hung_up = False

    async def start(self) -> None:
        subprotocols: Any = ["ocpp1.6"]
        self.server = await serve(
            self._serve, "127.0.0.1", self.port, subprotocols=subprotocols, ping_interval=None
        )
        self.port = next(iter(self.server.sockets)).getsockname()[1]

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    def got(self, action: str) -> list[Received]:
        return [call for call in self.received if call.action == action]

    def _answer(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        accepted = {"idTagInfo": {"status": "Accepted"}}
        if action == "BootNotification":
            return {"status": "Accepted", "currentTime": now(), "interval": 300}
        if action == "Heartbeat":
            return {"currentTime": now()}
        if action == "Authorize":
            return accepted
        if action == "StartTransaction":
            return {"transactionId": TRANSACTION_ID, **accepted}
        if action in ("StatusNotification", "MeterValues", "StopTransaction"):
            return {}
        self.problems.append(f"unexpected {action} {payload}")
        return {}

    async def _serve(self, websocket: ServerConnection) -> None:
        self.connections += 1
        number = self.connections
        if websocket.request is None or websocket.request.path != f"/{CHARGE_POINT}":
            self.problems.append(f"connection {number} at {websocket.request}")
        with contextlib.suppress(ConnectionClosed):
            async for text in websocket:
                frame = json.loads(text)
                if frame[0] != 2:
                    self.problems.append(f"not a CALL: {text!r}")
                    continue
                _, unique_id, action, payload = frame
                self.problems += [f"{action}: {e}" for e in schema_errors(action, payload, True)]
                self.received.append(Received(number, action, payload))
                await websocket.send(json.dumps([3, unique_id, self._answer(action, payload)]))
                if self.hang_up is not None and self.hang_up():
                    self.hang_up, self.hung_up = None, True
                    assert self.server is not None
                    self.server.close()  # no more connections; this one ends with 1001


class Charger:
    """``ocpptk start_cp URL CPK --journal FILE`` with its standard input open for commands."""

    def __init__(self, url: str, journal: Path, output: Path) -> None:
        self.output = output
        command = [sys.executable, "-m", "ocpptk.cli", "start_cp", url, CHARGE_POINT]
        with output.open("w", encoding="utf-8") as out:
            self.process = subprocess.Popen(
                [*command, "--journal", str(journal)],
                stdin=subprocess.PIPE,
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
                env=ENV,
            )

    def command(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def kill(self) -> None:
        """SIGKILL: nothing is flushed, closed or said goodbye to."""
        self.process.send_signal(signal.SIGKILL)

    async def exited(self) -> int:
        return await asyncio.to_thread(self.process.wait, PATIENCE)

    async def finish(self) -> int:
        """End of input: the console closes its link and exits. A clean exit takes a fraction
        of a second; the console would give up on closing after 15 s, so a hang shows."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            return await asyncio.to_thread(self.process.wait, EXIT_PATIENCE)
        except subprocess.TimeoutExpired:
            pytest.fail(f"no exit {EXIT_PATIENCE} s after the end of input:\n{self.say()}")

    def say(self) -> str:
        return self.output.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
async def central_system() -> AsyncIterator[CentralSystem]:
    cs = CentralSystem()
    await cs.start()
    yield cs
    await cs.stop()


@pytest.fixture
def chargers(tmp_path: Path) -> Iterator[list[Charger]]:
    """The charge point processes a test starts; any still running at the end is killed."""
    started: list[Charger] = []
    yield started
    for charger in started:
        if charger.process.poll() is None:
            charger.kill()
            charger.process.wait(PATIENCE)
        if charger.process.stdin is not None:
            charger.process.stdin.close()


def queued(journal: Path) -> list[dict[str, Any]]:
    """The transaction messages the journal holds (empty before there is one)."""
    if not journal.exists():
        return []
    state = json.loads(journal.read_text(encoding="utf-8"))
    return list(state["queue"])


def stamp(meter_values: dict[str, Any]) -> str:
    [reading] = meter_values["meterValue"]
    return str(reading["timestamp"])


def register(meter_values: dict[str, Any]) -> int:
    [reading] = meter_values["meterValue"]
    [energy] = [v for v in reading["sampledValue"] if v.get("measurand", ENERGY) == ENERGY]
    return int(energy["value"])


async def test_killed_offline_delivers_every_message_once_in_order(
    central_system: CentralSystem, chargers: list[Charger], tmp_path: Path
) -> None:
    cs = central_system
    journal = tmp_path / "cpk.journal"

    def made() -> Charger:
        charger = Charger(cs.url, journal, tmp_path / f"cp{len(chargers) + 1}.out")
        chargers.append(charger)
        return charger

    async def wait(condition: Callable[[], bool], what: str) -> None:
        try:
            await wait_until(condition, PATIENCE)
        except TimeoutError:
            outputs = "\n".join(f"--- cp{n + 1}:\n{c.say()}" for n, c in enumerate(chargers))
            pytest.fail(f"timed out waiting for {what}; received {cs.received}\n{outputs}")

    # 1. A session, MeterValues arriving.
    first = made()
    await wait(lambda: len(cs.got("StatusNotification")) >= 2, "the boot and the statuses")
    cs.hang_up = lambda: len(cs.got("MeterValues")) >= ONLINE_SAMPLES
    first.command("charge 1 TAG --interval 1 --power 10000")

    # 2. The central system goes away right after answering a MeterValues; the charge point
    #    keeps charging offline and its journal fills up.
    await wait(lambda: cs.hung_up, "the hang-up")
    await cs.stop()
    online = list(cs.received)
    await wait(
        lambda: sum(m["action"] == "MeterValues" for m in queued(journal)) >= OFFLINE_SAMPLES,
        "MeterValues queued offline",
    )

    # 3. Killed while offline.
    first.kill()
    assert await first.exited() == -signal.SIGKILL
    left = queued(journal)
    offline_stamps = [stamp(m["payload"]) for m in left if m["action"] == "MeterValues"]
    assert len(offline_stamps) >= OFFLINE_SAMPLES
    assert {m["action"] for m in left} == {"MeterValues"}  # the StartTransaction went online

    # 4. The central system comes back on the same port; a new process on the same journal.
    await cs.start()
    second = made()
    await wait(lambda: bool(cs.got("StopTransaction")), "the StopTransaction")
    await wait(lambda: queued(journal) == [], "an empty journal")
    assert await second.finish() == 0, second.say()

    # What the central system received, over both connections.
    assert cs.problems == []
    assert cs.connections == 2
    assert [c.connection for c in online] == [1] * len(online)
    later = cs.received[len(online) :]
    assert {c.connection for c in later} == {2}
    assert later[0].action == "BootNotification"  # nothing before the boot (section 4.2)

    actions = [c.action for c in cs.received if c.action in TRANSACTION_ACTIONS]
    meter_values = [c.payload for c in cs.got("MeterValues")]
    assert actions == ["StartTransaction"] + ["MeterValues"] * len(meter_values) + [
        "StopTransaction"
    ]
    [start] = cs.got("StartTransaction")
    [stop] = cs.got("StopTransaction")
    assert start.connection == 1 and stop.connection == 2
    assert stop.payload["reason"] == "PowerLoss"
    assert stop.payload["transactionId"] == TRANSACTION_ID
    assert stop.payload["idTag"] == "TAG"
    assert {m["transactionId"] for m in meter_values} == {TRANSACTION_ID}

    # Every MeterValues once, in the order made; the ones made offline came after the restart.
    stamps = [stamp(m) for m in meter_values]
    assert len(set(stamps)) == len(stamps), stamps
    assert stamps == sorted(stamps)
    assert stamps[0] >= start.payload["timestamp"]
    assert stop.payload["timestamp"] >= stamps[-1]
    assert len([c for c in online if c.action == "MeterValues"]) == ONLINE_SAMPLES
    delivered_later = [stamp(c.payload) for c in later if c.action == "MeterValues"]
    assert delivered_later == offline_stamps
    assert min(delivered_later) > max(stamp(c.payload) for c in online if c.action == "MeterValues")

    energy = [register(m) for m in meter_values]
    assert energy == sorted(energy) and energy[-1] > energy[0] >= start.payload["meterStart"]
    assert stop.payload["meterStop"] >= energy[-1]

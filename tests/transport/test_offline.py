"""A charge point that loses its central system mid-session keeps charging, keeps its
transaction messages, and delivers each of them exactly once, in order, when it is back.

The link is dropped from the central system's side (its end of the link closed, or the whole
central system stopped and started again on the same port, with the same memory). A charge
point killed while offline comes back from its journal and stops the interrupted transaction
with reason PowerLoss. The drops happen while nothing is in flight (``cp.idle``): delivery is
at least once by design, and these tests are about the exactly-once of the ordinary case.
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import Any

import pytest

from ocpptk.rpc.errors import LinkClosed
from ocpptk.sim.central_system import TransactionRecord
from ocpptk.transport.backoff import Backoff
from ocpptk.transport.charge_point import ChargePoint
from ocpptk.transport.journal import JsonFileStore
from tests.conftest import PATIENCE, wait_until
from tests.transport.loopback import Loopback, accepted

TRANSACTION_ACTIONS = ("StartTransaction", "MeterValues", "StopTransaction")


def quick() -> Backoff:
    """Reconnect at once, then every 0.2 s at most (seeded: the same delays every run)."""
    return Backoff(initial=0.05, maximum=0.2, jitter=0.5, rng=random.Random(4))


def reading(meter_values: dict[str, Any]) -> int:
    return int(meter_values["meterValue"][0]["sampledValue"][0]["value"])


def stamp(meter_values: dict[str, Any]) -> str:
    return str(meter_values["meterValue"][0]["timestamp"])


def transaction_messages(lb: Loopback) -> list[tuple[str, dict[str, Any]]]:
    return [(a, p) for a, p in lb.received_calls() if a in TRANSACTION_ACTIONS]


def assert_delivered_once_in_order(lb: Loopback, reason: str = "Local") -> TransactionRecord:
    """One transaction reached the central system whole: one StartTransaction, its
    MeterValues (timestamps strictly increasing: none twice, none out of order), one
    StopTransaction, all after the start carrying the id the central system gave."""
    messages = transaction_messages(lb)
    actions = [action for action, _ in messages]
    meter_values = [p for a, p in messages if a == "MeterValues"]
    assert actions == ["StartTransaction", *["MeterValues"] * len(meter_values), "StopTransaction"]
    [closed] = lb.state().closed_transactions
    assert lb.state().open_transactions == {}
    assert {p["transactionId"] for _, p in messages[1:]} == {closed.transaction_id}
    stamps = [stamp(p) for p in meter_values]
    assert stamps == sorted(set(stamps))
    readings = [reading(p) for p in meter_values]
    assert readings == sorted(readings)
    stop = messages[-1][1]
    assert stop["reason"] == reason
    assert stop["timestamp"] >= stamps[-1]
    assert stop["meterStop"] >= readings[-1]
    assert closed.meter_value_count == len(meter_values)
    assert closed.stop_reason == reason
    return closed


async def charging(lb: Loopback, cp: ChargePoint, id_tag: str = "TAG0042") -> int:
    """Start a session sampling every second; its transaction id once the central system
    has given it and nothing is in flight."""
    cp.sim.charge(1, id_tag, interval_s=1)
    cp.poke()
    await wait_until(lambda: bool(lb.state().open_transactions) and cp.idle)
    [tx_id] = lb.state().open_transactions
    return tx_id


async def stopped(lb: Loopback, cp: ChargePoint) -> None:
    cp.sim.stop_charge(1)
    cp.poke()
    await wait_until(lambda: bool(lb.state().closed_transactions) and cp.idle)


# -- a dropped link ------------------------------------------------------------------------


async def test_a_dropped_link_is_repaired_and_the_session_goes_on(lb: Loopback) -> None:
    cp = await lb.connect(lifecycle=True, reconnect=quick())
    await accepted(lb, cp)
    tx_id = await charging(lb, cp)
    await wait_until(lambda: len(lb.received("MeterValues")) == 1 and cp.idle)
    old_link = lb.cs.links["CP001"]

    await old_link.close()  # the central system drops it

    await wait_until(
        lambda: cp.reconnects == 1 and lb.cs.links.get("CP001") not in (None, old_link)
    )
    assert cp.sim.connectors[1].status.value == "Charging"
    await wait_until(lambda: len(lb.received("MeterValues")) >= 2)
    await stopped(lb, cp)

    closed = assert_delivered_once_in_order(lb)
    assert closed.transaction_id == tx_id
    # Connected again, it boots no more (it is still accepted) and reports nothing new.
    assert len(lb.received("BootNotification")) == 1
    lb.assert_clean()


async def test_messages_made_offline_are_delivered_once_in_order_after_reconnect(
    lb: Loopback,
) -> None:
    cp = await lb.connect(lifecycle=True, reconnect=quick())
    await accepted(lb, cp)
    tx_id = await charging(lb, cp)

    await lb.stop_central_system()
    await wait_until(lambda: not cp.connected)
    # It charges on, and keeps what it cannot send.
    await wait_until(lambda: len(cp.sim.tx_queue) >= 2)
    assert [m.action for m in cp.sim.tx_queue] == ["MeterValues"] * len(cp.sim.tx_queue)
    assert lb.received("MeterValues") == []
    assert cp.sim.connectors[1].transaction is not None

    await lb.start_central_system()
    await wait_until(lambda: cp.reconnects == 1)
    await wait_until(lambda: len(cp.sim.tx_queue) == 0 and cp.idle)
    await stopped(lb, cp)

    closed = assert_delivered_once_in_order(lb)
    assert closed.transaction_id == tx_id
    assert closed.meter_value_count >= 2  # kept offline
    assert any("reconnect failed" in note for note in lb.connection_notes())
    lb.assert_clean()


async def test_only_the_statuses_that_changed_offline_are_reported_again(lb: Loopback) -> None:
    cp = await lb.connect(lifecycle=True, reconnect=quick())
    await accepted(lb, cp)
    before = len(lb.received("StatusNotification"))

    await lb.stop_central_system()
    await wait_until(lambda: not cp.connected)
    cp.sim.plug_in(1)  # a cable goes in while nobody listens
    cp.poke()
    await lb.start_central_system()
    await wait_until(lambda: cp.reconnects == 1 and cp.idle)
    await wait_until(lambda: len(lb.received("StatusNotification")) > before)

    # A triggered heartbeat goes out after whatever the reconnect queued: once it is in,
    # nothing else is coming.
    assert await lb.cs.call("CP001", "TriggerMessage", requestedMessage="Heartbeat") == {
        "status": "Accepted"
    }
    await wait_until(lambda: bool(lb.received("Heartbeat")) and cp.idle)
    again = lb.received("StatusNotification")[before:]
    assert [(p["connectorId"], p["status"]) for p in again] == [(1, "Preparing")]
    assert lb.state().connectors[1].status == "Preparing"
    lb.assert_clean()


async def test_a_status_lost_with_the_link_is_sent_again_after_reconnect(lb: Loopback) -> None:
    cp = await lb.connect(lifecycle=True, reconnect=quick())
    await accepted(lb, cp)
    assert cp.link is not None
    link = cp.link
    lb.cs.sim.set_reply("DataTransfer", delay=PATIENCE)  # a slow answer keeps it in flight
    in_flight = asyncio.ensure_future(cp.call("DataTransfer"))
    await wait_until(lambda: link.connection.in_flight is not None)
    cp.sim.plug_in(1)  # its StatusNotification waits behind the DataTransfer
    cp.poke()
    await wait_until(lambda: link.connection.queued == 1)

    await lb.cs.links["CP001"].close()
    with pytest.raises(LinkClosed):
        await in_flight
    await wait_until(lambda: cp.reconnects == 1 and cp.idle)
    # As above: once the triggered heartbeat is in, what the reconnect queued is in too.
    assert await lb.cs.call("CP001", "TriggerMessage", requestedMessage="Heartbeat") == {
        "status": "Accepted"
    }
    await wait_until(lambda: bool(lb.received("Heartbeat")))

    assert cp.sim.connectors[1].status.value == "Preparing"
    assert lb.state().connectors[1].status == "Preparing"
    assert lb.statuses(1)[-1] == "Preparing"
    await wait_until(lambda: cp.idle)
    lb.assert_clean()


async def test_a_transaction_started_offline_gets_its_id_after_reconnect(lb: Loopback) -> None:
    lb.cs.sim.set_next_transaction_id(500)
    cp = await lb.connect(lifecycle=True, reconnect=quick())
    await accepted(lb, cp)
    # The tag is in the authorization cache: offline, it may start at once.
    assert await cp.call("Authorize", idTag="TAG0042") == {"idTagInfo": {"status": "Accepted"}}
    await lb.stop_central_system()
    await wait_until(lambda: not cp.connected)

    cp.sim.charge(1, "TAG0042", interval_s=1)
    cp.poke()
    await wait_until(lambda: len(cp.sim.tx_queue) >= 2)  # the start and a sample
    [tx] = cp.sim.open_transactions()
    assert tx.transaction_id is None
    assert [m.action for m in cp.sim.tx_queue][:2] == ["StartTransaction", "MeterValues"]

    await lb.start_central_system()
    await wait_until(lambda: tx.transaction_id == 500)
    await wait_until(lambda: len(lb.received("MeterValues")) >= 2 and cp.idle)
    await stopped(lb, cp)

    closed = assert_delivered_once_in_order(lb)
    assert closed.transaction_id == 500
    [start] = lb.received("StartTransaction")
    assert start["timestamp"] <= stamp(lb.received("MeterValues")[0])
    assert "Authorize" in lb.actions()[: lb.actions().index("StartTransaction")]
    lb.assert_clean()


# -- a restart from the journal ------------------------------------------------------------


@pytest.mark.parametrize("started", ["online", "offline"])
async def test_a_restarted_charge_point_delivers_its_journal_then_stops_with_power_loss(
    lb: Loopback, tmp_path: Path, started: str
) -> None:
    journal = tmp_path / "j.json"
    cp = await lb.connect(lifecycle=True, reconnect=quick(), journal=journal)
    await accepted(lb, cp)
    if started == "online":
        await charging(lb, cp)
        await lb.stop_central_system()
    else:
        assert (await cp.call("Authorize", idTag="TAG0042"))["idTagInfo"]["status"] == "Accepted"
        await lb.stop_central_system()
        await wait_until(lambda: not cp.connected)
        cp.sim.charge(1, "TAG0042", interval_s=1)
        cp.poke()
    await wait_until(lambda: not cp.connected)
    await wait_until(lambda: sum(m.action == "MeterValues" for m in cp.sim.tx_queue) >= 2)

    await cp.close()  # the charger dies with its queue on disk
    saved = JsonFileStore(journal).load()
    assert saved is not None and saved["open"]
    kept = [stamp(m["payload"]) for m in saved["queue"] if m["action"] == "MeterValues"]
    assert len(kept) >= 2
    last_reading = reading(saved["queue"][-1]["payload"])

    await lb.start_central_system()
    again = await lb.connect(lifecycle=True, reconnect=quick(), journal=journal)
    await wait_until(lambda: bool(lb.state().closed_transactions) and again.idle)

    closed = assert_delivered_once_in_order(lb, reason="PowerLoss")
    delivered = [stamp(p) for p in lb.received("MeterValues")]
    assert delivered[-len(kept) :] == kept  # what the journal kept, once each, in order
    [stop] = lb.received("StopTransaction")
    assert stop["meterStop"] == last_reading  # the register goes on from the journal
    assert closed.transaction_id == lb.received("MeterValues")[0]["transactionId"]
    assert again.sim.open_transactions() == []
    assert again.sim.connectors[1].status.value == "Available"
    # The new charge point boots first; its journal is empty once all is delivered.
    assert lb.actions().count("BootNotification") == 2
    after_boot = lb.actions()[lb.actions().index("BootNotification", 1) :]
    assert "StopTransaction" in after_boot
    drained = JsonFileStore(journal).load()
    assert drained is not None
    assert (drained["queue"], drained["open"]) == ([], [])
    lb.assert_clean()

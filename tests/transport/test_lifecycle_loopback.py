"""Our ChargePoint living its own life against our CentralSystem, over real WebSockets.

The charge point runs with the real clock and small intervals: it boots by itself, retries a
Pending boot, heartbeats, reports its connectors, reboots after Reset, and runs charging
sessions. Every wait is on a condition (``wait_until``), never a sleep; where a test checks how
long something took, it reads the times in the frame logs, against a lower bound that holds by
construction (a timer set when an answer was read cannot fire before that answer was logged).
Each test ends with both logs clean: no validation problem, no CALLERROR, no refused frame.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from ocpptk.sim.charge_point import ChargePointSim
from ocpptk.transport.charge_point import ChargePoint
from tests.conftest import PATIENCE, wait_until
from tests.transport.loopback import Loopback, accepted


def seconds(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds()


# The log keeps milliseconds: a gap that is at least a second by construction shows as at
# least 0.999 s.
AT_LEAST_A_SECOND = 0.999


# -- booting and heartbeats ---------------------------------------------------------------


async def test_a_pending_boot_is_retried_after_its_interval_then_statuses_follow(
    lb: Loopback,
) -> None:
    lb.cs.sim.set_boot("Pending", interval=1)
    sim = ChargePointSim("CP001", connectors=2)
    cp = await lb.connect(sim=sim, lifecycle=True)

    # It boots by itself as soon as it is connected.
    await wait_until(lambda: len(lb.received("BootNotification")) == 1)
    # The central system answered Pending as it read it; from now on it accepts.
    lb.cs.sim.set_boot("Accepted", interval=300)

    await wait_until(lambda: len(lb.received("StatusNotification")) == 3)
    await wait_until(lambda: cp.idle)
    # Nothing but BootNotification before it was accepted; then connector 0 and each connector.
    assert lb.actions() == ["BootNotification"] * 2 + ["StatusNotification"] * 3
    assert [p["connectorId"] for p in lb.received("StatusNotification")] == [0, 1, 2]
    assert {p["status"] for p in lb.received("StatusNotification")} == {"Available"}
    assert cp.sim.registration_status == lb.state().registration_status == "Accepted"
    assert cp.sim.boots == 2

    # The retry waited the interval the central system gave with Pending.
    pending = lb.times("BootNotification", outgoing=False, call=False)[0]
    second = lb.times("BootNotification", outgoing=True)[1]
    assert seconds(second, pending) >= AT_LEAST_A_SECOND
    lb.assert_clean()


async def test_heartbeats_come_every_interval_the_central_system_gave(lb: Loopback) -> None:
    lb.cs.sim.set_boot("Accepted", interval=1)
    cp = await lb.connect(lifecycle=True)

    await wait_until(lambda: len(lb.received("Heartbeat")) >= 2)
    assert cp.sim.heartbeat_interval == 1
    [accepted_at] = lb.times("BootNotification", outgoing=False, call=False)
    beats = lb.times("Heartbeat", outgoing=True)
    assert seconds(beats[0], accepted_at) >= AT_LEAST_A_SECOND
    # The next one is due a second after the previous one was made; allow its sending a
    # little lag (the lower bound is what matters: no burst).
    assert all(seconds(b, a) > 0.75 for a, b in itertools.pairwise(beats))
    assert lb.state().last_heartbeat is not None
    await wait_until(lambda: cp.idle)
    lb.assert_clean()


async def test_change_configuration_of_the_heartbeat_interval_reschedules_it(
    lb: Loopback,
) -> None:
    cp = await lb.connect(lifecycle=True)  # the central system says 300 s
    await accepted(lb, cp)
    assert cp.sim.heartbeat_interval == 300

    changed = await lb.cs.call("CP001", "ChangeConfiguration", key="HeartbeatInterval", value="1")
    assert changed == {"status": "Accepted"}
    await wait_until(lambda: len(lb.received("Heartbeat")) == 1)

    assert cp.sim.heartbeat_interval == 1
    [told] = lb.times("ChangeConfiguration", outgoing=False)
    [beat] = lb.times("Heartbeat", outgoing=True)
    assert seconds(beat, told) >= AT_LEAST_A_SECOND
    config = await lb.cs.call("CP001", "GetConfiguration", key=["HeartbeatInterval"])
    assert config["configurationKey"][0]["value"] == "1"
    await wait_until(lambda: cp.idle)
    lb.assert_clean()


async def test_without_the_lifecycle_nothing_is_sent_unasked(lb: Loopback) -> None:
    lb.cs.sim.set_boot("Accepted", interval=1)
    quiet = await lb.connect("CP001")  # the library's default: lifecycle off
    # A second charge point, living its life, is the clock: its first heartbeat comes a
    # second after its boot.
    clock = await lb.connect("CP002", lifecycle=True)
    await wait_until(lambda: bool(lb.received("Heartbeat", "CP002")))

    assert lb.received(charge_point_id="CP001") == []
    assert quiet.sim.lifecycle is False
    assert quiet.sim.next_deadline() is None  # nothing planned either
    assert quiet.sim.registration_status is None
    assert clock.sim.registration_status == "Accepted"

    # Asked, it answers, and still sends nothing of its own.
    assert await lb.cs.call("CP001", "ChangeConfiguration", key="HeartbeatInterval", value="1") == {
        "status": "Accepted"
    }
    assert quiet.sim.next_deadline() is None
    await wait_until(lambda: len(lb.received("Heartbeat", "CP002")) >= 2)
    assert lb.received(charge_point_id="CP001") == []
    lb.assert_clean()


async def test_while_pending_a_triggered_message_is_sent(lb: Loopback) -> None:
    # OCPP 1.6 section 4.2: while Pending, the charge point sends no request "unless it has
    # been instructed by the Central System to do so with a TriggerMessage.req".
    lb.cs.sim.set_boot("Pending", interval=300)
    cp = await lb.connect(lifecycle=True)
    await wait_until(lambda: cp.sim.registration_status == "Pending" and cp.idle)

    trigger = {"requestedMessage": "StatusNotification", "connectorId": 1}
    assert await lb.cs.call("CP001", "TriggerMessage", trigger) == {"status": "Accepted"}
    assert await lb.cs.call("CP001", "TriggerMessage", requestedMessage="Heartbeat") == {
        "status": "Accepted"
    }
    # A triggered BootNotification goes out in the order it was asked for: once it is in,
    # whatever was triggered before it is in too.
    assert await lb.cs.call("CP001", "TriggerMessage", requestedMessage="BootNotification") == {
        "status": "Accepted"
    }
    await wait_until(lambda: len(lb.received("BootNotification")) == 2 and cp.idle)
    assert lb.actions() == [
        "BootNotification",
        "StatusNotification",
        "Heartbeat",
        "BootNotification",
    ]
    assert cp.sim.registration_status == "Pending"
    lb.assert_clean()


# -- Reset ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "stop_answer_delay"),
    [("Hard", 0.0), ("Soft", 0.0), ("Hard", 1.5)],
    ids=["hard", "soft", "hard-with-a-slow-answer-to-the-stop"],
)
async def test_reset_stops_the_transaction_once_reboots_and_boots_again(
    lb: Loopback, kind: str, stop_answer_delay: float
) -> None:
    cp = await lb.connect(lifecycle=True, reboot_delay=0)
    await accepted(lb, cp)
    cp.sim.charge(1, "TAG0042")
    cp.poke()
    await wait_until(lambda: bool(lb.state().open_transactions) and cp.idle)
    [tx_id] = lb.state().open_transactions
    old_link = lb.cs.link("CP001")
    # A slow answer keeps the stop in flight past the moment the reboot is due (1 s after
    # Reset): the charge point waits for it rather than send the stop again after booting.
    lb.cs.sim.set_reply("StopTransaction", delay=stop_answer_delay)

    assert await lb.cs.call("CP001", "Reset", type=kind) == {"status": "Accepted"}

    # The central system sees the link close as a restart, then the charge point come back.
    await asyncio.wait_for(old_link.closed.wait(), PATIENCE)
    assert old_link.websocket.close_code == 1012
    await wait_until(lambda: len(lb.received("BootNotification")) == 2)
    await wait_until(lambda: cp.reconnects == 1 and lb.cs.link("CP001") is not old_link)
    await wait_until(lambda: len(lb.statuses(0)) == 2 and cp.idle)

    stops = lb.received("StopTransaction")
    assert len(stops) == 1  # delivered exactly once, before or after the reboot
    assert stops[0]["transactionId"] == tx_id
    assert stops[0]["reason"] == f"{kind}Reset"
    assert stops[0]["idTag"] == "TAG0042"
    [closed] = lb.state().closed_transactions
    assert (closed.transaction_id, closed.stop_reason) == (tx_id, f"{kind}Reset")
    assert lb.state().open_transactions == {}
    assert len(lb.received("StartTransaction")) == 1
    # After the reboot: a fresh boot, then connector 0 and the connector, Available.
    after = lb.actions()[lb.actions().index("BootNotification", 1) :]
    assert after[:3] == ["BootNotification", "StatusNotification", "StatusNotification"]
    assert lb.statuses(1)[-1] == "Available"
    assert cp.sim.open_transactions() == []
    assert lb.state().connected
    assert any(f"rebooting ({kind})" in note for note in lb.connection_notes())
    # The stop was answered before the link closed for the reboot.
    [stop_answered] = lb.times("StopTransaction", outgoing=False, call=False)
    [rebooting] = [
        datetime.fromisoformat(r["time"])
        for r in lb.cp_log.records()
        if r.get("event") == "connection" and r["text"].startswith("disconnected")
    ]
    assert stop_answered <= rebooting
    lb.assert_clean()


# -- charging sessions ---------------------------------------------------------------------


async def test_an_automated_session_reaches_the_central_system_in_order(lb: Loopback) -> None:
    cp = await lb.connect()
    cp.sim.sessions.unplug_delay_s = 0
    session = cp.sim.charge(1, "TAG0042", duration_s=2.5, interval_s=1)
    cp.poke()
    assert session.id_tag == "TAG0042"

    await wait_until(lambda: lb.statuses(1)[-1:] == ["Available"] and cp.idle)

    transaction_messages = [a for a in lb.actions() if a != "StatusNotification"]
    meter_values = lb.received("MeterValues")
    assert transaction_messages == [
        "Authorize",
        "StartTransaction",
        *["MeterValues"] * len(meter_values),
        "StopTransaction",
    ]
    assert meter_values, "a sample every second of a 2.5 s session"
    assert lb.statuses(1) == ["Preparing", "Charging", "Finishing", "Available"]

    [closed] = lb.state().closed_transactions
    [start] = lb.received("StartTransaction")
    [stop] = lb.received("StopTransaction")
    assert start["idTag"] == "TAG0042" and start["connectorId"] == 1
    assert all(m["transactionId"] == closed.transaction_id for m in meter_values)
    assert stop["transactionId"] == closed.transaction_id
    assert stop["reason"] == "Local"
    assert closed.meter_value_count == len(meter_values)
    # The register only goes up, and the stop reads at least the last sample.
    readings = [int(m["meterValue"][0]["sampledValue"][0]["value"]) for m in meter_values]
    assert readings == sorted(readings)
    assert stop["meterStop"] >= readings[-1] > start["meterStart"]
    stamps = [m["meterValue"][0]["timestamp"] for m in meter_values]
    assert stamps == sorted(set(stamps))
    contexts = [s["context"] for s in stop["transactionData"][0]["sampledValue"]]
    contexts += [s["context"] for s in stop["transactionData"][-1]["sampledValue"]]
    assert {"Transaction.Begin", "Transaction.End"} <= set(contexts)
    lb.assert_clean()


def power_w(meter_values: dict[str, Any]) -> float:
    [reading] = meter_values["meterValue"]
    [power] = [s for s in reading["sampledValue"] if s.get("measurand") == "Power.Active.Import"]
    return float(power["value"])


async def test_remote_start_charging_profile_schedule_and_remote_stop(lb: Loopback) -> None:
    cs = lb.cs
    cp = await lb.connect(lifecycle=True)
    await accepted(lb, cp)
    for key, value in (
        ("MeterValueSampleInterval", "1"),
        ("MeterValuesSampledData", "Energy.Active.Import.Register,Power.Active.Import"),
    ):
        assert await cs.call("CP001", "ChangeConfiguration", key=key, value=value) == {
            "status": "Accepted"
        }

    started = await cs.call("CP001", "RemoteStartTransaction", idTag="REMOTE1", connectorId=1)
    assert started == {"status": "Accepted"}
    await wait_until(lambda: bool(lb.state().open_transactions))
    [tx_id] = lb.state().open_transactions
    # The connector is busy now: a second remote start there is refused.
    again = await cs.call("CP001", "RemoteStartTransaction", idTag="REMOTE2", connectorId=1)
    assert again == {"status": "Rejected"}
    await wait_until(lambda: len(lb.received("MeterValues")) == 1)
    assert power_w(lb.received("MeterValues")[0]) == 22_000  # all the connector can give

    # A TxProfile for this transaction halves the power.
    profile = {
        "chargingProfileId": 7,
        "transactionId": tx_id,
        "stackLevel": 0,
        "chargingProfilePurpose": "TxProfile",
        "chargingProfileKind": "Relative",
        "chargingSchedule": {
            "chargingRateUnit": "W",
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 11_000}],
        },
    }
    set_profile = {"connectorId": 1, "csChargingProfiles": profile}
    assert await cs.call("CP001", "SetChargingProfile", set_profile) == {"status": "Accepted"}
    schedule = await cs.call(
        "CP001", "GetCompositeSchedule", connectorId=1, duration=600, chargingRateUnit="W"
    )
    assert schedule["status"] == "Accepted"
    assert schedule["connectorId"] == 1
    assert schedule["chargingSchedule"]["chargingRateUnit"] == "W"
    assert [p["limit"] for p in schedule["chargingSchedule"]["chargingSchedulePeriod"]] == [11_000]
    sampled_before = len(lb.received("MeterValues"))
    await wait_until(lambda: len(lb.received("MeterValues")) > sampled_before)
    assert power_w(lb.received("MeterValues")[-1]) == 11_000

    wrong = await cs.call("CP001", "RemoteStopTransaction", transactionId=tx_id + 1)
    assert wrong == {"status": "Rejected"}
    assert await cs.call("CP001", "RemoteStopTransaction", transactionId=tx_id) == {
        "status": "Accepted"
    }
    await wait_until(lambda: bool(lb.state().closed_transactions) and cp.idle)
    [closed] = lb.state().closed_transactions
    assert (closed.transaction_id, closed.stop_reason, closed.id_tag) == (
        tx_id,
        "Remote",
        "REMOTE1",
    )
    [stop] = lb.received("StopTransaction")
    assert stop["reason"] == "Remote"
    assert all(m["transactionId"] == tx_id for m in lb.received("MeterValues"))
    # No Authorize for a remote start (AuthorizeRemoteTxRequests is false).
    assert "Authorize" not in lb.actions()
    assert lb.statuses(1)[:4] == ["Available", "Preparing", "Charging", "Finishing"]
    assert len(cp.sim.charging_profiles) == 0  # a TxProfile ends with its transaction
    lb.assert_clean()


async def test_faults_and_the_driver_are_seen_as_status_notifications(lb: Loopback) -> None:
    cp = await lb.connect(lifecycle=True)
    await accepted(lb, cp)
    sim = cp.sim
    # The driver "unplugs" an hour after a session ended on its own: not in this test (see
    # the stale unplug after a fault below).
    sim.sessions.unplug_delay_s = 3600

    async def then(change: Callable[[], None], status: str, connector: int = 1) -> None:
        change()
        cp.poke()
        await wait_until(lambda: lb.statuses(connector)[-1:] == [status] and cp.idle)

    await then(lambda: sim.charge(1), "Charging")
    await then(lambda: sim.suspend_ev(1), "SuspendedEV")
    await then(lambda: sim.resume(1), "Charging")
    await then(lambda: sim.fault(1, "GroundFailure"), "Faulted")
    faulted = [p for p in lb.received("StatusNotification") if p["status"] == "Faulted"]
    assert faulted[0]["errorCode"] == "GroundFailure"
    await then(lambda: sim.clear_fault(1), "Available")
    await then(lambda: sim.charge(1), "Charging")
    await then(lambda: sim.unplug(1), "Available")
    await then(lambda: sim.fault(0, "PowerMeterFailure"), "Faulted", connector=0)
    await then(lambda: sim.clear_fault(0), "Available", connector=0)

    assert lb.statuses(1) == [
        "Available",
        "Preparing",
        "Charging",
        "SuspendedEV",
        "Charging",
        "Faulted",
        "Available",
        "Preparing",
        "Charging",
        "Available",
        "Faulted",
        "Available",
    ]
    assert lb.statuses(0) == ["Available", "Faulted", "Available"]
    errors = [
        (p["connectorId"], p["status"], p["errorCode"]) for p in lb.received("StatusNotification")
    ]
    assert (0, "Faulted", "PowerMeterFailure") in errors
    assert (1, "Faulted", "PowerMeterFailure") in errors
    assert [tx.stop_reason for tx in lb.state().closed_transactions] == ["Other", "EVDisconnected"]
    assert lb.state().open_transactions == {}
    assert lb.state().connectors[1].error_code == "NoError"
    lb.assert_clean()


async def test_two_charge_points_on_one_central_system(lb: Loopback) -> None:
    ids = ("CP001", "CP002")
    points = [await lb.connect(cp_id, lifecycle=True) for cp_id in ids]
    for cp in points:
        await accepted(lb, cp)
    assert lb.cs.charge_points == list(ids)

    for n, cp in enumerate(points):
        cp.sim.charge(1, f"TAG{n}", interval_s=1)
        cp.poke()
    for cp_id in ids:
        await wait_until(lambda cp_id=cp_id: bool(lb.received("MeterValues", cp_id)))
    for cp in points:
        cp.sim.stop_charge(1)
        cp.poke()
    for cp_id, cp in zip(ids, points, strict=True):
        await wait_until(
            lambda cp_id=cp_id, cp=cp: bool(lb.state(cp_id).closed_transactions) and cp.idle
        )

    tx_ids = []
    for n, cp_id in enumerate(ids):
        [closed] = lb.state(cp_id).closed_transactions
        tx_ids.append(closed.transaction_id)
        assert closed.id_tag == f"TAG{n}"
        assert closed.charge_point_id == cp_id
        messages = lb.received("MeterValues", cp_id) + lb.received("StopTransaction", cp_id)
        assert {m["transactionId"] for m in messages} == {closed.transaction_id}
        assert lb.actions(cp_id)[0] == "BootNotification"
    assert sorted(tx_ids) == [1, 2]
    # Each hears only what is meant for it.
    assert await lb.cs.call("CP002", "ChangeConfiguration", key="HeartbeatInterval", value="7") == {
        "status": "Accepted"
    }
    assert [cp.sim.heartbeat_interval for cp in points] == [300, 7]
    lb.assert_clean()


async def fault_mid_session_then_clear(lb: Loopback, cp: ChargePoint) -> None:
    """A session runs, the connector faults (the transaction stops, reason Other), the fault
    is cleared: connector 1 is Available again with no cable in."""
    cp.sim.charge(1)
    cp.poke()
    await wait_until(lambda: bool(lb.state().open_transactions) and cp.idle)
    cp.sim.fault(1, "GroundFailure")
    cp.poke()
    await wait_until(lambda: bool(lb.state().closed_transactions) and cp.idle)
    cp.sim.clear_fault(1)
    cp.poke()
    await wait_until(lambda: lb.statuses(1)[-1:] == ["Available"] and cp.idle)


async def test_a_new_session_after_a_cleared_fault_is_not_unplugged_by_the_old_one(
    lb: Loopback,
) -> None:
    cp = await lb.connect(lifecycle=True)
    await accepted(lb, cp)
    cp.sim.sessions.unplug_delay_s = 0.3  # shorter than the new session's first sample
    await fault_mid_session_then_clear(lb, cp)

    cp.sim.charge(1, interval_s=1)
    cp.poke()
    # Its first sample is a second after it starts; the old session's unplug was due 0.3 s
    # after the fault, earlier still. Whichever comes first is in before the other.
    await wait_until(
        lambda: bool(lb.received("MeterValues")) or len(lb.received("StopTransaction")) == 2
    )
    assert len(lb.received("StopTransaction")) == 1
    assert len(lb.state().open_transactions) == 1
    await wait_until(lambda: cp.idle)
    lb.assert_clean()


async def test_the_charge_point_keeps_its_clock_after_a_cleared_fault(lb: Loopback) -> None:
    lb.cs.sim.set_boot("Accepted", interval=1)
    cp = await lb.connect(lifecycle=True)
    await accepted(lb, cp)
    cp.sim.sessions.unplug_delay_s = 0.3
    await fault_mid_session_then_clear(lb, cp)
    unplug_due = cp.sim.now() + timedelta(seconds=0.3)  # later than it is due

    # The faulted session's unplug, had it been left behind, would find no cable: it must
    # neither raise nor stop the charge point's clock (a heartbeat comes after it).
    await wait_until(lambda: any(t > unplug_due for t in lb.times("Heartbeat", outgoing=True)))
    assert lb.statuses(1)[-1] == "Available"
    assert cp.sim.connectors[1].plugged is False
    await wait_until(lambda: cp.idle)
    lb.assert_clean()


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
async def test_close_returns_even_right_after_a_poke(lb: Loopback, turns: int) -> None:
    # On Python 3.11, asyncio.wait_for swallows a cancel that lands just as its wait ends:
    # a driver waiting that way, poked (a CALLRESULT came in) and cancelled by close() in
    # the same few turns of the loop, ran on for ever, and close() waited for it for ever.
    cp = await lb.connect(lifecycle=True)
    await accepted(lb, cp)  # idle, with a heartbeat due: the driver waits with a timeout
    cp.poke()
    for _ in range(turns):
        await asyncio.sleep(0)
    closing = asyncio.ensure_future(cp.close())
    done, _ = await asyncio.wait({closing}, timeout=PATIENCE)
    assert done, "close() did not return"
    closing.result()
    assert not cp.connected
    lb.assert_clean()

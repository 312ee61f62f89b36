"""Whole charging sessions of our DC charger against a mobilityhouse ``ocpp`` central system.

Our side is the runner ``ChargePoint`` with the lifecycle on and the ``dc-50kw`` template's
simulator: it boots, reports its connectors, heartbeats and charges on its own. Their side is an
``ocpp.v16.ChargePoint`` subclass (their name for the central system's view of one charge
point) with an ``@on`` handler for every message a session sends, numbering transactions
itself, served with plain ``websockets`` on 127.0.0.1:0; their schema validation stays on.

A battery of a few watt-hours makes 20 -> 80 % SoC take a few seconds at 50 kW, even with the
DC car's 30 s power ramp; samples come every second.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from ocpp.v16 import call, call_result, datatypes
from ocpp.v16.enums import (
    ChargingProfileKindType,
    ChargingProfilePurposeType,
    ChargingRateUnitType,
)

from ocpptk.sim.meter import ChargingCurve
from ocpptk.sim.template import load_template
from ocpptk.transport.charge_point import ChargePoint
from tests.conftest import PATIENCE, CapturedLog, wait_until
from tests.interop.conftest import OurTrouble, TheirLog, assert_no_trouble
from tests.interop.their_cs import TheirCentralSystem, their_server

ENERGY = "Energy.Active.Import.Register"
POWER = "Power.Active.Import"
OFFERED = "Power.Offered"
MAX_W = 50_000.0  # the dc-50kw template's connector
NO_RAMP = ChargingCurve(points=((0.0, 1.0), (100.0, 1.0)))
SOC = "SoC"
FIRST_TRANSACTION_ID = 7001  # theirs, far from anything our simulator would make up
BATTERY_WH = 20.0  # 60 % of it is 12 Wh: about 5 s at the start of a DC ramp to 50 kW


def sampled(meter_values: dict[str, Any], measurand: str) -> list[float]:
    """The values of ``measurand`` in one MeterValues (snake_case, as their handler got it)."""
    return [
        float(value["value"])
        for reading in meter_values["meter_value"]
        for value in reading["sampled_value"]
        if value.get("measurand", ENERGY) == measurand
    ]


def readings(payloads: list[dict[str, Any]], measurand: str) -> list[float]:
    return [value for payload in payloads for value in sampled(payload, measurand)]


@dataclass
class Session:
    """Our DC charger and their central system's view of it."""

    ours: ChargePoint
    theirs: TheirCentralSystem
    our_log: CapturedLog
    their_log: TheirLog
    our_trouble: OurTrouble

    async def booted(self) -> None:
        """Wait until they accepted our boot and heard of both connectors."""
        await wait_until(lambda: self.ours.sim.registration_status == "Accepted")
        await wait_until(lambda: {0, 1} <= {p["connector_id"] for p in self.statuses()})

    def statuses(self) -> list[dict[str, Any]]:
        return self.theirs.got("StatusNotification")

    def assert_clean(self) -> None:
        assert_no_trouble(self.their_log, self.our_trouble, self.our_log)


@pytest.fixture
async def session(
    captured_log: Callable[[str], CapturedLog], their_log: TheirLog, our_trouble: OurTrouble
) -> AsyncIterator[Session]:
    our_log = captured_log("cp")
    sim = load_template("dc-50kw").charge_point_sim(charge_point_id="DC50-0001", lifecycle=True)
    sim.sessions.unplug_delay_s = 0.3  # the driver takes the cable out at once
    options = {"first_transaction_id": FIRST_TRANSACTION_ID, "interval": 1}
    async with their_server(their_log, **options) as server:
        url = f"ws://127.0.0.1:{server.port}/"
        ours = ChargePoint(url, "DC50-0001", sim=sim, lifecycle=True, log=our_log.log)
        async with ours:
            assert ours.link is not None
            ours.link.event_listeners.append(our_trouble)
            theirs = await server.connected()
            yield Session(ours, theirs, our_log, their_log, our_trouble)


async def test_automated_session_from_20_to_80_percent(session: Session) -> None:
    ours, theirs = session.ours, session.theirs
    await session.booted()
    [boot] = theirs.got("BootNotification")
    assert (boot["charge_point_vendor"], boot["charge_point_model"]) == ("ocpptk", "Fast DC50")
    assert boot["firmware_version"] == "2.0.7"
    assert {(p["connector_id"], p["status"]) for p in session.statuses()} == {
        (0, "Available"),
        (1, "Available"),
    }
    await theirs.change("StopTxnSampledData", f"{ENERGY},{SOC}")

    ours.sim.charge(1, "TAG", soc_start=20, soc_end=80, battery_wh=BATTERY_WH, interval_s=1)
    ours.poke()
    await wait_until(
        lambda: (
            ours.sim.connectors[1].status.value == "Available"
            and bool(theirs.got("StopTransaction"))
        ),
        timeout=3 * PATIENCE,
    )
    await wait_until(lambda: theirs.statuses(1)[-1:] == ["Available"])
    await wait_until(lambda: ours.idle)

    assert [p["id_tag"] for p in theirs.got("Authorize")] == ["TAG"]
    [start] = theirs.got("StartTransaction")
    assert (start["connector_id"], start["id_tag"]) == (1, "TAG")
    [stop] = theirs.got("StopTransaction")
    assert stop["transaction_id"] == FIRST_TRANSACTION_ID
    assert stop["reason"] == "Local"
    assert stop["id_tag"] == "TAG"
    assert stop["meter_stop"] >= start["meter_start"]

    meter_values = theirs.got("MeterValues")
    assert len(meter_values) >= 2
    assert {p["transaction_id"] for p in meter_values} == {FIRST_TRANSACTION_ID}
    assert {p["connector_id"] for p in meter_values} == {1}
    energy = readings(meter_values, ENERGY)
    assert len(energy) == len(meter_values)
    assert energy == sorted(energy) and energy[-1] > energy[0] >= start["meter_start"]
    assert stop["meter_stop"] >= energy[-1]
    soc = readings(meter_values, SOC)
    assert len(soc) == len(meter_values)
    assert soc == sorted(soc) and soc[0] >= 20
    assert soc[-1] >= 80  # the sample that ended the session
    [begin, end] = stop["transaction_data"]  # StopTxnSampledData: the register and the SoC
    assert [v["context"] for v in begin["sampled_value"]] == ["Transaction.Begin"] * 2
    assert [v["context"] for v in end["sampled_value"]] == ["Transaction.End"] * 2
    assert sampled({"meter_value": [begin]}, SOC) == [20]
    assert sampled({"meter_value": [end]}, SOC) == [soc[-1]]
    assert sampled({"meter_value": [end]}, ENERGY) == [stop["meter_stop"]]

    # Everything they heard of the visit at connector 1, in order.
    assert theirs.statuses(1) == [
        "Available",
        "Preparing",
        "Charging",
        "SuspendedEV",  # the car is full enough
        "Finishing",
        "Available",  # the driver took the cable
    ]
    visit = [
        f"{name} {payload['status']}" if name == "StatusNotification" else name
        for name, payload in theirs.received
        if payload.get("connector_id", 1) == 1 and name not in ("Heartbeat", "BootNotification")
    ]
    assert visit[:5] == [
        "StatusNotification Available",
        "StatusNotification Preparing",
        "Authorize",
        "StartTransaction",
        "StatusNotification Charging",
    ]
    transaction = [name for name in visit if not name.startswith("StatusNotification")]
    assert transaction == ["Authorize", "StartTransaction"] + ["MeterValues"] * len(
        meter_values
    ) + ["StopTransaction"]
    assert visit.index("StopTransaction") < visit.index("StatusNotification Available", 1)
    assert theirs.got("Heartbeat"), "a heartbeat every second (their interval) meanwhile"
    assert ours.sim.transactions[-1].transaction_id == FIRST_TRANSACTION_ID
    session.assert_clean()


def power_profile(transaction_id: int, limit_w: float) -> datatypes.ChargingProfile:
    """A TxProfile for the running transaction: ``limit_w`` from its start on."""
    return datatypes.ChargingProfile(
        charging_profile_id=11,
        stack_level=0,
        charging_profile_purpose=ChargingProfilePurposeType.tx_profile,
        charging_profile_kind=ChargingProfileKindType.relative,
        transaction_id=transaction_id,
        charging_schedule=datatypes.ChargingSchedule(
            charging_rate_unit=ChargingRateUnitType.watts,
            charging_schedule_period=[
                datatypes.ChargingSchedulePeriod(start_period=0, limit=limit_w)
            ],
        ),
    )


async def test_remote_session_with_a_profile_that_halves_the_power(session: Session) -> None:
    ours, theirs = session.ours, session.theirs
    await session.booted()
    await theirs.change("MeterValueSampleInterval", "1")
    await theirs.change("MeterValuesSampledData", f"{ENERGY},{POWER},{OFFERED},{SOC}")

    started = await theirs.call(
        call.RemoteStartTransaction(id_tag="REMOTE", connector_id=1), suppress=False
    )
    assert started.status == "Accepted"
    # A car that takes all it is offered at once: with the DC curve's 30 s ramp the car asks
    # less than half the rating for 13 s, and half the rating would change nothing yet (a cap
    # below a ramping car's draw: test_a_cap_below_the_ramping_draw_is_the_power).
    battery = ours.sim.sessions.meters[1].battery
    assert battery is not None
    battery.curve = NO_RAMP
    await wait_until(lambda: len(theirs.got("MeterValues")) >= 2)
    [start] = theirs.got("StartTransaction")
    assert (start["connector_id"], start["id_tag"]) == (1, "REMOTE")
    assert theirs.got("Authorize") == []  # AuthorizeRemoteTxRequests is false
    [transaction] = ours.sim.open_transactions()
    assert transaction.transaction_id == FIRST_TRANSACTION_ID
    full = theirs.got("MeterValues")[-1]
    assert sampled(full, OFFERED) == [MAX_W]
    before = sampled(full, POWER)[0]
    assert before == pytest.approx(MAX_W, rel=0.03)  # 1 % meter noise on volts and amps

    profile = power_profile(FIRST_TRANSACTION_ID, MAX_W / 2)
    result = await theirs.call(
        call.SetChargingProfile(connector_id=1, cs_charging_profiles=profile), suppress=False
    )
    assert result.status == "Accepted"
    samples_before = len(theirs.got("MeterValues"))

    schedule = await theirs.call(
        call.GetCompositeSchedule(
            connector_id=1, duration=60, charging_rate_unit=ChargingRateUnitType.watts
        ),
        suppress=False,
    )
    assert type(schedule) is call_result.GetCompositeSchedule
    assert (schedule.status, schedule.connector_id) == ("Accepted", 1)
    assert schedule.schedule_start is not None
    assert schedule.charging_schedule is not None
    assert schedule.charging_schedule["charging_rate_unit"] == "W"
    assert schedule.charging_schedule["charging_schedule_period"] == [
        {"start_period": 0, "limit": MAX_W / 2}
    ]

    await wait_until(lambda: len(theirs.got("MeterValues")) >= samples_before + 2)
    after = theirs.got("MeterValues")[samples_before:]
    assert readings(after, OFFERED) == [MAX_W / 2] * len(after)
    for power in readings(after, POWER):
        assert power / before == pytest.approx(0.5, abs=0.03)

    stopped = await theirs.call(
        call.RemoteStopTransaction(transaction_id=FIRST_TRANSACTION_ID), suppress=False
    )
    assert stopped.status == "Accepted"
    await wait_until(lambda: bool(theirs.got("StopTransaction")))
    [stop] = theirs.got("StopTransaction")
    assert stop["transaction_id"] == FIRST_TRANSACTION_ID
    assert stop["reason"] == "Remote"
    assert stop["id_tag"] == "REMOTE"
    energy = readings(theirs.got("MeterValues"), ENERGY)
    assert energy == sorted(energy) and stop["meter_stop"] >= energy[-1] > start["meter_start"]
    assert {p["transaction_id"] for p in theirs.got("MeterValues")} == {FIRST_TRANSACTION_ID}
    await wait_until(lambda: theirs.statuses(1)[-1:] == ["Available"])
    assert theirs.statuses(1) == ["Available", "Preparing", "Charging", "Finishing", "Available"]
    assert len(ours.sim.charging_profiles) == 0  # a TxProfile ends with its transaction
    await wait_until(lambda: ours.idle)
    session.assert_clean()


async def test_the_end_reading_has_the_soc_asked_for(session: Session) -> None:
    """StopTxnSampledData with SoC: the car's SoC in both readings of the transaction data
    (the end one used to be taken after the car's battery was forgotten)."""
    ours, theirs = session.ours, session.theirs
    await session.booted()
    await theirs.change("StopTxnSampledData", f"{ENERGY},{SOC}")
    ours.sim.charge(1, "TAG", soc_start=20, battery_wh=60_000, interval_s=1)
    ours.poke()
    await wait_until(lambda: bool(theirs.got("MeterValues")))
    ours.sim.stop_charge(1)
    ours.poke()
    await wait_until(lambda: bool(theirs.got("StopTransaction")))
    [stop] = theirs.got("StopTransaction")
    [begin, end] = stop["transaction_data"]
    assert [v.get("measurand") for v in begin["sampled_value"]] == [ENERGY, SOC]
    assert [v.get("measurand") for v in end["sampled_value"]] == [ENERGY, SOC]
    assert sampled({"meter_value": [end]}, SOC) >= sampled({"meter_value": [begin]}, SOC)
    assert stop["reason"] == "Local"
    session.assert_clean()


async def test_a_cap_below_the_ramping_draw_is_the_power(session: Session) -> None:
    """A TxProfile below what a ramping DC car draws: the cap is what flows (it used to be
    the cap times the ramp's share, a fraction of it)."""
    ours, theirs = session.ours, session.theirs
    await session.booted()
    ours.sim.charge(1, "TAG", soc_start=20, battery_wh=60_000, interval_s=1)
    ours.poke()
    await wait_until(lambda: len(theirs.got("MeterValues")) >= 2)
    drawn = sampled(theirs.got("MeterValues")[-1], POWER)[0]  # ramping up: about 7 kW
    cap = round(drawn / 2, 1)
    profile = power_profile(FIRST_TRANSACTION_ID, cap)
    result = await theirs.call(
        call.SetChargingProfile(connector_id=1, cs_charging_profiles=profile), suppress=False
    )
    assert result.status == "Accepted"
    count = len(theirs.got("MeterValues"))
    await wait_until(lambda: len(theirs.got("MeterValues")) > count)
    # The car would take more than the cap and more every second: the cap is what flows.
    [power] = sampled(theirs.got("MeterValues")[count], POWER)
    assert power == pytest.approx(cap, rel=0.03)
    session.assert_clean()

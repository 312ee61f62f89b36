"""Automated charging sessions (ocpptk.sim.session) seen from the central system.

A driver plugs in, is authorized, charges and leaves; the tests play the central system by
hand, move a fake clock from deadline to deadline, and read the energy the simulated meter
reports. Power and energy are exact in the model (no noise), so the expectations are computed
from the physics: energy = power x time, a DC car ramps from 10 % to full power over its first
30 s, SoC = start + energy / capacity. Every CALL is checked against the OCA request schema.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import pytest

from ocpptk.sim import ChargePointSim, IllegalTransition
from ocpptk.sim.clock import format_timestamp
from ocpptk.sim.effects import Reboot
from ocpptk.sim.session import ConnectorHardware, Hardware, SessionError
from tests.sim.helpers import START, FakeCentralSystem, FakeClock, Payload, Sent, only

ENERGY = "Energy.Active.Import.Register"
POWER = "Power.Active.Import"
SAMPLED = f"{ENERGY},{POWER},SoC"


# -- reading what was sent ---------------------------------------------------------------------


def statuses(sent: Sent, connector: int | None = None) -> list[str]:
    return [
        p["status"]
        for a, p in sent
        if a == "StatusNotification" and connector in (None, p["connectorId"])
    ]


def seconds(stamp: str) -> float:
    return (datetime.fromisoformat(stamp) - START).total_seconds()


def sample(payload: Payload, measurand: str = ENERGY) -> float | None:
    """The value of ``measurand`` in a MeterValues (or a transactionData reading)."""
    (reading,) = payload.get("meterValue", [payload])
    values = [
        float(s["value"])
        for s in reading["sampledValue"]
        if s.get("measurand", ENERGY) == measurand
    ]
    assert len(values) <= 1
    return values[0] if values else None


def register_at(sent: Sent, at: float, connector: int = 1) -> float:
    """The register of the sample of ``connector`` taken ``at`` seconds after START."""
    for payload in only(sent, "MeterValues"):
        if (
            payload["connectorId"] == connector
            and seconds(payload["meterValue"][0]["timestamp"]) == at
        ):
            value = sample(payload)
            assert value is not None
            return value
    raise AssertionError(f"no sample of connector {connector} at {at} s")


def rate_w(sent: Sent, start: float, end: float, connector: int = 1) -> float:
    """Mean power between two samples, from the register."""
    wh = register_at(sent, end, connector) - register_at(sent, start, connector)
    return wh * 3600 / (end - start)


# -- making charge points ----------------------------------------------------------------------


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def dc_charger(
    clock: FakeClock, connectors: int = 1, total_w: float = 50_000, **config: str
) -> FakeCentralSystem:
    """A DC charger of ``total_w`` with ``connectors`` 50 kW outlets, sampling energy, power
    and SoC."""
    hardware = Hardware(
        total_w, {n: ConnectorHardware("DC", 50_000) for n in range(1, connectors + 1)}
    )
    cp = ChargePointSim(
        "CP1",
        now=clock,
        connectors=connectors,
        hardware=hardware,
        config={"MeterValuesSampledData": SAMPLED, **config},
    )
    return FakeCentralSystem(cp, clock)


def ac_charger(clock: FakeClock, connectors: int = 1, **config: str) -> FakeCentralSystem:
    """The default charger: 22 kW AC per connector."""
    cp = ChargePointSim("CP1", now=clock, connectors=connectors, config=config)
    return FakeCentralSystem(cp, clock)


def power_profile(
    purpose: str,
    limit: float,
    *,
    unit: str = "W",
    start: datetime | None = None,
    periods: list[tuple[int, float]] | None = None,
    duration: int | None = None,
    profile_id: int = 1,
    **extra: Any,
) -> Payload:
    """A charging profile: Absolute from ``start`` if given, else Relative."""
    schedule: Payload = {
        "chargingRateUnit": unit,
        "chargingSchedulePeriod": [
            {"startPeriod": offset, "limit": value} for offset, value in (periods or [(0, limit)])
        ],
    }
    if duration is not None:
        schedule["duration"] = duration
    profile: Payload = {
        "chargingProfileId": profile_id,
        "stackLevel": 0,
        "chargingProfilePurpose": purpose,
        "chargingProfileKind": "Relative" if start is None else "Absolute",
        "chargingSchedule": schedule,
        **extra,
    }
    if start is not None:
        schedule["startSchedule"] = format_timestamp(start)
    return profile


def ramp_wh(power_w: float, seconds_: float) -> float:
    """Energy of a DC car over its first ``seconds_`` (>= 30) at ``power_w``: 10 % -> 100 %
    over 30 s, then flat."""
    return power_w * (30 * 0.55 + (seconds_ - 30)) / 3600


# -- a whole session ---------------------------------------------------------------------------


def test_a_dc_session_from_20_to_80_percent(clock: FakeClock) -> None:
    cs = dc_charger(clock)
    cp = cs.cp
    cp.charge(1, "DRIVER", soc_start=20, soc_end=80, battery_wh=60_000, interval_s=60)
    sent = cs.run(3 * 3600)
    names = [a for a, _ in sent]

    assert names[:4] == [
        "StatusNotification",
        "Authorize",
        "StartTransaction",
        "StatusNotification",
    ]
    assert statuses(sent) == ["Preparing", "Charging", "SuspendedEV", "Finishing", "Available"]
    (start,) = only(sent, "StartTransaction")
    assert start == {
        "connectorId": 1,
        "idTag": "DRIVER",
        "meterStart": 0,
        "timestamp": format_timestamp(START),
    }

    # MeterValues every 60 s, with the transaction's id
    meters = only(sent, "MeterValues")
    stamps = [seconds(m["meterValue"][0]["timestamp"]) for m in meters]
    assert stamps == [60.0 * k for k in range(1, len(meters) + 1)]
    assert all(m["transactionId"] == 101 and m["connectorId"] == 1 for m in meters)
    registers = [sample(m) for m in meters]
    powers = [sample(m, POWER) for m in meters]
    socs = [sample(m, "SoC") for m in meters]
    assert all(r is not None for r in registers)

    # the register is the integral of the power: the first minute has the car's ramp
    assert registers[0] == pytest.approx(ramp_wh(50_000, 60), abs=1)
    assert all(p == 50_000.0 for p in powers)
    for before, after, power in zip(registers, registers[1:], powers[1:], strict=False):
        assert before is not None and after is not None and power is not None
        assert after >= before
        assert abs((after - before) - power * 60 / 3600) <= 1.0
    # SoC rises with the energy that went into the 60 kWh battery
    for register, soc in zip(registers, socs, strict=True):
        assert register is not None and soc is not None
        assert soc == math.floor(20 + register * 100 / 60_000)
    assert socs == sorted(socs)
    assert socs[-1] == 79  # the last sample before the car reached 80 %

    # the car reaches 80 %: SuspendedEV, then StopTransaction reason Local with its data
    (stop,) = only(sent, "StopTransaction")
    delivered = stop["meterStop"] - start["meterStart"]
    assert 36_000 <= delivered <= 36_000 + 50_000 * 2 / 3600  # stopped within 2 s of 80 %
    expected_end = 30 + (36_000 - ramp_wh(50_000, 30)) * 3600 / 50_000
    stopped_at = seconds(stop["timestamp"])
    assert expected_end - 1 <= stopped_at <= expected_end + 2
    assert stop["transactionId"] == 101
    assert stop["reason"] == "Local"
    assert stop["idTag"] == "DRIVER"
    begin, end = stop["transactionData"]
    assert begin["timestamp"] == start["timestamp"]
    assert end["timestamp"] == stop["timestamp"]
    assert [s["context"] for s in begin["sampledValue"]] == ["Transaction.Begin"]
    assert [s["context"] for s in end["sampledValue"]] == ["Transaction.End"]
    assert sample(begin) == 0
    assert sample(end) == stop["meterStop"]
    suspended = next(
        p for a, p in sent if a == "StatusNotification" and p["status"] == "SuspendedEV"
    )
    assert suspended["timestamp"] == stop["timestamp"]
    tail = [(a, p.get("status", p.get("reason"))) for a, p in sent if a != "MeterValues"][-4:]
    assert tail == [
        ("StatusNotification", "SuspendedEV"),
        ("StopTransaction", "Local"),
        ("StatusNotification", "Finishing"),
        ("StatusNotification", "Available"),
    ]

    # the driver unplugs 5 s (unplug_delay_s) later
    available = [p for a, p in sent if a == "StatusNotification" and p["status"] == "Available"]
    assert [seconds(p["timestamp"]) for p in available] == [int(stopped_at) + 5]
    assert cp.connectors[1].transaction is None
    assert cp.sessions.running == {}
    assert cp.connectors[1].meter_wh == stop["meterStop"]
    assert cp.next_deadline() is None  # nothing more to do


def test_the_end_of_the_transaction_data_has_the_final_soc(clock: FakeClock) -> None:
    """StopTxnSampledData asks for SoC: the Transaction.End reading is taken while the car is
    still there (section 4.10, transactionData)."""
    cs = dc_charger(clock, StopTxnSampledData=f"{ENERGY},SoC")
    cs.cp.charge(1, "DRIVER", soc_start=20, soc_end=80, battery_wh=60_000, interval_s=60)
    (stop,) = only(cs.run(3 * 3600), "StopTransaction")
    begin, end = stop["transactionData"]
    assert sample(begin, "SoC") == 20
    assert sample(end, "SoC") == 80


def test_a_session_ends_after_its_duration(clock: FakeClock) -> None:
    cs = ac_charger(clock, MeterValueSampleInterval="120")
    cs.cp.charge(1, "DRIVER", duration_s=600)
    sent = cs.run(3600)
    meters = only(sent, "MeterValues")
    assert [seconds(m["meterValue"][0]["timestamp"]) for m in meters] == [120, 240, 360, 480, 600]
    (stop,) = only(sent, "StopTransaction")
    assert seconds(stop["timestamp"]) == 600
    assert stop["reason"] == "Local"
    assert stop["meterStop"] == pytest.approx(22_000 * 600 / 3600, abs=1)  # 22 kW AC, no ramp
    assert statuses(sent) == ["Preparing", "Charging", "Finishing", "Available"]


def test_power_is_capped_by_what_the_driver_asks(clock: FakeClock) -> None:
    cs = ac_charger(clock)
    cs.cp.charge(1, "DRIVER", duration_s=600, power_w=7_400, interval_s=60)
    sent = cs.run(600)
    assert rate_w(sent, 60, 540) == pytest.approx(7_400, abs=10)


# -- smart charging ----------------------------------------------------------------------------


def test_a_tx_default_profile_that_halves_the_power_halves_the_energy_rate(
    clock: FakeClock,
) -> None:
    cs = dc_charger(clock)
    cs.cp.charge(1, "DRIVER", battery_wh=200_000, interval_s=60)
    sent = cs.run(330)
    reply = cs.call(
        "SetChargingProfile",
        {
            "connectorId": 0,
            "csChargingProfiles": power_profile("TxDefaultProfile", 25_000, start=clock()),
        },
    )
    assert reply == {"status": "Accepted"}
    sent += cs.run(300)
    before, after = rate_w(sent, 120, 300), rate_w(sent, 360, 600)
    assert before == pytest.approx(50_000, abs=20)
    assert after / before == pytest.approx(0.5, abs=0.002)
    assert [sample(m, POWER) for m in only(sent, "MeterValues")][-4:] == [25_000.0] * 4
    # the minute the profile came in counts half at each rate
    assert register_at(sent, 360) - register_at(sent, 300) == pytest.approx(
        (30 * 50_000 + 30 * 25_000) / 3600, abs=1
    )
    assert statuses(sent) == ["Preparing", "Charging"]


def test_a_tx_profile_in_amperes_limits_its_transaction(clock: FakeClock) -> None:
    cs = dc_charger(clock)
    cp = cs.cp
    cp.charge(1, "DRIVER", battery_wh=200_000, interval_s=60, duration_s=900)
    sent = cs.run(330)
    tx = cp.connectors[1].transaction
    assert tx is not None
    profile = power_profile("TxProfile", 62.5, unit="A", transactionId=tx.transaction_id)
    assert cs.call("SetChargingProfile", {"connectorId": 1, "csChargingProfiles": profile}) == {
        "status": "Accepted"
    }
    sent += cs.run(900)
    # DC at 400 V: 62.5 A is 25 kW
    assert rate_w(sent, 360, 600) / rate_w(sent, 120, 300) == pytest.approx(0.5, abs=0.002)
    assert len(cp.charging_profiles) == 0  # a TxProfile goes with its transaction


def test_a_charge_point_max_profile_caps_a_single_connector(clock: FakeClock) -> None:
    cs = dc_charger(clock)
    cs.call(
        "SetChargingProfile",
        {
            "connectorId": 0,
            "csChargingProfiles": power_profile("ChargePointMaxProfile", 30_000, start=START),
        },
    )
    cs.cp.charge(1, "DRIVER", battery_wh=200_000, interval_s=60)
    sent = cs.run(600)
    assert rate_w(sent, 60, 600) == pytest.approx(30_000, abs=10)


def test_a_charge_point_max_profile_is_shared_by_the_connectors(clock: FakeClock) -> None:
    cs = dc_charger(clock, connectors=2, total_w=100_000)
    cs.call(
        "SetChargingProfile",
        {
            "connectorId": 0,
            "csChargingProfiles": power_profile("ChargePointMaxProfile", 40_000, start=START),
        },
    )
    cs.cp.charge(1, "A", battery_wh=200_000, interval_s=60)
    cs.cp.charge(2, "B", battery_wh=200_000, interval_s=60)
    sent = cs.run(600)
    total = rate_w(sent, 60, 600, connector=1) + rate_w(sent, 60, 600, connector=2)
    assert total == pytest.approx(40_000, abs=20)  # section 3.13.3: the whole charge point


def test_a_limit_of_zero_suspends_until_the_schedule_ends(clock: FakeClock) -> None:
    cs = dc_charger(clock)
    cp = cs.cp
    cp.charge(1, "DRIVER", battery_wh=200_000, interval_s=60)
    sent = cs.run(100)
    # from 130 s on: 0 W for five minutes (the schedule lasts 400 s from 100 s)
    profile = power_profile(
        "TxDefaultProfile", 0, start=clock(), periods=[(0, 50_000), (30, 0)], duration=400
    )
    assert cs.call("SetChargingProfile", {"connectorId": 1, "csChargingProfiles": profile}) == {
        "status": "Accepted"
    }
    sent += cs.run(600)
    changes = [(seconds(p["timestamp"]), p["status"]) for a, p in sent if a == "StatusNotification"]
    assert changes == [(0, "Preparing"), (0, "Charging"), (130, "SuspendedEVSE"), (500, "Charging")]
    # nothing flows while suspended
    assert register_at(sent, 480) == register_at(sent, 180)
    assert [
        sample(m, POWER)
        for m in only(sent, "MeterValues")
        if 180 <= seconds(m["meterValue"][0]["timestamp"]) <= 480
    ] == [0.0] * 6
    # 30 s at full power after the profile came, 100 s of the first 130 s being the ramp
    assert register_at(sent, 180) == pytest.approx(ramp_wh(50_000, 130), abs=1)
    assert rate_w(sent, 540, 660) == pytest.approx(50_000, abs=20)


def test_a_profile_of_zero_from_now_suspends_at_once(clock: FakeClock) -> None:
    cs = dc_charger(clock)
    cp = cs.cp
    cp.charge(1, "DRIVER", battery_wh=200_000, interval_s=60)
    cs.run(90)
    tx = cp.connectors[1].transaction
    assert tx is not None
    profile = power_profile("TxProfile", 0, transactionId=tx.transaction_id)
    cs.call("SetChargingProfile", {"connectorId": 1, "csChargingProfiles": profile})
    assert statuses(cs.pump()) == ["SuspendedEVSE"]


def test_clearing_a_profile_of_zero_resumes_charging(clock: FakeClock) -> None:
    cs = dc_charger(clock)
    cp = cs.cp
    cp.charge(1, "DRIVER", battery_wh=200_000, interval_s=60)
    cs.run(90)
    profile = power_profile("TxDefaultProfile", 0, start=clock(), periods=[(0, 50_000), (20, 0)])
    cs.call("SetChargingProfile", {"connectorId": 1, "csChargingProfiles": profile})
    assert statuses(cs.run(60)) == ["SuspendedEVSE"]
    assert cs.call("ClearChargingProfile", {"id": 1}) == {"status": "Accepted"}
    before = cp.connectors[1].meter_wh
    sent = cs.run(120)
    assert cp.connectors[1].meter_wh > before
    assert statuses(sent) == ["Charging"]


def test_a_limit_of_zero_that_starts_with_a_sample_suspends(clock: FakeClock) -> None:
    cs = dc_charger(clock)
    cp = cs.cp
    cp.charge(1, "DRIVER", battery_wh=200_000, interval_s=60)
    cs.run(120)
    profile = power_profile("TxDefaultProfile", 0, start=clock(), periods=[(0, 50_000), (60, 0)])
    cs.call("SetChargingProfile", {"connectorId": 1, "csChargingProfiles": profile})
    sent = cs.run(120)
    assert register_at(sent, 240) == register_at(sent, 180)  # the energy does stop...
    assert statuses(sent) == ["SuspendedEVSE"]  # ...but the status must say so


# -- several connectors ------------------------------------------------------------------------


def test_two_connectors_keep_their_own_meters_and_share_the_charger(clock: FakeClock) -> None:
    cs = dc_charger(clock, connectors=2)  # 50 kW for the two outlets together
    cp = cs.cp
    cp.charge(1, "ONE", battery_wh=200_000, interval_s=60)
    sent = cs.run(300)
    assert rate_w(sent, 120, 300, connector=1) == pytest.approx(50_000, abs=20)
    cp.charge(2, "TWO", battery_wh=200_000, interval_s=60)
    sent += cs.run(600)
    starts = only(sent, "StartTransaction")
    assert [(s["connectorId"], s["idTag"], s["meterStart"]) for s in starts] == [
        (1, "ONE", 0),
        (2, "TWO", 0),
    ]
    for m in only(sent, "MeterValues"):
        assert m["transactionId"] == 100 + m["connectorId"]
    # both at 25 kW: after the ramp of connector 2 (from 300 s), whole minutes apart
    assert rate_w(sent, 420, 840, connector=1) == pytest.approx(25_000, abs=20)
    assert rate_w(sent, 420, 840, connector=2) == pytest.approx(25_000, abs=20)
    assert cp.connectors[1].meter_wh > cp.connectors[2].meter_wh

    cp.stop_charge(1)
    sent += cs.run(300)
    (stop,) = only(sent, "StopTransaction")
    assert (stop["transactionId"], stop["meterStop"]) == (101, cp.connectors[1].meter_wh)
    # alone again, connector 2 gets all 50 kW
    assert rate_w(sent, 960, 1200, connector=2) == pytest.approx(50_000, abs=20)
    assert cp.connectors[1].status.value == "Available"
    assert cp.connectors[2].status.value == "Charging"


def test_a_connector_still_preparing_takes_no_share_of_the_charger(clock: FakeClock) -> None:
    cs = dc_charger(clock, connectors=2)
    cp = cs.cp
    cp.charge(1, "ONE", battery_wh=200_000, interval_s=60)
    cs.run(60)
    cs.hold = {"Authorize"}  # the central system takes its time over connector 2's tag
    cp.charge(2, "TWO", battery_wh=200_000, interval_s=60)
    sent = cs.run(300)
    assert cp.connectors[2].status.value == "Preparing"
    assert rate_w(sent, 120, 360, connector=1) == pytest.approx(50_000, abs=20)


# -- authorization -----------------------------------------------------------------------------


def test_an_invalid_tag_ends_the_session_before_a_transaction(clock: FakeClock) -> None:
    cs = ac_charger(clock)
    cs.tags = {"STOLEN": "Invalid"}
    cs.cp.charge(1, "STOLEN")
    sent = cs.run(600)
    assert [a for a, _ in sent] == ["StatusNotification", "Authorize", "StatusNotification"]
    assert statuses(sent) == ["Preparing", "Available"]
    assert cs.cp.connectors[1].transaction is None
    assert cs.cp.transactions == []
    assert cs.cp.sessions.running == {}


def send_local_list(cs: FakeCentralSystem, *tags: str) -> None:
    entries = [{"idTag": tag, "idTagInfo": {"status": "Accepted"}} for tag in tags]
    reply = cs.call(
        "SendLocalList",
        {"listVersion": 1, "updateType": "Full", "localAuthorizationList": entries},
    )
    assert reply == {"status": "Accepted"}


def test_offline_a_tag_in_the_local_list_starts_at_once(clock: FakeClock) -> None:
    cs = ac_charger(clock)
    cp = cs.cp
    send_local_list(cs, "LOCAL")
    cp.disconnected()
    cp.charge(1, "LOCAL", duration_s=60)
    assert cp.connectors[1].status.value == "Charging"
    assert cs.run(30) == []
    cp.connected()
    sent = cs.pump()
    assert "Authorize" not in [a for a, _ in sent]
    (start,) = only(sent, "StartTransaction")
    assert (start["idTag"], start["timestamp"]) == ("LOCAL", format_timestamp(START))
    assert cp.connectors[1].transaction is not None
    assert cp.connectors[1].transaction.transaction_id == 101


def test_online_a_local_list_tag_skips_authorize_only_with_local_pre_authorize(
    clock: FakeClock,
) -> None:
    cs = ac_charger(clock, LocalPreAuthorize="true")
    send_local_list(cs, "LOCAL")
    cs.cp.charge(1, "LOCAL")
    names = [a for a, _ in cs.pump()]
    assert names == ["StatusNotification", "StartTransaction", "StatusNotification"]

    cs = ac_charger(FakeClock())
    send_local_list(cs, "LOCAL")
    cs.cp.charge(1, "LOCAL")
    assert "Authorize" in [a for a, _ in cs.pump()]


def test_offline_an_unknown_tag_is_refused(clock: FakeClock) -> None:
    cs = ac_charger(clock)
    cp = cs.cp
    cp.disconnected()
    cp.charge(1, "STRANGER")
    assert cp.connectors[1].status.value == "Available"
    assert cp.connectors[1].transaction is None
    assert len(cp.tx_queue) == 0
    cp.connected()
    assert cs.run(60) == []


def test_offline_an_unknown_tag_starts_if_allowed(clock: FakeClock) -> None:
    cs = ac_charger(clock, AllowOfflineTxForUnknownId="true")
    cp = cs.cp
    cp.disconnected()
    cp.charge(1, "STRANGER")
    assert cp.connectors[1].status.value == "Charging"
    assert [m.action for m in cp.tx_queue] == ["StartTransaction"]


def test_offline_local_authorization_obeys_local_authorize_offline(clock: FakeClock) -> None:
    cs = ac_charger(clock, LocalAuthorizeOffline="false")
    send_local_list(cs, "LOCAL")
    cs.cp.disconnected()
    cs.cp.charge(1, "LOCAL")
    assert cs.cp.connectors[1].transaction is None


# -- remote start and stop ---------------------------------------------------------------------


def test_remote_start_and_stop(clock: FakeClock) -> None:
    cs = ac_charger(clock)
    reply = cs.call("RemoteStartTransaction", {"idTag": "APP", "connectorId": 1})
    assert reply == {"status": "Accepted"}
    sent = cs.run(120)
    assert "Authorize" not in [a for a, _ in sent]  # AuthorizeRemoteTxRequests is false
    (start,) = only(sent, "StartTransaction")
    assert start["idTag"] == "APP"
    assert statuses(sent) == ["Preparing", "Charging"]
    assert len(only(sent, "MeterValues")) == 2  # every MeterValueSampleInterval (60 s)

    assert cs.call("RemoteStopTransaction", {"transactionId": 101}) == {"status": "Accepted"}
    assert cs.call("RemoteStopTransaction", {"transactionId": 101}) == {"status": "Rejected"}
    sent = cs.run(10)
    (stop,) = only(sent, "StopTransaction")
    assert (stop["transactionId"], stop["reason"]) == (101, "Remote")
    assert stop["meterStop"] == pytest.approx(22_000 * 120 / 3600, abs=1)
    assert statuses(sent) == ["Finishing", "Available"]


def test_remote_start_asks_first_with_authorize_remote_tx_requests(clock: FakeClock) -> None:
    cs = ac_charger(clock, AuthorizeRemoteTxRequests="true")
    cs.tags = {"APP": "Blocked"}
    assert cs.call("RemoteStartTransaction", {"idTag": "APP"}) == {"status": "Accepted"}
    sent = cs.run(60)
    assert [a for a, _ in sent] == ["StatusNotification", "Authorize", "StatusNotification"]
    assert statuses(sent) == ["Preparing", "Available"]


# -- things that happen during a session --------------------------------------------------------


def test_a_fault_during_a_session_stops_it(clock: FakeClock) -> None:
    cs = ac_charger(clock)
    cp = cs.cp
    cp.charge(1, "DRIVER")
    cs.run(60)
    cp.fault(1, "GroundFailure")
    sent = cs.pump()
    assert sent[0] == (
        "StatusNotification",
        {
            "connectorId": 1,
            "errorCode": "GroundFailure",
            "status": "Faulted",
            "timestamp": format_timestamp(START + timedelta(seconds=60)),
        },
    )
    (stop,) = only(sent, "StopTransaction")
    assert (stop["transactionId"], stop["reason"]) == (101, "Other")
    assert cp.connectors[1].transaction is None
    assert statuses(cs.run(600)) == []  # it stays Faulted
    assert cp.connectors[1].status.value == "Faulted"
    cp.clear_fault(1)
    assert [(p["status"], p["errorCode"]) for p in only(cs.pump(), "StatusNotification")] == [
        ("Available", "NoError")
    ]


def test_a_fault_cleared_at_once_leaves_nothing_behind(clock: FakeClock) -> None:
    cs = ac_charger(clock)
    cs.cp.charge(1, "DRIVER")
    cs.run(60)
    cs.cp.fault(1)
    cs.cp.clear_fault(1)
    cs.run(60)


def test_suspend_and_resume(clock: FakeClock) -> None:
    cs = ac_charger(clock)
    cp = cs.cp
    cp.charge(1, "DRIVER", interval_s=60)
    sent = cs.run(90)
    cp.suspend_ev(1)
    sent += cs.run(120)  # samples at 120 and 180
    cp.suspend_evse(1)  # D5: the EVSE pauses too
    sent += cs.run(60)  # 240
    cp.resume(1)
    sent += cs.run(120)  # 300, 360
    cp.suspend_evse(1)
    sent += cs.run(60)  # 420
    cp.resume(1)
    sent += cs.run(60)  # 480
    assert statuses(sent) == [
        "Preparing",
        "Charging",
        "SuspendedEV",
        "SuspendedEVSE",
        "Charging",
        "SuspendedEVSE",
        "Charging",
    ]
    per_kw = 1000 / 60  # Wh per kW per minute
    at = {s: register_at(sent, s) for s in (60, 120, 180, 240, 300, 360, 420, 480)}
    assert at[60] == pytest.approx(22 * per_kw, abs=1)
    assert at[120] == at[180] == at[240]  # nothing while suspended...
    assert at[120] == pytest.approx(22 * 1.5 * per_kw, abs=1)  # ...from 90 s on
    assert at[300] == pytest.approx(at[240] + 30 * 22_000 / 3600, abs=1)  # resumed at 270
    assert at[420] == pytest.approx(at[360] + 30 * 22_000 / 3600, abs=1)  # suspended at 390
    assert at[480] == pytest.approx(at[420] + 30 * 22_000 / 3600, abs=1)  # resumed at 450
    with pytest.raises(SessionError, match=r"^connector 1 is charging already$"):
        cp.resume(1)


def test_unplugging_during_charging_stops_with_ev_disconnected(clock: FakeClock) -> None:
    cs = ac_charger(clock)
    cp = cs.cp
    cp.charge(1, "DRIVER")
    cs.run(90)
    cp.unplug(1)
    sent = cs.pump()
    (stop,) = only(sent, "StopTransaction")
    assert (stop["transactionId"], stop["reason"]) == (101, "EVDisconnected")
    assert stop["meterStop"] == pytest.approx(22_000 * 90 / 3600, abs=1)
    assert statuses(sent) == ["Available"]  # C1: no Finishing, the cable is out
    assert cp.connectors[1].transaction is None
    assert not cp.connectors[1].plugged


def test_after_unplugging_during_charging_time_goes_on(clock: FakeClock) -> None:
    cs = ac_charger(clock)
    cs.cp.charge(1, "DRIVER")
    cs.run(90)
    cs.cp.unplug(1)
    cs.run(60)


def test_without_stop_on_ev_side_disconnect_no_energy_flows_with_the_cable_out(
    clock: FakeClock,
) -> None:
    cs = ac_charger(clock, StopTransactionOnEVSideDisconnect="false")
    cp = cs.cp
    cp.charge(1, "DRIVER")
    cs.run(60)
    cp.unplug(1)
    before = cp.connectors[1].meter_wh
    sent = cs.run(300)
    # the key is false: the transaction goes on, but nothing can flow without a cable
    assert only(sent, "StopTransaction") == []
    assert cp.connectors[1].meter_wh == before
    assert cp.connectors[1].status.value != "Available"


def test_power_loss_stops_transactions_and_reboots(clock: FakeClock) -> None:
    cs = ac_charger(clock, connectors=2)
    cp = cs.cp
    cp.charge(1, "ONE")
    cp.charge(2, "TWO")
    cs.run(120)
    cp.power_loss()
    assert cp.effects() == [Reboot("PowerLoss", 3.0)]
    assert cp.effects() == []
    # the driver carries it out: offline, restarted, connected again
    cp.disconnected()
    clock.advance(seconds=3)
    cp.rebooted()
    cp.connected()
    sent = cs.pump()
    stops = only(sent, "StopTransaction")
    assert [(s["transactionId"], s["reason"]) for s in stops] == [
        (101, "PowerLoss"),
        (102, "PowerLoss"),
    ]
    assert [seconds(s["timestamp"]) for s in stops] == [120, 120]
    assert [s["meterStop"] for s in stops] == [pytest.approx(22_000 * 120 / 3600, abs=1)] * 2
    assert all(
        c.status.value == "Available" and c.transaction is None for c in cp.connectors.values()
    )
    assert cs.run(600) == []


def test_nothing_is_sent_while_the_power_is_out(clock: FakeClock) -> None:
    cs = ac_charger(clock)
    cs.cp.charge(1, "DRIVER")
    cs.run(120)
    cs.cp.power_loss()
    assert cs.pump() == []


# -- by hand, and errors -----------------------------------------------------------------------


def test_set_status_follows_the_table(clock: FakeClock) -> None:
    cs = ac_charger(clock)
    cp = cs.cp
    cp.set_status(1, "Unavailable")
    cp.set_status(1, "Faulted", "HighTemperature")
    assert [(p["status"], p["errorCode"]) for p in only(cs.pump(), "StatusNotification")] == [
        ("Unavailable", "NoError"),
        ("Faulted", "HighTemperature"),
    ]


@pytest.mark.parametrize(
    ("path", "wanted"),
    [([], "Finishing"), (["Reserved"], "SuspendedEV"), (["Unavailable"], "Charging")],
)
def test_set_status_refuses_an_illegal_transition(
    clock: FakeClock, path: list[str], wanted: str
) -> None:
    cs = ac_charger(clock)
    cp = cs.cp
    for status in path:
        cp.set_status(1, status)
    cs.pump()
    current = cp.connectors[1].status.value
    with pytest.raises(IllegalTransition) as raised:
        cp.set_status(1, wanted)
    message = str(raised.value)
    assert message.startswith(f"connector 1 cannot go from {current} to {wanted} (from {current}: ")
    assert "\n" not in message
    assert cp.connectors[1].status.value == current
    assert cs.pump() == []


def test_session_errors_are_one_line(clock: FakeClock) -> None:
    cs = ac_charger(clock, connectors=2)
    cp = cs.cp
    cp.charge(2, "BUSY")
    cs.pump()
    cases = [
        (lambda: cp.charge(3, "X"), "no connector 3 (it has 1, 2)"),
        (lambda: cp.charge(2, "X"), "connector 2 is busy (Charging)"),
        (lambda: cp.charge(1, "X", duration_s=0), "duration must be positive, not 0"),
        (
            lambda: cp.charge(1, "X", soc_start=50, soc_end=40),
            "soc-end 40 is not above soc-start 50",
        ),
        (lambda: cp.charge(1, "X", soc_end=120), "soc-end must be a percentage, not 120"),
        (lambda: cp.charge(1, "X", battery_wh=-1), "battery must be positive, not -1"),
        (lambda: cp.stop_charge(1), "nothing is charging on connector 1"),
        (lambda: cp.unplug(1), "connector 1 has no cable in"),
        (lambda: cp.plug_in(2), "connector 2 has a cable in already"),
        (lambda: cp.suspend_ev(1), "nothing is charging on connector 1"),
        (lambda: cp.clear_fault(1), "connector 1 is not Faulted"),
        (lambda: cp.set_status(1, "Asleep"), "'Asleep' is not a connector status ("),
    ]
    for action, expected in cases:
        with pytest.raises(SessionError) as raised:
            action()
        message = str(raised.value)
        assert message.startswith(expected), message
        assert "\n" not in message
    with pytest.raises(SessionError) as raised:
        cp.fault(1, "Smoke")
    assert str(raised.value).startswith("'Smoke' is not a ChargePointErrorCode (one of: ")
    assert "\n" not in str(raised.value)
    # nothing changed on the way
    assert cp.connectors[1].status.value == "Available"
    assert cp.connectors[2].status.value == "Charging"
    assert cs.pump() == []


def test_a_busy_connector_does_not_take_a_second_session(clock: FakeClock) -> None:
    cs = ac_charger(clock)
    cs.cp.handle_call("ChangeAvailability", {"connectorId": 1, "type": "Inoperative"})
    with pytest.raises(SessionError, match=r"^connector 1 cannot charge now \(inoperative\)$"):
        cs.cp.charge(1, "X")

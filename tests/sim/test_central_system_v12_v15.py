"""CentralSystemSim serving OCPP 1.2 and 1.5 charge points, alone and beside 1.6 ones: every
reply valid against our schemas of the charge point's version, the same behaviour as in 1.6."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ocpptk.rpc.errors import LocalProtocolError, NotImplementedError_, NotSupported
from ocpptk.sim import CentralSystemSim, ChargePointSim
from ocpptk.sim.dialect import DIALECTS
from ocpptk.spec.catalog import Version
from ocpptk.spec.examples import example_payload
from ocpptk.spec.payloads import apply_fields
from tests.sim.helpers import START, FakeClock, assert_valid_in, assert_valid_response, stamp

V12, V15, V16 = Version.V12, Version.V15, Version.V16
OLD = [V12, V15]
T = "2026-11-21T14:00:00Z"


def cases(direction: str) -> list[Any]:
    return [
        pytest.param(v, a, id=f"{v.value}-{a}")
        for v in OLD
        for a in getattr(DIALECTS[v], direction)
    ]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cs(clock: FakeClock) -> CentralSystemSim:
    return CentralSystemSim(now=clock)


def ask(cs: CentralSystemSim, cp_id: str, action: str, payload: dict[str, Any]) -> dict[str, Any]:
    """handle_call, the request and the reply checked against our schemas of the charge
    point's version."""
    version = cs.charge_points[cp_id].version
    assert_valid_in(version, action, payload, request=True)
    reply = cs.handle_call(cp_id, action, payload)
    assert_valid_in(version, action, reply, request=False)
    return reply


def start(cs: CentralSystemSim, cp_id: str, connector: int = 1, meter: int = 1000) -> int:
    request = {"connectorId": connector, "idTag": "TAG0001", "meterStart": meter, "timestamp": T}
    transaction_id: int = ask(cs, cp_id, "StartTransaction", request)["transactionId"]
    return transaction_id


# ------------------------------------------------------------------ every action


@pytest.mark.parametrize(("version", "action"), cases("cp_to_cs"))
@pytest.mark.parametrize("optional", [False, True], ids=["required", "optional"])
def test_every_cp_request_gets_a_valid_reply(
    cs: CentralSystemSim, version: Version, action: str, optional: bool
) -> None:
    cs.connected("CP1", version)
    ask(cs, "CP1", action, example_payload(version, action, include_optional=optional))


@pytest.mark.parametrize(("version", "action"), cases("cp_to_cs"))
@pytest.mark.parametrize("with_transaction", [False, True], ids=["idle", "charging"])
def test_every_default_request_of_a_charge_point_gets_a_valid_reply(
    cs: CentralSystemSim, clock: FakeClock, version: Version, action: str, with_transaction: bool
) -> None:
    cp = ChargePointSim("CP1", version, now=clock)
    cs.connected("CP1", version)
    if with_transaction:
        start = cp.default_request("StartTransaction")
        cp.on_result("StartTransaction", start, ask(cs, "CP1", "StartTransaction", start))
    ask(cs, "CP1", action, cp.default_request(action))


@pytest.mark.parametrize(("version", "action"), cases("cs_to_cp"))
@pytest.mark.parametrize("with_transaction", [False, True], ids=["idle", "charging"])
def test_default_requests_merged_over_the_example_are_valid(
    cs: CentralSystemSim, version: Version, action: str, with_transaction: bool
) -> None:
    cs.connected("CP1", version)
    if with_transaction:
        start(cs, "CP1", connector=2)
    overrides = cs.default_request("CP1", action)
    request = apply_fields(example_payload(version, action), overrides or {})
    assert_valid_in(version, action, request, request=True)


@pytest.mark.parametrize(
    ("version", "action"),
    [
        (V12, "ReserveNow"),
        (V12, "GetConfiguration"),
        (V12, "DataTransfer"),
        (V15, "SetChargingProfile"),
        (V15, "TriggerMessage"),
        (V15, "BootNotification"),
    ],
)
def test_default_request_refuses_what_the_version_has_not(
    cs: CentralSystemSim, version: Version, action: str
) -> None:
    cs.connected("CP1", version)
    with pytest.raises(LocalProtocolError, match=re.escape(f"OCPP {version.value}")):
        cs.default_request("CP1", action)


@pytest.mark.parametrize(
    ("version", "action", "error"),
    [
        (V12, "DataTransfer", NotImplementedError_),
        (V15, "GetCompositeSchedule", NotImplementedError_),
        (V15, "Reset", NotSupported),
        (V12, "UnlockConnector", NotSupported),
    ],
)
def test_actions_a_charge_point_cannot_send_are_refused(
    cs: CentralSystemSim, version: Version, action: str, error: type[Exception]
) -> None:
    cs.connected("CP1", version)
    with pytest.raises(error):
        cs.handle_call("CP1", action, {})


# ------------------------------------------------------------------ behaviour


@pytest.mark.parametrize("version", OLD)
def test_boot_answers_heartbeat_interval(clock: FakeClock, version: Version) -> None:
    cs = CentralSystemSim(now=clock, heartbeat_interval=60)
    cs.connected("CP1", version)
    boot = {"chargePointVendor": "ACME", "chargePointModel": "Box", "chargePointSerialNumber": "S"}
    assert ask(cs, "CP1", "BootNotification", boot) == {
        "status": "Accepted",
        "currentTime": stamp(START),
        "heartbeatInterval": 60,
    }
    state = cs.charge_points["CP1"]
    assert state.boot is not None and state.boot.serial_number == "S"
    assert state.registration_status == "Accepted"


@pytest.mark.parametrize("version", OLD)
def test_pending_is_rejected_in_the_old_versions(clock: FakeClock, version: Version) -> None:
    cs = CentralSystemSim(now=clock, registration_status="Pending", heartbeat_interval=30)
    cs.connected("CP1", version)
    boot = {"chargePointVendor": "ACME", "chargePointModel": "Box"}
    reply = ask(cs, "CP1", "BootNotification", boot)
    assert (reply["status"], reply["heartbeatInterval"]) == ("Rejected", 30)
    assert cs.charge_points["CP1"].registration_status == "Rejected"


def test_1_5_meter_values_and_transaction_data(cs: CentralSystemSim) -> None:
    cs.connected("CP1", V15)
    tid = start(cs, "CP1", meter=1000)
    reading = {
        "timestamp": T,
        "values": [
            {"value": "230", "measurand": "Voltage", "unit": "Volt"},
            {"value": "1.5", "unit": "kWh", "context": "Sample.Periodic"},
        ],
    }
    meter = {"connectorId": 1, "transactionId": tid, "values": [reading]}
    assert ask(cs, "CP1", "MeterValues", meter) == {}
    state = cs.charge_points["CP1"]
    assert state.connectors[1].meter_wh == 1500
    assert state.open_transactions[tid].last_meter_wh == 1500
    assert state.open_transactions[tid].meter_value_count == 1

    later = {"timestamp": T, "values": [{"value": "1900"}]}
    stop = {
        "transactionId": tid,
        "idTag": "TAG0001",
        "timestamp": T,
        "meterStop": 2000,
        "transactionData": [{"values": [later]}],
    }
    assert ask(cs, "CP1", "StopTransaction", stop) == {"idTagInfo": {"status": "Accepted"}}
    [closed] = state.closed_transactions
    assert (closed.last_meter_wh, closed.energy_wh, closed.stop_reason) == (1900, 1000, None)


def test_1_2_meter_values_are_the_register_in_wh(cs: CentralSystemSim) -> None:
    cs.connected("CP1", V12)
    start(cs, "CP1", meter=100)
    meter = {"connectorId": 1, "values": [{"timestamp": T, "value": 700}]}
    assert ask(cs, "CP1", "MeterValues", meter) == {}
    assert cs.charge_points["CP1"].connectors[1].meter_wh == 700
    status = {"connectorId": 1, "status": "Occupied", "errorCode": "NoError"}  # no timestamp
    assert ask(cs, "CP1", "StatusNotification", status) == {}
    assert cs.charge_points["CP1"].connectors[1].status == "Occupied"
    assert cs.charge_points["CP1"].connectors[1].timestamp == START


def test_defaults_follow_a_1_5_charge_point(cs: CentralSystemSim) -> None:
    cs.connected("CP1", V15)
    assert cs.default_request("CP1", "ReserveNow") == {
        "connectorId": 1,
        "expiryDate": "2026-11-21T15:54:54Z",
        "reservationId": 1,
    }
    reserve = {"connectorId": 1, "expiryDate": T, "idTag": "A", "reservationId": 1}
    cs.on_result("CP1", "ReserveNow", reserve, {"status": "Accepted"})
    assert cs.default_request("CP1", "CancelReservation") == {"reservationId": 1}
    assert cs.default_request("CP1", "SendLocalList") == {"listVersion": 1}
    cs.on_result(
        "CP1", "SendLocalList", {"updateType": "Full", "listVersion": 4}, {"status": "Accepted"}
    )
    assert cs.default_request("CP1", "SendLocalList") == {"listVersion": 5}
    tid = start(cs, "CP1", connector=2)
    assert cs.default_request("CP1", "RemoteStopTransaction") == {"transactionId": tid}
    assert cs.default_request("CP1", "UnlockConnector") == {"connectorId": 2}


# ------------------------------------------------------------------ several versions at once


def test_each_charge_point_is_answered_in_its_own_version(cs: CentralSystemSim) -> None:
    cs.connected("OLD12", V12)
    cs.connected("OLD15", V15)
    cs.connected("NEW16", V16)
    cs.connected("PLAIN")  # no version said: 1.6
    boot = {"chargePointVendor": "ACME", "chargePointModel": "Box"}
    for cp_id in ("OLD12", "OLD15"):
        reply = ask(cs, cp_id, "BootNotification", boot)
        assert "heartbeatInterval" in reply and "interval" not in reply
    for cp_id in ("NEW16", "PLAIN"):
        reply = cs.handle_call(cp_id, "BootNotification", boot)
        assert_valid_response("BootNotification", reply)
        assert "interval" in reply and "heartbeatInterval" not in reply
    assert cs.charge_points["PLAIN"].version is V16

    # One numbering of transactions for all of them.
    ids = [start(cs, cp_id) for cp_id in ("OLD12", "NEW16", "OLD15", "OLD12")]
    assert ids == [1, 2, 3, 4]
    assert sorted(cs.charge_points["OLD12"].open_transactions) == [1, 4]
    assert "OCPP 1.5" in cs.describe("OLD15")
    assert "OCPP 1.2" in cs.summary()


def test_a_charge_point_may_come_back_in_another_version(cs: CentralSystemSim) -> None:
    cs.connected("CP1", V15)
    tid = start(cs, "CP1")
    cs.disconnected("CP1")
    cs.connected("CP1", V16)
    state = cs.charge_points["CP1"]
    assert state.version is V16
    assert cs.default_request("CP1", "RemoteStopTransaction") == {"transactionId": tid}
    assert cs.default_request("CP1", "GetCompositeSchedule") == {"connectorId": 1}


def test_the_default_version_is_the_simulator_s(clock: FakeClock) -> None:
    cs = CentralSystemSim(Version.V15, now=clock)
    cs.connected("CP1")
    assert cs.charge_points["CP1"].version is V15
    assert "heartbeatInterval" in cs.handle_call(
        "CP2", "BootNotification", {"chargePointVendor": "A", "chargePointModel": "B"}
    )  # a CALL before connected: the default version too


def test_an_unspoken_version_is_refused_and_leaves_no_state(cs: CentralSystemSim) -> None:
    with pytest.raises(ValueError, match=r"2\.0\.1"):
        cs.connected("CP1", Version.V201)
    assert cs.charge_points == {}

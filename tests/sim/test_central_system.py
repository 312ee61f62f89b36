"""CentralSystemSim driven by hand: CALLs in, payloads out, no transport and no real clock."""

from __future__ import annotations

from typing import Any

import pytest

from ocpptk.rpc.errors import (
    LocalProtocolError,
    NotImplementedError_,
    NotSupported,
    OccurrenceConstraintViolation,
)
from ocpptk.sim import CS_TO_CP_V16, CentralSystemSim
from ocpptk.spec.catalog import Version
from tests.sim.helpers import (
    START,
    WIRE_TIME,
    FakeClock,
    assert_valid_request,
    assert_valid_response,
    needs_schemas,
    schema_errors,
    stamp,
)

T = "2026-11-21T14:00:00Z"

# One valid request of every CP -> CS action (checked against the OCA schemas below).
REQUESTS: dict[str, dict[str, Any]] = {
    "Authorize": {"idTag": "TAG0001"},
    "BootNotification": {
        "chargePointVendor": "ACME",
        "chargePointModel": "Wallbox 7",
        "chargePointSerialNumber": "SN-42",
        "firmwareVersion": "1.2.3",
    },
    "DataTransfer": {"vendorId": "com.acme", "messageId": "Ping", "data": '{"a": 1}'},
    "DiagnosticsStatusNotification": {"status": "Uploaded"},
    "FirmwareStatusNotification": {"status": "Installed"},
    "Heartbeat": {},
    "MeterValues": {
        "connectorId": 1,
        "transactionId": 1,
        "meterValue": [{"timestamp": T, "sampledValue": [{"value": "1500", "unit": "Wh"}]}],
    },
    "StartTransaction": {"connectorId": 1, "idTag": "TAG0001", "meterStart": 1000, "timestamp": T},
    "StatusNotification": {
        "connectorId": 1,
        "errorCode": "NoError",
        "status": "Charging",
        "timestamp": T,
    },
    "StopTransaction": {
        "transactionId": 1,
        "idTag": "TAG0001",
        "meterStop": 2500,
        "timestamp": T,
        "reason": "Local",
    },
}

# What a console would take as the static example of CS -> CP requests (required fields only).
EXAMPLES: dict[str, dict[str, Any]] = {
    "CancelReservation": {"reservationId": 1},
    "ChangeAvailability": {"connectorId": 0, "type": "Inoperative"},
    "ChangeConfiguration": {"key": "HeartbeatInterval", "value": "60"},
    "ClearCache": {},
    "ClearChargingProfile": {},
    "DataTransfer": {"vendorId": "com.acme"},
    "GetCompositeSchedule": {"connectorId": 1, "duration": 3600},
    "GetConfiguration": {},
    "GetDiagnostics": {"location": "ftp://example.com/diag"},
    "GetLocalListVersion": {},
    "RemoteStartTransaction": {"idTag": "TAG0001"},
    "RemoteStopTransaction": {"transactionId": 99},
    "ReserveNow": {
        "connectorId": 1,
        "expiryDate": "2026-01-01T00:00:00Z",
        "idTag": "TAG0001",
        "reservationId": 1,
    },
    "Reset": {"type": "Soft"},
    "SendLocalList": {"listVersion": 1, "updateType": "Full"},
    "SetChargingProfile": {
        "connectorId": 1,
        "csChargingProfiles": {
            "chargingProfileId": 1,
            "stackLevel": 0,
            "chargingProfilePurpose": "TxProfile",
            "chargingProfileKind": "Relative",
            "chargingSchedule": {
                "chargingRateUnit": "A",
                "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16.0}],
            },
        },
    },
    "TriggerMessage": {"requestedMessage": "Heartbeat"},
    "UnlockConnector": {"connectorId": 1},
    "UpdateFirmware": {"location": "ftp://example.com/fw", "retrieveDate": T},
}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cs(clock: FakeClock) -> CentralSystemSim:
    return CentralSystemSim(now=clock)


def start(
    cs: CentralSystemSim,
    cp_id: str = "CP1",
    connector: int = 1,
    id_tag: str = "TAG0001",
    meter: int = 1000,
) -> int:
    reply = cs.handle_call(
        cp_id,
        "StartTransaction",
        {"connectorId": connector, "idTag": id_tag, "meterStart": meter, "timestamp": T},
    )
    assert_valid_response("StartTransaction", reply)
    transaction_id: int = reply["transactionId"]
    return transaction_id


# ------------------------------------------------------------------ every action


@pytest.mark.parametrize("action", sorted(REQUESTS))
def test_every_cp_action_gets_a_schema_valid_reply(cs: CentralSystemSim, action: str) -> None:
    assert_valid_request(action, REQUESTS[action])
    reply = cs.handle_call("CP1", action, REQUESTS[action])
    assert_valid_response(action, reply)


@needs_schemas
def test_the_schema_oracle_rejects_a_bad_reply() -> None:
    assert schema_errors("BootNotification", {"status": "Maybe"}, request=False)
    assert schema_errors("Heartbeat", {"currentTime": "yesterday"}, request=False)


@pytest.mark.parametrize("action", ["Reset", "RemoteStartTransaction", "GetConfiguration"])
def test_a_cs_to_cp_action_is_not_supported(cs: CentralSystemSim, action: str) -> None:
    with pytest.raises(NotSupported) as caught:
        cs.handle_call("CP1", action, EXAMPLES[action])
    assert caught.value.code(Version.V16) == "NotSupported"


def test_an_unknown_action_is_not_implemented(cs: CentralSystemSim) -> None:
    with pytest.raises(NotImplementedError_) as caught:
        cs.handle_call("CP1", "MakeCoffee", {})
    assert caught.value.code(Version.V16) == "NotImplemented"


def test_a_missing_field_is_an_occurrence_violation(cs: CentralSystemSim) -> None:
    with pytest.raises(OccurrenceConstraintViolation, match="idTag"):
        cs.handle_call("CP1", "Authorize", {})


def test_2_0_1_is_not_simulated() -> None:
    with pytest.raises(ValueError, match=r"1\.2, 1\.5, 1\.6, not 2\.0\.1"):
        CentralSystemSim(version=Version.V201)


# ------------------------------------------------------------------ replies and state


def test_boot_notification_accepts_with_time_and_interval(clock: FakeClock) -> None:
    cs = CentralSystemSim(now=clock, heartbeat_interval=60)
    reply = cs.handle_call("CP1", "BootNotification", REQUESTS["BootNotification"])
    assert reply == {"status": "Accepted", "currentTime": stamp(START), "interval": 60}
    boot = cs.charge_points["CP1"].boot
    assert boot is not None
    assert (boot.vendor, boot.model, boot.serial_number, boot.firmware_version) == (
        "ACME",
        "Wallbox 7",
        "SN-42",
        "1.2.3",
    )
    assert cs.charge_points["CP1"].registration_status == "Accepted"


def test_boot_notification_answers_the_registration_policy(clock: FakeClock) -> None:
    cs = CentralSystemSim(now=clock, registration_status="Pending")
    reply = cs.handle_call("CP1", "BootNotification", REQUESTS["BootNotification"])
    assert reply["status"] == "Pending"
    assert_valid_response("BootNotification", reply)


def test_heartbeat_answers_the_current_time_and_records_it(
    cs: CentralSystemSim, clock: FakeClock
) -> None:
    clock.advance(seconds=90)
    reply = cs.handle_call("CP1", "Heartbeat", {})
    assert reply == {"currentTime": "2026-11-21T14:56:24Z"}
    assert WIRE_TIME.match(reply["currentTime"])
    assert cs.charge_points["CP1"].last_heartbeat == clock()


def test_authorize_follows_the_id_tag_policy(cs: CentralSystemSim) -> None:
    assert cs.handle_call("CP1", "Authorize", {"idTag": "ANY"}) == {
        "idTagInfo": {"status": "Accepted"}
    }
    cs.set_id_tag_status("BAD", "Blocked")
    assert cs.handle_call("CP1", "Authorize", {"idTag": "bad"}) == {
        "idTagInfo": {"status": "Blocked"}
    }
    with pytest.raises(ValueError):
        cs.set_id_tag_status("X", "Maybe")


def test_transaction_ids_start_at_1_and_are_unique_across_charge_points(
    cs: CentralSystemSim,
) -> None:
    ids = [start(cs, "CP1"), start(cs, "CP2"), start(cs, "CP1", connector=2), start(cs, "CP3")]
    assert ids == [1, 2, 3, 4]
    assert sorted(cs.charge_points["CP1"].open_transactions) == [1, 3]
    assert list(cs.charge_points["CP2"].open_transactions) == [2]


def test_start_transaction_gives_an_id_even_to_a_refused_tag(cs: CentralSystemSim) -> None:
    cs.set_id_tag_status("STOLEN", "Invalid")
    reply = cs.handle_call(
        "CP1",
        "StartTransaction",
        {"connectorId": 1, "idTag": "STOLEN", "meterStart": 0, "timestamp": T},
    )
    assert reply == {"idTagInfo": {"status": "Invalid"}, "transactionId": 1}


def test_start_transaction_records_the_transaction(cs: CentralSystemSim) -> None:
    tid = start(cs, connector=2, id_tag="ABC", meter=1234)
    tx = cs.charge_points["CP1"].open_transactions[tid]
    assert (tx.connector_id, tx.id_tag, tx.meter_start) == (2, "ABC", 1234)
    assert stamp(tx.started_at) == T


def test_meter_values_update_the_transaction_and_connector(cs: CentralSystemSim) -> None:
    tid = start(cs, meter=1000)
    reply = cs.handle_call(
        "CP1",
        "MeterValues",
        {
            "connectorId": 1,
            "transactionId": tid,
            "meterValue": [
                {
                    "timestamp": T,
                    "sampledValue": [
                        {"value": "230", "measurand": "Voltage", "unit": "V"},
                        {
                            "value": "1.75",
                            "measurand": "Energy.Active.Import.Register",
                            "unit": "kWh",
                        },
                    ],
                }
            ],
        },
    )
    assert reply == {}
    state = cs.charge_points["CP1"]
    tx = state.open_transactions[tid]
    assert tx.last_meter_wh == 1750.0
    assert tx.energy_wh == 750.0
    assert tx.meter_value_count == 1
    assert state.connectors[1].meter_wh == 1750.0


def test_stop_transaction_closes_it_and_answers_id_tag_info(cs: CentralSystemSim) -> None:
    tid = start(cs, meter=1000)
    reply = cs.handle_call(
        "CP1",
        "StopTransaction",
        {
            "transactionId": tid,
            "idTag": "TAG0001",
            "meterStop": 4000,
            "timestamp": T,
            "reason": "Remote",
        },
    )
    assert reply == {"idTagInfo": {"status": "Accepted"}}
    state = cs.charge_points["CP1"]
    assert state.open_transactions == {}
    [closed] = state.closed_transactions
    assert (closed.transaction_id, closed.meter_stop, closed.stop_reason) == (tid, 4000, "Remote")
    assert closed.energy_wh == 3000


def test_stop_transaction_without_id_tag_has_no_id_tag_info(cs: CentralSystemSim) -> None:
    tid = start(cs)
    reply = cs.handle_call(
        "CP1", "StopTransaction", {"transactionId": tid, "meterStop": 1000, "timestamp": T}
    )
    assert reply == {}
    assert_valid_response("StopTransaction", reply)


def test_stop_of_an_unknown_transaction_is_still_answered(cs: CentralSystemSim) -> None:
    reply = cs.handle_call(
        "CP1",
        "StopTransaction",
        {"transactionId": 42, "idTag": "X", "meterStop": 1, "timestamp": T},
    )
    assert reply == {"idTagInfo": {"status": "Accepted"}}
    assert cs.charge_points["CP1"].closed_transactions == []


def test_status_notification_records_the_connector(cs: CentralSystemSim) -> None:
    cs.handle_call(
        "CP1",
        "StatusNotification",
        {
            "connectorId": 2,
            "errorCode": "GroundFailure",
            "status": "Faulted",
            "info": "leak",
            "timestamp": T,
        },
    )
    connector = cs.charge_points["CP1"].connectors[2]
    assert (connector.status, connector.error_code, connector.info) == (
        "Faulted",
        "GroundFailure",
        "leak",
    )
    assert connector.timestamp is not None and stamp(connector.timestamp) == T


def test_firmware_and_diagnostics_status_are_recorded(cs: CentralSystemSim) -> None:
    cs.handle_call("CP1", "FirmwareStatusNotification", {"status": "Downloading"})
    cs.handle_call("CP1", "DiagnosticsStatusNotification", {"status": "Uploading"})
    state = cs.charge_points["CP1"]
    assert (state.firmware_status, state.diagnostics_status) == ("Downloading", "Uploading")


def test_data_transfer_needs_a_registered_vendor(cs: CentralSystemSim) -> None:
    request = {"vendorId": "com.acme", "messageId": "Ping", "data": "x"}
    assert cs.handle_call("CP1", "DataTransfer", request) == {"status": "UnknownVendorId"}
    cs.register_vendor("COM.ACME")
    assert cs.handle_call("CP1", "DataTransfer", request) == {"status": "Accepted"}
    cs.register_vendor("com.acme", lambda message_id, data: ("Rejected", f"{message_id}:{data}"))
    reply = cs.handle_call("CP1", "DataTransfer", request)
    assert reply == {"status": "Rejected", "data": "Ping:x"}
    assert_valid_response("DataTransfer", reply)


def test_connected_and_disconnected_are_tracked(cs: CentralSystemSim, clock: FakeClock) -> None:
    cs.connected("CP1")
    state = cs.charge_points["CP1"]
    assert state.connected and state.connected_at == START
    clock.advance(minutes=5)
    cs.disconnected("CP1")
    assert not state.connected
    assert state.disconnected_at == clock()


# ------------------------------------------------------------------ on_result


def test_on_result_records_configuration(cs: CentralSystemSim) -> None:
    cs.on_result(
        "CP1",
        "GetConfiguration",
        {"key": ["HeartbeatInterval", "Nope"]},
        {
            "configurationKey": [{"key": "HeartbeatInterval", "readonly": False, "value": "300"}],
            "unknownKey": ["Nope"],
        },
    )
    cs.on_result(
        "CP1",
        "ChangeConfiguration",
        {"key": "HeartbeatInterval", "value": "60"},
        {"status": "Accepted"},
    )
    cs.on_result(
        "CP1",
        "ChangeConfiguration",
        {"key": "MeterValueSampleInterval", "value": "abc"},
        {"status": "Rejected"},
    )
    state = cs.charge_points["CP1"]
    assert state.configuration == {
        "HeartbeatInterval": {"key": "HeartbeatInterval", "readonly": False, "value": "60"}
    }
    assert state.unknown_keys == ["Nope"]
    assert state.results["ChangeConfiguration"][1] == {"status": "Rejected"}


def test_on_result_tracks_local_list_and_reservations(cs: CentralSystemSim) -> None:
    cs.on_result("CP1", "GetLocalListVersion", {}, {"listVersion": 3})
    assert cs.charge_points["CP1"].local_list_version == 3
    cs.on_result(
        "CP1", "SendLocalList", {"listVersion": 4, "updateType": "Full"}, {"status": "Accepted"}
    )
    cs.on_result(
        "CP1",
        "SendLocalList",
        {"listVersion": 9, "updateType": "Differential"},
        {"status": "VersionMismatch"},
    )
    assert cs.charge_points["CP1"].local_list_version == 4
    reserve = {"connectorId": 1, "expiryDate": T, "idTag": "A", "reservationId": 5}
    cs.on_result("CP1", "ReserveNow", reserve, {"status": "Accepted"})
    cs.on_result("CP1", "ReserveNow", {**reserve, "reservationId": 6}, {"status": "Occupied"})
    assert list(cs.charge_points["CP1"].reservations) == [5]
    assert cs.default_request("CP1", "CancelReservation") == {"reservationId": 5}
    cs.on_result("CP1", "CancelReservation", {"reservationId": 5}, {"status": "Accepted"})
    assert cs.charge_points["CP1"].reservations == {}


def test_on_result_tracks_charging_profiles(cs: CentralSystemSim) -> None:
    request = EXAMPLES["SetChargingProfile"]
    cs.on_result("CP1", "SetChargingProfile", request, {"status": "Accepted"})
    assert len(cs.charge_points["CP1"].charging_profiles) == 1
    cs.on_result("CP1", "ClearChargingProfile", {"id": 1}, {"status": "Accepted"})
    assert len(cs.charge_points["CP1"].charging_profiles) == 0


# ------------------------------------------------------------------ default_request


def merged(cs: CentralSystemSim, cp_id: str, action: str) -> dict[str, Any]:
    """What the console sends: the example, then the simulator's overrides."""
    return {**EXAMPLES[action], **(cs.default_request(cp_id, action) or {})}


@pytest.mark.parametrize("action", CS_TO_CP_V16)
@pytest.mark.parametrize("with_transaction", [False, True])
def test_default_requests_merged_over_the_example_are_valid(
    cs: CentralSystemSim, action: str, with_transaction: bool
) -> None:
    if with_transaction:
        start(cs, connector=2)
    assert_valid_request(action, merged(cs, "CP1", action))


def test_remote_stop_defaults_to_the_open_transaction(cs: CentralSystemSim) -> None:
    assert cs.default_request("CP1", "RemoteStopTransaction") is None
    start(cs, "CP1")
    start(cs, "CP2")
    tid = start(cs, "CP1", connector=2)
    assert cs.default_request("CP1", "RemoteStopTransaction") == {"transactionId": tid}
    assert cs.default_request("CP2", "RemoteStopTransaction") == {"transactionId": 2}


def test_connector_defaults_follow_the_charge_point(cs: CentralSystemSim) -> None:
    assert cs.default_request("CP1", "GetCompositeSchedule") == {"connectorId": 1}
    assert cs.default_request("CP1", "RemoteStartTransaction") == {"connectorId": 1}
    start(cs, connector=2)
    assert cs.default_request("CP1", "GetCompositeSchedule") == {"connectorId": 2}
    assert cs.default_request("CP1", "UnlockConnector") == {"connectorId": 2}
    for connector, status in ((1, "Charging"), (2, "Charging"), (3, "Available")):
        cs.handle_call(
            "CP1",
            "StatusNotification",
            {"connectorId": connector, "errorCode": "NoError", "status": status},
        )
    assert cs.default_request("CP1", "RemoteStartTransaction") == {"connectorId": 3}


def test_reserve_now_defaults_expire_in_an_hour(cs: CentralSystemSim) -> None:
    assert cs.default_request("CP1", "ReserveNow") == {
        "connectorId": 1,
        "expiryDate": "2026-11-21T15:54:54Z",
        "reservationId": 1,
    }


def test_set_charging_profile_default_matches_the_transaction(cs: CentralSystemSim) -> None:
    idle = cs.default_request("CP1", "SetChargingProfile")
    assert idle is not None
    assert idle["connectorId"] == 0
    assert idle["csChargingProfiles"]["chargingProfilePurpose"] == "TxDefaultProfile"
    tid = start(cs, connector=2)
    busy = cs.default_request("CP1", "SetChargingProfile")
    assert busy is not None
    assert busy["connectorId"] == 2
    assert busy["csChargingProfiles"]["chargingProfilePurpose"] == "TxProfile"
    assert busy["csChargingProfiles"]["transactionId"] == tid


def test_send_local_list_default_is_the_next_version(cs: CentralSystemSim) -> None:
    assert cs.default_request("CP1", "SendLocalList") == {"listVersion": 1}
    cs.on_result("CP1", "GetLocalListVersion", {}, {"listVersion": 7})
    assert cs.default_request("CP1", "SendLocalList") == {"listVersion": 8}


def test_default_request_has_no_overrides_for_plain_actions(cs: CentralSystemSim) -> None:
    assert cs.default_request("CP1", "GetConfiguration") is None
    assert cs.default_request("CP1", "Reset") is None
    assert "CP1" not in cs.charge_points  # asking changes nothing


def test_default_request_refuses_actions_a_cs_does_not_send(cs: CentralSystemSim) -> None:
    with pytest.raises(LocalProtocolError):
        cs.default_request("CP1", "BootNotification")
    with pytest.raises(LocalProtocolError):
        cs.default_request("CP1", "MakeCoffee")


# ------------------------------------------------------------------ views


def test_describe_and_summary_show_the_state(cs: CentralSystemSim) -> None:
    assert cs.summary() == "no charge points"
    cs.connected("CP1")
    cs.handle_call("CP1", "BootNotification", REQUESTS["BootNotification"])
    cs.handle_call("CP1", "StatusNotification", REQUESTS["StatusNotification"])
    tid = start(cs)
    text = cs.describe("CP1")
    assert "CP1: connected, Accepted, ACME Wallbox 7" in text
    assert "serial SN-42, firmware 1.2.3" in text
    assert "connector 1: Charging (NoError)" in text
    assert f"transaction {tid} open on connector 1 for TAG0001" in text
    assert cs.summary().startswith("CP1: connected, Accepted, ACME Wallbox 7, 1 connector, 1 open")
    with pytest.raises(KeyError):
        cs.describe("nobody")


def test_a_crashing_vendor_handler_is_our_internal_error_not_the_peers_fault() -> None:
    from ocpptk.rpc.errors import InternalError

    cs = CentralSystemSim()

    def broken(message_id: str | None, data: str | None) -> tuple[str, str | None]:
        raise RuntimeError("vendor code bug")

    cs.register_vendor("com.acme", broken)
    with pytest.raises(InternalError, match="vendor code bug"):
        cs.handle_call("CP1", "DataTransfer", {"vendorId": "com.acme", "data": "x"})

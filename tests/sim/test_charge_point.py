"""ChargePointSim driven by hand: CALLs and results in, replies and outbox out."""

from __future__ import annotations

from typing import Any

import pytest

from ocpptk.rpc.errors import (
    InternalError,
    LocalProtocolError,
    NotImplementedError_,
    NotSupported,
    PropertyConstraintViolation,
)
from ocpptk.sim import (
    CP_TO_CS_V16,
    CentralSystemSim,
    ChargePointSim,
    Connector,
    ConnectorEvent,
    ConnectorStatus,
    IllegalTransition,
)
from ocpptk.spec.catalog import Version
from tests.sim.helpers import (
    START,
    WIRE_TIME,
    FakeClock,
    assert_valid_request,
    assert_valid_response,
    stamp,
)

LATER = "2026-11-21T16:00:00Z"  # after START
EARLIER = "2026-11-21T12:00:00Z"  # before START


def profile(
    purpose: str = "TxDefaultProfile",
    profile_id: int = 1,
    stack_level: int = 0,
    limit: float = 16.0,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "chargingProfileId": profile_id,
        "stackLevel": stack_level,
        "chargingProfilePurpose": purpose,
        "chargingProfileKind": "Relative",
        "chargingSchedule": {
            "chargingRateUnit": "A",
            "chargingSchedulePeriod": [
                {"startPeriod": 0, "limit": limit},
                {"startPeriod": 7200, "limit": 8.0},
            ],
        },
        **extra,
    }


# One valid request of every CS -> CP action (checked against the OCA schemas below).
REQUESTS: dict[str, dict[str, Any]] = {
    "CancelReservation": {"reservationId": 1},
    "ChangeAvailability": {"connectorId": 0, "type": "Inoperative"},
    "ChangeConfiguration": {"key": "HeartbeatInterval", "value": "60"},
    "ClearCache": {},
    "ClearChargingProfile": {"id": 1},
    "DataTransfer": {"vendorId": "com.acme", "messageId": "Ping"},
    "GetCompositeSchedule": {"connectorId": 1, "duration": 3600},
    "GetConfiguration": {"key": ["HeartbeatInterval", "NoSuchKey"]},
    "GetDiagnostics": {"location": "ftp://example.com/diag"},
    "GetLocalListVersion": {},
    "RemoteStartTransaction": {"idTag": "TAG0001", "connectorId": 1},
    "RemoteStopTransaction": {"transactionId": 1},
    "ReserveNow": {"connectorId": 1, "expiryDate": LATER, "idTag": "TAG0001", "reservationId": 1},
    "Reset": {"type": "Hard"},
    "SendLocalList": {
        "listVersion": 1,
        "updateType": "Full",
        "localAuthorizationList": [{"idTag": "TAG0001", "idTagInfo": {"status": "Accepted"}}],
    },
    "SetChargingProfile": {"connectorId": 0, "csChargingProfiles": profile()},
    "TriggerMessage": {"requestedMessage": "StatusNotification"},
    "UnlockConnector": {"connectorId": 1},
    "UpdateFirmware": {"location": "ftp://example.com/fw", "retrieveDate": LATER},
}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cp(clock: FakeClock) -> ChargePointSim:
    return ChargePointSim("CP1", now=clock, connectors=2)


def call(cp: ChargePointSim, action: str, payload: dict[str, Any]) -> dict[str, Any]:
    """handle_call, with the reply checked against the OCA response schema."""
    reply = cp.handle_call(action, payload)
    assert_valid_response(action, reply)
    return reply


def status(cp: ChargePointSim, action: str, payload: dict[str, Any]) -> str:
    result: str = call(cp, action, payload)["status"]
    return result


def drain(cp: ChargePointSim) -> list[tuple[str, dict[str, Any]]]:
    """The outbox, every CALL in it checked against the OCA request schema."""
    calls = cp.outbox()
    for action, payload in calls:
        assert_valid_request(action, payload)
    return calls


def starts(calls: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [payload for action, payload in calls if action == "StartTransaction"]


def status_of(connector: int, state: str, when: str | None = None) -> dict[str, Any]:
    moment = when or stamp(START)
    return {"connectorId": connector, "errorCode": "NoError", "status": state, "timestamp": moment}


def statuses(calls: list[tuple[str, dict[str, Any]]]) -> list[tuple[int, str]]:
    return [(p["connectorId"], p["status"]) for a, p in calls if a == "StatusNotification"]


def start_transaction(
    cp: ChargePointSim,
    transaction_id: int,
    connector: int = 1,
    id_tag: str = "TAG0001",
    accepted: str = "Accepted",
) -> None:
    """RemoteStart, then the CS's answer to the StartTransaction it causes."""
    assert (
        status(cp, "RemoteStartTransaction", {"idTag": id_tag, "connectorId": connector})
        == "Accepted"
    )
    [(action, request)] = [c for c in drain(cp) if c[0] == "StartTransaction"]
    cp.on_result(
        action, request, {"transactionId": transaction_id, "idTagInfo": {"status": accepted}}
    )


def stop_answered(cp: ChargePointSim) -> list[tuple[str, dict[str, Any]]]:
    """Answer every StopTransaction in the outbox; what the charge point queued next."""
    calls = drain(cp)
    for action, request in calls:
        if action == "StopTransaction":
            cp.on_result(action, request, {"idTagInfo": {"status": "Accepted"}})
    return calls


# ------------------------------------------------------------------ every action


@pytest.mark.parametrize("action", sorted(REQUESTS))
def test_every_cs_action_gets_a_schema_valid_reply(cp: ChargePointSim, action: str) -> None:
    assert_valid_request(action, REQUESTS[action])
    call(cp, action, REQUESTS[action])
    drain(cp)


@pytest.mark.parametrize("action", ["BootNotification", "Heartbeat", "StartTransaction"])
def test_a_cp_to_cs_action_is_not_supported(cp: ChargePointSim, action: str) -> None:
    with pytest.raises(NotSupported):
        cp.handle_call(action, {})


def test_an_unknown_action_is_not_implemented(cp: ChargePointSim) -> None:
    with pytest.raises(NotImplementedError_):
        cp.handle_call("MakeCoffee", {})


def test_a_bad_enum_value_is_a_property_violation(cp: ChargePointSim) -> None:
    with pytest.raises(PropertyConstraintViolation):
        cp.handle_call("Reset", {"type": "Medium"})
    assert cp.reset_requested is None


def test_2_0_1_is_not_simulated() -> None:
    with pytest.raises(ValueError, match=r"1\.2, 1\.5, 1\.6, not 2\.0\.1"):
        ChargePointSim("CP1", version=Version.V201)


# ------------------------------------------------------------------ configuration


def test_get_configuration_lists_the_core_keys(cp: ChargePointSim) -> None:
    keys = {k["key"]: k for k in call(cp, "GetConfiguration", {})["configurationKey"]}
    for name in (
        "HeartbeatInterval",
        "MeterValueSampleInterval",
        "NumberOfConnectors",
        "ConnectionTimeOut",
        "AuthorizeRemoteTxRequests",
        "LocalAuthorizeOffline",
        "MeterValuesSampledData",
        "SupportedFeatureProfiles",
        "LocalAuthListEnabled",
        "ChargeProfileMaxStackLevel",
    ):
        assert name in keys, name
    assert keys["NumberOfConnectors"] == {
        "key": "NumberOfConnectors",
        "readonly": True,
        "value": "2",
    }
    assert keys["HeartbeatInterval"]["readonly"] is False


def test_get_configuration_reports_unknown_keys(cp: ChargePointSim) -> None:
    reply = call(cp, "GetConfiguration", {"key": ["heartbeatinterval", "NoSuchKey"]})
    assert reply == {
        "configurationKey": [{"key": "HeartbeatInterval", "readonly": False, "value": "300"}],
        "unknownKey": ["NoSuchKey"],
    }


def test_change_configuration(cp: ChargePointSim) -> None:
    assert status(cp, "ChangeConfiguration", {"key": "HeartbeatInterval", "value": "60"}) == (
        "Accepted"
    )
    assert cp.heartbeat_interval == 60
    assert status(cp, "ChangeConfiguration", {"key": "NumberOfConnectors", "value": "4"}) == (
        "Rejected"
    )
    assert cp.configuration["NumberOfConnectors"] == "2"
    assert status(cp, "ChangeConfiguration", {"key": "NoSuchKey", "value": "1"}) == ("NotSupported")
    assert status(cp, "ChangeConfiguration", {"key": "HeartbeatInterval", "value": "soon"}) == (
        "Rejected"
    )
    assert (
        status(cp, "ChangeConfiguration", {"key": "LocalAuthorizeOffline", "value": "FALSE"})
        == "Accepted"
    )
    assert cp.configuration["LocalAuthorizeOffline"] == "false"
    assert (
        status(
            cp, "ChangeConfiguration", {"key": "MeterValuesSampledData", "value": "Voltage,Bogus"}
        )
        == "Rejected"
    )
    assert (
        status(
            cp,
            "ChangeConfiguration",
            {"key": "MeterValuesSampledData", "value": "Voltage, Current.Import"},
        )
        == "Accepted"
    )
    assert cp.configuration["MeterValuesSampledData"] == "Voltage,Current.Import"


def test_config_overrides_in_the_constructor(clock: FakeClock) -> None:
    cp = ChargePointSim(
        "CP1", now=clock, config={"SupportedFeatureProfiles": "Core", "VendorKey": "x"}
    )
    assert cp.configuration["SupportedFeatureProfiles"] == "Core"
    assert not cp.supports("Reservation")
    assert status(cp, "ChangeConfiguration", {"key": "VendorKey", "value": "y"}) == "Accepted"


# ------------------------------------------------------------------ local list


def test_local_list_versions(cp: ChargePointSim) -> None:
    assert call(cp, "GetLocalListVersion", {}) == {"listVersion": 0}
    full = {
        "listVersion": 1,
        "updateType": "Full",
        "localAuthorizationList": [
            {"idTag": "A", "idTagInfo": {"status": "Accepted"}},
            {"idTag": "B", "idTagInfo": {"status": "Blocked"}},
        ],
    }
    assert status(cp, "SendLocalList", full) == "Accepted"
    assert call(cp, "GetLocalListVersion", {}) == {"listVersion": 1}
    same = {"listVersion": 1, "updateType": "Differential", "localAuthorizationList": []}
    assert status(cp, "SendLocalList", same) == "VersionMismatch"
    diff = {
        "listVersion": 2,
        "updateType": "Differential",
        "localAuthorizationList": [
            {"idTag": "b"},
            {"idTag": "C", "idTagInfo": {"status": "Accepted"}},
        ],
    }
    assert status(cp, "SendLocalList", diff) == "Accepted"
    assert sorted(cp.local_list) == ["a", "c"]
    assert call(cp, "GetLocalListVersion", {}) == {"listVersion": 2}
    assert status(cp, "SendLocalList", {"listVersion": 5, "updateType": "Full"}) == "Accepted"
    assert call(cp, "GetLocalListVersion", {}) == {"listVersion": 0}  # empty list


def test_local_list_too_long_fails(clock: FakeClock) -> None:
    cp = ChargePointSim("CP1", now=clock, config={"SendLocalListMaxLength": "1"})
    entries = [{"idTag": t, "idTagInfo": {"status": "Accepted"}} for t in ("A", "B")]
    assert (
        status(
            cp,
            "SendLocalList",
            {"listVersion": 1, "updateType": "Full", "localAuthorizationList": entries},
        )
        == "Failed"
    )
    assert cp.local_list == {}


def test_local_list_without_the_profile(clock: FakeClock) -> None:
    cp = ChargePointSim("CP1", now=clock, config={"SupportedFeatureProfiles": "Core"})
    assert call(cp, "GetLocalListVersion", {}) == {"listVersion": -1}
    assert status(cp, "SendLocalList", REQUESTS["SendLocalList"]) == "NotSupported"


# ------------------------------------------------------------------ reservations


def test_reserve_now_and_cancel(cp: ChargePointSim) -> None:
    assert status(cp, "ReserveNow", REQUESTS["ReserveNow"]) == "Accepted"
    assert cp.connectors[1].status is ConnectorStatus.RESERVED
    assert statuses(drain(cp)) == [(1, "Reserved")]
    other = {**REQUESTS["ReserveNow"], "reservationId": 2, "idTag": "OTHER"}
    assert status(cp, "ReserveNow", other) == "Occupied"
    assert status(cp, "CancelReservation", {"reservationId": 99}) == "Rejected"
    assert status(cp, "CancelReservation", {"reservationId": 1}) == "Accepted"
    assert cp.connectors[1].status is ConnectorStatus.AVAILABLE
    assert cp.reservations == {}
    assert statuses(drain(cp)) == [(1, "Available")]


def test_reserve_now_refusals(cp: ChargePointSim) -> None:
    request = REQUESTS["ReserveNow"]
    assert status(cp, "ReserveNow", {**request, "connectorId": 0}) == "Rejected"
    assert status(cp, "ReserveNow", {**request, "connectorId": 9}) == "Rejected"
    assert status(cp, "ReserveNow", {**request, "expiryDate": EARLIER}) == "Rejected"
    assert status(cp, "ChangeAvailability", {"connectorId": 2, "type": "Inoperative"}) == (
        "Accepted"
    )
    assert status(cp, "ReserveNow", {**request, "connectorId": 2}) == "Unavailable"
    cp.connectors[1].fire(ConnectorEvent.FAULT)
    assert status(cp, "ReserveNow", request) == "Faulted"
    assert cp.reservations == {}


def test_the_same_reservation_id_replaces_the_reservation(cp: ChargePointSim) -> None:
    assert status(cp, "ReserveNow", REQUESTS["ReserveNow"]) == "Accepted"
    moved = {**REQUESTS["ReserveNow"], "connectorId": 2}
    assert status(cp, "ReserveNow", moved) == "Accepted"
    assert cp.connectors[1].status is ConnectorStatus.AVAILABLE
    assert cp.connectors[2].status is ConnectorStatus.RESERVED
    assert list(cp.reservations) == [1]


def test_reservations_expire(cp: ChargePointSim, clock: FakeClock) -> None:
    assert status(cp, "ReserveNow", REQUESTS["ReserveNow"]) == "Accepted"
    drain(cp)
    clock.advance(hours=2)
    assert cp.expire_reservations() == [1]
    assert cp.connectors[1].status is ConnectorStatus.AVAILABLE
    assert statuses(drain(cp)) == [(1, "Available")]


def test_remote_start_uses_the_reservation_of_its_tag(cp: ChargePointSim) -> None:
    reserve = {**REQUESTS["ReserveNow"], "connectorId": 2, "reservationId": 7}
    assert status(cp, "ReserveNow", reserve) == "Accepted"
    drain(cp)
    assert status(cp, "RemoteStartTransaction", {"idTag": "SOMEONE", "connectorId": 2}) == (
        "Rejected"
    )
    assert status(cp, "RemoteStartTransaction", {"idTag": "tag0001"}) == "Accepted"
    [request] = starts(drain(cp))
    assert (request["connectorId"], request["reservationId"]) == (2, 7)
    assert cp.reservations == {}


# ------------------------------------------------------------------ transactions


def test_remote_start_queues_a_start_transaction(cp: ChargePointSim) -> None:
    cp.connectors[2].meter_wh = 5000
    assert status(cp, "RemoteStartTransaction", {"idTag": "ABC", "connectorId": 2}) == ("Accepted")
    # The driver plugs in (Preparing), the transaction starts and energy flows (Charging).
    assert drain(cp) == [
        ("StatusNotification", status_of(2, "Preparing")),
        (
            "StartTransaction",
            {"connectorId": 2, "idTag": "ABC", "meterStart": 5000, "timestamp": stamp(START)},
        ),
        ("StatusNotification", status_of(2, "Charging")),
    ]
    assert cp.outbox() == []  # drained
    assert status(cp, "RemoteStartTransaction", {"idTag": "ABC", "connectorId": 2}) == (
        "Rejected"
    )  # pending on that connector
    assert status(cp, "RemoteStartTransaction", {"idTag": "ABC", "connectorId": 5}) == ("Rejected")


def test_start_result_sets_the_id(cp: ChargePointSim) -> None:
    start_transaction(cp, 7)
    tx = cp.connectors[1].transaction
    assert tx is not None and tx.transaction_id == 7
    assert cp.connectors[1].status is ConnectorStatus.CHARGING
    assert drain(cp) == []  # Charging was reported when the energy began to flow


def test_remote_stop(cp: ChargePointSim, clock: FakeClock) -> None:
    start_transaction(cp, 7)
    drain(cp)
    assert status(cp, "RemoteStopTransaction", {"transactionId": 99}) == "Rejected"
    clock.advance(minutes=30)  # at 22 kW, the default connector's rating: 11 kWh
    assert status(cp, "RemoteStopTransaction", {"transactionId": 7}) == "Accepted"
    [(action, request), finishing] = drain(cp)
    assert finishing == ("StatusNotification", status_of(1, "Finishing", "2026-11-21T15:24:54Z"))
    data = request.pop("transactionData")
    assert [reading["sampledValue"][0]["context"] for reading in data] == [
        "Transaction.Begin",
        "Transaction.End",
    ]
    assert (action, request) == (
        "StopTransaction",
        {
            "transactionId": 7,
            "idTag": "TAG0001",
            "meterStop": 11000,
            "timestamp": "2026-11-21T15:24:54Z",
            "reason": "Remote",
        },
    )
    assert status(cp, "RemoteStopTransaction", {"transactionId": 7}) == "Rejected"  # over
    assert drain(cp) == []  # not stopped twice
    assert cp.connectors[1].transaction is None
    [done] = cp.transactions
    assert (done.transaction_id, done.meter_stop, done.stop_reason) == (7, 11000, "Remote")
    clock.advance(seconds=5)  # the driver takes the cable out
    cp.tick()
    assert cp.connectors[1].status is ConnectorStatus.AVAILABLE
    assert statuses(drain(cp)) == [(1, "Available")]


def test_a_refused_id_tag_is_stopped(cp: ChargePointSim) -> None:
    start_transaction(cp, 3, accepted="Invalid")
    calls = drain(cp)
    assert [a for a, _ in calls] == ["StopTransaction", "StatusNotification"]
    assert calls[0][1]["reason"] == "DeAuthorized"


def test_manual_start_transaction_is_learnt_from_its_result(cp: ChargePointSim) -> None:
    request = cp.default_request("StartTransaction")
    assert cp.connectors[1].transaction is None  # building changes nothing
    cp.on_result(
        "StartTransaction", request, {"transactionId": 11, "idTagInfo": {"status": "Accepted"}}
    )
    assert cp.default_request("StopTransaction")["transactionId"] == 11
    meter = cp.default_request("MeterValues")
    assert (meter["connectorId"], meter["transactionId"]) == (1, 11)


def test_an_unanswered_start_transaction_is_sent_again(
    cp: ChargePointSim, clock: FakeClock
) -> None:
    assert status(cp, "RemoteStartTransaction", {"idTag": "ABC", "connectorId": 1}) == ("Accepted")
    [request] = starts(drain(cp))
    cp.on_error("StartTransaction", request, None)  # no answer in time
    assert cp.connectors[1].transaction is not None  # the car charges on
    cp.tick()
    assert drain(cp) == []  # TransactionMessageRetryInterval (60 s) first
    clock.advance(seconds=60)
    cp.tick()
    assert starts(drain(cp)) == [request]


def test_a_transaction_message_is_dropped_after_its_attempts(
    cp: ChargePointSim, clock: FakeClock
) -> None:
    cp.configuration.change("TransactionMessageAttempts", "2")
    assert status(cp, "RemoteStartTransaction", {"idTag": "ABC", "connectorId": 1}) == ("Accepted")
    [request] = starts(drain(cp))
    cp.on_error("StartTransaction", request, InternalError("busy"))
    clock.advance(seconds=60)  # 60 s after the first CALLERROR
    cp.tick()
    assert starts(drain(cp)) == [request]
    cp.on_error("StartTransaction", request, InternalError("busy"))
    clock.advance(seconds=600)
    cp.tick()
    assert starts(drain(cp)) == []  # dropped; the transaction's meter values go on
    assert [m.action for m in cp.tx_queue] == ["MeterValues"] * 2  # at 60 s and at 660 s


def test_remote_start_without_connector_takes_a_free_one(cp: ChargePointSim) -> None:
    start_transaction(cp, 1, connector=1)
    drain(cp)
    assert status(cp, "RemoteStartTransaction", {"idTag": "XYZ"}) == "Accepted"
    [request] = starts(drain(cp))
    assert request["connectorId"] == 2
    assert status(cp, "RemoteStartTransaction", {"idTag": "XYZ"}) == "Rejected"


def test_remote_start_profile_must_be_a_tx_profile(cp: ChargePointSim) -> None:
    bad = {"idTag": "A", "connectorId": 1, "chargingProfile": profile("TxDefaultProfile")}
    assert status(cp, "RemoteStartTransaction", bad) == "Rejected"
    good = {"idTag": "A", "connectorId": 1, "chargingProfile": profile("TxProfile")}
    assert status(cp, "RemoteStartTransaction", good) == "Accepted"
    assert [p.purpose for p in cp.charging_profiles] == ["TxProfile"]


def test_unlock_connector_stops_its_transaction(cp: ChargePointSim) -> None:
    assert status(cp, "UnlockConnector", {"connectorId": 9}) == "NotSupported"
    start_transaction(cp, 4)
    drain(cp)
    assert status(cp, "UnlockConnector", {"connectorId": 1}) == "Unlocked"
    [(action, request), _finishing] = drain(cp)
    assert (action, request["transactionId"], request["reason"]) == (
        "StopTransaction",
        4,
        "UnlockCommand",
    )


# ------------------------------------------------------------------ availability, reset


def test_change_availability_of_all_connectors(cp: ChargePointSim) -> None:
    assert status(cp, "ChangeAvailability", {"connectorId": 0, "type": "Inoperative"}) == (
        "Accepted"
    )
    assert [c.status for c in cp.connectors.values()] == [ConnectorStatus.UNAVAILABLE] * 2
    # connector 0, the charge point itself, first (section 5.2: 0 means the whole charge point)
    assert statuses(drain(cp)) == [(0, "Unavailable"), (1, "Unavailable"), (2, "Unavailable")]
    assert status(cp, "RemoteStartTransaction", {"idTag": "A"}) == "Rejected"
    assert status(cp, "ChangeAvailability", {"connectorId": 1, "type": "Operative"}) == ("Accepted")
    assert cp.connectors[1].status is ConnectorStatus.AVAILABLE
    assert status(cp, "ChangeAvailability", {"connectorId": 3, "type": "Operative"}) == ("Rejected")


def test_change_availability_waits_for_the_transaction(cp: ChargePointSim) -> None:
    start_transaction(cp, 5)
    drain(cp)
    assert status(cp, "ChangeAvailability", {"connectorId": 1, "type": "Inoperative"}) == (
        "Scheduled"
    )
    assert cp.connectors[1].status is ConnectorStatus.CHARGING
    assert status(cp, "RemoteStopTransaction", {"transactionId": 5}) == "Accepted"
    after = stop_answered(cp)
    assert [a for a, _ in after] == ["StopTransaction", "StatusNotification", "StatusNotification"]
    assert statuses(after) == [(1, "Finishing"), (1, "Unavailable")]
    assert not cp.connectors[1].operative


def test_reset_is_recorded(cp: ChargePointSim) -> None:
    assert status(cp, "Reset", {"type": "Soft"}) == "Accepted"
    assert cp.reset_requested == "Soft"
    assert drain(cp) == []


# ------------------------------------------------------------------ trigger message


def test_trigger_heartbeat(cp: ChargePointSim) -> None:
    assert status(cp, "TriggerMessage", {"requestedMessage": "Heartbeat"}) == "Accepted"
    assert drain(cp) == [("Heartbeat", {})]


def test_trigger_status_notification_for_all_or_one_connector(cp: ChargePointSim) -> None:
    assert status(cp, "TriggerMessage", {"requestedMessage": "StatusNotification"}) == ("Accepted")
    assert statuses(drain(cp)) == [(1, "Available"), (2, "Available")]
    assert (
        status(cp, "TriggerMessage", {"requestedMessage": "StatusNotification", "connectorId": 2})
        == "Accepted"
    )
    [(_, payload)] = drain(cp)
    assert payload == {
        "connectorId": 2,
        "errorCode": "NoError",
        "status": "Available",
        "timestamp": stamp(START),
    }
    assert (
        status(cp, "TriggerMessage", {"requestedMessage": "StatusNotification", "connectorId": 3})
        == "Rejected"
    )
    assert drain(cp) == []


def test_trigger_meter_values_and_boot(cp: ChargePointSim) -> None:
    start_transaction(cp, 8, connector=2)
    drain(cp)
    cp.connectors[2].meter_wh = 1234
    assert (
        status(cp, "TriggerMessage", {"requestedMessage": "MeterValues", "connectorId": 2})
        == "Accepted"
    )
    [(action, payload)] = drain(cp)
    assert action == "MeterValues"
    assert (payload["connectorId"], payload["transactionId"]) == (2, 8)
    [sampled] = payload["meterValue"][0]["sampledValue"]
    assert sampled == {
        "value": "1234",
        "context": "Trigger",
        "format": "Raw",
        "measurand": "Energy.Active.Import.Register",
        "location": "Outlet",
        "unit": "Wh",
    }
    assert status(cp, "TriggerMessage", {"requestedMessage": "BootNotification"}) == "Accepted"
    assert drain(cp) == [
        ("BootNotification", {"chargePointVendor": "ocpptk", "chargePointModel": "Simulator"})
    ]


def test_trigger_without_the_profile(clock: FakeClock) -> None:
    cp = ChargePointSim("CP1", now=clock, config={"SupportedFeatureProfiles": "Core"})
    assert status(cp, "TriggerMessage", {"requestedMessage": "Heartbeat"}) == "NotImplemented"
    assert cp.outbox() == []


# ------------------------------------------------------------------ smart charging


def test_charging_profiles_and_composite_schedule(cp: ChargePointSim) -> None:
    assert call(cp, "GetCompositeSchedule", {"connectorId": 1, "duration": 3600}) == {
        "status": "Rejected"
    }
    assert (
        status(
            cp, "SetChargingProfile", {"connectorId": 0, "csChargingProfiles": profile(limit=32.0)}
        )
        == "Accepted"
    )
    reply = call(cp, "GetCompositeSchedule", {"connectorId": 1, "duration": 3600})
    assert reply["status"] == "Accepted"
    assert reply["connectorId"] == 1
    assert reply["scheduleStart"] == stamp(START)
    schedule = reply["chargingSchedule"]
    assert schedule["duration"] == 3600
    assert schedule["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 32.0, "numberPhases": 3}
    ]
    in_watts = call(
        cp, "GetCompositeSchedule", {"connectorId": 1, "duration": 3600, "chargingRateUnit": "W"}
    )["chargingSchedule"]
    assert in_watts["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 22080.0, "numberPhases": 3}  # 32 A * 230 V * 3
    ]
    # a connector's own TxDefaultProfile wins over connector 0's
    assert (
        status(
            cp,
            "SetChargingProfile",
            {"connectorId": 1, "csChargingProfiles": profile(profile_id=2, limit=10.0)},
        )
        == "Accepted"
    )
    reply = call(cp, "GetCompositeSchedule", {"connectorId": 1, "duration": 86400})
    assert reply["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"] == 10.0
    assert len(reply["chargingSchedule"]["chargingSchedulePeriod"]) == 2
    assert status(cp, "ClearChargingProfile", {"id": 2}) == "Accepted"
    assert status(cp, "ClearChargingProfile", {"id": 2}) == "Unknown"
    assert status(cp, "ClearChargingProfile", {"chargingProfilePurpose": "TxDefaultProfile"}) == (
        "Accepted"
    )
    assert len(cp.charging_profiles) == 0


def test_set_charging_profile_refusals(cp: ChargePointSim) -> None:
    def set_(connector: int, body: dict[str, Any]) -> str:
        return status(
            cp, "SetChargingProfile", {"connectorId": connector, "csChargingProfiles": body}
        )

    assert set_(1, profile("TxProfile")) == "Rejected"  # no transaction
    assert set_(1, profile("ChargePointMaxProfile")) == "Rejected"  # only on connector 0
    assert set_(3, profile()) == "Rejected"  # no such connector
    assert set_(0, profile(stack_level=11)) == "Rejected"  # above ChargeProfileMaxStackLevel
    assert len(cp.charging_profiles) == 0
    start_transaction(cp, 6)
    assert set_(1, profile("TxProfile", transactionId=5)) == "Rejected"
    assert set_(1, profile("TxProfile", transactionId=6)) == "Accepted"
    assert set_(0, profile("ChargePointMaxProfile", profile_id=2)) == "Accepted"
    assert set_(0, profile("ChargePointMaxProfile", profile_id=2, limit=20.0)) == "Accepted"
    assert len(cp.charging_profiles) == 2  # the same id replaced the profile


def test_tx_profiles_go_with_their_transaction(cp: ChargePointSim) -> None:
    start_transaction(cp, 6)
    assert (
        status(
            cp, "SetChargingProfile", {"connectorId": 1, "csChargingProfiles": profile("TxProfile")}
        )
        == "Accepted"
    )
    assert status(cp, "RemoteStopTransaction", {"transactionId": 6}) == "Accepted"
    stop_answered(cp)
    assert len(cp.charging_profiles) == 0


def test_smart_charging_without_the_profile(clock: FakeClock) -> None:
    cp = ChargePointSim("CP1", now=clock, config={"SupportedFeatureProfiles": "Core"})
    assert status(cp, "SetChargingProfile", REQUESTS["SetChargingProfile"]) == "NotSupported"
    with pytest.raises(NotSupported):
        cp.handle_call("GetDiagnostics", REQUESTS["GetDiagnostics"])


# ------------------------------------------------------------------ other actions


def test_data_transfer_and_cache_and_firmware(cp: ChargePointSim) -> None:
    assert status(cp, "DataTransfer", {"vendorId": "x"}) == "UnknownVendorId"
    cp.register_vendor("x")
    assert status(cp, "DataTransfer", {"vendorId": "X"}) == "Accepted"
    cp.on_result("Authorize", {"idTag": "A"}, {"idTagInfo": {"status": "Accepted"}})
    assert cp.auth_cache == {"a": {"status": "Accepted"}}
    assert status(cp, "ClearCache", {}) == "Accepted"
    assert cp.auth_cache == {}
    assert call(cp, "UpdateFirmware", REQUESTS["UpdateFirmware"]) == {}
    assert cp.firmware_updates == [REQUESTS["UpdateFirmware"]]
    name = call(cp, "GetDiagnostics", REQUESTS["GetDiagnostics"])["fileName"]
    assert name == "diagnostics-CP1-20261121T145454Z.log"


# ------------------------------------------------------------------ on_result


def test_boot_result_sets_registration_and_heartbeat(cp: ChargePointSim) -> None:
    boot = cp.default_request("BootNotification")
    cp.on_result(
        "BootNotification", boot, {"status": "Pending", "currentTime": LATER, "interval": 30}
    )
    assert (cp.registration_status, cp.boot_retry_interval, cp.heartbeat_interval) == (
        "Pending",
        30,
        300,
    )
    cp.on_result(
        "BootNotification", boot, {"status": "Accepted", "currentTime": LATER, "interval": 120}
    )
    assert (cp.registration_status, cp.boot_retry_interval, cp.heartbeat_interval) == (
        "Accepted",
        None,
        120,
    )
    assert cp.configuration["HeartbeatInterval"] == "120"
    assert cp.central_system_time is not None and stamp(cp.central_system_time) == LATER


# ------------------------------------------------------------------ default_request


@pytest.mark.parametrize("action", CP_TO_CS_V16)
@pytest.mark.parametrize("with_transaction", [False, True])
def test_default_requests_are_complete_and_valid(
    cp: ChargePointSim, action: str, with_transaction: bool
) -> None:
    if with_transaction:
        start_transaction(cp, 12, connector=2)
    payload = cp.default_request(action)
    assert_valid_request(action, payload)
    if "timestamp" in payload:
        assert payload["timestamp"] == stamp(START)
        assert WIRE_TIME.match(payload["timestamp"])


def test_default_requests_follow_the_state(cp: ChargePointSim) -> None:
    assert cp.default_request("Heartbeat") == {}
    assert cp.default_request("BootNotification") == {
        "chargePointVendor": "ocpptk",
        "chargePointModel": "Simulator",
    }
    assert cp.default_request("StatusNotification") == {
        "connectorId": 1,
        "errorCode": "NoError",
        "status": "Available",
        "timestamp": stamp(START),
    }
    assert cp.default_request("StartTransaction") == {
        "connectorId": 1,
        "idTag": "TAG0001",
        "meterStart": 0,
        "timestamp": stamp(START),
    }
    assert cp.default_request("StopTransaction")["transactionId"] == 0
    assert "transactionId" not in cp.default_request("MeterValues")
    start_transaction(cp, 21)
    cp.connectors[1].meter_wh = 900
    assert cp.default_request("StartTransaction")["connectorId"] == 2
    stop = cp.default_request("StopTransaction")
    assert [len(reading["sampledValue"]) for reading in stop.pop("transactionData")] == [1, 1]
    assert stop == {
        "transactionId": 21,
        "idTag": "TAG0001",
        "meterStop": 900,
        "timestamp": stamp(START),
        "reason": "Local",
    }
    meter = cp.default_request("MeterValues")
    assert (meter["connectorId"], meter["transactionId"]) == (1, 21)
    assert meter["meterValue"][0]["sampledValue"][0]["value"] == "900"
    assert cp.default_request("StatusNotification")["status"] == "Charging"


def test_vendor_and_model_go_into_boot_notification(clock: FakeClock) -> None:
    cp = ChargePointSim(
        "CP9", now=clock, vendor="ACME", model="Box", serial_number="S1", firmware_version="2.0"
    )
    assert cp.default_request("BootNotification") == {
        "chargePointVendor": "ACME",
        "chargePointModel": "Box",
        "chargePointSerialNumber": "S1",
        "firmwareVersion": "2.0",
    }


def test_default_request_refuses_actions_a_cp_does_not_send(cp: ChargePointSim) -> None:
    with pytest.raises(LocalProtocolError):
        cp.default_request("RemoteStartTransaction")


# ------------------------------------------------------------------ connector table


def test_an_illegal_transition_raises_and_changes_nothing() -> None:
    connector = Connector(1)
    with pytest.raises(IllegalTransition):
        connector.fire(ConnectorEvent.TRANSACTION_STOPPED)
    assert connector.status is ConnectorStatus.AVAILABLE
    assert connector.fire(ConnectorEvent.FAULT) is ConnectorStatus.FAULTED
    with pytest.raises(IllegalTransition):
        connector.fire(ConnectorEvent.RESERVE)
    assert connector.status is ConnectorStatus.FAULTED


def test_describe_shows_the_state(cp: ChargePointSim) -> None:
    start_transaction(cp, 3)
    text = cp.describe()
    assert "CP1: ocpptk Simulator" in text
    assert "connector 1: Charging (NoError), meter 0 Wh, transaction 3 for TAG0001" in text
    assert "connector 2: Available" in text


# ------------------------------------------------------------------ both ends together


def test_charge_point_and_central_system_agree(clock: FakeClock) -> None:
    """A transport in miniature: every CALL goes to the other simulator, every answer back."""
    cs = CentralSystemSim(now=clock)
    cp = ChargePointSim("CP7", now=clock, connectors=2)

    def cp_sends(action: str, payload: dict[str, Any]) -> None:
        assert_valid_request(action, payload)
        response = cs.handle_call("CP7", action, payload)
        assert_valid_response(action, response)
        cp.on_result(action, payload, response)

    def flush() -> None:
        while calls := cp.outbox():
            for action, payload in calls:
                cp_sends(action, payload)

    def cs_sends(action: str, payload: dict[str, Any]) -> dict[str, Any]:
        assert_valid_request(action, payload)
        response = cp.handle_call(action, payload)
        assert_valid_response(action, response)
        cs.on_result("CP7", action, payload, response)
        flush()
        return response

    cs.connected("CP7")
    cp_sends("BootNotification", cp.default_request("BootNotification"))
    assert cp.registration_status == "Accepted"
    cs_sends("TriggerMessage", {"requestedMessage": "StatusNotification"})
    assert {n: c.status for n, c in cs.charge_points["CP7"].connectors.items()} == {
        1: "Available",
        2: "Available",
    }

    start = {"idTag": "TAG0001", **(cs.default_request("CP7", "RemoteStartTransaction") or {})}
    assert cs_sends("RemoteStartTransaction", start)["status"] == "Accepted"
    state = cs.charge_points["CP7"]
    [tid] = state.open_transactions
    assert cp.connectors[1].transaction is not None
    assert cp.connectors[1].transaction.transaction_id == tid
    assert state.connectors[1].status == "Charging"

    cp.connectors[1].meter_wh = 7000
    cp_sends("MeterValues", cp.default_request("MeterValues"))
    assert state.open_transactions[tid].last_meter_wh == 7000

    stop = {"transactionId": 0, **(cs.default_request("CP7", "RemoteStopTransaction") or {})}
    assert cs_sends("RemoteStopTransaction", stop)["status"] == "Accepted"
    assert state.open_transactions == {}
    [closed] = state.closed_transactions
    assert (closed.transaction_id, closed.energy_wh, closed.stop_reason) == (tid, 7000, "Remote")
    assert state.connectors[1].status == "Finishing"  # until the cable is out
    clock.advance(seconds=5)
    cp.tick()
    flush()
    assert state.connectors[1].status == "Available"
    assert cp.transactions[0].transaction_id == tid


def test_an_unvalidated_authorize_with_a_number_for_a_tag_is_not_cached() -> None:
    cp = ChargePointSim("CP1")
    cp.on_result("Authorize", {"idTag": 42}, {"idTagInfo": {"status": "Accepted"}})
    assert cp.auth_cache == {}
    cp.on_result("Authorize", {"idTag": "Tag1"}, {"idTagInfo": {"status": "Accepted"}})
    assert cp.auth_cache == {"tag1": {"status": "Accepted"}}

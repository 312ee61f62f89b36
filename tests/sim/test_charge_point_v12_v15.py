"""ChargePointSim speaking OCPP 1.2 and 1.5: every reply and every CALL it builds is valid
against our schemas of its version (``schemas/1.2``, ``schemas/1.5``), and it behaves as in 1.6
where the version has the action."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ocpptk.rpc.errors import LocalProtocolError, NotImplementedError_, NotSupported
from ocpptk.sim import CentralSystemSim, ChargePointSim, ConnectorEvent, ConnectorStatus
from ocpptk.sim.dialect import DIALECTS
from ocpptk.spec.catalog import Version
from ocpptk.spec.examples import example_payload
from ocpptk.spec.payloads import apply_fields
from tests.sim.helpers import START, FakeClock, assert_valid_in, stamp

V12, V15 = Version.V12, Version.V15
OLD = [V12, V15]
LATER = "2026-11-21T16:00:00Z"  # after START


def cases(direction: str) -> list[Any]:
    """(version, action) for every action of 1.2 and 1.5 in ``direction``."""
    return [
        pytest.param(v, a, id=f"{v.value}-{a}")
        for v in OLD
        for a in getattr(DIALECTS[v], direction)
    ]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def sim(version: Version, clock: FakeClock, **kwargs: Any) -> ChargePointSim:
    return ChargePointSim("CP1", version, now=clock, connectors=2, **kwargs)


def call(cp: ChargePointSim, action: str, payload: dict[str, Any]) -> dict[str, Any]:
    """handle_call, the request and the reply checked against our schemas of the version."""
    assert_valid_in(cp.version, action, payload, request=True)
    reply = cp.handle_call(action, payload)
    assert_valid_in(cp.version, action, reply, request=False)
    return reply


def drain(cp: ChargePointSim) -> list[tuple[str, dict[str, Any]]]:
    calls = cp.outbox()
    for action, payload in calls:
        assert_valid_in(cp.version, action, payload, request=True)
    return calls


def start_transaction(cp: ChargePointSim, transaction_id: int, connector: int = 1) -> None:
    """RemoteStart, then the CS's answer to the StartTransaction it causes."""
    reply = call(cp, "RemoteStartTransaction", {"idTag": "TAG0001", "connectorId": connector})
    assert reply == {"status": "Accepted"}
    [(action, request)] = [c for c in drain(cp) if c[0] == "StartTransaction"]
    cp.on_result(
        action, request, {"transactionId": transaction_id, "idTagInfo": {"status": "Accepted"}}
    )


def request_from_cs(version: Version, action: str, with_transaction: bool) -> dict[str, Any]:
    """What our central system sends: the example with its optional fields, then the
    simulator's defaults for a charge point of ``version``."""
    cs = CentralSystemSim(now=FakeClock())
    cs.connected("CP1", version)
    if with_transaction:
        cs.handle_call(
            "CP1",
            "StartTransaction",
            {"connectorId": 1, "idTag": "TAG0001", "meterStart": 0, "timestamp": stamp(START)},
        )
    example = example_payload(version, action, include_optional=True)
    return apply_fields(example, cs.default_request("CP1", action) or {})


# ------------------------------------------------------------------ every action


@pytest.mark.parametrize(("version", "action"), cases("cs_to_cp"))
@pytest.mark.parametrize("with_transaction", [False, True], ids=["idle", "charging"])
def test_every_cs_request_gets_a_valid_reply(
    clock: FakeClock, version: Version, action: str, with_transaction: bool
) -> None:
    cp = sim(version, clock)
    if with_transaction:
        start_transaction(cp, 1)
        drain(cp)
    call(cp, action, request_from_cs(version, action, with_transaction))
    drain(cp)  # what it leads to (a StartTransaction, a StopTransaction, a status) is valid too


@pytest.mark.parametrize(("version", "action"), cases("cp_to_cs"))
@pytest.mark.parametrize("with_transaction", [False, True], ids=["idle", "charging"])
def test_every_default_request_is_valid(
    clock: FakeClock, version: Version, action: str, with_transaction: bool
) -> None:
    cp = sim(version, clock)
    if with_transaction:
        start_transaction(cp, 7, connector=2)
    assert_valid_in(version, action, cp.default_request(action), request=True)


@pytest.mark.parametrize(
    ("version", "action", "error"),
    [
        (V12, "DataTransfer", NotImplementedError_),
        (V12, "GetConfiguration", NotImplementedError_),
        (V12, "ReserveNow", NotImplementedError_),
        (V15, "TriggerMessage", NotImplementedError_),
        (V15, "SetChargingProfile", NotImplementedError_),
        (V15, "BootNotification", NotSupported),
        (V12, "StartTransaction", NotSupported),
    ],
)
def test_actions_the_version_lacks_are_refused(
    clock: FakeClock, version: Version, action: str, error: type[Exception]
) -> None:
    with pytest.raises(error, match=action if error is NotSupported else re.escape(version.value)):
        sim(version, clock).handle_call(action, {})


def test_default_request_refuses_what_the_version_has_not(clock: FakeClock) -> None:
    with pytest.raises(LocalProtocolError, match=r"OCPP 1\.2"):
        sim(V12, clock).default_request("DataTransfer")
    assert sim(V15, clock).default_request("DataTransfer") == {"vendorId": "ocpptk"}


# ------------------------------------------------------------------ behaviour


@pytest.mark.parametrize("version", OLD)
def test_boot_learns_the_heartbeat_interval(clock: FakeClock, version: Version) -> None:
    cp = sim(version, clock)
    boot = cp.default_request("BootNotification")
    assert boot == {"chargePointVendor": "ocpptk", "chargePointModel": "Simulator"}
    cp.on_result(
        "BootNotification",
        boot,
        {"status": "Rejected", "currentTime": LATER, "heartbeatInterval": 30},
    )
    assert (cp.registration_status, cp.boot_retry_interval, cp.heartbeat_interval) == (
        "Rejected",
        30,
        300,
    )
    cp.on_result(
        "BootNotification",
        boot,
        {"status": "Accepted", "currentTime": LATER, "heartbeatInterval": 120},
    )
    assert (cp.registration_status, cp.boot_retry_interval, cp.heartbeat_interval) == (
        "Accepted",
        None,
        120,
    )
    assert cp.central_system_time is not None and stamp(cp.central_system_time) == LATER


def test_a_1_2_boot_may_leave_out_time_and_interval(clock: FakeClock) -> None:
    cp = sim(V12, clock)
    cp.on_result("BootNotification", cp.default_request("BootNotification"), {"status": "Accepted"})
    assert (cp.registration_status, cp.heartbeat_interval, cp.central_system_time) == (
        "Accepted",
        300,
        None,
    )


@pytest.mark.parametrize("version", OLD)
def test_a_transaction_in_the_old_versions(clock: FakeClock, version: Version) -> None:
    cp = sim(version, clock)
    assert call(cp, "RemoteStartTransaction", {"idTag": "TAG0001"}) == {"status": "Accepted"}
    [(_, preparing), (action, start), (_, charging)] = drain(cp)
    assert (action, start) == (
        "StartTransaction",
        {"connectorId": 1, "idTag": "TAG0001", "meterStart": 0, "timestamp": stamp(START)},
    )
    # 1.2 and 1.5 have no Preparing or Charging: the connector is Occupied
    assert preparing["status"] == charging["status"] == "Occupied"
    assert ("timestamp" in charging) is (version is V15)
    cp.on_result(action, start, {"transactionId": 5, "idTagInfo": {"status": "Accepted"}})
    assert cp.connectors[1].status is ConnectorStatus.CHARGING
    assert drain(cp) == []

    cp.connectors[1].meter_wh = 4200
    meter = cp.default_request("MeterValues")
    if version is V12:  # one integer per reading, no transaction id
        assert meter == {"connectorId": 1, "values": [{"timestamp": stamp(START), "value": 4200}]}
    else:
        assert meter["transactionId"] == 5
        [reading] = meter["values"]
        assert reading["values"][0]["value"] == "4200"
        assert reading["values"][0]["measurand"] == "Energy.Active.Import.Register"

    assert call(cp, "RemoteStopTransaction", {"transactionId": 5}) == {"status": "Accepted"}
    [(action, stop), (_, finishing)] = drain(cp)
    assert finishing["status"] == "Occupied"  # 1.6 says Finishing: the cable is still in
    if version is V15:  # the meter at the start and at the end, 1.5's grouping
        assert [len(group["values"]) for group in stop.pop("transactionData")] == [2]
    assert (action, stop) == (
        "StopTransaction",
        {"transactionId": 5, "idTag": "TAG0001", "meterStop": 4200, "timestamp": stamp(START)},
    )  # no reason: 1.2 and 1.5 have none
    cp.on_result(action, stop, {"idTagInfo": {"status": "Accepted"}})
    [finished] = cp.transactions
    assert (finished.transaction_id, finished.stop_reason, finished.meter_stop) == (
        5,
        "Remote",
        4200,
    )
    clock.advance(seconds=5)  # the driver unplugs
    cp.tick()
    [(action, available)] = drain(cp)
    assert available["status"] == "Available"


@pytest.mark.parametrize("version", OLD)
def test_unlock_answers_accepted_or_rejected(clock: FakeClock, version: Version) -> None:
    cp = sim(version, clock)
    start_transaction(cp, 3)
    drain(cp)
    assert call(cp, "UnlockConnector", {"connectorId": 1}) == {"status": "Accepted"}
    [(action, stop), _occupied] = drain(cp)
    assert action == "StopTransaction" and "reason" not in stop
    assert call(cp, "UnlockConnector", {"connectorId": 9}) == {"status": "Rejected"}


@pytest.mark.parametrize("version", OLD)
def test_change_configuration_statuses(clock: FakeClock, version: Version) -> None:
    cp = sim(version, clock)
    change = {"key": "HeartbeatInterval", "value": "60"}
    assert call(cp, "ChangeConfiguration", change) == {"status": "Accepted"}
    assert cp.heartbeat_interval == 60
    assert call(cp, "ChangeConfiguration", {"key": "NumberOfConnectors", "value": "9"}) == {
        "status": "Rejected"
    }
    assert call(cp, "ChangeConfiguration", {"key": "NoSuchKey", "value": "1"}) == {
        "status": "NotSupported"
    }


def test_a_1_5_charge_point_has_the_keys_of_its_profiles(clock: FakeClock) -> None:
    cp = sim(V15, clock)
    reply = call(cp, "GetConfiguration", {"key": ["SupportedFeatureProfiles", "NoSuchKey"]})
    assert reply == {
        "configurationKey": [
            {
                "key": "SupportedFeatureProfiles",
                "readonly": True,
                "value": "Core,FirmwareManagement,LocalAuthListManagement,Reservation",
            }
        ],
        "unknownKey": ["NoSuchKey"],
    }
    keys = {k["key"] for k in call(cp, "GetConfiguration", {})["configurationKey"]}
    assert {"HeartbeatInterval", "LocalAuthListEnabled", "ReserveConnectorZeroSupported"} <= keys
    assert "ChargeProfileMaxStackLevel" not in keys
    assert sim(V12, clock).configuration.items("SupportedFeatureProfiles") == [
        "Core",
        "FirmwareManagement",
    ]
    assert "LocalAuthListEnabled" not in sim(V12, clock).configuration


def test_the_1_5_local_authorisation_list(clock: FakeClock) -> None:
    cp = sim(V15, clock)
    entries = [
        {"idTag": "TAG0001", "idTagInfo": {"status": "Accepted"}},
        {"idTag": "TAG0002", "idTagInfo": {"status": "Blocked"}},
    ]
    full = {"updateType": "Full", "listVersion": 3, "localAuthorisationList": entries}
    assert call(cp, "SendLocalList", full) == {"status": "Accepted"}
    assert set(cp.local_list) == {"tag0001", "tag0002"}
    assert call(cp, "GetLocalListVersion", {}) == {"listVersion": 3}
    remove = {
        "updateType": "Differential",
        "listVersion": 4,
        "localAuthorisationList": [{"idTag": "TAG0002"}],
        "hash": "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
    }
    assert call(cp, "SendLocalList", remove) == {
        "status": "Accepted",
        "hash": "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
    }
    assert set(cp.local_list) == {"tag0001"}
    assert cp.local_list_hash == "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"
    stale = {"updateType": "Differential", "listVersion": 4}
    assert call(cp, "SendLocalList", stale) == {"status": "VersionMismatch"}


def test_a_reply_carries_only_the_fields_of_the_version(clock: FakeClock) -> None:
    # A 1.6 SendLocalList has no hash: one sent anyway (validation off) is not answered back.
    request = {"updateType": "Full", "listVersion": 1, "hash": "abc"}
    assert sim(Version.V16, clock).handle_call("SendLocalList", request) == {"status": "Accepted"}
    assert sim(V15, clock).handle_call("SendLocalList", request) == {
        "status": "Accepted",
        "hash": "abc",
    }


def test_a_1_5_reservation(clock: FakeClock) -> None:
    cp = sim(V15, clock)
    reserve = {"connectorId": 2, "expiryDate": LATER, "idTag": "RES1", "reservationId": 8}
    assert call(cp, "ReserveNow", reserve) == {"status": "Accepted"}
    [(_, reserved)] = drain(cp)
    assert (reserved["connectorId"], reserved["status"]) == (2, "Reserved")  # 1.5 has Reserved
    assert call(cp, "ReserveNow", {**reserve, "reservationId": 9}) == {"status": "Occupied"}
    assert cp.default_request("StartTransaction")["connectorId"] == 1  # not the reserved one
    cp.id_tag = "RES1"
    start = cp.default_request("StartTransaction")
    assert (start["connectorId"], start["reservationId"]) == (2, 8)
    assert call(cp, "CancelReservation", {"reservationId": 8}) == {"status": "Accepted"}
    assert call(cp, "CancelReservation", {"reservationId": 8}) == {"status": "Rejected"}
    [(_, available)] = drain(cp)
    assert available["status"] == "Available"


@pytest.mark.parametrize(
    ("version", "code", "said"),
    [
        (V15, "EVCommunicationError", "Mode3Error"),
        (V15, "OverVoltage", "OtherError"),
        (V15, "WeakSignal", "WeakSignal"),
        (V12, "EVCommunicationError", "Mode3Error"),
        (V12, "WeakSignal", "NoError"),
        (V12, "ReaderFailure", "ReaderFailure"),
    ],
)
def test_a_fault_in_the_version_s_words(
    clock: FakeClock, version: Version, code: str, said: str
) -> None:
    cp = sim(version, clock)
    cp.connectors[1].error_code = code
    cp.connectors[1].fire(ConnectorEvent.FAULT)
    status = cp.default_request("StatusNotification")
    assert (status["status"], status["errorCode"]) == ("Faulted", said)
    assert_valid_in(version, "StatusNotification", status, request=True)


@pytest.mark.parametrize("version", OLD)
def test_diagnostics_and_firmware_statuses_name_finished_steps(
    clock: FakeClock, version: Version
) -> None:
    cp = sim(version, clock)
    assert cp.default_request("DiagnosticsStatusNotification") == {"status": "Uploaded"}
    assert cp.default_request("FirmwareStatusNotification") == {"status": "Installed"}
    cp.diagnostics_status, cp.firmware_status = "UploadFailed", "Installing"
    assert cp.default_request("DiagnosticsStatusNotification") == {"status": "UploadFailed"}
    assert cp.default_request("FirmwareStatusNotification") == {"status": "Downloaded"}


@pytest.mark.parametrize("version", OLD)
def test_describe_names_the_version(clock: FakeClock, version: Version) -> None:
    assert f"OCPP {version.value}" in sim(version, clock).describe()


# ------------------------------------------------------------------ both ends together


@pytest.mark.parametrize("version", [*OLD, Version.V16])
def test_charge_point_and_central_system_agree(clock: FakeClock, version: Version) -> None:
    """A transport in miniature, every message checked against the version's schemas."""
    cs = CentralSystemSim(now=clock)
    cp = ChargePointSim("CP7", version, now=clock, connectors=2)
    sent: list[str] = []

    def cp_sends(action: str, payload: dict[str, Any]) -> dict[str, Any]:
        assert_valid_in(version, action, payload, request=True)
        response = cs.handle_call("CP7", action, payload)
        assert_valid_in(version, action, response, request=False)
        cp.on_result(action, payload, response)
        sent.append(action)
        return response

    def flush() -> None:
        while calls := cp.outbox():
            for action, payload in calls:
                cp_sends(action, payload)

    def cs_sends(action: str, **fields: Any) -> dict[str, Any]:
        overrides = {**(cs.default_request("CP7", action) or {}), **fields}
        payload = apply_fields(example_payload(version, action), overrides)
        response = call(cp, action, payload)
        cs.on_result("CP7", action, payload, response)
        flush()
        return response

    cs.connected("CP7", version)
    boot = cp_sends("BootNotification", cp.default_request("BootNotification"))
    assert cp.registration_status == "Accepted"
    assert cp.heartbeat_interval == boot[DIALECTS[version].boot_interval] == 300
    for connector in cp.connectors:
        cp_sends(
            "StatusNotification",
            cp.default_request("StatusNotification") | {"connectorId": connector},
        )
    state = cs.charge_points["CP7"]
    assert {n: c.status for n, c in state.connectors.items()} == {1: "Available", 2: "Available"}

    assert cs_sends("RemoteStartTransaction", idTag="TAG0001")["status"] == "Accepted"
    [tid] = state.open_transactions
    assert cp.connectors[1].transaction is not None
    assert cp.connectors[1].transaction.transaction_id == tid
    assert state.connectors[1].status == ("Charging" if version is Version.V16 else "Occupied")

    cp.connectors[1].meter_wh = 7000
    cp_sends("MeterValues", cp.default_request("MeterValues"))
    assert state.connectors[1].meter_wh == 7000
    if version is not V12:  # 1.2 MeterValues name no transaction
        assert state.open_transactions[tid].last_meter_wh == 7000

    assert cs_sends("RemoteStopTransaction")["status"] == "Accepted"
    assert state.open_transactions == {}
    [closed] = state.closed_transactions
    assert (closed.transaction_id, closed.energy_wh) == (tid, 7000)
    clock.advance(seconds=5)  # the driver unplugs
    cp.tick()
    flush()
    assert state.connectors[1].status == "Available"
    assert cp.transactions[0].transaction_id == tid

    assert cs_sends("ChangeConfiguration", key="HeartbeatInterval", value="60") == {
        "status": "Accepted"
    }
    assert cp.heartbeat_interval == 60
    assert cs_sends("ChangeAvailability", connectorId=2, type="Inoperative") == {
        "status": "Accepted"
    }
    assert state.connectors[2].status == "Unavailable"

    if version is not V12:
        assert cs_sends("ReserveNow", idTag="RES1")["status"] == "Accepted"
        assert state.connectors[1].status == "Reserved"
        assert list(state.reservations) == list(cp.reservations)
        assert cs_sends("CancelReservation") == {"status": "Accepted"}
        assert state.reservations == {} and state.connectors[1].status == "Available"
        assert cs_sends("SendLocalList")["status"] == "Accepted"
        assert state.local_list_version == cp.local_list_version == 1
        config = cs_sends("GetConfiguration", key=["HeartbeatInterval"])
        assert config["configurationKey"][0]["value"] == "60"
        assert state.configuration["HeartbeatInterval"]["value"] == "60"
    assert "StatusNotification" in sent

"""ChargePointSim(lifecycle=True): a charge point that boots, beats and reboots on its own.

OCPP 1.6 section 4.2 (BootNotification), 4.6 (Heartbeat), 5.14 (Reset), 5.19 / 4.5
(UpdateFirmware, FirmwareStatusNotification), 5.9 / 4.4 (GetDiagnostics), 5.13 (ReserveNow),
5.2 (ChangeAvailability), 5.17 (TriggerMessage). The tests play the central system by hand
and move a fake clock from deadline to deadline; every CALL is checked against the OCA schema.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from ocpptk.rpc.errors import InternalError
from ocpptk.sim import ChargePointSim
from ocpptk.sim.clock import format_timestamp
from ocpptk.sim.effects import Download, Reboot, Upload
from tests.sim.helpers import (
    START,
    FakeCentralSystem,
    FakeClock,
    Payload,
    Sent,
    actions,
    assert_valid_response,
)


def statuses(sent: Sent) -> list[tuple[int, str]]:
    return [(p["connectorId"], p["status"]) for a, p in sent if a == "StatusNotification"]


def firmware(sent: Sent) -> list[str]:
    return [p["status"] for a, p in sent if a == "FirmwareStatusNotification"]


def diagnostics(sent: Sent) -> list[str]:
    return [p["status"] for a, p in sent if a == "DiagnosticsStatusNotification"]


def later(clock: FakeClock, seconds: float) -> str:
    return format_timestamp(clock() + timedelta(seconds=seconds))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make(clock: FakeClock, connectors: int = 2, **kwargs: Any) -> ChargePointSim:
    return ChargePointSim(
        "CP1", now=clock, connectors=connectors, lifecycle=True, firmware_version="1.0.0", **kwargs
    )


def booted(clock: FakeClock, connectors: int = 2, **kwargs: Any) -> FakeCentralSystem:
    """A lifecycle charge point, connected and accepted with a 300 s heartbeat."""
    cs = FakeCentralSystem(make(clock, connectors, **kwargs), clock)
    cs.cp.connected()
    assert actions(cs.pump()) == ["BootNotification"] + ["StatusNotification"] * (connectors + 1)
    return cs


# -- boot ------------------------------------------------------------------------------------


def test_connecting_sends_a_boot_notification_and_nothing_else(clock: FakeClock) -> None:
    cp = make(clock, serial_number="SN-42")
    cs = FakeCentralSystem(cp, clock)
    cs.hold = {"BootNotification"}
    assert cs.pump() == []  # nothing until the driver says the link is up
    assert cp.next_deadline() is None
    cp.connected()
    assert cs.pump() == [
        (
            "BootNotification",
            {
                "chargePointVendor": "ocpptk",
                "chargePointModel": "Simulator",
                "chargePointSerialNumber": "SN-42",
                "firmwareVersion": "1.0.0",
            },
        )
    ]
    assert cs.run(3600) == []  # no answer yet: no second boot, no heartbeat
    assert cp.boots == 1


@pytest.mark.parametrize("status", ["Pending", "Rejected"])
def test_pending_or_rejected_boots_again_after_the_interval(clock: FakeClock, status: str) -> None:
    cp = make(clock)
    cs = FakeCentralSystem(cp, clock)
    cs.boot = (status, 30)
    cp.connected()
    assert actions(cs.pump()) == ["BootNotification"]
    assert cp.registration_status == status
    assert cp.next_deadline() == START + timedelta(seconds=30)
    assert cs.run(29) == []
    assert actions(cs.run(1)) == ["BootNotification"]
    assert cs.run(29) == []
    cs.boot = ("Accepted", 120)
    sent = cs.run(1)
    assert actions(sent) == ["BootNotification"] + ["StatusNotification"] * 3
    assert cs.times("BootNotification") == [0, 30, 60]
    assert cp.registration_status == "Accepted"


def test_only_boot_and_triggered_messages_go_out_before_accepted(clock: FakeClock) -> None:
    cp = make(clock)
    cs = FakeCentralSystem(cp, clock)
    cs.boot = ("Pending", 60)
    cp.connected()
    cs.pump()
    cp.handle_call("TriggerMessage", {"requestedMessage": "StatusNotification"})
    cp.handle_call("TriggerMessage", {"requestedMessage": "Heartbeat"})
    cp.handle_call("TriggerMessage", {"requestedMessage": "MeterValues", "connectorId": 1})
    cp.charge(1, "TAG")  # a driver arrives: Preparing and an Authorize would be due
    assert cp.connectors[1].status.value == "Preparing"
    # Section 4.2: while Pending, only what a TriggerMessage asked for goes out.
    assert sorted(set(actions(cs.run(59)))) == ["Heartbeat", "MeterValues", "StatusNotification"]
    cs.boot = ("Accepted", 300)
    sent = cs.run(1)
    before = [a for t, a, _ in cs.log if t < clock()]
    assert before[0] == "BootNotification"
    assert "Authorize" not in before and "StartTransaction" not in before
    assert actions(sent)[0] == "BootNotification"
    # once accepted the charge point says how it is and asks for the waiting tag
    assert statuses(sent)[:3] == [(0, "Available"), (1, "Preparing"), (2, "Available")]
    assert ("Authorize", {"idTag": "TAG"}) in sent
    assert "StartTransaction" in actions(sent)


def test_a_failed_boot_is_tried_again_later(clock: FakeClock) -> None:
    cp = make(clock)
    cs = FakeCentralSystem(cp, clock)
    cs.hold = {"BootNotification"}
    cp.connected()
    ((action, boot),) = cs.pump()
    cp.on_error(action, boot, InternalError("busy"))
    cs.hold = set()
    deadline = cp.next_deadline()
    assert deadline is not None and START < deadline <= START + timedelta(seconds=60)
    assert cs.run((deadline - START).total_seconds() - 1) == []
    assert actions(cs.run(1))[0] == "BootNotification"
    assert cp.registration_status == "Accepted"


def test_without_the_lifecycle_nothing_is_sent_unasked(clock: FakeClock) -> None:
    cp = ChargePointSim("CP1", now=clock, connectors=2)
    cs = FakeCentralSystem(cp, clock)
    cp.connected()
    assert cp.next_deadline() is None
    assert cs.run(24 * 3600) == []
    cp.disconnected()
    cp.connected()
    assert cs.run(3600) == []
    assert cp.boots == 0


# -- accepted: statuses and heartbeats ---------------------------------------------------------


def test_accepted_reports_every_connector_and_beats_at_the_given_interval(
    clock: FakeClock,
) -> None:
    cp = make(clock, connectors=3)
    cs = FakeCentralSystem(cp, clock)
    cs.boot = ("Accepted", 100)
    cp.connected()
    sent = cs.pump()
    assert actions(sent) == ["BootNotification"] + ["StatusNotification"] * 4
    assert [p for a, p in sent if a == "StatusNotification"] == [
        {
            "connectorId": n,
            "errorCode": "NoError",
            "status": "Available",
            "timestamp": format_timestamp(START),
        }
        for n in range(4)
    ]
    assert cp.heartbeat_interval == 100
    assert cp.configuration["HeartbeatInterval"] == "100"
    assert actions(cs.run(350)) == ["Heartbeat"] * 3
    assert cs.times("Heartbeat") == [100, 200, 300]


def test_change_configuration_of_the_heartbeat_interval_reschedules_it(clock: FakeClock) -> None:
    cs = booted(clock)  # heartbeat every 300 s
    cs.run(130)
    reply = cs.cp.handle_call("ChangeConfiguration", {"key": "HeartbeatInterval", "value": "40"})
    assert reply == {"status": "Accepted"}
    cs.run(100)
    assert cs.times("Heartbeat") == [170, 210]


def test_a_heartbeat_interval_of_zero_stops_the_heartbeat(clock: FakeClock) -> None:
    cs = booted(clock)
    cs.cp.handle_call("ChangeConfiguration", {"key": "HeartbeatInterval", "value": "0"})
    assert cs.run(3600) == []


def test_a_reconnect_sends_only_the_statuses_that_changed_offline(clock: FakeClock) -> None:
    cs = booted(clock, connectors=3)
    cp = cs.cp
    cs.run(100)
    cp.disconnected()
    cp.plug_in(2)  # Available -> Preparing while nobody listens
    cp.plug_in(3)
    cp.unplug(3)  # Preparing -> Available: back where the central system saw it
    assert cs.run(1000) == []  # offline: no heartbeat either
    cp.connected()
    sent = cs.pump()
    assert sent == [
        (
            "StatusNotification",
            {
                "connectorId": 2,
                "errorCode": "NoError",
                "status": "Preparing",
                "timestamp": format_timestamp(START + timedelta(seconds=1100)),
            },
        )
    ]
    assert cp.boots == 1
    cs.run(300)
    assert cs.times("Heartbeat") == [1400]  # counted from the reconnect


# -- reset and reboot --------------------------------------------------------------------------


def charging(cs: FakeCentralSystem, connector: int = 1) -> int:
    """Start a session on ``connector`` and return its transaction id."""
    cs.cp.charge(connector, f"TAG{connector}")
    cs.pump()
    tx = cs.cp.connectors[connector].transaction
    assert tx is not None and tx.transaction_id is not None
    return tx.transaction_id


def test_hard_reset_stops_transactions_and_reboots_at_once(clock: FakeClock) -> None:
    cs = booted(clock)
    cp = cs.cp
    tx1, tx2 = charging(cs, 1), charging(cs, 2)
    cs.run(60)
    cs.hold = {"StopTransaction"}  # the central system is slow to answer
    assert cp.handle_call("Reset", {"type": "Hard"}) == {"status": "Accepted"}
    sent = cs.pump()
    stops = [p for a, p in sent if a == "StopTransaction"]
    assert [(p["transactionId"], p["reason"]) for p in stops] == [(tx1, "HardReset")]
    assert cs.take_effects() == []
    cs.run(1)
    assert cs.take_effects() == [Reboot("Hard", 3.0)]
    assert [m.payload["reason"] for m in cp.tx_queue] == ["HardReset", "HardReset"]

    # the driver carries the reboot out
    cp.disconnected()
    cs.held.clear()
    clock.advance(seconds=3)
    cp.rebooted()
    assert cp.registration_status is None
    assert all(
        c.status.value == "Available" and c.transaction is None for c in cp.connectors.values()
    )
    cp.connected()
    cs.hold = set()
    sent = cs.pump()
    assert actions(sent)[0] == "BootNotification"
    stops = [(p["transactionId"], p["reason"]) for a, p in sent if a == "StopTransaction"]
    assert stops == [(tx1, "HardReset"), (tx2, "HardReset")]  # after the boot, in order
    assert sorted(statuses(sent)) == [(0, "Available"), (1, "Available"), (2, "Available")]
    assert cp.boots == 2
    assert len(cp.tx_queue) == 0


def test_soft_reset_waits_for_its_stops_to_be_delivered(clock: FakeClock) -> None:
    cs = booted(clock)
    cp = cs.cp
    tx = charging(cs)
    cs.hold = {"StopTransaction"}
    assert cp.handle_call("Reset", {"type": "Soft"}) == {"status": "Accepted"}
    sent = cs.run(3.5)
    assert [(p["transactionId"], p["reason"]) for a, p in sent if a == "StopTransaction"] == [
        (tx, "SoftReset")
    ]
    assert (1, "Finishing") in statuses(sent)
    assert cs.take_effects() == []
    cs.release()  # delivered at 3.5 s
    cs.run(0.4)
    assert cs.take_effects() == []
    cs.run(0.1)
    assert cs.take_effects() == [Reboot("Soft", 1.0)]


def test_soft_reset_reboots_after_ten_seconds_at_most(clock: FakeClock) -> None:
    cs = booted(clock)
    charging(cs)
    cs.hold = {"StopTransaction"}
    cs.cp.handle_call("Reset", {"type": "Soft"})
    cs.run(9.99)
    assert cs.take_effects() == []
    cs.run(0.01)
    assert cs.take_effects() == [Reboot("Soft", 1.0)]
    assert len(cs.cp.tx_queue) == 1  # still waiting: it goes after the reboot


def test_reset_without_the_lifecycle_stops_but_does_not_reboot(clock: FakeClock) -> None:
    cp = ChargePointSim("CP1", now=clock)
    cs = FakeCentralSystem(cp, clock)
    charging(cs)
    cp.handle_call("Reset", {"type": "Soft"})
    sent = cs.run(60)
    assert [p["reason"] for a, p in sent if a == "StopTransaction"] == ["SoftReset"]
    assert cs.take_effects() == []
    assert cp.reset_requested == "Soft"


# -- firmware ----------------------------------------------------------------------------------

LOCATION = "https://fw.example.com/builds/ocpptk-2.1.0.bin"


def test_update_firmware_waits_for_the_transaction_then_reboots_into_it(
    clock: FakeClock,
) -> None:
    cs = booted(clock, connectors=1)
    cp = cs.cp
    cp.charge(1, "TAG", duration_s=120)
    request = {"location": LOCATION, "retrieveDate": later(clock, 60), "retries": 0}
    assert cp.handle_call("UpdateFirmware", request) == {}
    assert firmware(cs.run(59)) == []
    assert cs.take_effects() == []
    assert firmware(cs.run(1)) == ["Downloading"]
    assert cs.take_effects() == [Download(LOCATION)]
    cs.run(5)
    cp.download_finished(4096, None)
    assert firmware(cs.pump()) == ["Downloaded"]

    cs.run(200)
    (stop_at,) = cs.times("StopTransaction")
    assert stop_at == 120
    notified = [
        ((t - START).total_seconds(), p["status"])
        for t, a, p in cs.log
        if a == "FirmwareStatusNotification"
    ]
    assert [status for _, status in notified] == [
        "Downloading",
        "Downloaded",
        "Installing",
        "Installed",
    ]
    installing, installed = notified[2][0], notified[3][0]
    assert notified[:2] == [(60, "Downloading"), (65, "Downloaded")]
    assert stop_at <= installing <= stop_at + 10  # not while the transaction ran
    assert installed == installing + 3
    assert cs.take_effects() == [Reboot("Firmware", 3.0)]
    assert cp.firmware_version == "ocpptk-2.1.0"

    cp.disconnected()
    clock.advance(seconds=3)
    cp.rebooted()
    cp.connected()
    sent = cs.pump()
    assert sent[0] == (
        "BootNotification",
        {
            "chargePointVendor": "ocpptk",
            "chargePointModel": "Simulator",
            "firmwareVersion": "ocpptk-2.1.0",
        },
    )
    assert cp.handle_call("TriggerMessage", {"requestedMessage": "FirmwareStatusNotification"})
    assert firmware(cs.pump()) == ["Idle"]


def test_a_download_that_keeps_failing_ends_in_download_failed(clock: FakeClock) -> None:
    cs = booted(clock, connectors=1)
    cp = cs.cp
    request = {
        "location": LOCATION,
        "retrieveDate": later(clock, 0),
        "retries": 2,
        "retryInterval": 20,
    }
    cp.handle_call("UpdateFirmware", request)
    assert firmware(cs.run(0)) == ["Downloading"]
    for attempt in range(3):
        assert cs.take_effects() == [Download(LOCATION)], attempt
        cs.run(1)
        cp.download_finished(0, "404 Not Found")
        if attempt < 2:  # two retries, 20 s after each failure
            assert firmware(cs.run(19)) == []
            assert firmware(cs.run(1)) == ["Downloading"]
    assert firmware(cs.pump()) == ["DownloadFailed"]
    assert cs.times("FirmwareStatusNotification") == [0, 21, 42, 43]
    cs.run(600)
    assert cs.take_effects() == []
    assert cp.firmware_version == "1.0.0"
    assert firmware([(a, p) for _, a, p in cs.log]).count("Downloading") == 3


# -- diagnostics -------------------------------------------------------------------------------

DIAGNOSTICS = "ftp://user:secret@diag.example.com/upload/"


def test_get_diagnostics_uploads_at_its_start_time(clock: FakeClock) -> None:
    cs = booted(clock, connectors=1)
    cp = cs.cp
    reply = cp.handle_call(
        "GetDiagnostics", {"location": DIAGNOSTICS, "startTime": later(clock, 120)}
    )
    assert_valid_response("GetDiagnostics", reply)
    name = reply["fileName"]
    assert name == "diagnostics-CP1-20261121T145454Z.log"
    assert diagnostics(cs.run(119)) == []
    assert cs.take_effects() == []
    assert diagnostics(cs.run(1)) == ["Uploading"]
    (upload,) = cs.take_effects()
    assert isinstance(upload, Upload)
    assert (upload.location, upload.file_name) == (DIAGNOSTICS, name)
    assert upload.content.startswith(b"ocpptk diagnostics of CP1 at 2026-11-21T14:56:54Z\n")
    cs.run(4)
    cp.upload_finished(None)
    assert diagnostics(cs.pump()) == ["Uploaded"]
    cp.handle_call("TriggerMessage", {"requestedMessage": "DiagnosticsStatusNotification"})
    assert diagnostics(cs.pump()) == ["Idle"]


def test_an_upload_that_keeps_failing_ends_in_upload_failed(clock: FakeClock) -> None:
    cs = booted(clock, connectors=1)
    cp = cs.cp
    cp.handle_call("GetDiagnostics", {"location": DIAGNOSTICS, "retries": 1, "retryInterval": 30})
    assert diagnostics(cs.run(0)) == ["Uploading"]
    assert len(cs.take_effects()) == 1
    cp.upload_finished("550 permission denied")
    assert diagnostics(cs.run(29)) == []
    assert diagnostics(cs.run(1)) == ["Uploading"]
    assert len(cs.take_effects()) == 1
    cp.upload_finished("550 permission denied")
    assert diagnostics(cs.pump()) == ["UploadFailed"]
    assert diagnostics(cs.run(600)) == []
    assert cs.take_effects() == []


# -- reservations, availability, triggers ------------------------------------------------------


def test_a_reservation_expires_by_timer(clock: FakeClock) -> None:
    cs = booted(clock)
    cp = cs.cp
    cs.run(10)
    expiry = START + timedelta(seconds=130)
    reply = cp.handle_call(
        "ReserveNow",
        {
            "connectorId": 1,
            "expiryDate": format_timestamp(expiry),
            "idTag": "RESERVED",
            "reservationId": 9,
        },
    )
    assert reply == {"status": "Accepted"}
    assert statuses(cs.pump()) == [(1, "Reserved")]
    assert statuses(cs.run(119)) == []
    sent = cs.run(1)
    assert sent == [
        (
            "StatusNotification",
            {
                "connectorId": 1,
                "errorCode": "NoError",
                "status": "Available",
                "timestamp": format_timestamp(expiry),
            },
        )
    ]
    assert cp.reservations == {}


def test_a_reservation_used_in_time_is_not_expired(clock: FakeClock) -> None:
    cs = booted(clock)
    cp = cs.cp
    cp.handle_call(
        "ReserveNow",
        {"connectorId": 2, "expiryDate": later(clock, 60), "idTag": "R", "reservationId": 4},
    )
    cs.run(10)
    cp.charge(2, "R")
    sent = cs.pump()
    (start,) = [p for a, p in sent if a == "StartTransaction"]
    assert start["reservationId"] == 4
    assert statuses(sent) == [(2, "Preparing"), (2, "Charging")]
    assert statuses(cs.run(120)) == []
    assert cp.connectors[2].status.value == "Charging"


def test_change_availability_during_a_transaction_is_applied_after_the_stop(
    clock: FakeClock,
) -> None:
    cs = booted(clock)
    cp = cs.cp
    tx = charging(cs)
    reply = cp.handle_call("ChangeAvailability", {"connectorId": 1, "type": "Inoperative"})
    assert reply == {"status": "Scheduled"}
    assert statuses(cs.run(60)) == []
    assert cp.connectors[1].status.value == "Charging"
    assert cp.handle_call("RemoteStopTransaction", {"transactionId": tx}) == {"status": "Accepted"}
    sent = cs.pump()
    assert [(p["transactionId"], p["reason"]) for a, p in sent if a == "StopTransaction"] == [
        (tx, "Remote")
    ]
    assert statuses(sent) == [(1, "Finishing"), (1, "Unavailable")]
    assert statuses(cs.run(60)) == []  # the driver unplugs: it stays Unavailable
    assert cp.connectors[1].status.value == "Unavailable"
    assert cp.handle_call("RemoteStartTransaction", {"idTag": "X", "connectorId": 1}) == {
        "status": "Rejected"
    }
    cp.handle_call("ChangeAvailability", {"connectorId": 1, "type": "Operative"})
    assert statuses(cs.pump()) == [(1, "Available")]


@pytest.mark.parametrize(
    ("requested", "connector", "expected"),
    [
        ("Heartbeat", None, [("Heartbeat", {})]),
        (
            "StatusNotification",
            2,
            [
                (
                    "StatusNotification",
                    {
                        "connectorId": 2,
                        "errorCode": "NoError",
                        "status": "Available",
                        "timestamp": "2026-11-21T14:55:54Z",
                    },
                )
            ],
        ),
        ("FirmwareStatusNotification", None, [("FirmwareStatusNotification", {"status": "Idle"})]),
        (
            "DiagnosticsStatusNotification",
            None,
            [("DiagnosticsStatusNotification", {"status": "Idle"})],
        ),
    ],
)
def test_trigger_message_sends_the_requested_message(
    clock: FakeClock, requested: str, connector: int | None, expected: Sent
) -> None:
    cs = booted(clock)
    cs.run(60)
    request: Payload = {"requestedMessage": requested}
    if connector is not None:
        request["connectorId"] = connector
    assert cs.cp.handle_call("TriggerMessage", request) == {"status": "Accepted"}
    assert cs.pump() == expected


def test_trigger_boot_and_meter_values(clock: FakeClock) -> None:
    cs = booted(clock)
    cp = cs.cp
    tx = charging(cs)
    cs.run(30)
    cp.handle_call("TriggerMessage", {"requestedMessage": "MeterValues", "connectorId": 1})
    ((action, payload),) = cs.pump()
    assert action == "MeterValues"
    assert payload["connectorId"] == 1 and payload["transactionId"] == tx
    (reading,) = payload["meterValue"]
    assert reading["timestamp"] == format_timestamp(START + timedelta(seconds=30))
    assert [s["context"] for s in reading["sampledValue"]] == ["Trigger"]
    assert int(reading["sampledValue"][0]["value"]) == cp.connectors[1].meter_wh > 0

    cp.handle_call("TriggerMessage", {"requestedMessage": "BootNotification"})
    assert actions(cs.pump())[0] == "BootNotification"
    assert cp.registration_status == "Accepted"

"""Our ChargePoint against a central system built on the mobilityhouse ``ocpp`` library (2.1.0).

Their side: an ``ocpp.v16.ChargePoint`` subclass (their name for the CS's view of one charge
point) with an ``@on`` handler for every CP -> CS action, served with plain ``websockets`` on
127.0.0.1:0 with subprotocol ocpp1.6. Their schema validation stays on. Their quirks, as read
in their source: payload keys reach handlers in snake_case and handlers answer with
``call_result.<Action>`` dataclasses (2.x names, no ``Payload`` suffix), converted back to
camelCase; a CALLERROR is returned as None by ``call()`` unless ``suppress=False``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from ocpp.charge_point import camel_to_snake_case
from ocpp.v16 import call, call_result, datatypes
from ocpp.v16.enums import (
    AvailabilityType,
    ChargingProfileKindType,
    ChargingProfilePurposeType,
    ChargingRateUnitType,
    MessageTrigger,
    ResetType,
    UpdateType,
)

from ocpptk.spec.catalog import Role, Version, actions
from ocpptk.transport.charge_point import ChargePoint
from tests.conftest import CapturedLog, wait_until
from tests.interop.conftest import OurTrouble, TheirLog, assert_no_trouble, timestamp
from tests.interop.their_cs import ACCEPTED, TheirCentralSystem, their_server


@dataclass
class Link:
    """Our charge point and their central system's view of it."""

    ours: ChargePoint
    theirs: TheirCentralSystem
    our_log: CapturedLog
    their_log: TheirLog
    our_trouble: OurTrouble
    paths: list[str] = field(default_factory=list)

    async def settled(self) -> None:
        """Wait until what our charge point sends on its own was answered."""
        await wait_until(lambda: self.ours.idle)

    def assert_clean(self) -> None:
        assert_no_trouble(self.their_log, self.our_trouble, self.our_log)


@pytest.fixture
async def link(
    captured_log: Callable[[str], CapturedLog], their_log: TheirLog, our_trouble: OurTrouble
) -> AsyncIterator[Link]:
    our_log = captured_log("cp")
    async with their_server(their_log) as server:
        url = f"ws://127.0.0.1:{server.port}/steve/websocket"
        async with ChargePoint(url, "CP001", log=our_log.log) as ours:
            assert ours.link is not None
            ours.link.event_listeners.append(our_trouble)
            theirs = await server.connected()
            yield Link(ours, theirs, our_log, their_log, our_trouble, server.paths)


# -- our charge point calls them -------------------------------------------------------------

CP_ACTIONS = [a.name for a in actions(Version.V16).values() if Role.CHARGE_POINT.may_send(a)]


async def test_they_see_our_path_and_subprotocol(link: Link) -> None:
    assert link.paths == ["/steve/websocket/CP001"]
    assert link.theirs.id == "CP001"
    assert link.ours.link is not None and link.ours.link.subprotocol == "ocpp1.6"


@pytest.mark.parametrize("action", CP_ACTIONS)
async def test_our_default_request_passes_their_validation(link: Link, action: str) -> None:
    expected = link.ours.request(action)
    result = await link.ours.call(action)
    [payload] = link.theirs.got(action)
    [sent] = [f[3] for f in link.our_log.frames() if f[0] == 2 and f[2] == action]
    assert set(sent) == set(expected)  # our default request, fields as built
    assert payload == camel_to_snake_case(sent)  # reached their handler whole
    assert isinstance(result, dict)
    await link.settled()
    link.assert_clean()


async def test_every_charge_point_action_in_order(link: Link) -> None:
    ours, theirs = link.ours, link.theirs
    boot = await ours.call("BootNotification", firmwareVersion="1.2.3")
    assert boot["status"] == "Accepted" and boot["interval"] == 120
    assert ours.sim.heartbeat_interval == 120
    assert theirs.got("BootNotification") == [
        {
            "charge_point_vendor": "ocpptk",
            "charge_point_model": "Simulator",
            "firmware_version": "1.2.3",
        }
    ]
    assert set(await ours.call("Heartbeat")) == {"currentTime"}
    assert await ours.call("Authorize", idTag="TAG42") == {"idTagInfo": {"status": "Accepted"}}
    assert await ours.call("StatusNotification", status="Preparing") == {}
    assert await ours.call("DataTransfer", vendorId="their.vendor", data='{"camelCase": 1}') == {
        "status": "Accepted",
        "data": "theirs",
    }
    # Free-form data reaches them as it was: their key conversion does not reach into strings.
    assert theirs.got("DataTransfer")[0]["data"] == '{"camelCase": 1}'
    assert await ours.call("DiagnosticsStatusNotification", status="Uploading") == {}
    assert await ours.call("FirmwareStatusNotification", status="Installed") == {}

    started = await ours.call("StartTransaction", meterStart=10)
    assert started == {"transactionId": 1001, "idTagInfo": {"status": "Accepted"}}
    await link.settled()
    assert ours.sim.open_transactions()[0].transaction_id == 1001
    assert await ours.call("MeterValues") == {}
    assert theirs.got("MeterValues")[-1]["transaction_id"] == 1001
    sampled = theirs.got("MeterValues")[-1]["meter_value"][0]["sampled_value"][0]
    assert sampled["measurand"] == "Energy.Active.Import.Register"
    assert await ours.call("StopTransaction") == {"idTagInfo": {"status": "Accepted"}}
    assert theirs.got("StopTransaction")[-1]["transaction_id"] == 1001
    second = await ours.call("StartTransaction")
    assert second["transactionId"] == 1002
    await link.settled()
    assert {name for name, _ in theirs.received} == set(CP_ACTIONS)
    link.assert_clean()


# -- their central system calls us -------------------------------------------------------------


def their_requests(transaction_id: int = 1) -> dict[str, Any]:
    """A valid ``call.<Action>`` for every CS -> CP action, built as their users build them."""
    later = timestamp(timedelta(hours=1))
    profile = datatypes.ChargingProfile(
        charging_profile_id=5,
        stack_level=1,
        charging_profile_purpose=ChargingProfilePurposeType.tx_default_profile,
        charging_profile_kind=ChargingProfileKindType.relative,
        charging_schedule=datatypes.ChargingSchedule(
            charging_rate_unit=ChargingRateUnitType.amps,
            charging_schedule_period=[
                datatypes.ChargingSchedulePeriod(start_period=0, limit=16.0),
                datatypes.ChargingSchedulePeriod(start_period=1800, limit=10.5, number_phases=3),
            ],
            min_charging_rate=6.1,
        ),
    )
    return {
        "CancelReservation": call.CancelReservation(reservation_id=1),
        "ChangeAvailability": call.ChangeAvailability(
            connector_id=1, type=AvailabilityType.operative
        ),
        "ChangeConfiguration": call.ChangeConfiguration(key="HeartbeatInterval", value="60"),
        "ClearCache": call.ClearCache(),
        "ClearChargingProfile": call.ClearChargingProfile(id=99),
        "DataTransfer": call.DataTransfer(vendor_id="ocpptk", message_id="m1", data='{"k":1}'),
        "GetCompositeSchedule": call.GetCompositeSchedule(
            connector_id=0, duration=3600, charging_rate_unit=ChargingRateUnitType.amps
        ),
        "GetConfiguration": call.GetConfiguration(key=["HeartbeatInterval", "NoSuchKey"]),
        "GetDiagnostics": call.GetDiagnostics(
            location="ftp://diagnostics.example.com/", retries=1, retry_interval=30
        ),
        "GetLocalListVersion": call.GetLocalListVersion(),
        "RemoteStartTransaction": call.RemoteStartTransaction(id_tag="THEIRTAG", connector_id=1),
        "RemoteStopTransaction": call.RemoteStopTransaction(transaction_id=transaction_id),
        "ReserveNow": call.ReserveNow(
            connector_id=1, expiry_date=later, id_tag="THEIRTAG", reservation_id=7
        ),
        "Reset": call.Reset(type=ResetType.soft),
        "SendLocalList": call.SendLocalList(
            list_version=3,
            update_type=UpdateType.full,
            local_authorization_list=[
                datatypes.AuthorizationData(id_tag="THEIRTAG", id_tag_info=ACCEPTED)
            ],
        ),
        "SetChargingProfile": call.SetChargingProfile(connector_id=0, cs_charging_profiles=profile),
        "TriggerMessage": call.TriggerMessage(
            requested_message=MessageTrigger.status_notification, connector_id=1
        ),
        "UnlockConnector": call.UnlockConnector(connector_id=1),
        "UpdateFirmware": call.UpdateFirmware(
            location="https://firmware.example.com/fw.bin", retrieve_date=later
        ),
    }


CS_ACTIONS = [a.name for a in actions(Version.V16).values() if Role.CENTRAL_SYSTEM.may_send(a)]

# What our simulator answers a fresh charge point (status, or the fields of the answer).
FRESH_ANSWERS: dict[str, Any] = {
    "CancelReservation": "Rejected",
    "ChangeAvailability": "Accepted",
    "ChangeConfiguration": "Accepted",
    "ClearCache": "Accepted",
    "ClearChargingProfile": "Unknown",
    "DataTransfer": "UnknownVendorId",
    "GetCompositeSchedule": "Rejected",
    "GetConfiguration": {"configuration_key", "unknown_key"},
    "GetDiagnostics": {"file_name"},
    "GetLocalListVersion": {"list_version"},
    "RemoteStartTransaction": "Accepted",
    "RemoteStopTransaction": "Rejected",
    "ReserveNow": "Accepted",
    "Reset": "Accepted",
    "SendLocalList": "Accepted",
    "SetChargingProfile": "Accepted",
    "TriggerMessage": "Accepted",
    "UnlockConnector": "Unlocked",
    "UpdateFirmware": set(),
}


def test_their_requests_cover_every_central_system_action() -> None:
    assert set(their_requests()) == set(CS_ACTIONS) == set(FRESH_ANSWERS)
    assert len(CS_ACTIONS) == 19


@pytest.mark.parametrize("action", CS_ACTIONS)
async def test_their_request_is_answered_validly(link: Link, action: str) -> None:
    request = their_requests()[action]
    result = await link.theirs.call(request, suppress=False)  # raises on CALLERROR or invalid
    assert type(result) is getattr(call_result, action)
    expected = FRESH_ANSWERS[action]
    if isinstance(expected, str):
        assert result.status == expected
    else:
        assert {name for name, value in vars(result).items() if value is not None} == expected
    await link.settled()
    link.assert_clean()


async def test_every_central_system_action_in_order(link: Link) -> None:
    ours, theirs = link.ours, link.theirs
    requests = their_requests()

    async def send(action: str, request: Any = None) -> Any:
        result = await theirs.call(request or requests[action], suppress=False)
        assert type(result) is getattr(call_result, action)
        return result

    await ours.call("BootNotification")
    assert (await send("ChangeConfiguration")).status == "Accepted"
    assert ours.sim.heartbeat_interval == 60
    config = await send("GetConfiguration")
    assert config.configuration_key == [
        {"key": "HeartbeatInterval", "readonly": False, "value": "60"}
    ]
    assert config.unknown_key == ["NoSuchKey"]

    ours.sim.register_vendor(
        "ocpptk", lambda message_id, data: ("Accepted", f"{message_id}:{data}")
    )
    transfer = await send("DataTransfer")
    assert (transfer.status, transfer.data) == ("Accepted", 'm1:{"k":1}')

    assert (await send("SendLocalList")).status == "Accepted"
    assert (await send("GetLocalListVersion")).list_version == 3
    assert (await send("SetChargingProfile")).status == "Accepted"
    [stored] = ours.sim.charging_profiles
    assert stored.connector_id == 0
    assert stored.profile["chargingSchedule"]["minChargingRate"] == pytest.approx(6.1)
    schedule = await send("GetCompositeSchedule")
    assert schedule.status == "Accepted"
    assert [
        period["limit"] for period in schedule.charging_schedule["charging_schedule_period"]
    ] == [
        16,
        10.5,
    ]

    assert (await send("ReserveNow")).status == "Accepted"
    assert (await send("CancelReservation", call.CancelReservation(reservation_id=7))).status == (
        "Accepted"
    )

    # Remote start: our charge point starts the transaction and they number it.
    assert (await send("RemoteStartTransaction")).status == "Accepted"
    await wait_until(lambda: bool(theirs.got("StartTransaction")))
    await link.settled()
    [started] = theirs.got("StartTransaction")
    assert started["id_tag"] == "THEIRTAG"
    [transaction] = ours.sim.open_transactions()
    assert transaction.transaction_id == 1001
    stop = their_requests(transaction_id=1001)["RemoteStopTransaction"]
    assert (await send("RemoteStopTransaction", stop)).status == "Accepted"
    await wait_until(lambda: bool(theirs.got("StopTransaction")))
    assert theirs.got("StopTransaction")[0]["reason"] == "Remote"

    assert (await send("TriggerMessage")).status == "Accepted"
    await wait_until(lambda: len(theirs.got("StatusNotification")) >= 1)
    for action in (
        "ChangeAvailability",
        "ClearCache",
        "ClearChargingProfile",
        "GetDiagnostics",
        "Reset",
        "UnlockConnector",
        "UpdateFirmware",
    ):
        await send(action)
    assert ours.sim.reset_requested == "Soft"
    await link.settled()
    link.assert_clean()

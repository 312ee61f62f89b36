"""A charge point built on the mobilityhouse ``ocpp`` library (2.1.0) against our CentralSystem.

Their side: an ``ocpp.v16.ChargePoint`` subclass with an ``@on`` handler for every CS -> CP
action answering with valid ``call_result.<Action>`` objects, on a plain ``websockets`` client
offering ocpp1.6. Their schema validation stays on, for what they send and what they receive.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from ocpp.charge_point import camel_to_snake_case
from ocpp.routing import on
from ocpp.v16 import ChargePoint as TheirChargePointBase
from ocpp.v16 import call, call_result, datatypes
from ocpp.v16.enums import (
    Action,
    AvailabilityStatus,
    CancelReservationStatus,
    ChargePointErrorCode,
    ChargePointStatus,
    ChargingProfileStatus,
    ChargingRateUnitType,
    ClearCacheStatus,
    ClearChargingProfileStatus,
    ConfigurationStatus,
    DataTransferStatus,
    DiagnosticsStatus,
    FirmwareStatus,
    GetCompositeScheduleStatus,
    Measurand,
    ReadingContext,
    Reason,
    RemoteStartStopStatus,
    ReservationStatus,
    ResetStatus,
    TriggerMessageStatus,
    UnitOfMeasure,
    UnlockStatus,
    UpdateStatus,
)
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from ocpptk.spec.catalog import Role, Version, actions
from ocpptk.transport.central_system import CentralSystem
from tests.conftest import PATIENCE, CapturedLog, wait_until
from tests.interop.conftest import (
    OurTrouble,
    TheirLog,
    assert_no_trouble,
    plain,
    timestamp,
)

CP_ID = "THEIRS01"
CS_ACTIONS = [a.name for a in actions(Version.V16).values() if Role.CENTRAL_SYSTEM.may_send(a)]
CP_ACTIONS = [a.name for a in actions(Version.V16).values() if Role.CHARGE_POINT.may_send(a)]


class TheirChargePoint(TheirChargePointBase):
    """A charge point as their users write one: a handler per CS -> CP action."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.received: list[tuple[str, dict[str, Any]]] = []

    def _got(self, action: str, payload: dict[str, Any]) -> None:
        self.received.append((action, plain(payload)))

    def got(self, action: str) -> list[dict[str, Any]]:
        return [payload for name, payload in self.received if name == action]

    @on(Action.cancel_reservation)
    def on_cancel_reservation(self, **payload: Any) -> Any:
        self._got("CancelReservation", payload)
        return call_result.CancelReservation(status=CancelReservationStatus.accepted)

    @on(Action.change_availability)
    def on_change_availability(self, **payload: Any) -> Any:
        self._got("ChangeAvailability", payload)
        return call_result.ChangeAvailability(status=AvailabilityStatus.scheduled)

    @on(Action.change_configuration)
    def on_change_configuration(self, **payload: Any) -> Any:
        self._got("ChangeConfiguration", payload)
        return call_result.ChangeConfiguration(status=ConfigurationStatus.reboot_required)

    @on(Action.clear_cache)
    def on_clear_cache(self, **payload: Any) -> Any:
        self._got("ClearCache", payload)
        return call_result.ClearCache(status=ClearCacheStatus.accepted)

    @on(Action.clear_charging_profile)
    def on_clear_charging_profile(self, **payload: Any) -> Any:
        self._got("ClearChargingProfile", payload)
        return call_result.ClearChargingProfile(status=ClearChargingProfileStatus.accepted)

    @on(Action.data_transfer)
    def on_data_transfer(self, **payload: Any) -> Any:
        self._got("DataTransfer", payload)
        return call_result.DataTransfer(status=DataTransferStatus.accepted, data="from-theirs")

    @on(Action.get_composite_schedule)
    def on_get_composite_schedule(self, **payload: Any) -> Any:
        self._got("GetCompositeSchedule", payload)
        return call_result.GetCompositeSchedule(
            status=GetCompositeScheduleStatus.accepted,
            connector_id=payload["connector_id"],
            schedule_start=timestamp(),
            charging_schedule=datatypes.ChargingSchedule(
                charging_rate_unit=ChargingRateUnitType.amps,
                charging_schedule_period=[
                    datatypes.ChargingSchedulePeriod(start_period=0, limit=16.0),
                    datatypes.ChargingSchedulePeriod(start_period=600, limit=8.5),
                ],
                duration=payload["duration"],
            ),
        )

    @on(Action.get_configuration)
    def on_get_configuration(self, **payload: Any) -> Any:
        self._got("GetConfiguration", payload)
        known = {"HeartbeatInterval": "300", "NumberOfConnectors": "2"}
        wanted = payload.get("key") or list(known)
        return call_result.GetConfiguration(
            configuration_key=[
                datatypes.KeyValue(key=key, readonly=key == "NumberOfConnectors", value=known[key])
                for key in wanted
                if key in known
            ],
            unknown_key=[key for key in wanted if key not in known] or None,
        )

    @on(Action.get_diagnostics)
    def on_get_diagnostics(self, **payload: Any) -> Any:
        self._got("GetDiagnostics", payload)
        return call_result.GetDiagnostics(file_name="diagnostics.zip")

    @on(Action.get_local_list_version)
    def on_get_local_list_version(self, **payload: Any) -> Any:
        self._got("GetLocalListVersion", payload)
        return call_result.GetLocalListVersion(list_version=4)

    @on(Action.remote_start_transaction)
    def on_remote_start_transaction(self, **payload: Any) -> Any:
        self._got("RemoteStartTransaction", payload)
        return call_result.RemoteStartTransaction(status=RemoteStartStopStatus.accepted)

    @on(Action.remote_stop_transaction)
    def on_remote_stop_transaction(self, **payload: Any) -> Any:
        self._got("RemoteStopTransaction", payload)
        return call_result.RemoteStopTransaction(status=RemoteStartStopStatus.accepted)

    @on(Action.reserve_now)
    def on_reserve_now(self, **payload: Any) -> Any:
        self._got("ReserveNow", payload)
        return call_result.ReserveNow(status=ReservationStatus.accepted)

    @on(Action.reset)
    def on_reset(self, **payload: Any) -> Any:
        self._got("Reset", payload)
        return call_result.Reset(status=ResetStatus.accepted)

    @on(Action.send_local_list)
    def on_send_local_list(self, **payload: Any) -> Any:
        self._got("SendLocalList", payload)
        return call_result.SendLocalList(status=UpdateStatus.accepted)

    @on(Action.set_charging_profile)
    def on_set_charging_profile(self, **payload: Any) -> Any:
        self._got("SetChargingProfile", payload)
        return call_result.SetChargingProfile(status=ChargingProfileStatus.accepted)

    @on(Action.trigger_message)
    def on_trigger_message(self, **payload: Any) -> Any:
        self._got("TriggerMessage", payload)
        return call_result.TriggerMessage(status=TriggerMessageStatus.accepted)

    @on(Action.unlock_connector)
    def on_unlock_connector(self, **payload: Any) -> Any:
        self._got("UnlockConnector", payload)
        return call_result.UnlockConnector(status=UnlockStatus.unlocked)

    @on(Action.update_firmware)
    async def on_update_firmware(self, **payload: Any) -> Any:
        self._got("UpdateFirmware", payload)
        return call_result.UpdateFirmware()


# What their handlers answer, as our CentralSystem.call returns it.
THEIR_ANSWERS: dict[str, dict[str, Any]] = {
    "CancelReservation": {"status": "Accepted"},
    "ChangeAvailability": {"status": "Scheduled"},
    "ChangeConfiguration": {"status": "RebootRequired"},
    "ClearCache": {"status": "Accepted"},
    "ClearChargingProfile": {"status": "Accepted"},
    "DataTransfer": {"status": "Accepted", "data": "from-theirs"},
    "GetDiagnostics": {"fileName": "diagnostics.zip"},
    "GetLocalListVersion": {"listVersion": 4},
    "RemoteStartTransaction": {"status": "Accepted"},
    "RemoteStopTransaction": {"status": "Accepted"},
    "ReserveNow": {"status": "Accepted"},
    "Reset": {"status": "Accepted"},
    "SendLocalList": {"status": "Accepted"},
    "SetChargingProfile": {"status": "Accepted"},
    "TriggerMessage": {"status": "Accepted"},
    "UnlockConnector": {"status": "Unlocked"},
    "UpdateFirmware": {},
}


@dataclass
class Link:
    cs: CentralSystem
    theirs: TheirChargePoint
    our_log: CapturedLog
    their_log: TheirLog
    our_trouble: OurTrouble

    @property
    def state(self) -> Any:
        return self.cs.sim.charge_points[CP_ID]

    async def send(self, request: Any) -> Any:
        """Their CALL; their ``call()`` raises on a CALLERROR or a result failing their schema."""
        result = await self.theirs.call(request, suppress=False)
        assert type(result) is getattr(call_result, type(request).__name__)
        return result

    def assert_clean(self) -> None:
        assert_no_trouble(self.their_log, self.our_trouble, self.our_log)


@pytest.fixture
async def link(
    captured_log: Callable[[str], CapturedLog], their_log: TheirLog, our_trouble: OurTrouble
) -> AsyncIterator[Link]:
    our_log = captured_log("cs")
    async with (
        CentralSystem(endpoint="/ocpp", log=our_log.log) as cs,
        connect(cs.url + CP_ID, subprotocols=["ocpp1.6"]) as websocket,  # type: ignore[list-item]
    ):
        assert websocket.subprotocol == "ocpp1.6"
        theirs = TheirChargePoint(
            CP_ID, websocket, response_timeout=PATIENCE, logger=their_log.logger
        )
        reader = asyncio.get_running_loop().create_task(theirs.start())
        ours = await cs.wait_for_charge_point(CP_ID)
        ours.event_listeners.append(our_trouble)
        try:
            yield Link(cs, theirs, our_log, their_log, our_trouble)
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                await reader


# -- their charge point calls us ------------------------------------------------------------


def their_requests(transaction_id: int = 1) -> dict[str, Any]:
    """A valid ``call.<Action>`` for every CP -> CS action, as their users build them."""
    now = timestamp()
    return {
        "Authorize": call.Authorize(id_tag="THEIRTAG"),
        "BootNotification": call.BootNotification(
            charge_point_model="Wallbox-22",
            charge_point_vendor="MobilityHouse",
            charge_point_serial_number="MH-0001",
            firmware_version="2.1.0",
        ),
        "DataTransfer": call.DataTransfer(
            vendor_id="com.mobilityhouse", message_id="hello", data='{"someKey": 1}'
        ),
        "DiagnosticsStatusNotification": call.DiagnosticsStatusNotification(
            status=DiagnosticsStatus.uploaded
        ),
        "FirmwareStatusNotification": call.FirmwareStatusNotification(
            status=FirmwareStatus.downloaded
        ),
        "Heartbeat": call.Heartbeat(),
        "MeterValues": call.MeterValues(
            connector_id=1,
            transaction_id=transaction_id,
            meter_value=[
                datatypes.MeterValue(
                    timestamp=now,
                    sampled_value=[
                        datatypes.SampledValue(
                            value="1200",
                            context=ReadingContext.sample_periodic,
                            measurand=Measurand.energy_active_import_register,
                            unit=UnitOfMeasure.wh,
                        )
                    ],
                )
            ],
        ),
        "StartTransaction": call.StartTransaction(
            connector_id=1, id_tag="THEIRTAG", meter_start=0, timestamp=now
        ),
        "StatusNotification": call.StatusNotification(
            connector_id=1,
            error_code=ChargePointErrorCode.no_error,
            status=ChargePointStatus.available,
            timestamp=now,
            info="ready",
        ),
        "StopTransaction": call.StopTransaction(
            meter_stop=2400,
            timestamp=now,
            transaction_id=transaction_id,
            reason=Reason.local,
            id_tag="THEIRTAG",
        ),
    }


def test_the_requests_cover_every_action() -> None:
    assert set(their_requests()) == set(CP_ACTIONS)
    assert set(THEIR_ANSWERS) | {"GetCompositeSchedule", "GetConfiguration"} == set(CS_ACTIONS)


@pytest.mark.parametrize("action", CP_ACTIONS)
async def test_their_request_is_answered_validly(link: Link, action: str) -> None:
    await link.send(their_requests()[action])
    link.assert_clean()


async def test_every_charge_point_action_in_order(link: Link) -> None:
    requests = their_requests()
    boot = await link.send(requests["BootNotification"])
    assert (boot.status, boot.interval) == ("Accepted", 300)
    assert link.state.boot.vendor == "MobilityHouse"
    assert link.state.boot.serial_number == "MH-0001"
    assert link.state.boot.firmware_version == "2.1.0"

    link.cs.sim.register_vendor("com.mobilityhouse", lambda m, data: ("Accepted", data))
    transfer = await link.send(requests["DataTransfer"])
    assert (transfer.status, transfer.data) == ("Accepted", '{"someKey": 1}')

    authorized = await link.send(requests["Authorize"])
    assert authorized.id_tag_info == {"status": "Accepted"}
    assert (await link.send(requests["Heartbeat"])).current_time
    await link.send(requests["StatusNotification"])
    assert link.state.connectors[1].status == "Available"
    assert link.state.connectors[1].info == "ready"
    await link.send(requests["DiagnosticsStatusNotification"])
    await link.send(requests["FirmwareStatusNotification"])
    assert (link.state.diagnostics_status, link.state.firmware_status) == (
        "Uploaded",
        "Downloaded",
    )

    started = await link.send(requests["StartTransaction"])
    assert started.id_tag_info == {"status": "Accepted"}
    transaction_id = started.transaction_id
    later = their_requests(transaction_id)
    await link.send(later["MeterValues"])
    assert link.state.open_transactions[transaction_id].last_meter_wh == 1200
    stopped = await link.send(later["StopTransaction"])
    assert stopped.id_tag_info == {"status": "Accepted"}
    [closed] = link.state.closed_transactions
    assert (closed.transaction_id, closed.energy_wh, closed.stop_reason) == (
        transaction_id,
        2400,
        "Local",
    )
    again = await link.send(requests["StartTransaction"])
    assert again.transaction_id > transaction_id
    link.assert_clean()


# -- our central system calls them ------------------------------------------------------------


@pytest.mark.parametrize("action", CS_ACTIONS)
async def test_our_default_request_passes_their_validation(link: Link, action: str) -> None:
    result = await link.cs.call(CP_ID, action)
    [payload] = link.theirs.got(action)
    [sent] = [f[3] for f in link.our_log.frames() if f[0] == 2 and f[2] == action]
    assert payload == camel_to_snake_case(sent)  # our default request reached them whole
    if action in THEIR_ANSWERS:
        assert result == THEIR_ANSWERS[action]
    elif action == "GetConfiguration":
        assert [kv["key"] for kv in result["configurationKey"]] == [
            "HeartbeatInterval",
            "NumberOfConnectors",
        ]
    else:
        assert result["status"] == "Accepted"
        assert result["chargingSchedule"]["chargingRateUnit"] == "A"
    link.assert_clean()


async def test_every_central_system_action_in_order(link: Link) -> None:
    cs, theirs = link.cs, link.theirs
    await link.send(their_requests()["BootNotification"])
    await link.send(their_requests()["StatusNotification"])

    config = await cs.call(CP_ID, "GetConfiguration", key=["HeartbeatInterval", "Nope"])
    assert config == {
        "configurationKey": [{"key": "HeartbeatInterval", "readonly": False, "value": "300"}],
        "unknownKey": ["Nope"],
    }
    assert link.state.configuration["HeartbeatInterval"]["value"] == "300"
    everything = await cs.call(CP_ID, "GetConfiguration")
    assert [kv["key"] for kv in everything["configurationKey"]] == [
        "HeartbeatInterval",
        "NumberOfConnectors",
    ]
    assert await cs.call(CP_ID, "ChangeConfiguration", key="HeartbeatInterval", value="60") == {
        "status": "RebootRequired"
    }
    assert theirs.got("ChangeConfiguration") == [{"key": "HeartbeatInterval", "value": "60"}]

    assert await cs.call(CP_ID, "RemoteStartTransaction", idTag="REMOTE1") == {"status": "Accepted"}
    assert theirs.got("RemoteStartTransaction") == [{"id_tag": "REMOTE1", "connector_id": 1}]
    started = await link.send(
        call.StartTransaction(
            connector_id=1, id_tag="REMOTE1", meter_start=5, timestamp=timestamp()
        )
    )
    # Our default RemoteStop names the transaction they started.
    assert await cs.call(CP_ID, "RemoteStopTransaction") == {"status": "Accepted"}
    assert theirs.got("RemoteStopTransaction") == [{"transaction_id": started.transaction_id}]

    assert await cs.call(CP_ID, "SetChargingProfile") == {"status": "Accepted"}
    [profile_request] = theirs.got("SetChargingProfile")
    profile = profile_request["cs_charging_profiles"]
    assert profile["transaction_id"] == started.transaction_id
    period = profile["charging_schedule"]["charging_schedule_period"][0]
    assert period["limit"] == Decimal("16")  # their validation parses 1.6 decimals as Decimal

    schedule = await cs.call(CP_ID, "GetCompositeSchedule", duration=1200)
    assert schedule["status"] == "Accepted"
    assert [p["limit"] for p in schedule["chargingSchedule"]["chargingSchedulePeriod"]] == [
        16.0,
        8.5,
    ]
    assert schedule["chargingSchedule"]["duration"] == 1200

    assert await cs.call(CP_ID, "ReserveNow") == {"status": "Accepted"}
    [reservation] = theirs.got("ReserveNow")
    assert await cs.call(CP_ID, "CancelReservation") == {"status": "Accepted"}
    assert theirs.got("CancelReservation") == [{"reservation_id": reservation["reservation_id"]}]
    assert await cs.call(CP_ID, "SendLocalList") == {"status": "Accepted"}
    assert await cs.call(CP_ID, "GetLocalListVersion") == {"listVersion": 4}
    assert await cs.call(CP_ID, "DataTransfer", vendorId="X", data="[1,2]") == {
        "status": "Accepted",
        "data": "from-theirs",
    }
    assert theirs.got("DataTransfer") == [{"vendor_id": "X", "data": "[1,2]"}]
    for action in (
        "ChangeAvailability",
        "ClearCache",
        "ClearChargingProfile",
        "GetDiagnostics",
        "Reset",
        "TriggerMessage",
        "UnlockConnector",
        "UpdateFirmware",
    ):
        assert await cs.call(CP_ID, action) == THEIR_ANSWERS[action]
    assert {name for name, _ in theirs.received} == set(CS_ACTIONS)
    await wait_until(lambda: link.cs.link(CP_ID).connection.in_flight is None)
    link.assert_clean()

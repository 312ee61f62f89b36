"""Our ChargePoint against our CentralSystem over a real socket: every OCPP 1.6 action.

Each side keeps its own JSON-lines frame log; every test ends by reading both and finding no
validation problem, no CALLERROR and no refused or malformed frame.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from ocpptk.sim.clock import parse_timestamp
from ocpptk.spec.catalog import Role, Version, actions
from ocpptk.transport.central_system import CentralSystem
from ocpptk.transport.charge_point import ChargePoint
from tests.conftest import PATIENCE, wait_until
from tests.transport.conftest import Pair

V16 = Version.V16
CP_ACTIONS = [a.name for a in actions(V16).values() if Role.CHARGE_POINT.may_send(a)]
CS_ACTIONS = [a.name for a in actions(V16).values() if Role.CENTRAL_SYSTEM.may_send(a)]


@pytest.fixture
async def pair(captured_log: Any) -> AsyncIterator[Pair]:
    cs_log, cp_log = captured_log("cs"), captured_log("cp")
    async with (
        CentralSystem(log=cs_log.log) as cs,
        ChargePoint(cs.url, "CP001", log=cp_log.log) as cp,
    ):
        await cs.wait_for_charge_point("CP001")
        yield Pair(cs, cp, cs_log, cp_log)


async def settled(cp: ChargePoint) -> None:
    """Wait until the CALLs our charge point sends on its own (follow-ups) were answered.

    A follow-up task exists before the CALLRESULT that caused it is written, so once the
    caller has its result, no task left means nothing more is coming.
    """
    await wait_until(lambda: cp.idle)


def test_the_directions_cover_every_action() -> None:
    assert len(CP_ACTIONS) == 10
    assert len(CS_ACTIONS) == 19
    assert set(CP_ACTIONS) | set(CS_ACTIONS) == set(actions(V16))
    assert len(actions(V16)) == 28
    assert set(CP_ACTIONS) & set(CS_ACTIONS) == {"DataTransfer"}


@pytest.mark.parametrize("action", CP_ACTIONS)
async def test_charge_point_sends_with_default_payload(pair: Pair, action: str) -> None:
    expected = pair.cp.request(action)
    result = await pair.cp.call(action)
    pair.assert_valid_result(action, result)
    [call] = pair.calls(action)
    assert set(call[3]) == set(expected)  # the default request (timestamps may differ)
    pair.assert_clean()


@pytest.mark.parametrize("action", CS_ACTIONS)
async def test_central_system_sends_with_default_payload(pair: Pair, action: str) -> None:
    result = await pair.cs.call("CP001", action)
    pair.assert_valid_result(action, result)
    assert len(pair.calls(action, side="cp")) == 1
    # What the CALL led to (a StartTransaction after RemoteStart, a triggered message) is
    # sent and answered cleanly too.
    await settled(pair.cp)
    pair.assert_clean()


async def test_a_day_in_the_life(pair: Pair) -> None:
    cs, cp = pair.cs, pair.cp

    # -- charge point to central system -------------------------------------------------
    boot = await cp.call("BootNotification", chargePointSerialNumber="SN-0001")
    assert boot["status"] == "Accepted"
    assert boot["interval"] == cs.sim.heartbeat_interval == 300
    parse_timestamp(boot["currentTime"])
    assert cp.sim.registration_status == "Accepted"
    assert pair.state.boot.vendor == cp.sim.vendor
    assert pair.state.boot.serial_number == "SN-0001"
    assert pair.state.registration_status == "Accepted"

    heartbeat = await cp.call("Heartbeat")
    parse_timestamp(heartbeat["currentTime"])

    cs.sim.set_id_tag_status("BLOCKED1", "Blocked")
    assert await cp.call("Authorize") == {"idTagInfo": {"status": "Accepted"}}
    assert await cp.call("Authorize", idTag="BLOCKED1") == {"idTagInfo": {"status": "Blocked"}}

    assert await cp.call("DataTransfer") == {"status": "UnknownVendorId"}
    cs.sim.register_vendor("ACME", lambda message_id, data: ("Accepted", f"{data}-pong"))
    assert await cp.call("DataTransfer", vendorId="ACME", data="ping") == {
        "status": "Accepted",
        "data": "ping-pong",
    }

    assert await cp.call("StatusNotification", status="Preparing", connectorId=1) == {}
    assert pair.state.connectors[1].status == "Preparing"
    assert await cp.call("DiagnosticsStatusNotification", status="Uploaded") == {}
    assert pair.state.diagnostics_status == "Uploaded"
    assert await cp.call("FirmwareStatusNotification", status="Downloading") == {}
    assert pair.state.firmware_status == "Downloading"

    first = await cp.call("StartTransaction", meterStart=1000)
    assert first["idTagInfo"]["status"] == "Accepted"
    await settled(cp)  # the StatusNotification Charging it leads to
    assert cp.sim.open_transactions()[0].transaction_id == first["transactionId"]
    assert await cp.call("MeterValues") == {}
    stop = await cp.call("StopTransaction", meterStop=1500)
    assert stop == {"idTagInfo": {"status": "Accepted"}}
    [closed] = pair.state.closed_transactions
    assert closed.transaction_id == first["transactionId"]
    assert closed.energy_wh == 500

    second = await cp.call("StartTransaction")
    third = await cp.call("StartTransaction", connectorId=1, idTag="OTHER")
    assert first["transactionId"] < second["transactionId"] < third["transactionId"]

    # -- central system to charge point -------------------------------------------------
    await settled(cp)
    assert await cs.call("CP001", "ChangeConfiguration", key="HeartbeatInterval", value="60") == {
        "status": "Accepted"
    }
    assert cp.sim.heartbeat_interval == 60
    assert await cs.call("CP001", "ChangeConfiguration", key="NoSuchKey", value="1") == {
        "status": "NotSupported"
    }
    config = await cs.call("CP001", "GetConfiguration", key=["HeartbeatInterval", "Nope"])
    assert config == {
        "configurationKey": [{"key": "HeartbeatInterval", "readonly": False, "value": "60"}],
        "unknownKey": ["Nope"],
    }
    assert await cs.call("CP001", "Reset", type="Hard") == {"status": "Accepted"}
    assert cp.sim.reset_requested == "Hard"

    assert await cs.call("CP001", "TriggerMessage", requestedMessage="BootNotification") == {
        "status": "Accepted"
    }
    await wait_until(lambda: len(pair.calls("BootNotification")) == 2)

    cp.sim.register_vendor("ACME")
    assert await cs.call("CP001", "DataTransfer", vendorId="ACME", messageId="m") == {
        "status": "Accepted"
    }
    assert await cs.call("CP001", "DataTransfer", vendorId="Other") == {"status": "UnknownVendorId"}
    assert await cs.call("CP001", "SendLocalList") == {"status": "Accepted"}
    assert await cs.call("CP001", "GetLocalListVersion") == {"listVersion": 0}
    assert await cs.call("CP001", "ClearCache") == {"status": "Accepted"}
    await settled(cp)
    pair.assert_clean()


async def test_remote_start_then_remote_stop_of_that_transaction(pair: Pair) -> None:
    cs, cp = pair.cs, pair.cp
    await cp.call("BootNotification")
    assert await cs.call("CP001", "RemoteStartTransaction", idTag="REMOTE1") == {
        "status": "Accepted"
    }
    # The charge point starts the transaction on its own; the central system numbers it.
    await wait_until(lambda: bool(pair.state.open_transactions))
    [transaction] = pair.state.open_transactions.values()
    assert transaction.id_tag == "REMOTE1"
    await wait_until(
        lambda: (
            [tx.transaction_id for tx in cp.sim.open_transactions()] == [transaction.transaction_id]
        )
    )

    # A wrong id is refused; the default request stops the open transaction.
    wrong = transaction.transaction_id + 100
    assert await cs.call("CP001", "RemoteStopTransaction", transactionId=wrong) == {
        "status": "Rejected"
    }
    assert cs.request("CP001", "RemoteStopTransaction") == {
        "transactionId": transaction.transaction_id
    }
    assert await cs.call("CP001", "RemoteStopTransaction") == {"status": "Accepted"}
    await wait_until(lambda: bool(pair.state.closed_transactions))
    [stopped] = pair.state.closed_transactions
    assert stopped.transaction_id == transaction.transaction_id
    assert stopped.stop_reason == "Remote"
    assert cp.sim.open_transactions() == []
    await settled(cp)

    # A charging profile for a running transaction, then its composite schedule.
    await cs.call("CP001", "RemoteStartTransaction", idTag="REMOTE2")
    await wait_until(lambda: len(pair.state.open_transactions) == 1)
    await wait_until(lambda: bool(cp.sim.open_transactions()))
    await wait_until(lambda: cp.sim.open_transactions()[0].transaction_id is not None)
    assert await cs.call("CP001", "SetChargingProfile") == {"status": "Accepted"}
    schedule = await cs.call("CP001", "GetCompositeSchedule", duration=600)
    assert schedule["status"] == "Accepted"
    assert schedule["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"] == 16
    assert await cs.call("CP001", "UnlockConnector") == {"status": "Unlocked"}
    await wait_until(lambda: len(pair.state.closed_transactions) == 2)
    assert pair.state.closed_transactions[-1].stop_reason == "UnlockCommand"
    await settled(cp)
    pair.assert_clean()


async def test_reservations_and_availability(pair: Pair) -> None:
    cs, cp = pair.cs, pair.cp
    await cp.call("StatusNotification")  # connector 1 Available, as the CS learns
    reserved = await cs.call("CP001", "ReserveNow", idTag="RES1")
    assert reserved == {"status": "Accepted"}
    assert list(cp.sim.reservations) == list(pair.state.reservations)
    await wait_until(lambda: pair.state.connectors[1].status == "Reserved")
    assert await cs.call("CP001", "CancelReservation") == {"status": "Accepted"}
    assert cp.sim.reservations == {}
    await wait_until(lambda: pair.state.connectors[1].status == "Available")

    changed = await cs.call("CP001", "ChangeAvailability", connectorId=1, type="Inoperative")
    assert changed == {"status": "Accepted"}
    await wait_until(lambda: pair.state.connectors[1].status == "Unavailable")
    await settled(cp)
    pair.assert_clean()


# -- many charge points, closing, reconnecting --------------------------------------------


async def test_fifty_charge_points_boot_at_once(captured_log: Any) -> None:
    cs_log = captured_log("cs")
    ids = [f"CP{n:03d}" for n in range(50)]
    async with CentralSystem(log=cs_log.log) as cs, contextlib.AsyncExitStack() as stack:
        points = await asyncio.gather(
            *(
                stack.enter_async_context(ChargePoint(cs.url, cp_id, log=cs_log.log))
                for cp_id in ids
            )
        )
        results = await asyncio.gather(*(cp.call("BootNotification") for cp in points))
        assert [r["status"] for r in results] == ["Accepted"] * 50
        assert cs.charge_points == sorted(ids)
        assert all(cs.sim.charge_points[i].registration_status == "Accepted" for i in ids)
        assert all(cp.sim.registration_status == "Accepted" for cp in points)
        heartbeats = await asyncio.gather(*(cs.link(i).ping() for i in ids))
        assert len(heartbeats) == 50
        await stack.aclose()
        await wait_until(lambda: cs.charge_points == [])
        assert not any(cs.sim.charge_points[i].connected for i in ids)
    assert cs_log.problems() == [] and cs_log.errors() == [] and cs_log.notes() == []
    boots = [f for f in cs_log.frames("cs") if f[0] == 2 and f[2] == "BootNotification"]
    assert len(boots) == 50


async def test_charge_point_closes_cleanly(pair: Pair) -> None:
    cs_link = pair.cs.link("CP001")
    await pair.cp.call("Heartbeat")
    await pair.cp.close()
    assert not pair.cp.connected
    await asyncio.wait_for(cs_link.closed.wait(), PATIENCE)
    assert cs_link.websocket.close_code == 1000
    await wait_until(lambda: pair.cs.charge_points == [])
    assert pair.state.connected is False
    with pytest.raises(ConnectionError):
        await pair.cp.call("Heartbeat")
    pair.assert_clean()


async def test_central_system_closes_cleanly(captured_log: Any) -> None:
    cs = CentralSystem()
    await cs.start()
    async with ChargePoint(cs.url, "CP001") as cp:
        await cs.wait_for_charge_point("CP001")
        await cs.close()
        await cp.wait_closed()
        assert not cp.connected
        assert cp.link is not None and cp.link.websocket.close_code == 1001


async def test_the_same_id_again_replaces_the_old_link(pair: Pair) -> None:
    old_cs_link = pair.cs.link("CP001")
    async with ChargePoint(pair.cs.url, "CP001", log=pair.cp_log.log) as again:
        await pair.cp.wait_closed()
        assert not pair.cp.connected
        await asyncio.wait_for(old_cs_link.closed.wait(), PATIENCE)
        assert pair.cp.link is not None
        assert pair.cp.link.websocket.close_code == 1000
        assert pair.cp.link.websocket.close_reason == "replaced by a new connection"
        await wait_until(lambda: pair.cs.link("CP001") is not old_cs_link)
        assert pair.cs.charge_points == ["CP001"]
        assert (await again.call("BootNotification"))["status"] == "Accepted"
        assert (await pair.cs.call("CP001", "ClearCache"))["status"] == "Accepted"
        assert pair.state.connected is True
    pair.assert_clean()

"""OCPP 1.2 and 1.5 in JSON over WebSocket (subprotocols ``ocpp1.2`` / ``ocpp1.5``): our
ChargePoint against our CentralSystem, which accepts 1.2, 1.5 and 1.6 on one endpoint.

Every action of each version is sent in its direction with the default payload; each side keeps
its own JSON-lines frame log, and every test ends by reading both and finding no validation
problem, no CALLERROR and no refused or malformed frame.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from ocpptk.sim.clock import parse_timestamp
from ocpptk.spec.catalog import Role, Version, actions
from ocpptk.transport.central_system import CentralSystem
from ocpptk.transport.charge_point import ChargePoint
from tests.conftest import wait_until
from tests.transport.conftest import Pair

V12, V15, V16 = Version.V12, Version.V15, Version.V16
OLD = [V12, V15]
SERVED = (V12, V15, V16)


def cases(role: Role) -> list[Any]:
    """(version, action) for every action of 1.2 and 1.5 that ``role`` sends."""
    return [
        pytest.param(version, act.name, id=f"{version.value}-{act.name}")
        for version in OLD
        for act in actions(version).values()
        if role.may_send(act)
    ]


@pytest.fixture
async def pair(captured_log: Any, request: pytest.FixtureRequest) -> AsyncIterator[Pair]:
    """CP001 in ``request.param``'s version against a central system serving 1.2, 1.5, 1.6."""
    version: Version = request.param
    cs_log, cp_log = captured_log("cs"), captured_log("cp")
    async with (
        CentralSystem(versions=SERVED, log=cs_log.log) as cs,
        ChargePoint(cs.url, "CP001", version=version, log=cp_log.log) as cp,
    ):
        await cs.wait_for_charge_point("CP001")
        yield Pair(cs, cp, cs_log, cp_log, version)


async def settled(cp: ChargePoint) -> None:
    """Wait until the CALLs our charge point sent on its own (follow-ups) were answered."""
    await wait_until(lambda: cp.idle)


def test_the_directions_cover_every_action() -> None:
    for version, total in ((V12, 18), (V15, 24)):
        ours = {a for v, a in (c.values for c in cases(Role.CHARGE_POINT)) if v is version}
        theirs = {a for v, a in (c.values for c in cases(Role.CENTRAL_SYSTEM)) if v is version}
        assert ours | theirs == set(actions(version))
        assert len(actions(version)) == total
        assert ours & theirs == (set() if version is V12 else {"DataTransfer"})


# ------------------------------------------------------------------ every action


@pytest.mark.parametrize(("pair", "action"), cases(Role.CHARGE_POINT), indirect=["pair"])
async def test_charge_point_sends_with_default_payload(pair: Pair, action: str) -> None:
    assert pair.cs.link("CP001").subprotocol == pair.version.subprotocol
    expected = pair.cp.request(action)
    result = await pair.cp.call(action)
    pair.assert_valid_result(action, result)
    [call] = pair.calls(action)
    assert set(call[3]) == set(expected)  # the default request (timestamps may differ)
    await settled(pair.cp)
    pair.assert_clean()


@pytest.mark.parametrize(("pair", "action"), cases(Role.CENTRAL_SYSTEM), indirect=["pair"])
async def test_central_system_sends_with_default_payload(pair: Pair, action: str) -> None:
    result = await pair.cs.call("CP001", action)
    pair.assert_valid_result(action, result)
    assert len(pair.calls(action, side="cp")) == 1
    # What the CALL led to (a StartTransaction after RemoteStart) is sent and answered too.
    await settled(pair.cp)
    pair.assert_clean()


# ------------------------------------------------------------------ behaviour


@pytest.mark.parametrize("pair", OLD, indirect=True, ids=lambda v: v.value)
async def test_boot_then_a_remote_transaction(pair: Pair) -> None:
    cs, cp = pair.cs, pair.cp
    assert pair.state.version is pair.version

    boot = await cp.call("BootNotification", chargePointSerialNumber="SN-0001")
    assert boot["status"] == "Accepted"
    assert boot["heartbeatInterval"] == cs.sim.heartbeat_interval == 300
    assert "interval" not in boot
    parse_timestamp(boot["currentTime"])
    assert cp.sim.registration_status == "Accepted"
    assert cp.sim.heartbeat_interval == 300
    assert pair.state.boot.serial_number == "SN-0001"

    cs.sim.set_id_tag_status("BLOCKED1", "Blocked")
    assert await cp.call("Authorize", idTag="BLOCKED1") == {"idTagInfo": {"status": "Blocked"}}

    first = await cp.call("StartTransaction", meterStart=1000)
    await settled(cp)  # the StatusNotification Occupied it leads to
    assert pair.state.connectors[1].status == "Occupied"
    stop = await cp.call("StopTransaction", meterStop=1500)
    assert stop == {"idTagInfo": {"status": "Accepted"}}
    [closed] = pair.state.closed_transactions
    assert (closed.transaction_id, closed.energy_wh) == (first["transactionId"], 500)

    assert await cs.call("CP001", "RemoteStartTransaction", idTag="REMOTE1") == {
        "status": "Accepted"
    }
    await wait_until(lambda: bool(pair.state.open_transactions))
    [remote] = pair.state.open_transactions.values()
    assert remote.transaction_id > first["transactionId"]
    await wait_until(
        lambda: [t.transaction_id for t in cp.sim.open_transactions()] == [remote.transaction_id]
    )
    cp.sim.connectors[1].meter_wh = 1800
    assert await cp.call("MeterValues") == {}
    assert pair.state.connectors[1].meter_wh == 1800
    assert cs.request("CP001", "RemoteStopTransaction") == {"transactionId": remote.transaction_id}
    assert await cs.call("CP001", "RemoteStopTransaction") == {"status": "Accepted"}
    await wait_until(lambda: len(pair.state.closed_transactions) == 2)
    assert pair.state.closed_transactions[-1].transaction_id == remote.transaction_id
    await settled(cp)
    assert pair.state.connectors[1].status == "Occupied"  # 1.6 Finishing: the cable is in
    cp.sim.unplug(1)
    cp.poke()
    await wait_until(lambda: pair.state.connectors[1].status == "Available")

    assert await cs.call("CP001", "UnlockConnector", connectorId=9) == {"status": "Rejected"}
    assert await cs.call("CP001", "ChangeConfiguration", key="NoSuchKey", value="1") == {
        "status": "NotSupported"
    }
    await settled(cp)
    pair.assert_clean()


@pytest.mark.parametrize("pair", [V15], indirect=True, ids=lambda v: v.value)
async def test_1_5_reservations_local_list_and_configuration(pair: Pair) -> None:
    cs, cp = pair.cs, pair.cp
    await cp.call("StatusNotification")  # connector 1 Available, as the CS learns
    assert await cs.call("CP001", "ReserveNow", idTag="RES1") == {"status": "Accepted"}
    await wait_until(lambda: pair.state.connectors[1].status == "Reserved")
    assert list(cp.sim.reservations) == list(pair.state.reservations)
    assert await cs.call("CP001", "CancelReservation") == {"status": "Accepted"}
    await wait_until(lambda: pair.state.connectors[1].status == "Available")

    entries = [{"idTag": "TAG0001", "idTagInfo": {"status": "Accepted"}}]
    sent = await cs.call("CP001", "SendLocalList", localAuthorisationList=entries, hash="abc")
    assert sent == {"status": "Accepted", "hash": "abc"}
    assert await cs.call("CP001", "GetLocalListVersion") == {"listVersion": 1}
    assert pair.state.local_list_version == 1

    config = await cs.call("CP001", "GetConfiguration", key=["HeartbeatInterval", "Nope"])
    assert config == {
        "configurationKey": [{"key": "HeartbeatInterval", "readonly": False, "value": "300"}],
        "unknownKey": ["Nope"],
    }
    cp.sim.register_vendor("ACME")
    assert await cs.call("CP001", "DataTransfer", vendorId="ACME") == {"status": "Accepted"}
    assert await cp.call("DataTransfer") == {"status": "UnknownVendorId"}
    await settled(cp)
    pair.assert_clean()


async def test_a_1_6_and_a_1_5_charge_point_at_once(captured_log: Any) -> None:
    cs_log, cp_log = captured_log("cs"), captured_log("cp")
    async with (
        CentralSystem(versions=SERVED, log=cs_log.log) as cs,
        ChargePoint(cs.url, "NEW", version=V16, log=cp_log.log) as new,
        ChargePoint(cs.url, "OLD", version=V15, log=cp_log.log) as old,
        ChargePoint(cs.url, "OLDEST", version=V12, log=cp_log.log) as oldest,
    ):
        await cs.wait_for_charge_point("NEW")
        await cs.wait_for_charge_point("OLD")
        await cs.wait_for_charge_point("OLDEST")
        assert {cp_id: cs.link(cp_id).subprotocol for cp_id in cs.charge_points} == {
            "NEW": "ocpp1.6",
            "OLD": "ocpp1.5",
            "OLDEST": "ocpp1.2",
        }
        assert {i: s.version for i, s in cs.sim.charge_points.items()} == {
            "NEW": V16,
            "OLD": V15,
            "OLDEST": V12,
        }
        boots = await asyncio.gather(*(cp.call("BootNotification") for cp in (new, old, oldest)))
        assert [sorted(b) for b in boots] == [
            ["currentTime", "interval", "status"],
            ["currentTime", "heartbeatInterval", "status"],
            ["currentTime", "heartbeatInterval", "status"],
        ]
        starts = [await cp.call("StartTransaction") for cp in (old, new, oldest, old)]
        assert [s["transactionId"] for s in starts] == [1, 2, 3, 4]
        for cp in (new, old, oldest):
            await settled(cp)
        assert cs.sim.charge_points["NEW"].connectors[1].status == "Charging"
        assert cs.sim.charge_points["OLD"].connectors[1].status == "Occupied"

        # The central system's own CALLs take each charge point's version too.
        assert cs.request("OLD", "SendLocalList") == {"updateType": "Full", "listVersion": 1}
        assert await cs.call("OLD", "UnlockConnector") == {"status": "Accepted"}
        assert await cs.call("NEW", "UnlockConnector") == {"status": "Unlocked"}
        await wait_until(lambda: len(cs.sim.charge_points["OLD"].closed_transactions) == 1)
        await wait_until(lambda: len(cs.sim.charge_points["NEW"].closed_transactions) == 1)
        for cp in (new, old, oldest):
            await settled(cp)
    for log in (cs_log, cp_log):
        assert log.problems() == [] and log.errors() == [] and log.notes() == []

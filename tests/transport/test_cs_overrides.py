"""Reply overrides of our CentralSystem reaching our ChargePoint over 127.0.0.1: a delayed
reply does not hold up other charge points or the link, a CALLERROR override arrives as its
error class, a Pending boot, and an invalid override under strict validation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import pytest

from ocpptk.rpc.errors import InternalError, SecurityError
from ocpptk.rpc.validation import ValidationMode
from ocpptk.transport.central_system import CentralSystem
from ocpptk.transport.charge_point import ChargePoint
from tests.conftest import PATIENCE

BOOT = {"chargePointVendor": "ACME", "chargePointModel": "W7"}


@pytest.fixture
async def two() -> AsyncIterator[tuple[CentralSystem, ChargePoint, ChargePoint]]:
    async with AsyncExitStack() as stack:
        cs = await stack.enter_async_context(CentralSystem())
        cp1 = await stack.enter_async_context(ChargePoint(cs.url, "CP1"))
        cp2 = await stack.enter_async_context(ChargePoint(cs.url, "CP2"))
        await cs.wait_for_charge_point("CP1")
        await cs.wait_for_charge_point("CP2")
        yield cs, cp1, cp2


async def test_a_delayed_reply_blocks_neither_other_charge_points_nor_the_link(
    two: tuple[CentralSystem, ChargePoint, ChargePoint],
) -> None:
    cs, cp1, cp2 = two
    cs.sim.set_reply("Heartbeat", delay=1.0, cp_id="CP1")
    order: list[str] = []

    async def beat(cp: ChargePoint) -> None:
        await cp.call("Heartbeat")
        order.append(f"{cp.charge_point_id} Heartbeat")

    slow = asyncio.create_task(beat(cp1))
    await asyncio.sleep(0)  # CP1's CALL goes out first
    async with asyncio.timeout(PATIENCE):
        await beat(cp2)
        # CP1's link still reads: the central system's own CALL to it is answered meanwhile
        await cs.call("CP1", "ClearCache")
        order.append("CP1 ClearCache")
        await slow
    assert order == ["CP2 Heartbeat", "CP1 ClearCache", "CP1 Heartbeat"]
    assert cs.sim.charge_points["CP1"].last_heartbeat is not None


async def test_an_error_override_reaches_the_charge_point_as_its_class(
    two: tuple[CentralSystem, ChargePoint, ChargePoint],
) -> None:
    cs, cp1, cp2 = two
    cs.sim.set_reply("Authorize", error_code="SecurityError", error_description="go away")
    cs.sim.set_reply("Authorize", delay=0.1, cp_id="CP2")  # CP2's own wins: no error
    with pytest.raises(SecurityError, match="go away"):
        await cp1.call("Authorize", idTag="T1")
    assert (await cp2.call("Authorize", idTag="T1"))["idTagInfo"]["status"] == "Accepted"
    cs.sim.set_reply("Authorize", error_code="GenericError", delay=0.1, cp_id="CP2")
    with pytest.raises(Exception) as caught:
        await cp2.call("Authorize", idTag="T1")
    assert type(caught.value).__name__ == "GenericError"


async def test_pending_boot_and_numbering(
    two: tuple[CentralSystem, ChargePoint, ChargePoint],
) -> None:
    cs, cp1, cp2 = two
    cs.sim.set_boot("Pending", 42, cp_id="CP1")
    result = await cp1.call("BootNotification", BOOT)
    assert (result["status"], result["interval"]) == ("Pending", 42)
    assert cp1.sim.registration_status == "Pending"
    assert (await cp2.call("BootNotification", BOOT))["status"] == "Accepted"
    cs.sim.set_next_transaction_id(7000)
    result = await cp2.call("StartTransaction", connectorId=1, idTag="T1", meterStart=0)
    assert result["transactionId"] == 7000


async def test_an_invalid_override_is_refused_by_strict_validation_unless_off(
    two: tuple[CentralSystem, ChargePoint, ChargePoint],
) -> None:
    cs, cp1, _ = two
    cs.sim.set_reply("Heartbeat", {"currentTime": 12})
    with pytest.raises(InternalError, match="our reply failed validation"):
        await cp1.call("Heartbeat")
    # what ``set cs validation_out=off`` and ``set cp validation_in=off`` do to the links
    cs.link("CP1").connection.outgoing = ValidationMode.OFF
    cp1.link.connection.incoming = ValidationMode.OFF  # type: ignore[union-attr]
    assert (await cp1.call("Heartbeat")) == {"currentTime": 12}

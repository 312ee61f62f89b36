"""The runners over SOAP: ChargePoint and CentralSystem with transport="soap", for every
operation of 1.2, 1.5 and 1.6 in its direction, and one central system serving WebSocket and
SOAP charge points side by side. Real HTTP on 127.0.0.1, port 0."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from ocpptk.spec.catalog import Role, Version, actions
from ocpptk.transport.central_system import CentralSystem
from ocpptk.transport.charge_point import ChargePoint, default_validators, transport_of
from tests.conftest import CapturedLog, wait_until

VERSIONS = [Version.V12, Version.V15, Version.V16]


def cases(role: Role) -> list[Any]:
    return [
        pytest.param(version, act.name, id=f"{version.value}-{act.name}")
        for version in VERSIONS
        for act in actions(version).values()
        if role.may_send(act)
    ]


@dataclass
class SoapPair:
    version: Version
    cs: CentralSystem
    cp: ChargePoint
    cs_log: CapturedLog
    cp_log: CapturedLog

    def envelopes(self, log: CapturedLog) -> list[dict[str, Any]]:
        return [r for r in log.records() if r.get("event") == "soap"]

    def assert_clean(self) -> None:
        for log in (self.cs_log, self.cp_log):
            assert log.problems() == []
            assert log.notes() == []
            assert self.envelopes(log), "no envelope was logged"
            for record in self.envelopes(log):
                summary = record["summary"]
                assert "Fault" not in summary and "(HTTP 4" not in summary, summary
                assert "(HTTP 5" not in summary, summary


@pytest.fixture
async def pair(captured_log: Any, request: pytest.FixtureRequest) -> AsyncIterator[SoapPair]:
    """A SOAP charge point CP001 that has booted, so the central system knows where it is."""
    version: Version = request.param
    cs_log, cp_log = captured_log("cs"), captured_log("cp")
    async with (
        CentralSystem(transport="soap", versions=VERSIONS, log=cs_log.log) as cs,
        ChargePoint(cs.url, "CP001", version=version, log=cp_log.log) as cp,
    ):
        assert cp.transport == "soap"
        await cp.call("BootNotification")
        await cs.wait_for_charge_point("CP001")
        yield SoapPair(version, cs, cp, cs_log, cp_log)


@pytest.mark.parametrize("pair", [Version.V15], indirect=True, ids=["1.5"])
async def test_the_cleanliness_check_sees_a_fault(pair: SoapPair) -> None:
    from ocpptk.rpc.errors import OcppError

    with pytest.raises(OcppError):
        await pair.cp.call("FlyToTheMoon", {}, validate=False)
    with pytest.raises(AssertionError):
        pair.assert_clean()


def test_the_transport_follows_the_url_unless_named() -> None:
    assert transport_of("http://127.0.0.1:9000/") == "soap"
    assert transport_of("ws://127.0.0.1:9000/") == "websocket"
    assert transport_of("ws://127.0.0.1:9000/", "soap") == "soap"
    assert transport_of("http://x/", "ws") == "websocket"
    with pytest.raises(ValueError, match="carrier-pigeon"):
        transport_of("http://x/", "carrier-pigeon")


@pytest.mark.parametrize(("pair", "action"), cases(Role.CHARGE_POINT), indirect=["pair"])
async def test_charge_point_sends_every_operation(pair: SoapPair, action: str) -> None:
    result = await pair.cp.call(action)
    assert default_validators().check(pair.version, action, False, result) is None
    await wait_until(lambda: pair.cp.idle)
    pair.assert_clean()


@pytest.mark.parametrize(("pair", "action"), cases(Role.CENTRAL_SYSTEM), indirect=["pair"])
async def test_central_system_calls_back_every_operation(pair: SoapPair, action: str) -> None:
    link = pair.cs.link("CP001")
    assert pair.cp.soap_server is not None
    assert link.peer_url == pair.cp.soap_server.url  # learned from wsa:From
    result = await pair.cs.call("CP001", action)
    assert default_validators().check(pair.version, action, False, result) is None
    await wait_until(lambda: pair.cp.idle)
    pair.assert_clean()


async def test_from_url_is_what_the_central_system_calls_back(captured_log: Any) -> None:
    async with CentralSystem(transport="soap", versions=VERSIONS) as cs:
        cp = ChargePoint(cs.url, "CP15", version=Version.V15, listen_port=0)
        await cp.connect()
        try:
            assert cp.soap_server is not None
            announced = cp.soap_server.url.replace("127.0.0.1", "localhost")
            cp.link.from_address = announced  # type: ignore[union-attr]
            await cp.call("Heartbeat")
            assert cs.link("CP15").peer_url == announced  # type: ignore[attr-defined]
            reply = await cs.call("CP15", "ClearCache")
            assert reply == {"status": "Accepted"}
        finally:
            await cp.close()


async def test_websocket_and_soap_charge_points_on_one_central_system(
    captured_log: Any,
) -> None:
    log = captured_log("cs")
    async with CentralSystem(versions=VERSIONS, soap_port=0, log=log.log) as cs:
        assert cs.soap_url is not None and cs.soap_url.startswith("http://")
        async with (
            ChargePoint(cs.url, "WS16", log=log.log) as ws,
            ChargePoint(cs.soap_url, "SOAP15", version=Version.V15, log=log.log) as soap,
        ):
            await ws.call("BootNotification")
            await soap.call("BootNotification")
            await wait_until(lambda: cs.charge_points == ["SOAP15", "WS16"])
            started = [
                await ws.call("StartTransaction"),
                await soap.call("StartTransaction"),
            ]
            ids = [reply["transactionId"] for reply in started]
            assert ids[1] == ids[0] + 1  # one simulator numbers both
            assert (await cs.call("WS16", "Reset", type="Soft"))["status"] == "Accepted"
            assert (await cs.call("SOAP15", "Reset", type="Soft"))["status"] == "Accepted"
            assert cs.sim.charge_points["SOAP15"].version is Version.V15
            assert log.problems() == []

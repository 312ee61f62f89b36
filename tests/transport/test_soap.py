"""OCPP over SOAP/HTTP end to end: our client and our server on 127.0.0.1 port 0."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ocpptk.rpc.connection import LocalValidationError
from ocpptk.rpc.errors import (
    CallTimeout,
    FormatViolation,
    InternalError,
    LinkClosed,
    NotSupported,
    OcppError,
    TypeConstraintViolation,
)
from ocpptk.rpc.events import Event, ResultReceived
from ocpptk.soap.envelope import parse_envelope
from ocpptk.soap.faults import IdentityMismatch
from ocpptk.soap.session import HttpStatusError
from ocpptk.soap.xml import SoapVersion
from ocpptk.spec import wsdl_gen
from ocpptk.spec.catalog import Role, Version
from ocpptk.spec.examples import example_payload
from ocpptk.transport.charge_point import default_validators
from ocpptk.transport.http import HttpClient, HttpError
from ocpptk.transport.log import FrameLog
from ocpptk.transport.soap import SoapLink, SoapOptions, SoapServer, serve_charge_point

CS = Role.CENTRAL_SYSTEM
CP = Role.CHARGE_POINT


def options(**fields: Any) -> SoapOptions:
    fields.setdefault("validators", default_validators())
    return SoapOptions(**fields)


@dataclass
class Recorder:
    """A handler answering the example response (with the optional fields) of each action."""

    version: Version
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def __call__(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.received.append((action, payload))
        return example_payload(self.version, action, False, include_optional=True)


@dataclass
class Pair:
    """A central system's server and a charge point (its link and its own server)."""

    cs: SoapServer
    cp: SoapLink
    cp_server: SoapServer
    cs_handler: Recorder
    cp_handler: Recorder
    cs_links: list[SoapLink]

    async def cs_link(self) -> SoapLink:
        if "CP001" not in self.cs.links:
            await self.cp.call("Heartbeat", {})
        return self.cs.links["CP001"]


@pytest.fixture
async def pair() -> AsyncIterator[Callable[..., Awaitable[Pair]]]:
    started: list[Pair] = []

    async def start(version: Version = Version.V16, **fields: Any) -> Pair:
        cs_handler, cp_handler = Recorder(version), Recorder(version)
        links: list[SoapLink] = []

        def on_link(link: SoapLink) -> None:
            link.handler = cs_handler
            links.append(link)

        cs = SoapServer(
            CS, path="/ocpp/", versions=(version,), options=options(**fields), on_link=on_link
        )
        await cs.start()
        cp = SoapLink(CP, version, "CP001", peer_url=cs.url, options=options(**fields))
        cp.handler = cp_handler
        cp_server = await serve_charge_point(cp, path="/cp")
        made = Pair(cs, cp, cp_server, cs_handler, cp_handler, links)
        started.append(made)
        return made

    yield start
    for made in started:
        await made.cp.close()
        await made.cp_server.close()
        await made.cs.close()


@pytest.mark.parametrize("version", [Version.V12, Version.V15, Version.V16], ids=lambda v: v.value)
async def test_every_operation_both_ways(
    pair: Callable[..., Awaitable[Pair]], version: Version
) -> None:
    both = await pair(version)
    assert both.cp.from_address == both.cp_server.url
    for act in wsdl_gen.service_actions(version, CS):
        for full in (True, False):
            request = example_payload(version, act.name, include_optional=full)
            answer = await both.cp.call(act.name, request)
            assert answer == example_payload(version, act.name, False, include_optional=True)
            assert both.cs_handler.received[-1] == (act.name, request)
    cs_link = await both.cs_link()
    assert cs_link.peer_url == both.cp_server.url  # learned from wsa:From
    assert cs_link.version is version
    for act in wsdl_gen.service_actions(version, CP):
        for full in (True, False):
            request = example_payload(version, act.name, include_optional=full)
            answer = await cs_link.call(act.name, request)
            assert answer == example_payload(version, act.name, False, include_optional=True)
            assert both.cp_handler.received[-1] == (act.name, request)
    assert len(both.cs_links) == 1


async def test_one_request_at_a_time_in_order(pair: Callable[..., Awaitable[Pair]]) -> None:
    both = await pair()
    release = asyncio.Event()
    busy = 0
    most = 0

    async def slow(action: str, payload: dict[str, Any]) -> dict[str, Any]:
        nonlocal busy, most
        busy += 1
        most = max(most, busy)
        if payload.get("idTag") == "first":
            await release.wait()
        busy -= 1
        return {"idTagInfo": {"status": "Accepted"}}

    await both.cp.call("Heartbeat", {})
    both.cs.links["CP001"].handler = slow
    calls = [
        asyncio.create_task(both.cp.call("Authorize", {"idTag": tag}))
        for tag in ("first", "second", "third")
    ]
    for _ in range(20):
        await asyncio.sleep(0)
    assert both.cp.connection.queued == 2  # the others wait for the first answer
    release.set()
    await asyncio.gather(*calls)
    assert most == 1


async def test_faults_become_ocpp_errors(pair: Callable[..., Awaitable[Pair]]) -> None:
    both = await pair()

    def refuse(action: str, payload: dict[str, Any]) -> dict[str, Any]:
        if action == "Heartbeat":
            raise NotSupported("not today")
        raise ValueError("broken handler")

    await both.cp.call("Heartbeat", {})
    both.cs.links["CP001"].handler = refuse
    with pytest.raises(NotSupported, match="not today") as raised:
        await both.cp.call("Heartbeat", {})
    assert raised.value.received_code == "NotSupported"
    with pytest.raises(InternalError, match="ValueError: broken handler"):
        await both.cp.call("Authorize", {"idTag": "T"})
    with pytest.raises(LocalValidationError):
        await both.cp.call("Authorize", {"idTag": "T" * 21})
    with pytest.raises(TypeConstraintViolation) as refused:  # the server refuses it too
        await both.cp.call("Authorize", {"idTag": "T" * 21}, validate=False)
    assert refused.value.received_code == "TypeConstraintViolation"


async def test_timeouts_and_closing(pair: Callable[..., Awaitable[Pair]]) -> None:
    both = await pair()
    never = asyncio.Event()

    async def stuck(action: str, payload: dict[str, Any]) -> dict[str, Any]:
        if action == "Heartbeat":
            await never.wait()
        return example_payload(Version.V16, action, False)

    await both.cp.call("Heartbeat", {})
    both.cs.links["CP001"].handler = stuck
    with pytest.raises(CallTimeout):
        await both.cp.call("Heartbeat", {}, timeout=0.2)
    never.set()  # the server's handler ends; its late answer goes nowhere
    assert await both.cp.call("Authorize", {"idTag": "T"}) == example_payload(
        Version.V16, "Authorize", False
    )
    closed: list[str] = []
    both.cp.closed_callbacks.append(lambda: closed.append("closed"))
    blocker = asyncio.Event()

    async def block(action: str, payload: dict[str, Any]) -> dict[str, Any]:
        await blocker.wait()
        return {}

    both.cs.links["CP001"].handler = block
    pending = [asyncio.create_task(both.cp.call("Heartbeat", {})) for _ in range(2)]
    await asyncio.sleep(0)
    await both.cp.close()
    blocker.set()
    for task in pending:
        with pytest.raises(LinkClosed):
            await task
    assert closed == ["closed"] and both.cp.closed.is_set()
    await both.cp.run()  # returns at once: the link is closed


async def test_unreachable_peers(pair: Callable[..., Awaitable[Pair]]) -> None:
    both = await pair()
    cs_link = await both.cs_link()
    await both.cp_server.close()
    with pytest.raises(HttpError):  # a ConnectionError
        await cs_link.call("ClearCache", {})
    nowhere = SoapLink(CS, Version.V16, "CP9", options=options())
    with pytest.raises(HttpError, match="no address known for CP9"):
        await nowhere.call("ClearCache", {})
    wrong_path = SoapLink(CP, Version.V16, "CP1", peer_url=both.cs.url + "x", options=options())
    with pytest.raises(HttpStatusError, match="HTTP 404"):
        await wrong_path.call("Heartbeat", {})
    await wrong_path.close()


async def test_the_charge_point_refuses_another_identity(
    pair: Callable[..., Awaitable[Pair]],
) -> None:
    both = await pair()
    impostor = SoapLink(CS, Version.V16, "CP002", peer_url=both.cp_server.url, options=options())
    with pytest.raises(IdentityMismatch, match="CP002"):
        await impostor.call("ClearCache", {})
    await impostor.close()


async def test_custom_operations_and_raw_text(pair: Callable[..., Awaitable[Pair]]) -> None:
    both = await pair()
    with pytest.raises(OcppError) as raised:
        await both.cp.call("FooBar", {"a": 1}, validate=False)
    assert raised.value.received_code == "NotImplemented"
    with pytest.raises(FormatViolation):
        await both.cp.send_raw("not even xml")
    heartbeat = (
        '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>'
        '<chargeBoxIdentity xmlns="urn://Ocpp/Cs/2015/10/">CP001</chargeBoxIdentity></s:Header>'
        '<s:Body><heartbeatRequest xmlns="urn://Ocpp/Cs/2015/10/"/></s:Body></s:Envelope>'
    )
    learned: list[str] = []
    both.cp.result_listeners.append(lambda action, request, response: learned.append(action))
    assert await both.cp.send_raw(heartbeat) == example_payload(Version.V16, "Heartbeat", False)
    assert learned == []  # a raw message's answer is no result to learn from
    assert await both.cp.call("Heartbeat", {}, validate=False)
    assert learned == ["Heartbeat"]


async def test_a_soap_1_1_client_is_answered_in_soap_1_1(
    pair: Callable[..., Awaitable[Pair]],
) -> None:
    both = await pair()
    old = SoapLink(
        CP,
        Version.V16,
        "CP001",
        peer_url=both.cs.url,
        options=options(soap_version=SoapVersion.SOAP11),
    )
    seen: list[Event] = []
    old.event_listeners.append(seen.append)
    assert await old.call("Heartbeat", {}) == example_payload(Version.V16, "Heartbeat", False)
    assert isinstance(seen[-1], ResultReceived)
    await old.close()


async def test_the_log(pair: Callable[..., Awaitable[Pair]], tmp_path: Path) -> None:
    lines: list[str] = []
    log = FrameLog(lines.append, json_path=tmp_path / "log.jsonl")
    both = await pair(log=log, print_xml=True, print_headers=True)
    await both.cp.call("Heartbeat", {})
    log.close()
    text = "\n".join(lines)
    assert "cp#CP001: >>cs Heartbeat request urn:uuid:" in text
    assert "cp#CP001: <<cs Heartbeat response (HTTP 200)" in text
    assert "cs: <<cp#CP001 Heartbeat request urn:uuid:" in text
    assert "cs: >>cp#CP001 Heartbeat response (HTTP 200)" in text
    assert 'content-type: application/soap+xml; charset=utf-8; action="/Heartbeat"' in text
    assert "    <s:Envelope" in text and "<a:Action>/HeartbeatResponse</a:Action>" in text
    records = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert [(r["side"], r["direction"]) for r in records] == [
        ("cp", "out"),
        ("cs", "in"),
        ("cs", "out"),
        ("cp", "in"),
    ]
    assert all(r["event"] == "soap" and "<s:Envelope" in r["envelope"] for r in records)
    assert records[0]["message_id"] == records[1]["message_id"] == records[3]["relates_to"]


async def test_the_wsdl_and_other_methods(pair: Callable[..., Awaitable[Pair]]) -> None:
    both = await pair()
    client = HttpClient()
    wsdl = await client.request("GET", both.cs.url + "?wsdl")
    assert wsdl.status == 200
    assert f'<soap12:address location="{both.cs.url}"/>'.encode() in wsdl.body
    assert b"urn://Ocpp/Cs/2015/10/" in wsdl.body
    assert (await client.request("GET", both.cs.url + "?wsdl&version=1.5")).status == 404
    put = await client.request("PUT", both.cs.url, [], b"x")
    assert put.status == 405 and put.header("allow") == "POST, GET"
    assert (await client.request("POST", both.cs.http.origin + "/elsewhere")).status == 404
    await client.close()


def _post(body: bytes) -> tuple[str, list[tuple[str, str]], bytes]:
    return ("POST", [("content-type", "application/soap+xml; charset=utf-8")], body)


ENVELOPE = (
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>{header}</s:Header>'
    "<s:Body>{body}</s:Body></s:Envelope>"
)
IDENTITY = '<chargeBoxIdentity xmlns="urn://Ocpp/Cs/2015/10/">CP001</chargeBoxIdentity>'
HEARTBEAT = '<heartbeatRequest xmlns="urn://Ocpp/Cs/2015/10/"/>'
XXE = (
    '<?xml version="1.0"?><!DOCTYPE e [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    + ENVELOPE.format(
        header=IDENTITY,
        body='<authorizeRequest xmlns="urn://Ocpp/Cs/2015/10/"><idTag>&xxe;</idTag></authorizeRequest>',
    )
)
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE e [<!ENTITY a "aaaaaaaaaa">'
    + "".join(
        f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "]>"
    + ENVELOPE.format(header=IDENTITY, body=HEARTBEAT.replace("/>", ">&i;</heartbeatRequest>"))
)
BAD = {
    "malformed": ("<s:Envelope><unclosed>", "FormationViolation", "not well-formed"),
    "not-soap": ("<Envelope xmlns='urn:x'/>", "ProtocolError", "namespace"),
    "no-identity": (ENVELOPE.format(header="", body=HEARTBEAT), "IdentityMismatch", "no chargeBox"),
    "unknown-op": (
        ENVELOPE.format(header=IDENTITY, body='<fooRequest xmlns="urn://Ocpp/Cs/2015/10/"/>'),
        "NotImplemented",
        "Foo is not an operation",
    ),
    "wrong-namespace": (
        ENVELOPE.format(header=IDENTITY, body='<heartbeatRequest xmlns="urn://Ocpp/Cs/2099/01/"/>'),
        "NotImplemented",
        "namespace 'urn://Ocpp/Cs/2099/01/'",
    ),
    "invalid": (
        ENVELOPE.format(header=IDENTITY, body=HEARTBEAT.replace("/>", "><x/></heartbeatRequest>")),
        "FormationViolation",
        "heartbeatRequest",
    ),
    "xxe": (XXE, "FormationViolation", "DTD"),
    "billion-laughs": (LAUGHS, "FormationViolation", "DTD"),
}


@pytest.mark.parametrize("case", list(BAD))
async def test_bad_envelopes_get_a_fault_and_the_server_goes_on(
    pair: Callable[..., Awaitable[Pair]], case: str
) -> None:
    both = await pair()
    text, subcode, reason = BAD[case]
    client = HttpClient()
    response = await client.request(*_url(both.cs.url, _post(text.encode())))
    assert response.status == 400
    assert response.header("content-type") == "application/soap+xml; charset=utf-8"
    fault = parse_envelope(response.body).fault
    assert fault is not None and fault.code == "Sender" and fault.subcode == subcode
    assert reason in fault.reason
    assert b"root:" not in response.body  # /etc/passwd was never read
    assert await both.cp.call("Heartbeat", {}) == example_payload(Version.V16, "Heartbeat", False)
    await client.close()


async def test_oversized_bodies_get_413(pair: Callable[..., Awaitable[Pair]]) -> None:
    both = await pair(max_body=2000)
    client = HttpClient()
    big = ENVELOPE.format(header=IDENTITY, body=HEARTBEAT + " " * 3000)
    response = await client.request(*_url(both.cs.url, _post(big.encode())))
    assert response.status == 413
    await client.close()
    assert await both.cp.call("Heartbeat", {}) == example_payload(Version.V16, "Heartbeat", False)


def _url(url: str, parts: tuple[str, list[tuple[str, str]], bytes]) -> tuple[Any, ...]:
    method, headers, body = parts
    return (method, url, headers, body)

"""Interop with an independent SOAP stack built from the ORIGINAL OCA WSDLs.

* zeep, reading the OCA WSDL, calls our ``SoapServer`` (CentralSystemService) for every operation
  of each version, with the ``chargeBoxIdentity`` header and the WS-Addressing headers zeep adds
  by itself for the WSDL's ``UsingAddressing`` policy.
* A SOAP server written here (Python's ``http.server``, lxml, the OCA schema, and zeep on the OCA
  WSDL to write its answers) receives every request of our client: the CentralSystemService
  operations from our charge point, the ChargePointService ones from our central system. It
  checks the envelope, the headers and the body against the OCA schema, and compares the body
  with the one zeep writes from the OCA WSDL for the same payload.

Skipped only where ``<repo>/../shared`` (the OCA files) is absent.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
import zeep
from lxml import etree

from ocpptk.soap.values import from_zeep
from ocpptk.spec import wsdl_gen
from ocpptk.spec.catalog import Role, Version, action
from ocpptk.spec.examples import example_payload
from ocpptk.spec.model import Object
from ocpptk.spec.xsd_gen import xml_name
from ocpptk.transport.charge_point import default_validators
from ocpptk.transport.soap import SoapLink, SoapOptions, SoapServer
from tests.soap.oracle import needs_oca, oca_path, oca_schema
from tests.spec.test_wsdl_envelopes import to_zeep

CS = Role.CENTRAL_SYSTEM
CP = Role.CHARGE_POINT
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
WSA = "http://www.w3.org/2005/08/addressing"
VERSIONS = [Version.V12, Version.V15, Version.V16]


def version_params(role: Role) -> list[Any]:
    return [pytest.param(v, id=v.value, marks=needs_oca(v, role)) for v in VERSIONS]


def oca_client(version: Version, role: Role) -> Any:
    session = requests.Session()
    session.trust_env = False  # no proxy between us and 127.0.0.1
    return zeep.Client(wsdl=str(oca_path(version, role)), transport=zeep.Transport(session=session))


def shape(node: Any) -> Any:
    """An element as (namespace-qualified tag, attributes, text, children): prefixes aside."""
    children = [shape(child) for child in node if isinstance(child.tag, str)]
    text = (node.text or "").strip() if not children else ""
    return (node.tag, sorted(node.attrib.items()), text, children)


def wrapped(obj: Object, result: Any) -> Any:
    """zeep unwraps a response of one element (``HeartbeatResponse`` -> its ``currentTime``)."""
    if len(obj.fields) == 1 and result is not None:
        return {xml_name(obj.fields[0]): result}
    return result


# -- zeep calls our server -----------------------------------------------------------------


@pytest.fixture
async def our_central_system() -> AsyncIterator[tuple[SoapServer, list[tuple[str, Any]]]]:
    received: list[tuple[str, Any]] = []

    def on_link(link: SoapLink) -> None:
        def handle(name: str, payload: dict[str, Any]) -> dict[str, Any]:
            received.append((name, payload))
            return example_payload(link.version, name, False, include_optional=True)

        link.handler = handle

    server = SoapServer(
        CS,
        path="/Ocpp/CentralSystemService/",
        versions=VERSIONS,
        options=SoapOptions(validators=default_validators(), strict=True),
        on_link=on_link,
    )
    await server.start()
    yield server, received
    await server.close()


@pytest.mark.parametrize("version", version_params(CS))
async def test_zeep_from_the_oca_wsdl_calls_our_central_system(
    our_central_system: tuple[SoapServer, list[tuple[str, Any]]], version: Version
) -> None:
    server, received = our_central_system
    client = oca_client(version, CS)
    binding = f"{{{wsdl_gen.target_namespace(version, CS)}}}CentralSystemServiceSoap"
    service = client.create_service(binding, server.url)
    for act in wsdl_gen.service_actions(version, CS):
        for full in (True, False):
            payload = example_payload(version, act.name, include_optional=full)
            arguments = to_zeep(act.request, payload)
            result = await asyncio.to_thread(
                service[act.name],
                **arguments,
                _soapheaders={wsdl_gen.HEADER_PART: f"CP-{version.value}"},
            )
            expected = example_payload(version, act.name, False, include_optional=True)
            assert from_zeep(act.response, wrapped(act.response, result)) == expected, act.name
            assert received[-1] == (act.name, payload)
    link = server.links[f"CP-{version.value}"]
    assert link.version is version
    assert link.peer_url is None  # zeep sends no wsa:From: a central system must be told


# -- our client calls a server built from the OCA WSDL ----------------------------------------


@dataclass
class OcaServer:
    """A SOAP service written from the OCA WSDL, with nothing of ocpptk.soap in it."""

    version: Version
    role: Role
    identity: str
    client: Any = None
    schema: Any = None
    calls: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    bodies: list[tuple[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.client = oca_client(self.version, self.role)
        self.schema = oca_schema(self.version, self.role)
        self.namespace = wsdl_gen.target_namespace(self.version, self.role)
        port = wsdl_gen.port_name(self.role)
        self.binding = self.client.wsdl.services[wsdl_gen.service_name(self.role)].ports[port]

    def check(self, ok: bool, problem: str) -> None:
        if not ok:
            self.problems.append(problem)

    def answer(self, content_type: str, data: bytes) -> tuple[int, bytes]:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        envelope = etree.fromstring(data, parser)
        self.check(envelope.tag == f"{{{SOAP12}}}Envelope", f"not SOAP 1.2: {envelope.tag}")
        header = envelope.find(f"{{{SOAP12}}}Header")
        (body,) = envelope.find(f"{{{SOAP12}}}Body")
        name = etree.QName(body).localname
        op = name[0].upper() + name[1 : -len("Request")]
        self.calls.append(op)
        self.check(
            content_type == f'application/soap+xml; charset=utf-8; action="/{op}"',
            f"{op}: Content-Type {content_type}",
        )
        identity = header.find(f"{{{self.namespace}}}chargeBoxIdentity")
        self.check(identity is not None and identity.text == self.identity, f"{op}: identity")
        if identity is not None:
            self.check(self.schema.validate(identity), f"{op}: {self.schema.error_log}")
        self.check(header.findtext(f"{{{WSA}}}Action") == f"/{op}", f"{op}: wsa:Action")
        message_id = header.findtext(f"{{{WSA}}}MessageID")
        self.check(bool(message_id), f"{op}: no wsa:MessageID")
        self.check(bool(header.findtext(f"{{{WSA}}}To")), f"{op}: no wsa:To")
        valid = self.schema.validate(etree.fromstring(etree.tostring(body)))
        self.check(valid, f"{op}: {self.schema.error_log}")
        self.bodies.append((op, body))
        act = action(self.version, op)
        assert act is not None
        answer = example_payload(self.version, op, False, include_optional=True)
        reply = self.binding.binding.get(op).output.serialize(**to_zeep(act.response, answer))
        response = reply.content
        head = response.find(f"{{{SOAP12}}}Header")
        if head is None:
            head = etree.Element(f"{{{SOAP12}}}Header")
            response.insert(0, head)
        etree.SubElement(head, f"{{{WSA}}}RelatesTo").text = message_id
        etree.SubElement(head, f"{{{WSA}}}Action").text = f"/{op}Response"
        (out,) = response.find(f"{{{SOAP12}}}Body")
        self.check(self.schema.validate(etree.fromstring(etree.tostring(out))), f"{op} answer")
        return 200, etree.tostring(response, xml_declaration=True, encoding="utf-8")


@pytest.fixture
def oca_server() -> Iterator[Any]:
    running: list[ThreadingHTTPServer] = []

    def start(service: OcaServer) -> str:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                data = self.rfile.read(length)
                try:
                    status, body = service.answer(self.headers.get("Content-Type", ""), data)
                except Exception as exc:  # the test reads the problem, the client gets a 500
                    service.problems.append(repr(exc))
                    status, body = 500, b""
                self.send_response(status)
                self.send_header("Content-Type", "application/soap+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        running.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/Ocpp/"

    yield start
    for server in running:
        server.shutdown()
        server.server_close()


async def _call_every_operation(
    version: Version, role: Role, link: SoapLink, service: OcaServer
) -> None:
    oca = service.client
    for act in wsdl_gen.service_actions(version, role):
        for full in (True, False):
            payload = example_payload(version, act.name, include_optional=full)
            answer = await link.call(act.name, payload)
            assert answer == example_payload(version, act.name, False, include_optional=True)
            # the body we sent is the one zeep writes from the OCA WSDL for the same payload
            reference = oca.create_message(
                oca.service,
                act.name,
                **to_zeep(act.request, payload),
                _soapheaders={wsdl_gen.HEADER_PART: service.identity},
            )
            (expected,) = reference.find(f"{{{SOAP12}}}Body")
            sent_op, sent = service.bodies[-1]
            assert sent_op == act.name
            assert shape(sent) == shape(expected)
    assert service.problems == []
    assert service.calls == [a.name for a in wsdl_gen.service_actions(version, role) for _ in "12"]


@pytest.mark.parametrize("version", version_params(CS))
async def test_our_charge_point_calls_an_oca_central_system(
    oca_server: Any, version: Version
) -> None:
    service = OcaServer(version, CS, "CP001")
    url = await asyncio.to_thread(oca_server, service)
    link = SoapLink(
        CP,
        version,
        "CP001",
        peer_url=url,
        from_address="http://127.0.0.1:1/cp",
        options=SoapOptions(validators=default_validators(), strict=True),
    )
    try:
        await _call_every_operation(version, CS, link, service)
    finally:
        await link.close()


@pytest.mark.parametrize("version", version_params(CP))
async def test_our_central_system_calls_an_oca_charge_point(
    oca_server: Any, version: Version
) -> None:
    service = OcaServer(version, CP, "CP042")
    url = await asyncio.to_thread(oca_server, service)
    link = SoapLink(
        CS,
        version,
        "CP042",
        peer_url=url,
        options=SoapOptions(validators=default_validators(), strict=True),
    )
    try:
        await _call_every_operation(version, CP, link, service)
    finally:
        await link.close()

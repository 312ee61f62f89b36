"""zeep reads our WSDLs as it reads the OCA's, and the envelopes it builds from ours are valid
under the OCA's schema.

For every operation of every service, the example payload (required fields only, and with the
optional ones) becomes a request envelope through ``zeep.Client.create_message`` and a response
envelope through the operation's output message, once from our WSDL and once from the OCA's. The
two must be the same XML (but for the random WS-Addressing ``MessageID``), and the header and body
elements must pass an independent validator: libxml2's XML Schema (lxml ``XMLSchema``) loaded with
the ``<wsdl:types>`` schema taken out of the OCA file (and out of ours, which must agree). zeep
itself checks neither enumerations nor lengths when it serialises, so that validator is what
proves the values; a few broken payloads show that it does refuse.

The payloads are the model's JSON form (``example_payload``); :func:`to_zeep` turns them into
zeep's keyword arguments with the model's XML facts (element names, attributes, text content).
"""

from __future__ import annotations

import contextlib
import copy
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import zeep
from lxml import etree
from zeep.wsdl.bindings.soap import Soap12Binding

from ocpptk.spec import wsdl_gen, xsd_gen
from ocpptk.spec.catalog import Role, Version, actions
from ocpptk.spec.examples import example_payload
from ocpptk.spec.model import Action, Array, DataType, Object
from ocpptk.spec.schemas import wsdl_path
from tests.spec.test_wsdl_oracle import SERVICE_IDS, SERVICES, oca_path, service_params

SOAP_ENV = "http://www.w3.org/2003/05/soap-envelope"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
WSA = "http://www.w3.org/2005/08/addressing"
IDENTITY = "CP0001"


class OfflineTransport(zeep.Transport):
    """Loads local files only: a WSDL that needs the network fails the test."""

    def load(self, url: str) -> bytes:
        if "://" in url and not url.startswith("file://"):
            raise AssertionError(f"zeep tried to fetch {url}")
        loaded: bytes = super().load(url)
        return loaded


_CLIENTS: dict[Path, Any] = {}
_SCHEMAS: dict[Path, Any] = {}


def client(path: Path) -> Any:
    if path not in _CLIENTS:
        _CLIENTS[path] = zeep.Client(wsdl=str(path), transport=OfflineTransport())
    return _CLIENTS[path]


def wsdl_schema(path: Path) -> Any:
    """The XML schema inside a WSDL (the OCA's, or ours), as a standalone lxml validator."""
    if path not in _SCHEMAS:
        root = etree.parse(str(path)).getroot()
        (schema,) = root.iterfind(f"{{{WSDL}}}types/{{{xsd_gen.XS}}}schema")
        # QName values (type="tns:X") need the WSDL root's namespace declarations in scope.
        standalone = etree.Element(schema.tag, attrib=dict(schema.attrib), nsmap=schema.nsmap)
        standalone.extend(copy.deepcopy(child) for child in schema)
        _SCHEMAS[path] = etree.XMLSchema(standalone)
    return _SCHEMAS[path]


def binding_operation(zeep_client: Any, role: Role, name: str) -> Any:
    service = zeep_client.wsdl.services[wsdl_gen.service_name(role)]
    return service.ports[wsdl_gen.port_name(role)].binding.get(name)


# -- JSON model payload -> zeep arguments -----------------------------------------------------


def _xml_value(data_type: DataType, value: Any) -> Any:
    if isinstance(data_type, Array):
        return [_xml_value(data_type.items, item) for item in value]
    if isinstance(data_type, Object):
        return to_zeep(data_type, value)
    return value


def to_zeep(obj: Object, payload: dict[str, Any]) -> dict[str, Any]:
    """zeep's keyword arguments for ``payload`` of ``obj``: XML names, ``_value_1`` for text."""
    out: dict[str, Any] = {}
    for f in obj.fields:
        if f.name not in payload:
            continue
        data_type = xsd_gen.xml_field_type(f)
        key = "_value_1" if f.xml_node == "text" else xsd_gen.xml_name(f)
        out[key] = _xml_value(data_type, payload[f.name])
    return out


# -- Cases -------------------------------------------------------------------------------------


def operation_params() -> list[Any]:
    params = []
    for (version, role), service_id in zip(SERVICES, SERVICE_IDS, strict=True):
        (marks,) = [p.marks for p in service_params() if p.id == service_id]
        for act in wsdl_gen.service_actions(version, role):
            for optional in (False, True):
                params.append(
                    pytest.param(
                        version,
                        role,
                        act,
                        optional,
                        id=f"{service_id}-{act.name}-{'full' if optional else 'required'}",
                        marks=marks,
                    )
                )
    return params


def _without_message_id(envelope: Any) -> bytes:
    envelope = copy.deepcopy(envelope)
    for node in envelope.iter(f"{{{WSA}}}MessageID"):
        node.getparent().remove(node)
    return bytes(etree.tostring(envelope, method="c14n"))


def _parts(envelope: Any) -> tuple[list[Any], Any]:
    header = envelope.find(f"{{{SOAP_ENV}}}Header")
    (body,) = envelope.find(f"{{{SOAP_ENV}}}Body")
    return ([] if header is None else list(header)), body


def _assert_valid(schema: Any, node: Any) -> None:
    ok = schema.validate(copy.deepcopy(node))
    assert ok, f"{etree.tostring(node).decode()}\n{schema.error_log}"


# -- zeep reads our WSDLs --------------------------------------------------------------------


@pytest.mark.parametrize(("version", "role"), SERVICES, ids=SERVICE_IDS)
def test_zeep_loads_ours_offline(version: Version, role: Role) -> None:
    ours = client(wsdl_path(version, role))
    (service,) = ours.wsdl.services.values()
    assert service.name == wsdl_gen.service_name(role)
    (port,) = service.ports.values()
    assert port.name == wsdl_gen.port_name(role)
    assert port.binding_options["address"] == wsdl_gen.service_address(role)
    assert isinstance(port.binding, Soap12Binding)
    names = [act.name for act in wsdl_gen.service_actions(version, role)]
    assert sorted(port.binding._operations) == sorted(names)
    for name in names:
        operation = port.binding.get(name)
        assert operation.soapaction == f"/{name}"
        assert operation.style == "document"
        assert operation.abstract.wsa_action == f"/{name}"
        assert "ChargeBoxIdentity: xsd:string" in operation.input.signature()
        assert operation.input.body.qname.localname == name[0].lower() + name[1:] + "Request"


def _dump(zeep_client: Any) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        zeep_client.wsdl.dump()
    return out.getvalue()


@pytest.mark.parametrize(("version", "role"), service_params())
def test_zeep_sees_the_same_service_in_ours_and_oca(version: Version, role: Role) -> None:
    """zeep's own dump: prefixes, global elements and types with their fields, bindings and
    operation signatures. (It leaves out enumerations, which test_wsdl_oracle compares.)"""
    assert _dump(client(wsdl_path(version, role))) == _dump(client(oca_path(version, role)))


# -- Envelopes --------------------------------------------------------------------------------


@pytest.mark.parametrize(("version", "role", "act", "optional"), operation_params())
def test_request_envelope_is_the_oca_one_and_valid(
    version: Version, role: Role, act: Action, optional: bool
) -> None:
    payload = to_zeep(act.request, example_payload(version, act.name, include_optional=optional))
    headers = {"_soapheaders": {wsdl_gen.HEADER_PART: IDENTITY}}
    ours = client(wsdl_path(version, role))
    oca = client(oca_path(version, role))
    envelope = ours.create_message(ours.service, act.name, **payload, **headers)
    reference = oca.create_message(oca.service, act.name, **payload, **headers)
    assert _without_message_id(envelope) == _without_message_id(reference)

    header, body = _parts(envelope)
    namespace = wsdl_gen.target_namespace(version, role)
    assert body.tag == f"{{{namespace}}}{wsdl_gen.element_name(act, True)}"
    (identity,) = [node for node in header if node.tag == f"{{{namespace}}}chargeBoxIdentity"]
    assert identity.text == IDENTITY
    (action,) = [node for node in header if node.tag == f"{{{WSA}}}Action"]
    assert action.text == wsdl_gen.soap_action(act)
    for schema in (wsdl_schema(oca_path(version, role)), wsdl_schema(wsdl_path(version, role))):
        _assert_valid(schema, body)
        _assert_valid(schema, identity)


@pytest.mark.parametrize(("version", "role", "act", "optional"), operation_params())
def test_response_envelope_is_the_oca_one_and_valid(
    version: Version, role: Role, act: Action, optional: bool
) -> None:
    payload = example_payload(version, act.name, request=False, include_optional=optional)
    arguments = to_zeep(act.response, payload)
    ours = binding_operation(client(wsdl_path(version, role)), role, act.name)
    oca = binding_operation(client(oca_path(version, role)), role, act.name)
    envelope = ours.output.serialize(**arguments).content
    reference = oca.output.serialize(**arguments).content
    assert _without_message_id(envelope) == _without_message_id(reference)

    header, body = _parts(envelope)
    assert header == []  # no chargeBoxIdentity on a response
    namespace = wsdl_gen.target_namespace(version, role)
    assert body.tag == f"{{{namespace}}}{wsdl_gen.element_name(act, False)}"
    _assert_valid(wsdl_schema(oca_path(version, role)), body)
    _assert_valid(wsdl_schema(wsdl_path(version, role)), body)


def test_the_1_5_meter_value_attributes_reach_the_wire() -> None:
    version, role = Version.V15, Role.CENTRAL_SYSTEM
    ours = client(wsdl_path(version, role))
    payload = example_payload(version, "MeterValues", include_optional=True)
    act = wsdl_gen.service_actions(version, role)
    (meter_values,) = [a for a in act if a.name == "MeterValues"]
    envelope = ours.create_message(
        ours.service,
        "MeterValues",
        **to_zeep(meter_values.request, payload),
        _soapheaders={wsdl_gen.HEADER_PART: IDENTITY},
    )
    ns = wsdl_gen.target_namespace(version, role)
    (value,) = envelope.iter(f"{{{ns}}}value")
    assert value.text == "0"
    assert dict(value.attrib) == {
        "context": "Sample.Periodic",
        "format": "Raw",
        "measurand": "Energy.Active.Import.Register",
        "location": "Outlet",
        "unit": "Wh",
    }


def test_boot_notification_as_the_issue_shows_it() -> None:
    """``zeep.Client(wsdl=path)``, ``create_message(client.service, "BootNotification", ...)``."""
    path = wsdl_path(Version.V16, Role.CENTRAL_SYSTEM)
    zeep_client = zeep.Client(wsdl=str(path))
    envelope = zeep_client.create_message(
        zeep_client.service,
        "BootNotification",
        chargePointVendor="ocpptk",
        chargePointModel="Simulator",
        _soapheaders={"ChargeBoxIdentity": IDENTITY},
    )
    text = etree.tostring(envelope).decode()
    assert "urn://Ocpp/Cs/2015/10/" in text and "bootNotificationRequest" in text
    assert "<wsa:To>http://localhost/Ocpp/CentralSystemService/</wsa:To>" in text
    assert "<wsa:Action>/BootNotification</wsa:Action>" in text


# -- The validator is not vacuous --------------------------------------------------------------


def _child(body: Any, local: str) -> Any:
    (node,) = [child for child in body.iter() if etree.QName(child).localname == local]
    return node


def _set(local: str, text: str) -> Callable[[Any], None]:
    def breaker(body: Any) -> None:
        _child(body, local).text = text

    return breaker


def _drop(local: str) -> Callable[[Any], None]:
    def breaker(body: Any) -> None:
        node = _child(body, local)
        node.getparent().remove(node)

    return breaker


def _append(body: Any) -> None:
    etree.SubElement(body, f"{{{etree.QName(body).namespace}}}unexpected")


def _json_order(body: Any) -> None:
    """StatusNotification's fields in the order of the 1.6 JSON schema: wrong in XML."""
    order = [f.name for f in actions(Version.V16)["StatusNotification"].request.fields]
    body[:] = sorted(body, key=lambda child: order.index(etree.QName(child).localname))


def _unit(body: Any) -> None:
    _child(body, "value").set("unit", "Whh")


BROKEN: list[tuple[Version, Role, str, Callable[[Any], None]]] = [
    (Version.V16, Role.CENTRAL_SYSTEM, "BootNotification", _set("chargePointVendor", "x" * 21)),
    (Version.V16, Role.CENTRAL_SYSTEM, "StatusNotification", _set("status", "Occupied")),
    (Version.V16, Role.CENTRAL_SYSTEM, "StatusNotification", _json_order),
    (Version.V16, Role.CENTRAL_SYSTEM, "Heartbeat", _append),
    (Version.V16, Role.CHARGE_POINT, "Reset", _drop("type")),
    (Version.V15, Role.CENTRAL_SYSTEM, "StatusNotification", _set("status", "Charging")),
    (Version.V15, Role.CENTRAL_SYSTEM, "MeterValues", _unit),
    (Version.V15, Role.CHARGE_POINT, "RemoteStartTransaction", _set("idTag", "T" * 21)),
    (Version.V12, Role.CHARGE_POINT, "Reset", _set("type", "Warm")),
    (Version.V12, Role.CENTRAL_SYSTEM, "MeterValues", _set("value", "1.5")),
]


@pytest.mark.parametrize(
    ("version", "role", "name", "breaker"),
    [
        pytest.param(v, r, n, b, id=f"{v.value}-{n}-{getattr(b, '__name__', 'x')}")
        for v, r, n, b in BROKEN
    ],
)
def test_the_oca_schema_refuses_broken_bodies(
    version: Version, role: Role, name: str, breaker: Callable[[Any], None]
) -> None:
    path = oca_path(version, role)
    if not path.is_file():
        pytest.skip(f"OCA WSDL (the test oracle) not found at {path}")
    (act,) = [a for a in wsdl_gen.service_actions(version, role) if a.name == name]
    ours = client(wsdl_path(version, role))
    envelope = ours.create_message(
        ours.service,
        name,
        **to_zeep(act.request, example_payload(version, name, include_optional=True)),
        _soapheaders={wsdl_gen.HEADER_PART: IDENTITY},
    )
    _, body = _parts(envelope)
    schema = wsdl_schema(path)
    _assert_valid(schema, body)
    broken = copy.deepcopy(body)
    breaker(broken)
    assert not schema.validate(broken)
    assert not wsdl_schema(wsdl_path(version, role)).validate(broken)  # ours agrees

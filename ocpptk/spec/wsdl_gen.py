"""Write the SOAP WSDLs of OCPP 1.2, 1.5 and 1.6 from the message model.

Each version has two services: the central system's (``CentralSystemService``, the operations a
charge point calls) and the charge point's (``ChargePointService``, the operations a central
system calls); ``DataTransfer`` (1.5 and 1.6) is in both. On the wire a generated WSDL is the
OCA's: same target namespace, operations, messages, element and type names, types, enumerations
and binding, so a peer built from the OCA file and one built from ours exchange the same
envelopes. What the OCA files declare, and so what these declare:

- one ``wsdl:portType`` named after the service, one SOAP 1.2 ``document``/``literal`` binding
  ``<Service>Soap`` (transport ``http://schemas.xmlsoap.org/soap/http``), one ``wsdl:service``
  with one port ``<Service>Soap12`` at ``http://localhost/Ocpp/<Service>/``;
- per operation ``<Op>``: messages ``<Op>Input`` and ``<Op>Output``, each one part
  ``parameters`` holding the element ``<op>Request`` or ``<op>Response`` (the operation name with
  a lower-case initial) of type ``<Op>Request`` / ``<Op>Response``; ``soapAction="/<Op>"``;
- the charge box identity as a SOAP header on every request (never on a response): the message
  ``Header`` with the part ``ChargeBoxIdentity``, element ``chargeBoxIdentity`` of ``xs:string``;
- WS-Addressing: a ``wsp:Policy`` (``ServicePolicy``) holding ``wsaw:UsingAddressing``, referred
  to from the binding, and ``wsaw:Action="/<Op>"`` on every input; 1.5 and 1.6 also put
  ``wsaw:Action="/<Op>Response"`` on every output, 1.2 does not.

The header comment and the documentation are ours: nothing of the OCA's text is copied.
``tests/spec/test_wsdl_oracle.py`` compares the result with the OCA files element by element.
"""

from __future__ import annotations

import importlib

from ocpptk.spec.catalog import Role, Version, actions
from ocpptk.spec.model import Action, DataType, String
from ocpptk.spec.xsd_gen import XS, Node, SchemaBuilder, render

__all__ = [
    "HEADER_ELEMENT",
    "HEADER_PART",
    "SOAP_VERSIONS",
    "element_name",
    "output_action",
    "port_name",
    "service_actions",
    "service_address",
    "service_name",
    "shared_types",
    "soap_action",
    "target_namespace",
    "wsdl_file_name",
    "wsdl_text",
]

SOAP_VERSIONS = (Version.V12, Version.V15, Version.V16)

HEADER_ELEMENT = "chargeBoxIdentity"
HEADER_PART = "ChargeBoxIdentity"

_NS = {
    "wsdl": "http://schemas.xmlsoap.org/wsdl/",
    "s": XS,
    "soap12": "http://schemas.xmlsoap.org/wsdl/soap12/",
    "wsaw": "http://www.w3.org/2006/05/addressing/wsdl",
    "wsp": "http://schemas.xmlsoap.org/ws/2004/09/policy",
    "wsu": "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd",
}
_HTTP_TRANSPORT = "http://schemas.xmlsoap.org/soap/http"
_NAMESPACE_DATE = {Version.V12: "2010/08", Version.V15: "2012/06", Version.V16: "2015/10"}
_POLICY = "ServicePolicy"
_MODEL_MODULES = {
    Version.V12: "ocpptk.spec.v12",
    Version.V15: "ocpptk.spec.v15",
    Version.V16: "ocpptk.spec.v16",
}


def _check(version: Version) -> None:
    if version not in SOAP_VERSIONS:
        raise ValueError(f"OCPP {version.value} has no SOAP binding")


def service_name(role: Role) -> str:
    """The service that ``role`` serves: ``CentralSystemService`` or ``ChargePointService``."""
    return "CentralSystemService" if role is Role.CENTRAL_SYSTEM else "ChargePointService"


def port_name(role: Role) -> str:
    return service_name(role) + "Soap12"


def service_address(role: Role) -> str:
    """The placeholder address the OCA files give; a real endpoint replaces it."""
    return f"http://localhost/Ocpp/{service_name(role)}/"


def target_namespace(version: Version, role: Role) -> str:
    """``urn://Ocpp/Cs/2015/10/`` and the like: ``Cs`` or ``Cp``, then the version's date."""
    _check(version)
    side = "Cs" if role is Role.CENTRAL_SYSTEM else "Cp"
    return f"urn://Ocpp/{side}/{_NAMESPACE_DATE[version]}/"


def service_actions(version: Version, role: Role) -> list[Action]:
    """The operations of the service ``role`` serves: the requests its peer may send."""
    _check(version)
    return [act for act in actions(version).values() if role.peer.may_send(act)]


def shared_types(version: Version) -> tuple[DataType, ...]:
    """Types both services of ``version`` declare even where none of their operations uses them.

    The model module's ``WSDL_SHARED_TYPES``: the OCA WSDLs open with a block of "types shared
    with" the other service.
    """
    _check(version)
    module = importlib.import_module(_MODEL_MODULES[version])
    found: tuple[DataType, ...] = getattr(module, "WSDL_SHARED_TYPES", ())
    return found


def soap_action(act: Action) -> str:
    """The ``soapAction`` and WS-Addressing input action of an operation: ``/BootNotification``."""
    return "/" + act.name


def output_action(version: Version, act: Action) -> str | None:
    """The WS-Addressing action of the response, or None where the WSDL declares none (1.2)."""
    _check(version)
    return None if version is Version.V12 else f"/{act.name}Response"


def element_name(act: Action, request: bool) -> str:
    """The body element: ``bootNotificationRequest`` or ``bootNotificationResponse``."""
    return act.name[:1].lower() + act.name[1:] + ("Request" if request else "Response")


def wsdl_file_name(role: Role) -> str:
    return service_name(role) + ".wsdl"


def _comment(version: Version, role: Role) -> str:
    return (
        "<!--\n"
        f"  OCPP {version.value} {service_name(role)}: SOAP 1.2 document/literal binding.\n"
        "\n"
        "  Generated by ocpptk (python -m ocpptk.spec.generate) from the message model in\n"
        f"  ocpptk/spec/v{version.value.replace('.', '')}.py. Do not edit: change the model and"
        " regenerate.\n"
        "  Target namespace, operations, elements and types are those of the OCPP specification.\n"
        "-->\n"
    )


def _definitions(version: Version, role: Role) -> Node:
    namespace = target_namespace(version, role)
    service = service_name(role)
    acts = service_actions(version, role)
    root = Node(
        "wsdl:definitions",
        {
            **{f"xmlns:{prefix}": uri for prefix, uri in _NS.items()},
            "xmlns:tns": namespace,
            "targetNamespace": namespace,
        },
    )

    policy = root.add("wsp:Policy", **{"wsu:Id": _POLICY})
    policy.add("wsp:ExactlyOne").add("wsp:All").add("wsaw:UsingAddressing")

    schema = SchemaBuilder(namespace)
    for data_type in shared_types(version):
        schema.ref(data_type)
    for act in acts:  # types in the order the operations reach them
        schema.ref(act.request)
        schema.ref(act.response)
    schema.element(HEADER_ELEMENT, String())
    for act in acts:
        schema.element(element_name(act, True), act.request)
        schema.element(element_name(act, False), act.response)
    root.add("wsdl:types").children.append(schema.schema())

    root.add("wsdl:message", name="Header").add(
        "wsdl:part", name=HEADER_PART, element=f"tns:{HEADER_ELEMENT}"
    )
    for act in acts:
        for request, suffix in ((True, "Input"), (False, "Output")):
            root.add("wsdl:message", name=act.name + suffix).add(
                "wsdl:part", name="parameters", element=f"tns:{element_name(act, request)}"
            )

    port_type = root.add("wsdl:portType", name=service)
    for act in acts:
        operation = port_type.add("wsdl:operation", name=act.name)
        operation.add(
            "wsdl:input", message=f"tns:{act.name}Input", **{"wsaw:Action": soap_action(act)}
        )
        out_action = output_action(version, act)
        output = operation.add("wsdl:output", message=f"tns:{act.name}Output")
        if out_action is not None:
            output.attrs["wsaw:Action"] = out_action

    binding = root.add("wsdl:binding", name=service + "Soap", type=f"tns:{service}")
    binding.add("soap12:binding", transport=_HTTP_TRANSPORT)
    binding.add("wsp:PolicyReference", URI="#" + _POLICY)
    for act in acts:
        operation = binding.add("wsdl:operation", name=act.name)
        operation.add("soap12:operation", soapAction=soap_action(act), style="document")
        into = operation.add("wsdl:input")
        into.add("soap12:header", message="tns:Header", part=HEADER_PART, use="literal")
        into.add("soap12:body", use="literal")
        operation.add("wsdl:output").add("soap12:body", use="literal")

    service_node = root.add("wsdl:service", name=service)
    documentation = service_node.add("wsdl:documentation")
    documentation.text = f"OCPP {version.value} {service}, generated by ocpptk"
    service_node.add("wsdl:port", name=port_name(role), binding=f"tns:{service}Soap").add(
        "soap12:address", location=service_address(role)
    )
    return root


def wsdl_text(version: Version, role: Role) -> str:
    """The WSDL of the service ``role`` serves in OCPP ``version``, as stored in ``wsdl/``."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        + _comment(version, role)
        + render(_definitions(version, role))
    )

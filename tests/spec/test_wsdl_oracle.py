"""Our generated WSDLs against the OCA originals, compared as meaning rather than as text.

Both files are read into the same normal form (:func:`wsdl_facts`): target namespace; every simple
type with its base and facets (enumerations in order); every complex type with its sequence
(element names, types, ``minOccurs``/``maxOccurs`` with XML schema's defaults filled in, in order),
attributes and simple content; global elements; messages and parts; the port type's operations with
their messages and WS-Addressing actions; the binding (SOAP 1.2, transport, style, ``soapAction``,
header and body per input and output, policy); the service, port and address; the WS-Policy.
QNames are resolved to (namespace, local name), so prefixes, whitespace, comments, annotations and
the order of declarations do not matter; everything else does.

The OCA files in ``<repo>/../shared/ocpp-spec/wsdl`` are the oracle and are only read.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from ocpptk.spec import generate, wsdl_gen
from ocpptk.spec.catalog import Role, Version
from ocpptk.spec.schemas import wsdl_path

REPO = Path(__file__).resolve().parents[2]
OCA_WSDL = REPO.parent / "shared" / "ocpp-spec" / "wsdl"
OCA_FILES = {
    (Version.V12, Role.CENTRAL_SYSTEM): "1.2/ocpp_centralsystemservice_1.2_final.wsdl",
    (Version.V12, Role.CHARGE_POINT): "1.2/ocpp_chargepointservice_1.2_final.wsdl",
    (Version.V15, Role.CENTRAL_SYSTEM): "1.5/ocpp_centralsystemservice_1.5_final.wsdl",
    (Version.V15, Role.CHARGE_POINT): "1.5/ocpp_chargepointservice_1.5_final.wsdl",
    (Version.V16, Role.CENTRAL_SYSTEM): "1.6/OCPP_CentralSystemService_1.6.wsdl",
    (Version.V16, Role.CHARGE_POINT): "1.6/OCPP_ChargePointService_1.6.wsdl",
}
SERVICES = list(OCA_FILES)
SERVICE_IDS = [f"{version.value}-{wsdl_gen.service_name(role)}" for version, role in SERVICES]

WSDL = "http://schemas.xmlsoap.org/wsdl/"
XS = "http://www.w3.org/2001/XMLSchema"
SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"
WSAW = "http://www.w3.org/2006/05/addressing/wsdl"
WSP = "http://schemas.xmlsoap.org/ws/2004/09/policy"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"


def oca_path(version: Version, role: Role) -> Path:
    return OCA_WSDL / OCA_FILES[(version, role)]


def needs_oca(version: Version, role: Role) -> pytest.MarkDecorator:
    path = oca_path(version, role)
    return pytest.mark.skipif(
        not path.is_file(), reason=f"OCA WSDL (the test oracle) not found at {path}"
    )


def service_params() -> list[Any]:
    return [
        pytest.param(version, role, id=name, marks=needs_oca(version, role))
        for (version, role), name in zip(SERVICES, SERVICE_IDS, strict=True)
    ]


# -- The normal form -------------------------------------------------------------------------

QName = tuple[str, str]


def _tag(namespace: str, local: str) -> str:
    return f"{{{namespace}}}{local}"


def _local(node: Any) -> str:
    return str(etree.QName(node).localname)


def _qname(node: Any, value: str | None) -> QName | None:
    """A QName-valued attribute, resolved with the namespaces in scope at ``node``."""
    if value is None:
        return None
    prefix, _, local = value.rpartition(":")
    return (node.nsmap.get(prefix or None, ""), local)


def _children(node: Any, namespace: str | None = None) -> list[Any]:
    """Element children, without comments and XML schema annotations."""
    out = []
    for child in node:
        if not isinstance(child.tag, str):
            continue  # a comment or processing instruction
        if etree.QName(child).namespace == XS and _local(child) == "annotation":
            continue
        if etree.QName(child).namespace == WSDL and _local(child) == "documentation":
            continue
        if namespace is None or etree.QName(child).namespace == namespace:
            out.append(child)
    return out


def _simple_type(node: Any) -> tuple[Any, ...]:
    (restriction,) = _children(node)
    assert _local(restriction) == "restriction"
    facets = tuple((_local(facet), facet.get("value")) for facet in _children(restriction))
    return ("restriction", _qname(restriction, restriction.get("base")), facets)


def _attribute(node: Any) -> tuple[Any, ...]:
    return (node.get("name"), _qname(node, node.get("type")), node.get("use", "optional"))


def _element(node: Any) -> tuple[Any, ...]:
    inline = [_complex_type(child) for child in _children(node) if _local(child) == "complexType"]
    type_ = _qname(node, node.get("type")) if node.get("type") else tuple(inline)
    return (node.get("name"), type_, node.get("minOccurs", "1"), node.get("maxOccurs", "1"))


def _complex_type(node: Any) -> tuple[Any, ...]:
    parts = _children(node)
    attributes = tuple(_attribute(child) for child in parts if _local(child) == "attribute")
    content = [child for child in parts if _local(child) != "attribute"]
    if not content:
        return ("sequence", (), attributes)
    (body,) = content
    if _local(body) == "sequence":
        elements = tuple(_element(child) for child in _children(body))
        return ("sequence", elements, attributes)
    assert _local(body) == "simpleContent", _local(body)
    (extension,) = _children(body)
    assert _local(extension) == "extension"
    ext_attributes = tuple(_attribute(child) for child in _children(extension))
    return ("simpleContent", _qname(extension, extension.get("base")), ext_attributes + attributes)


def _policy(node: Any) -> Any:
    """A WS-Policy as a tree of (namespace, local name) tuples."""
    return (etree.QName(node).namespace, _local(node), tuple(_policy(c) for c in _children(node)))


def _io(node: Any) -> dict[str, Any]:
    headers = tuple(
        (_qname(h, h.get("message")), h.get("part"), h.get("use"))
        for h in _children(node, SOAP12)
        if _local(h) == "header"
    )
    bodies = tuple(
        (b.get("use"), b.get("parts")) for b in _children(node, SOAP12) if _local(b) == "body"
    )
    return {"headers": headers, "body": bodies}


def wsdl_facts(path: Path) -> dict[str, Any]:
    """Everything in a WSDL that changes what goes over the wire, in comparable form."""
    root = etree.parse(str(path)).getroot()
    assert root.tag == _tag(WSDL, "definitions")
    facts: dict[str, Any] = {"targetNamespace": root.get("targetNamespace")}

    (types,) = root.findall(_tag(WSDL, "types"))
    (schema,) = _children(types)
    facts["schema"] = {
        "targetNamespace": schema.get("targetNamespace"),
        "elementFormDefault": schema.get("elementFormDefault"),
        "attributeFormDefault": schema.get("attributeFormDefault", "unqualified"),
    }
    simple, complex_, elements = {}, {}, {}
    for node in _children(schema):
        name, kind = node.get("name"), _local(node)
        if kind == "simpleType":
            simple[name] = _simple_type(node)
        elif kind == "complexType":
            complex_[name] = _complex_type(node)
        elif kind == "element":
            elements[name] = _qname(node, node.get("type"))
        else:
            raise AssertionError(f"unexpected schema child {kind}")
    facts["simpleTypes"], facts["complexTypes"], facts["elements"] = simple, complex_, elements

    facts["messages"] = {
        m.get("name"): tuple(
            (p.get("name"), _qname(p, p.get("element")), p.get("type")) for p in _children(m)
        )
        for m in root.findall(_tag(WSDL, "message"))
    }
    facts["portTypes"] = {
        pt.get("name"): {
            op.get("name"): {
                _local(io): (_qname(io, io.get("message")), io.get(_tag(WSAW, "Action")))
                for io in _children(op, WSDL)
            }
            for op in _children(pt, WSDL)
        }
        for pt in root.findall(_tag(WSDL, "portType"))
    }
    bindings = {}
    for b in root.findall(_tag(WSDL, "binding")):
        (soap_binding,) = [c for c in _children(b, SOAP12) if _local(c) == "binding"]
        operations = {}
        for op in _children(b, WSDL):
            (soap_op,) = _children(op, SOAP12)
            operations[op.get("name")] = {
                "soapAction": soap_op.get("soapAction"),
                "style": soap_op.get("style", soap_binding.get("style", "document")),
                **{_local(io): _io(io) for io in _children(op, WSDL)},
            }
        bindings[b.get("name")] = {
            "type": _qname(b, b.get("type")),
            "soap12": (soap_binding.get("transport"), soap_binding.get("style")),
            "policies": tuple(p.get("URI") for p in _children(b, WSP)),
            "operations": operations,
        }
    facts["bindings"] = bindings
    facts["services"] = {
        s.get("name"): {
            p.get("name"): (
                _qname(p, p.get("binding")),
                tuple((_local(a), a.get("location")) for a in _children(p, SOAP12)),
            )
            for p in _children(s, WSDL)
        }
        for s in root.findall(_tag(WSDL, "service"))
    }
    facts["policies"] = {
        p.get(_tag(WSU, "Id")): _policy(p) for p in root.findall(_tag(WSP, "Policy"))
    }
    return facts


def differences(ours: Any, oca: Any, where: str = "") -> list[str]:
    """Every place where two normal forms differ, as readable lines."""
    if isinstance(ours, dict) and isinstance(oca, dict):
        out = []
        for key in sorted(ours.keys() | oca.keys(), key=str):
            at = f"{where}/{key}"
            if key not in oca:
                out.append(f"{at}: only in ours")
            elif key not in ours:
                out.append(f"{at}: only in OCA")
            else:
                out += differences(ours[key], oca[key], at)
        return out
    return [] if ours == oca else [f"{where}: ours {ours!r} != OCA {oca!r}"]


@pytest.fixture(scope="module")
def facts_cache() -> dict[Path, dict[str, Any]]:
    return {}


def facts_of(path: Path, cache: dict[Path, dict[str, Any]]) -> dict[str, Any]:
    if path not in cache:
        cache[path] = wsdl_facts(path)
    return cache[path]


# -- The comparisons -------------------------------------------------------------------------

SECTIONS = [
    "targetNamespace",
    "schema",
    "simpleTypes",
    "complexTypes",
    "elements",
    "messages",
    "portTypes",
    "bindings",
    "services",
    "policies",
]


@pytest.mark.parametrize("section", SECTIONS)
@pytest.mark.parametrize(("version", "role"), service_params())
def test_same_as_oca(
    version: Version, role: Role, section: str, facts_cache: dict[Path, dict[str, Any]]
) -> None:
    ours = facts_of(wsdl_path(version, role), facts_cache)[section]
    oca = facts_of(oca_path(version, role), facts_cache)[section]
    assert differences(ours, oca, section) == []


@pytest.mark.parametrize(("version", "role"), service_params())
def test_the_normal_form_is_not_vacuous(
    version: Version, role: Role, facts_cache: dict[Path, dict[str, Any]]
) -> None:
    """The facts really hold the details: operations, enumerations, occurrences, headers."""
    facts = facts_of(oca_path(version, role), facts_cache)
    service = wsdl_gen.service_name(role)
    operations = facts["portTypes"][service]
    assert len(operations) == len(wsdl_gen.service_actions(version, role)) >= 9
    binding = facts["bindings"][service + "Soap"]
    namespace = wsdl_gen.target_namespace(version, role)
    for name, op in binding["operations"].items():
        assert op["soapAction"] == f"/{name}"
        assert op["input"]["headers"] == (((namespace, "Header"), "ChargeBoxIdentity", "literal"),)
    assert any(kind[2] for kind in facts["simpleTypes"].values())  # facets were read
    assert any(element[2] == "0" for kind in facts["complexTypes"].values() for element in kind[1])


def test_a_changed_enumeration_or_occurrence_is_a_difference(
    facts_cache: dict[Path, dict[str, Any]],
) -> None:
    facts = facts_of(wsdl_path(Version.V16, Role.CENTRAL_SYSTEM), facts_cache)
    broken = copy.deepcopy(facts)
    kind, base, facets = broken["simpleTypes"]["RegistrationStatus"]
    broken["simpleTypes"]["RegistrationStatus"] = (kind, base, tuple(reversed(facets)))
    (line,) = differences(broken, facts)
    assert line.startswith("/simpleTypes/RegistrationStatus: ours ")
    broken = copy.deepcopy(facts)
    kind, elements, attributes = broken["complexTypes"]["MeterValuesRequest"]
    name, type_, _, max_occurs = elements[-1]
    broken["complexTypes"]["MeterValuesRequest"] = (
        kind,
        (*elements[:-1], (name, type_, "1", max_occurs)),
        attributes,
    )
    (line,) = differences(broken, facts)
    assert line.startswith("/complexTypes/MeterValuesRequest: ours ")


# -- Our files ---------------------------------------------------------------------------------


def test_files_on_disk_equal_generator_output() -> None:
    assert generate.check_wsdl(generate.default_wsdl_root()) == []


@pytest.mark.parametrize(("version", "role"), SERVICES, ids=SERVICE_IDS)
def test_header_comment_is_ours(version: Version, role: Role) -> None:
    text = wsdl_path(version, role).read_text(encoding="utf-8")
    head = text[: text.index("<wsdl:definitions")]
    assert "ocpptk" in head and "Do not edit" in head
    for foreign in ("Copyright", "e-laad", "Open Charge Alliance", "Creative Commons"):
        assert foreign not in text

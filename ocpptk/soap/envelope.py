"""SOAP envelopes with WS-Addressing headers, built and read with lxml; no OCPP knowledge.

SOAP 1.2 (``http://www.w3.org/2003/05/soap-envelope``) is what the OCPP WSDLs bind to and what
we write. SOAP 1.1 envelopes are read too, and answered in SOAP 1.1, for peers that speak it.
WS-Addressing 1.0 (``http://www.w3.org/2005/08/addressing``) headers: ``MessageID``,
``RelatesTo``, ``To``, ``Action``, ``From`` and ``ReplyTo`` (their ``Address``). A problem is
raised as the OcppError a Fault will report (``ocpptk.soap.faults``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from lxml import etree

from ocpptk.rpc.errors import FormatViolation, ProtocolError
from ocpptk.soap.faults import RECEIVER, SENDER, Fault
from ocpptk.soap.xml import (
    DEFAULT_MAX_SIZE,
    NS_SOAP12,
    NS_WSA,
    WSA_FAULT_ACTION,
    SoapVersion,
    XmlRefused,
    parse_xml,
)

__all__ = [
    "NS_DETAILS",
    "Addressing",
    "Envelope",
    "build_envelope",
    "fault_envelope",
    "parse_envelope",
]

NS_DETAILS = "urn:ocpptk:soap"  # our Fault detail: the OcppError's details as JSON

_PREFIXES = {SoapVersion.SOAP12: "s", SoapVersion.SOAP11: "soap"}
_FAULT_CODES_11 = {SENDER: "Client", RECEIVER: "Server"}
_FAULT_CODES_12 = {code: key for key, code in _FAULT_CODES_11.items()}


@dataclass(frozen=True)
class Addressing:
    """The WS-Addressing headers of one message; None where a header is absent."""

    action: str | None = None
    message_id: str | None = None
    relates_to: str | None = None
    to: str | None = None
    from_address: str | None = None
    reply_to: str | None = None


@dataclass
class Envelope:
    """A parsed envelope: the other header blocks, the body's element, or the Fault."""

    soap_version: SoapVersion
    addressing: Addressing
    headers: list[etree._Element] = field(default_factory=list)
    body: etree._Element | None = None
    fault: Fault | None = None


def _wsa(parent: etree._Element, name: str, text: str | None, address: bool = False) -> None:
    if text is None:
        return
    node = etree.SubElement(parent, f"{{{NS_WSA}}}{name}")
    if address:
        etree.SubElement(node, f"{{{NS_WSA}}}Address").text = text
    else:
        node.text = text


def build_envelope(
    soap_version: SoapVersion,
    addressing: Addressing,
    headers: list[etree._Element] | None = None,
    body: etree._Element | None = None,
) -> etree._Element:
    """An envelope: ``headers`` first, then the WS-Addressing ones, then the body's element."""
    ns = soap_version.value
    envelope = etree.Element(f"{{{ns}}}Envelope", nsmap={_PREFIXES[soap_version]: ns, "a": NS_WSA})
    header = etree.SubElement(envelope, f"{{{ns}}}Header")
    for block in headers or []:
        header.append(block)
    _wsa(header, "MessageID", addressing.message_id)
    _wsa(header, "RelatesTo", addressing.relates_to)
    _wsa(header, "From", addressing.from_address, address=True)
    _wsa(header, "ReplyTo", addressing.reply_to, address=True)
    _wsa(header, "To", addressing.to)
    _wsa(header, "Action", addressing.action)
    body_node = etree.SubElement(envelope, f"{{{ns}}}Body")
    if body is not None:
        body_node.append(body)
    return envelope


def fault_envelope(
    fault: Fault, soap_version: SoapVersion, relates_to: str | None = None
) -> etree._Element:
    """A Fault (SOAP 1.2 part 1 section 5.4; SOAP 1.1 section 4.4 for a 1.1 peer)."""
    ns = soap_version.value
    prefix = _PREFIXES[soap_version]
    node = etree.Element(f"{{{ns}}}Fault", nsmap={prefix: ns})
    if soap_version is SoapVersion.SOAP12:
        code = etree.SubElement(node, f"{{{ns}}}Code")
        etree.SubElement(code, f"{{{ns}}}Value").text = f"{prefix}:{fault.code}"
        if fault.subcode:
            sub = etree.SubElement(code, f"{{{ns}}}Subcode")
            etree.SubElement(sub, f"{{{ns}}}Value").text = fault.subcode
        reason = etree.SubElement(node, f"{{{ns}}}Reason")
        text = etree.SubElement(reason, f"{{{ns}}}Text")
        text.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
        text.text = fault.reason
        detail_tag = f"{{{ns}}}Detail"
    else:
        code_text = f"{prefix}:{_FAULT_CODES_11.get(fault.code, fault.code)}"
        etree.SubElement(node, "faultcode").text = (
            f"{code_text}.{fault.subcode}" if fault.subcode else code_text
        )
        etree.SubElement(node, "faultstring").text = fault.reason
        detail_tag = "detail"
    if fault.details:
        detail = etree.SubElement(node, detail_tag)
        details = etree.SubElement(detail, f"{{{NS_DETAILS}}}errorDetails", nsmap={"o": NS_DETAILS})
        details.text = json.dumps(fault.details, ensure_ascii=False, default=str)
    addressing = Addressing(action=WSA_FAULT_ACTION, relates_to=relates_to)
    return build_envelope(soap_version, addressing, body=node)


def _text(header: etree._Element, name: str, address: bool = False) -> str | None:
    node = header.find(f"{{{NS_WSA}}}{name}")
    if node is None:
        return None
    if address:
        node = node.find(f"{{{NS_WSA}}}Address")
        if node is None:
            return None
    return (node.text or "").strip() or None


def parse_envelope(data: bytes, max_size: int = DEFAULT_MAX_SIZE) -> Envelope:
    """Read an envelope; raises FormatViolation (not XML) or ProtocolError (not SOAP)."""
    try:
        root = parse_xml(data, max_size)
    except XmlRefused as exc:
        raise FormatViolation(str(exc)) from None
    qname = etree.QName(root)
    if qname.localname != "Envelope":
        raise ProtocolError(f"the document is <{qname.localname}>, not a SOAP Envelope")
    try:
        soap_version = SoapVersion(qname.namespace)
    except ValueError:
        raise ProtocolError(
            f"unknown SOAP envelope namespace {qname.namespace!r} (SOAP 1.2 is {NS_SOAP12})"
        ) from None
    ns = soap_version.value
    header = root.find(f"{{{ns}}}Header")
    body = root.find(f"{{{ns}}}Body")
    if body is None:
        raise ProtocolError("the envelope has no Body")
    blocks = [] if header is None else [node for node in header if isinstance(node.tag, str)]
    addressing = Addressing()
    if header is not None:
        addressing = Addressing(
            action=_text(header, "Action"),
            message_id=_text(header, "MessageID"),
            relates_to=_text(header, "RelatesTo"),
            to=_text(header, "To"),
            from_address=_text(header, "From", address=True),
            reply_to=_text(header, "ReplyTo", address=True),
        )
    others = [node for node in blocks if etree.QName(node).namespace != NS_WSA]
    content = [node for node in body if isinstance(node.tag, str)]
    if len(content) > 1:
        raise ProtocolError(f"the Body holds {len(content)} elements; one is expected")
    envelope = Envelope(soap_version, addressing, others, content[0] if content else None)
    if envelope.body is not None and envelope.body.tag == f"{{{ns}}}Fault":
        envelope.fault = _read_fault(envelope.body, soap_version)
    return envelope


def _local(value: str | None) -> str:
    return (value or "").strip().rpartition(":")[2]


def _read_fault(node: etree._Element, soap_version: SoapVersion) -> Fault:
    ns = soap_version.value
    if soap_version is SoapVersion.SOAP12:
        code = _local(node.findtext(f"{{{ns}}}Code/{{{ns}}}Value"))
        subcode = _local(node.findtext(f"{{{ns}}}Code/{{{ns}}}Subcode/{{{ns}}}Value")) or None
        reason = node.findtext(f"{{{ns}}}Reason/{{{ns}}}Text") or ""
        detail = node.find(f"{{{ns}}}Detail")
    else:
        code, _, subcode_text = _local(node.findtext("faultcode")).partition(".")
        code = _FAULT_CODES_12.get(code, code)
        subcode = subcode_text or None
        reason = node.findtext("faultstring") or ""
        detail = node.find("detail")
    details: dict[str, object] = {}
    if detail is not None:
        text = detail.findtext(f"{{{NS_DETAILS}}}errorDetails")
        if text:
            try:
                loaded = json.loads(text)
            except ValueError:
                loaded = None
            if isinstance(loaded, dict):
                details = loaded
    return Fault(code or SENDER, subcode, reason.strip(), details)

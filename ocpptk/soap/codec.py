"""OCPP over SOAP without I/O: envelope bytes <-> (action, payload in our JSON form).

A :class:`SoapCodec` serves one service of one version (``codec(Version.V16,
Role.CENTRAL_SYSTEM)`` is the 1.6 ``CentralSystemService``). It is built once, from OUR WSDL
(``wsdl/<version>/<Service>.wsdl``): a zeep client, for zeep's reading and writing of each body
element, and libxml2's XML Schema (lxml ``XMLSchema``) over the WSDL's ``<wsdl:types>``, for
checking bodies. ``ocpptk.soap.values`` maps zeep's values to our JSON form.

The envelopes (``ocpptk.soap.envelope``): SOAP 1.2; a request carries the ``chargeBoxIdentity``
header of the service's namespace (in either direction: the charge point's own id when it calls
the central system, the id of the charge point called when the central system calls it) and the
WS-Addressing headers ``MessageID``, ``From`` (the sender's endpoint, which is how a central system
learns where to call a charge point back), ``ReplyTo``, ``To`` and ``Action`` (``/<Op>``); a
response carries ``RelatesTo`` (the request's ``MessageID``), its own ``MessageID`` and ``Action``
``/<Op>Response``; neither has the identity header, as in the WSDL.

Decoding raises the OcppError a Fault reports (see ``ocpptk.soap.faults``); validation (the XML
schema and our JSON schemas) is run by the caller through :meth:`SoapCodec.check_body`, so the
strict / warn / off decision stays with it (``ocpptk.soap.session``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import zeep
from lxml import etree
from zeep.exceptions import Error as ZeepError

from ocpptk.rpc.errors import (
    FormatViolation,
    NotImplementedError_,
    OccurrenceConstraintViolation,
    OcppError,
    PropertyConstraintViolation,
    ProtocolError,
    TypeConstraintViolation,
)
from ocpptk.soap.envelope import Addressing, Envelope, build_envelope, fault_envelope
from ocpptk.soap.faults import Fault
from ocpptk.soap.values import build_element, from_zeep, read_element, to_zeep
from ocpptk.soap.xml import SoapVersion
from ocpptk.spec import wsdl_gen
from ocpptk.spec.catalog import Role, Version
from ocpptk.spec.model import Action
from ocpptk.spec.schemas import wsdl_path

__all__ = [
    "XSD_ERRORS",
    "SoapCodec",
    "SoapMessage",
    "check_known",
    "codec",
    "codecs_by_namespace",
    "element_action",
    "fault_bytes",
    "serialize",
]

_WSDL = "http://schemas.xmlsoap.org/wsdl/"
_XS = "http://www.w3.org/2001/XMLSchema"

# Which OCPP error a failed XML Schema check stands for, by libxml2's error type; the same
# classes the JSON keywords map to (``ocpptk.rpc.validation.KEYWORD_ERRORS``).
XSD_ERRORS: dict[str, type[OcppError]] = {
    "SCHEMAV_CVC_DATATYPE_VALID_1_2_1": TypeConstraintViolation,  # "a" as xs:int
    "SCHEMAV_CVC_TYPE_3_1_1": TypeConstraintViolation,
    "SCHEMAV_CVC_MAXLENGTH_VALID": TypeConstraintViolation,
    "SCHEMAV_CVC_MINLENGTH_VALID": TypeConstraintViolation,
    "SCHEMAV_CVC_LENGTH_VALID": TypeConstraintViolation,
    "SCHEMAV_CVC_ENUMERATION_VALID": PropertyConstraintViolation,
    "SCHEMAV_CVC_FRACTIONDIGITS_VALID": PropertyConstraintViolation,
    "SCHEMAV_CVC_TOTALDIGITS_VALID": PropertyConstraintViolation,
    "SCHEMAV_CVC_PATTERN_VALID": PropertyConstraintViolation,
    "SCHEMAV_CVC_MININCLUSIVE_VALID": PropertyConstraintViolation,
    "SCHEMAV_CVC_MAXINCLUSIVE_VALID": PropertyConstraintViolation,
    "SCHEMAV_CVC_COMPLEX_TYPE_4": OccurrenceConstraintViolation,  # a required attribute
    "SCHEMAV_CVC_COMPLEX_TYPE_3_2_1": FormatViolation,  # an attribute the type does not have
    "SCHEMAV_CVC_COMPLEX_TYPE_2_1": FormatViolation,  # content in an empty type
    "SCHEMAV_CVC_ELT_1": FormatViolation,  # an element no schema declares
}
# SCHEMAV_ELEMENT_CONTENT covers both a missing child (OccurrenceConstraintViolation) and an
# unexpected one (FormatViolation: unknown, out of order, or repeated too often).
_MISSING_CHILD = "Missing child element"


# zeep is typed in part only: its calls go through Any.
_zeep: Any = zeep


class _OfflineTransport(zeep.Transport):
    """zeep loads our WSDL from disk; it never fetches anything."""

    def load(self, url: str) -> bytes:
        if "://" in url and not url.startswith("file://"):
            raise ValueError(f"refusing to fetch {url} while loading a WSDL")
        parent: Any = super()
        loaded: bytes = parent.load(url)
        return loaded


def _offline_transport() -> Any:
    factory: Any = _OfflineTransport
    return factory()


def _schema_of(path: Path) -> etree.XMLSchema:
    root = etree.parse(str(path)).getroot()
    (schema,) = root.iterfind(f"{{{_WSDL}}}types/{{{_XS}}}schema")
    # QName values (type="tns:X") need the WSDL root's namespace declarations in scope.
    standalone = etree.Element(schema.tag, attrib=dict(schema.attrib), nsmap=schema.nsmap)
    standalone.extend(copy.deepcopy(child) for child in schema)
    return etree.XMLSchema(standalone)


def element_action(local_name: str) -> tuple[str, bool] | None:
    """``bootNotificationRequest`` -> ("BootNotification", True); None for another name."""
    for suffix, request in (("Request", True), ("Response", False)):
        if local_name.endswith(suffix) and len(local_name) > len(suffix):
            stem = local_name[: -len(suffix)]
            return stem[:1].upper() + stem[1:], request
    return None


@dataclass(frozen=True)
class SoapMessage:
    """A decoded request or response of a service."""

    version: Version
    service: Role
    action: str
    request: bool
    payload: dict[str, Any]
    soap_version: SoapVersion
    addressing: Addressing
    charge_point_id: str | None = None
    known: bool = True  # an operation of the service (else read without the model)


def serialize(envelope: etree._Element) -> bytes:
    """The bytes we send: UTF-8 with an XML declaration."""
    data: bytes = etree.tostring(envelope, xml_declaration=True, encoding="utf-8")
    return data


class SoapCodec:
    """Body elements and envelopes of one service (``service``: the role that serves it)."""

    def __init__(self, version: Version, service: Role) -> None:
        self.version = version
        self.service = service
        self.namespace = wsdl_gen.target_namespace(version, service)
        self.path = wsdl_path(version, service)
        self.actions: dict[str, Action] = {
            act.name: act for act in wsdl_gen.service_actions(version, service)
        }
        settings = _zeep.Settings(strict=True, xml_huge_tree=False, forbid_dtd=True)
        self._client: Any = _zeep.Client(
            wsdl=str(self.path), transport=_offline_transport(), settings=settings
        )
        self._elements: dict[tuple[str, bool], Any] = {}
        for act in self.actions.values():
            for request in (True, False):
                name = wsdl_gen.element_name(act, request)
                self._elements[(act.name, request)] = self._client.get_element(
                    f"{{{self.namespace}}}{name}"
                )
        self._schema = _schema_of(self.path)

    def __repr__(self) -> str:
        return f"SoapCodec({self.version.value}, {wsdl_gen.service_name(self.service)})"

    @property
    def wsdl_text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def tag(self, action: str, request: bool) -> str:
        """The body element's qualified name: ``{urn://Ocpp/Cs/2015/10/}heartbeatRequest``."""
        local = action[:1].lower() + action[1:] + ("Request" if request else "Response")
        return f"{{{self.namespace}}}{local}"

    def identity_header(self, charge_point_id: str) -> etree._Element:
        header = etree.Element(
            f"{{{self.namespace}}}{wsdl_gen.HEADER_ELEMENT}", nsmap={"o": self.namespace}
        )
        header.text = charge_point_id
        return header

    # -- bodies ------------------------------------------------------------------------

    def build_body(
        self, action: str, payload: dict[str, Any], request: bool, *, exact: bool = True
    ) -> etree._Element:
        """The body element of ``payload``, through zeep for an operation of the service.

        zeep refuses a payload with fields the type lacks or without a required element; then
        ``exact`` raises FormatViolation, else the body is written as the payload says
        (:func:`~ocpptk.soap.values.build_element`), for provoking a peer on purpose. An action
        the service does not have is always written that way.
        """
        act = self.actions.get(action)
        if act is not None:
            element = self._elements[(action, request)]
            try:
                holder = etree.Element("holder")
                arguments = to_zeep(act.request if request else act.response, payload)
                element.render(holder, element(**arguments))
                return holder[0]
            except (ZeepError, TypeError, ValueError, AttributeError) as exc:
                if exact:
                    raise FormatViolation(
                        f"{action}: zeep cannot write the payload: {exc}"
                    ) from None
        holder = etree.Element("holder", nsmap={"o": self.namespace})
        model = None if act is None else (act.request if request else act.response)
        build_element(holder, self.tag(action, request), payload, model)
        return holder[0]

    def read_body(self, body: etree._Element) -> tuple[str, bool, dict[str, Any], bool]:
        """(action, is request, payload, known) of a body element of this namespace.

        A body that breaks the schema (zeep cannot read it) is read without zeep, as a plain
        tree with the model's names.
        """
        found = element_action(str(etree.QName(body).localname))
        if found is None:
            raise NotImplementedError_(
                f"<{etree.QName(body).localname}> is no operation's request or response"
            )
        action, request = found
        act = self.actions.get(action)
        if act is None:
            payload = read_element(body)
            return action, request, payload if isinstance(payload, dict) else {}, False
        model = act.request if request else act.response
        if self._schema.validate(copy.deepcopy(body)):  # else zeep fails (and logs an ERROR)
            try:
                value = self._elements[(action, request)].parse(body, self._client.wsdl.types)
                return action, request, from_zeep(model, value), True
            except (ZeepError, TypeError, ValueError, AttributeError, ArithmeticError):
                pass
        payload = read_element(body, model)
        return action, request, payload if isinstance(payload, dict) else {}, True

    def check_body(self, body: etree._Element) -> OcppError | None:
        """The error the XML schema finds in a body element, or None if it is valid."""
        if self._schema.validate(copy.deepcopy(body)):
            return None
        entry = self._schema.error_log[0]
        cls = XSD_ERRORS.get(entry.type_name, FormatViolation)
        if entry.type_name == "SCHEMAV_ELEMENT_CONTENT" and _MISSING_CHILD in entry.message:
            cls = OccurrenceConstraintViolation
        where = etree.QName(body).localname
        message = re.sub(r"\{[^}]*\}", "", entry.message)
        return cls(
            f"{where}: {message}", {"path": entry.path, "xsd": entry.type_name, "line": entry.line}
        )

    # -- envelopes ---------------------------------------------------------------------

    def request_envelope(
        self,
        body: etree._Element,
        action: str,
        *,
        charge_point_id: str | None,
        addressing: Addressing,
        soap_version: SoapVersion = SoapVersion.SOAP12,
    ) -> bytes:
        """A request envelope around ``body``: identity header, WS-Addressing with the action."""
        headers = [] if charge_point_id is None else [self.identity_header(charge_point_id)]
        if addressing.action is None:
            addressing = _with_action(addressing, "/" + action)
        return serialize(build_envelope(soap_version, addressing, headers, body))

    def response_envelope(
        self,
        body: etree._Element,
        action: str,
        *,
        addressing: Addressing,
        soap_version: SoapVersion = SoapVersion.SOAP12,
    ) -> bytes:
        if addressing.action is None:
            addressing = _with_action(addressing, f"/{action}Response")
        return serialize(build_envelope(soap_version, addressing, [], body))

    def identity(self, envelope: Envelope) -> str | None:
        """The ``chargeBoxIdentity`` header's text (any namespace is accepted; ours first)."""
        found = None
        for block in envelope.headers:
            qname = etree.QName(block)
            if qname.localname == wsdl_gen.HEADER_ELEMENT:
                if qname.namespace == self.namespace:
                    return (block.text or "").strip()
                found = (block.text or "").strip()
        return found


def _with_action(addressing: Addressing, action: str) -> Addressing:
    return Addressing(
        action=action,
        message_id=addressing.message_id,
        relates_to=addressing.relates_to,
        to=addressing.to,
        from_address=addressing.from_address,
        reply_to=addressing.reply_to,
    )


def fault_bytes(fault: Fault, soap_version: SoapVersion, relates_to: str | None) -> bytes:
    return serialize(fault_envelope(fault, soap_version, relates_to))


@cache
def codec(version: Version, service: Role) -> SoapCodec:
    """The codec of ``service`` in ``version``, built on first use and shared."""
    return SoapCodec(version, service)


def codecs_by_namespace(versions: Iterable[Version], service: Role) -> dict[str, SoapCodec]:
    return {c.namespace: c for c in (codec(v, service) for v in versions)}


def check_known(envelope: Envelope, namespaces: dict[str, SoapCodec]) -> SoapCodec:
    """The codec whose namespace the body element is in; raises what a Fault reports."""
    if envelope.fault is not None:
        raise ProtocolError("a Fault is not a request")
    if envelope.body is None:
        raise ProtocolError("the Body is empty")
    namespace = etree.QName(envelope.body).namespace
    found = namespaces.get(namespace or "")
    if found is None:
        known = ", ".join(sorted(namespaces))
        raise NotImplementedError_(
            f"<{etree.QName(envelope.body).localname}> is in namespace {namespace!r}; "
            f"this service reads {known}"
        )
    return found

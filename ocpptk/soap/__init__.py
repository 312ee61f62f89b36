"""OCPP 1.2, 1.5 and 1.6 over SOAP, without I/O: the codec, the envelopes, the faults, the cores.

Nothing in this package does I/O, starts tasks or reads the clock (a test checks its imports);
``ocpptk.transport.soap`` and ``ocpptk.transport.http`` are its adapters.

- ``xml``: the hardened parser (no DTD, no entity expansion, a size limit) and the namespaces;
- ``envelope``: SOAP envelopes with WS-Addressing headers, Faults, built and read with lxml;
- ``faults``: the one table between SOAP Faults and our OcppError classes;
- ``values``: payloads between our JSON form and zeep's values, guided by the model;
- ``codec``: a :class:`~ocpptk.soap.codec.SoapCodec` per (version, service) over our WSDL;
- ``session``: :class:`~ocpptk.soap.session.SoapCaller` (our calls, one in flight) and
  :class:`~ocpptk.soap.session.SoapResponder` (the requests we serve), with validation.
"""

from ocpptk.soap.codec import XSD_ERRORS, SoapCodec, SoapMessage, codec
from ocpptk.soap.envelope import Addressing, Envelope, build_envelope, parse_envelope
from ocpptk.soap.faults import FAULTS, Fault, IdentityMismatch, UrlMismatch, fault_for
from ocpptk.soap.session import (
    HttpStatusError,
    Inbound,
    Reply,
    Request,
    SoapCaller,
    SoapResponder,
)
from ocpptk.soap.xml import SoapVersion, XmlRefused, parse_xml

__all__ = [
    "FAULTS",
    "XSD_ERRORS",
    "Addressing",
    "Envelope",
    "Fault",
    "HttpStatusError",
    "IdentityMismatch",
    "Inbound",
    "Reply",
    "Request",
    "SoapCaller",
    "SoapCodec",
    "SoapMessage",
    "SoapResponder",
    "SoapVersion",
    "UrlMismatch",
    "XmlRefused",
    "build_envelope",
    "codec",
    "fault_for",
    "parse_envelope",
    "parse_xml",
]

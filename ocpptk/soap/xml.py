"""Reading XML from a peer safely, and the namespaces of the SOAP envelope.

Everything a peer sends is parsed by :func:`parse_xml` and by nothing else: a libxml2 parser that
never resolves entities, never touches the network, keeps libxml2's limits on tree size and depth
(``huge_tree=False``) and refuses any document with a DTD. "Billion laughs" (entities that expand
to gigabytes) and external entities (``<!ENTITY x SYSTEM "file:///etc/passwd">``) both need a
DTD, so both are refused before anything is expanded or read.
"""

from __future__ import annotations

from enum import Enum

from lxml import etree

__all__ = [
    "DEFAULT_MAX_SIZE",
    "NS_SOAP11",
    "NS_SOAP12",
    "NS_WSA",
    "WSA_ANONYMOUS",
    "WSA_FAULT_ACTION",
    "SoapVersion",
    "XmlRefused",
    "parse_xml",
]

NS_SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
NS_SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
NS_WSA = "http://www.w3.org/2005/08/addressing"  # WS-Addressing 1.0 (2005/08)
WSA_ANONYMOUS = NS_WSA + "/anonymous"
WSA_FAULT_ACTION = NS_WSA + "/soap/fault"

# The largest envelope we read (and, over HTTP, the largest body: 413 beyond it).
DEFAULT_MAX_SIZE = 4 * 1024 * 1024


class SoapVersion(Enum):
    """The SOAP version of an envelope; the value is its envelope namespace."""

    SOAP11 = NS_SOAP11
    SOAP12 = NS_SOAP12

    @property
    def content_type(self) -> str:
        """The HTTP media type (SOAP 1.2 part 2 section 7.1.4; SOAP 1.1 section 6.1.1)."""
        return "application/soap+xml" if self is SoapVersion.SOAP12 else "text/xml"


class XmlRefused(ValueError):
    """The bytes are not a document we read: too large, not well-formed, or with a DTD."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_pis=True,
        remove_comments=True,
    )


def parse_xml(data: bytes, max_size: int = DEFAULT_MAX_SIZE) -> etree._Element:
    """The root element of ``data``; raises XmlRefused saying why it was refused."""
    if len(data) > max_size:
        raise XmlRefused(f"the document is {len(data)} bytes; at most {max_size} are read")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise XmlRefused("a document type declaration (DTD) is not allowed")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise XmlRefused(f"not well-formed XML: {exc}") from None
    if root is None:
        raise XmlRefused("no XML document")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # e.g. a UTF-16 document
        raise XmlRefused("a document type declaration (DTD) is not allowed")
    for node in root.iter():
        if not isinstance(node.tag, str):  # an unexpanded entity reference
            raise XmlRefused("entity references are not allowed")
    return root

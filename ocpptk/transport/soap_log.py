"""The frame log for SOAP: one line per envelope, the XML and HTTP headers when asked for.

A line reads like the OCPP-J ones, with what the envelope is instead of the frame:
``[2026-11-21 14:54:54] cp#CP001: >>cs BootNotification request urn:uuid:...`` and
``... <<cs BootNotification response (HTTP 200)``, or the Fault's code and reason. With
``print_xml`` the envelope follows, indented; with ``print_headers`` the HTTP headers. The JSON
lines (``FrameLog(json_path=...)``) always carry the whole envelope text and the headers.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ocpptk.soap.xml import XmlRefused, parse_xml
from ocpptk.spec.catalog import Role
from ocpptk.transport.log import FrameLog

__all__ = ["EnvelopeLog", "pretty_xml"]


def pretty_xml(data: bytes) -> str:
    """The envelope indented for reading, or its text as it is if it is not XML we read."""
    try:
        root = parse_xml(data)
    except XmlRefused:
        return data.decode("utf-8", "replace")
    etree.indent(root, space="  ")
    text: str = etree.tostring(root, encoding="unicode")
    return text


@dataclass
class EnvelopeLog:
    """Writes envelopes to a FrameLog (its printer and its JSON lines)."""

    log: FrameLog
    print_xml: bool = False
    print_headers: bool = False

    def envelope(
        self,
        role: Role,
        charge_point: str,
        outgoing: bool,
        summary: str,
        data: bytes,
        headers: list[tuple[str, str]] | None = None,
        **fields: object,
    ) -> None:
        log = self.log
        stamp = log.now()
        if log.printer:
            lines = [f"{log.heading(stamp, role, charge_point, outgoing)} {summary}"]
            if self.print_headers and headers:
                lines += [f"    {name}: {value}" for name, value in headers]
            if self.print_xml:
                lines += ["    " + line for line in pretty_xml(data).splitlines()]
            log.printer("\n".join(lines))
        log.record(
            stamp,
            role,
            charge_point,
            event="soap",
            direction="out" if outgoing else "in",
            summary=summary,
            envelope=data.decode("utf-8", "replace"),
            headers=[list(pair) for pair in headers or []],
            **fields,
        )

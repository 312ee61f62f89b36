"""SOAP Faults and OCPP errors: one table, read in both directions.

OCPP 1.2, 1.5 and 1.6 over SOAP report an error as a SOAP Fault (SOAP 1.2 part 1 section 5.4):
a ``Code`` (``Sender`` when the request is at fault, ``Receiver`` when we are), a ``Subcode``
naming the OCPP error, and a ``Reason`` for people. The OCPP SOAP specifications name the
subcodes ``SecurityError``, ``IdentityMismatch`` (the ``chargeBoxIdentity`` header is missing or
not the expected one), ``ProtocolError``, ``InternalError`` and ``NotSupported``; for what they do
not name (a payload that breaks its schema, an unknown operation) the subcode is the OCPP-J error
code in the version's spelling, so a peer of ours gets the same error class back.

``FAULTS`` maps each OcppError key to its Code and Subcode; :func:`fault_for` reads it to send,
:meth:`Fault.error` to receive. A received Subcode that names no error we know becomes a
``GenericError`` with the Subcode (or the Code) as ``received_code``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ocpptk.rpc.errors import GenericError, OcppError, SecurityError, error_class
from ocpptk.spec.catalog import Version

__all__ = [
    "FAULTS",
    "RECEIVER",
    "SENDER",
    "Fault",
    "IdentityMismatch",
    "UrlMismatch",
    "fault_for",
]

SENDER = "Sender"
RECEIVER = "Receiver"


class IdentityMismatch(SecurityError):
    """The ``chargeBoxIdentity`` header is missing, or names another charge point."""

    subcode = "IdentityMismatch"


class UrlMismatch(SecurityError):
    """The charge point's address (``wsa:From``) is not the one expected for its identity."""

    subcode = "UrlMismatch"


# OcppError key -> (SOAP 1.2 Code, Subcode or None for "the OCPP-J code of the version").
FAULTS: dict[str, tuple[str, str | None]] = {
    "SecurityError": (SENDER, "SecurityError"),
    "ProtocolError": (SENDER, "ProtocolError"),
    "FormatViolation": (SENDER, None),
    "PropertyConstraintViolation": (SENDER, None),
    "OccurrenceConstraintViolation": (SENDER, None),
    "TypeConstraintViolation": (SENDER, None),
    "NotImplemented": (SENDER, None),
    "NotSupported": (RECEIVER, "NotSupported"),
    "InternalError": (RECEIVER, "InternalError"),
    "GenericError": (RECEIVER, None),
    "MessageTypeNotSupported": (SENDER, None),
    "RpcFrameworkError": (SENDER, None),
}

# Subcodes of the OCPP SOAP specifications that are finer than an OcppError key.
_SUBCLASSES: dict[str, type[OcppError]] = {
    IdentityMismatch.subcode: IdentityMismatch,
    UrlMismatch.subcode: UrlMismatch,
}


@dataclass(frozen=True)
class Fault:
    """A SOAP Fault, as sent or received. ``code`` is the SOAP 1.2 spelling."""

    code: str
    subcode: str | None
    reason: str
    details: dict[str, Any] = field(default_factory=dict)

    def error(self, version: Version | None = None) -> OcppError:
        """The OcppError this Fault stands for, ``received_code`` set (a received Fault)."""
        cls: type[OcppError] | None = None
        if self.subcode:
            cls = _SUBCLASSES.get(self.subcode) or error_class(self.subcode, version)
        error = (cls or GenericError)(self.reason, dict(self.details))
        error.received_code = self.subcode or self.code
        return error


def fault_for(error: OcppError, version: Version) -> Fault:
    """The Fault that reports ``error`` to the peer."""
    code, subcode = FAULTS.get(error.key, (RECEIVER, None))
    named = getattr(error, "subcode", None)
    if isinstance(named, str):
        subcode = named
    return Fault(
        code, subcode or error.code(version), error.description or error.key, error.details
    )

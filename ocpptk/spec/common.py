"""What the OCPP 1.2, 1.5 and 1.6 message models spell the same way, whatever the version.

Here are the pieces that belong to no one version: the example time, the XML schema built-in
string types, and the helpers that build the payload objects and the fields every version has
with the same name, type and example. The types of the OCPP specification are not here: each
version module defines its own, and a later version imports an earlier one's where the two are
the same (:mod:`ocpptk.spec.v15` builds on :mod:`ocpptk.spec.v12`, :mod:`ocpptk.spec.v16` on
:mod:`ocpptk.spec.v15`). Each version module re-exports ``EXAMPLE_TIME``, ``DateTime`` and
``AnyUri`` as its own.
"""

from __future__ import annotations

from ocpptk.spec.model import Direction, Enum, Field, Integer, Object, String

__all__ = [
    "CONNECTOR_ID",
    "CP_TO_CS",
    "CS_TO_CP",
    "EXAMPLE_TIME",
    "TEXT",
    "TRANSACTION_ID",
    "AnyUri",
    "DateTime",
    "conf",
    "req",
    "status",
]

# Timestamps in examples; consumers replace them with the current time.
EXAMPLE_TIME = "2026-01-01T00:00:00Z"

CP_TO_CS = Direction.CP_TO_CS
CS_TO_CP = Direction.CS_TO_CP

# XML schema has built-ins for these two, so they stay unnamed: xs:dateTime and xs:anyURI.
DateTime = String(format="date-time")
AnyUri = String(format="uri")
TEXT = String()  # xs:string, unbounded


def req(action: str, *fields: Field, xml_order: tuple[str, ...] | None = None) -> Object:
    """The request payload of ``action``: the object ``<action>Request``."""
    return Object(action + "Request", fields, xml_order=xml_order)


def conf(action: str, *fields: Field, xml_order: tuple[str, ...] | None = None) -> Object:
    """The response (confirmation) payload of ``action``: the object ``<action>Response``."""
    return Object(action + "Response", fields, xml_order=xml_order)


def status(enum: Enum, example: str = "Accepted") -> Field:
    """The required ``status`` field of type ``enum``."""
    return Field("status", enum, required=True, example=example)


CONNECTOR_ID = Field("connectorId", Integer(), required=True, example=1)
TRANSACTION_ID = Field("transactionId", Integer(), required=True, example=1)

"""What both simulators share: the 1.6 action names per direction and the handler lookup.

The simulators keep their handlers in one dict each (action name -> method). ``find_handler``
turns a miss into the OCPP-J error the specification asks for (OCPP-J 1.6 section 4.2.3):
``NotSupported`` for an action this version knows but this end does not handle (a CS->CP action
sent to a central system), ``NotImplemented`` for an action the version does not know at all.
``payload_errors`` converts what a handler trips over in a payload that skipped validation
(a missing field, a wrong type) into the matching OCPP-J error, at this one boundary.

The lists are kept here, not taken from ``ocpptk.spec``, so the simulators stand on their own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from ocpptk.rpc.errors import (
    NotImplementedError_,
    NotSupported,
    OccurrenceConstraintViolation,
    PropertyConstraintViolation,
    TypeConstraintViolation,
)
from ocpptk.spec.catalog import Version

__all__ = [
    "CP_TO_CS_V16",
    "CS_TO_CP_V16",
    "Payload",
    "check_version",
    "find_handler",
    "payload_errors",
]

Payload = dict[str, Any]

# OCPP 1.6 section 4 (operations initiated by the Charge Point) and section 5 (by the CS).
CP_TO_CS_V16: tuple[str, ...] = (
    "Authorize",
    "BootNotification",
    "DataTransfer",
    "DiagnosticsStatusNotification",
    "FirmwareStatusNotification",
    "Heartbeat",
    "MeterValues",
    "StartTransaction",
    "StatusNotification",
    "StopTransaction",
)
CS_TO_CP_V16: tuple[str, ...] = (
    "CancelReservation",
    "ChangeAvailability",
    "ChangeConfiguration",
    "ClearCache",
    "ClearChargingProfile",
    "DataTransfer",
    "GetCompositeSchedule",
    "GetConfiguration",
    "GetDiagnostics",
    "GetLocalListVersion",
    "RemoteStartTransaction",
    "RemoteStopTransaction",
    "ReserveNow",
    "Reset",
    "SendLocalList",
    "SetChargingProfile",
    "TriggerMessage",
    "UnlockConnector",
    "UpdateFirmware",
)
_KNOWN_V16 = frozenset(CP_TO_CS_V16) | frozenset(CS_TO_CP_V16)

H = TypeVar("H")


def check_version(version: Version) -> Version:
    """``version`` if the simulators implement it, else ``ValueError``."""
    if version is not Version.V16:
        raise ValueError(f"the simulators implement OCPP 1.6 only, not {version.value}")
    return version


def find_handler(handlers: Mapping[str, H], action: str, receiver: str) -> H:
    """The handler of ``action``, or the OCPP-J error for an action ``receiver`` cannot take."""
    handler = handlers.get(action)
    if handler is not None:
        return handler
    if action in _KNOWN_V16:
        raise NotSupported(f"a {receiver} does not handle {action} requests")
    raise NotImplementedError_(f"OCPP 1.6 has no action {action!r}")


@contextmanager
def payload_errors(action: str) -> Iterator[None]:
    """Turn a handler's KeyError / TypeError / ValueError on a bad payload into an OCPP-J error."""
    try:
        yield
    except KeyError as exc:
        raise OccurrenceConstraintViolation(
            f"{action}: required field {exc.args[0]!r} is missing"
        ) from exc
    except TypeError as exc:
        raise TypeConstraintViolation(f"{action}: {exc}") from exc
    except ValueError as exc:  # a value the handler cannot take: a bad timestamp, enum, number
        raise PropertyConstraintViolation(f"{action}: {exc}") from exc

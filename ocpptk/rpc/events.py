"""What a Connection reports to its adapter: frozen dataclasses, drained with events_received()."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ocpptk.rpc.errors import OcppError
from ocpptk.rpc.frames import Frame

__all__ = [
    "CallFailed",
    "CallReceived",
    "CallRejected",
    "CallSent",
    "Event",
    "FrameRejected",
    "ResultReceived",
    "UnexpectedMessage",
    "ValidationProblem",
]


@dataclass(frozen=True, slots=True)
class CallReceived:
    """The peer sent a valid CALL; the application answers with send_result or send_error."""

    unique_id: str
    action: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CallRejected:
    """The peer's CALL was answered with a CALLERROR by the core (unknown action, bad payload)."""

    unique_id: str
    action: str
    error: OcppError


@dataclass(frozen=True, slots=True)
class CallSent:
    """One of our CALLs went on the wire: the adapter starts its response timer now."""

    unique_id: str
    action: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ResultReceived:
    """Our CALL was answered with a CALLRESULT."""

    unique_id: str
    action: str
    request: dict[str, Any]
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CallFailed:
    """Our CALL ended without a usable result.

    ``error`` is the peer's CALLERROR (``error.received_code`` set), the violation found in an
    invalid CALLRESULT (``payload`` set), ``CallTimeout`` or ``LinkClosed``.
    """

    unique_id: str
    action: str
    request: dict[str, Any]
    error: Exception
    payload: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class FrameRejected:
    """Text that is not a valid frame; ``answered`` says if a CALLERROR went back."""

    text: str
    error: OcppError
    answered: bool


@dataclass(frozen=True, slots=True)
class UnexpectedMessage:
    """A CALLRESULT or CALLERROR matching no call in flight: ``late`` if it timed out before."""

    frame: Frame
    late: bool


@dataclass(frozen=True, slots=True)
class ValidationProblem:
    """A payload failed its schema. ``incoming`` tells whose; ``accepted`` if it went through."""

    unique_id: str
    action: str
    request: bool
    incoming: bool
    error: OcppError
    accepted: bool


Event = (
    CallReceived
    | CallRejected
    | CallSent
    | ResultReceived
    | CallFailed
    | FrameRejected
    | UnexpectedMessage
    | ValidationProblem
)

"""The sans-I/O OCPP-J core: frames, per-link state, validation and error codes.

Nothing in this package does I/O, starts tasks or reads the clock (a test checks its imports).
"""

from ocpptk.rpc.connection import Connection, LocalValidationError
from ocpptk.rpc.errors import CallTimeout, LinkClosed, LocalProtocolError, OcppError
from ocpptk.rpc.events import (
    CallFailed,
    CallReceived,
    CallRejected,
    CallSent,
    Event,
    FrameRejected,
    ResultReceived,
    UnexpectedMessage,
    ValidationProblem,
)
from ocpptk.rpc.validation import ValidationMode, Validators

__all__ = [
    "CallFailed",
    "CallReceived",
    "CallRejected",
    "CallSent",
    "CallTimeout",
    "Connection",
    "Event",
    "FrameRejected",
    "LinkClosed",
    "LocalProtocolError",
    "LocalValidationError",
    "OcppError",
    "ResultReceived",
    "UnexpectedMessage",
    "ValidationMode",
    "ValidationProblem",
    "Validators",
]

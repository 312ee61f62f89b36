"""OCPP-J error codes: one exception class per code, one table of per-version spellings.

OCPP-J 1.6 section 4.2.3 and OCPP 2.0.1 part 4 section 4.3 list the codes a CALLERROR may carry.
The two versions spell some of them differently; ``ERROR_CODES`` is the only place that knows.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ocpptk.spec.catalog import Version

__all__ = [
    "ERROR_CODES",
    "CallTimeout",
    "FormatViolation",
    "GenericError",
    "InternalError",
    "LinkClosed",
    "LocalProtocolError",
    "MessageTypeNotSupported",
    "NotImplementedError_",
    "NotSupported",
    "OccurrenceConstraintViolation",
    "OcppError",
    "PropertyConstraintViolation",
    "ProtocolError",
    "RpcFrameworkError",
    "SecurityError",
    "TypeConstraintViolation",
    "error_class",
    "error_for",
]


class LocalProtocolError(Exception):
    """We misused the API: sent an invalid payload with validation on, answered twice, ..."""


class OcppError(Exception):
    """An error that travels as a CALLERROR. Subclasses stand for one OCPP-J error code each."""

    key: ClassVar[str] = "GenericError"

    def __init__(self, description: str = "", details: dict[str, Any] | None = None) -> None:
        super().__init__(description or self.key)
        self.description = description
        self.details: dict[str, Any] = details if details is not None else {}
        # The code exactly as a peer sent it, when this error came off the wire.
        self.received_code: str | None = None

    def code(self, version: Version) -> str:
        """How ``version`` spells this error on the wire."""
        spelling = ERROR_CODES[self.key].get(version) or ERROR_CODES[self.key][None]
        if spelling is None:  # no such code in this version: the closest one it has
            return GenericError().code(version)
        return spelling

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.description!r})"


class NotImplementedError_(OcppError):  # the builtin owns the plain name
    """The action is not known by the receiver."""

    key = "NotImplemented"


class NotSupported(OcppError):
    """The action is known, but not supported by the receiver (or not in this direction)."""

    key = "NotSupported"


class InternalError(OcppError):
    key = "InternalError"


class ProtocolError(OcppError):
    """The payload is incomplete, or the frame is not a valid RPC message."""

    key = "ProtocolError"


class SecurityError(OcppError):
    key = "SecurityError"


class FormatViolation(OcppError):
    """The payload is syntactically incorrect (1.6 ``FormationViolation``)."""

    key = "FormatViolation"


class PropertyConstraintViolation(OcppError):
    """A field holds a value that is not allowed (enum, range, multiple)."""

    key = "PropertyConstraintViolation"


class OccurrenceConstraintViolation(OcppError):
    """A field occurs too often or not at all (1.6 spells it ``OccurenceConstraintViolation``)."""

    key = "OccurrenceConstraintViolation"


class TypeConstraintViolation(OcppError):
    """A field has the wrong data type (``"somestring": 12``)."""

    key = "TypeConstraintViolation"


class GenericError(OcppError):
    key = "GenericError"


class MessageTypeNotSupported(OcppError):
    """2.0.1: the message type number is not known."""

    key = "MessageTypeNotSupported"


class RpcFrameworkError(OcppError):
    """2.0.1: the content is not a valid RPC request (e.g. the message id cannot be read)."""

    key = "RpcFrameworkError"


# key -> {version: spelling}; the None entry is the spelling of every version not listed.
# A spelling of None means the version has no such code.
ERROR_CODES: dict[str, dict[Version | None, str | None]] = {
    "NotImplemented": {None: "NotImplemented"},
    "NotSupported": {None: "NotSupported"},
    "InternalError": {None: "InternalError"},
    "ProtocolError": {None: "ProtocolError"},
    "SecurityError": {None: "SecurityError"},
    "FormatViolation": {None: "FormationViolation", Version.V201: "FormatViolation"},
    "PropertyConstraintViolation": {None: "PropertyConstraintViolation"},
    "OccurrenceConstraintViolation": {
        None: "OccurenceConstraintViolation",
        Version.V201: "OccurrenceConstraintViolation",
    },
    "TypeConstraintViolation": {None: "TypeConstraintViolation"},
    "GenericError": {None: "GenericError"},
    "MessageTypeNotSupported": {None: None, Version.V201: "MessageTypeNotSupported"},
    "RpcFrameworkError": {None: None, Version.V201: "RpcFrameworkError"},
}

_CLASSES: dict[str, type[OcppError]] = {
    cls.key: cls
    for cls in (
        NotImplementedError_,
        NotSupported,
        InternalError,
        ProtocolError,
        SecurityError,
        FormatViolation,
        PropertyConstraintViolation,
        OccurrenceConstraintViolation,
        TypeConstraintViolation,
        GenericError,
        MessageTypeNotSupported,
        RpcFrameworkError,
    )
}

_BY_SPELLING: dict[tuple[Version | None, str], str] = {
    (version, spelling): key
    for key, spellings in ERROR_CODES.items()
    for version, spelling in spellings.items()
    if spelling is not None
}


def error_class(code: str, version: Version | None = None) -> type[OcppError] | None:
    """The class of a wire error code, accepting any version's spelling; None if unknown."""
    key = _BY_SPELLING.get((version, code)) or _BY_SPELLING.get((None, code))
    if key is None:  # another version's spelling (a peer that mixes them up)
        key = next((k for (_, spelling), k in _BY_SPELLING.items() if spelling == code), None)
    return _CLASSES.get(key) if key else None


def error_for(
    code: str,
    description: str = "",
    details: dict[str, Any] | None = None,
    version: Version | None = None,
) -> OcppError:
    """An exception for a received CALLERROR; an unknown code becomes a GenericError."""
    cls = error_class(code, version) or GenericError
    error = cls(description, details)
    error.received_code = code
    return error


class CallTimeout(Exception):
    """No answer to our CALL before the adapter's timer fired."""


class LinkClosed(Exception):
    """The link closed while our CALL waited for its answer (or in the queue)."""

"""OCPP-J frames: parsing text into typed messages and serialising them back.

OCPP-J 1.6 section 4 (RPC framework): a CALL is ``[2, "<UniqueId>", "<Action>", {<payload>}]``,
a CALLRESULT ``[3, "<UniqueId>", {<payload>}]`` and a CALLERROR
``[4, "<UniqueId>", "<errorCode>", "<errorDescription>", {<errorDetails>}]``.
The unique id is a string of at most 36 characters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from ocpptk.rpc.errors import (
    FormatViolation,
    MessageTypeNotSupported,
    OcppError,
    ProtocolError,
    RpcFrameworkError,
)
from ocpptk.spec.catalog import Version

__all__ = [
    "MAX_UNIQUE_ID_LENGTH",
    "Call",
    "CallError",
    "CallResult",
    "Frame",
    "FrameError",
    "MessageType",
    "dumps",
    "parse",
]

MAX_UNIQUE_ID_LENGTH = 36
UNREADABLE_ID = "-1"  # OCPP 2.0.1 part 4 4.2.3: the id of a CALLERROR whose CALL id is unreadable


class MessageType(IntEnum):
    CALL = 2
    CALLRESULT = 3
    CALLERROR = 4


@dataclass(frozen=True, slots=True)
class Call:
    unique_id: str
    action: str
    payload: dict[str, Any]

    def to_json(self) -> list[Any]:
        return [MessageType.CALL.value, self.unique_id, self.action, self.payload]


@dataclass(frozen=True, slots=True)
class CallResult:
    unique_id: str
    payload: dict[str, Any]

    def to_json(self) -> list[Any]:
        return [MessageType.CALLRESULT.value, self.unique_id, self.payload]


@dataclass(frozen=True, slots=True)
class CallError:
    unique_id: str
    error_code: str
    error_description: str = ""
    error_details: dict[str, Any] | None = None

    def to_json(self) -> list[Any]:
        details = self.error_details if self.error_details is not None else {}
        return [
            MessageType.CALLERROR.value,
            self.unique_id,
            self.error_code,
            self.error_description,
            details,
        ]


Frame = Call | CallResult | CallError


class FrameError(Exception):
    """Text that is not a valid OCPP-J frame.

    ``error`` is what to answer with; ``unique_id`` is the id if one could be read
    (else ``"-1"``); ``message_type`` is the type number if one could be read, so that the
    connection answers only what was (or may have been) a CALL.
    """

    def __init__(self, error: OcppError, unique_id: str, message_type: int | None) -> None:
        super().__init__(error.description)
        self.error = error
        self.unique_id = unique_id
        self.message_type = message_type


_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)  # built once


def dumps(frame: Frame) -> str:
    """Compact JSON, as peers expect it; non-ASCII kept as is."""
    return _ENCODER.encode(frame.to_json())


def parse(text: str | bytes, version: Version = Version.V16) -> Frame:
    """Parse one frame, or raise FrameError carrying the CALLERROR to answer with."""
    try:
        message = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        error_class = RpcFrameworkError if version is Version.V201 else FormatViolation
        raise FrameError(error_class(f"not valid JSON: {exc}"), UNREADABLE_ID, None) from None
    return _from_json(message, version)


def _from_json(message: Any, version: Version) -> Frame:
    if not isinstance(message, list) or not message:
        raise _shape_error("a frame must be a non-empty JSON array", UNREADABLE_ID, None, version)
    message_type = message[0]
    unique_id = message[1] if len(message) > 1 and isinstance(message[1], str) else None
    answer_id = unique_id if unique_id is not None else UNREADABLE_ID
    if type(message_type) is not int or message_type not in _SHAPES:
        error: OcppError = (
            MessageTypeNotSupported(f"unknown message type {message_type!r}")
            if version is Version.V201
            else ProtocolError(f"unknown message type {message_type!r}")
        )
        raise FrameError(error, answer_id, None)
    length, kinds = _SHAPES[message_type]
    name = MessageType(message_type).name
    if len(message) != length:
        raise _shape_error(
            f"a {name} has {length} elements, not {len(message)}", answer_id, message_type, version
        )
    for index, (element, kind) in enumerate(zip(message, kinds, strict=True)):
        if not isinstance(element, kind):
            raise _shape_error(
                f"element {index} of a {name} must be a JSON {_KIND_NAMES[kind]}",
                answer_id,
                message_type,
                version,
            )
    if unique_id is None or not 0 < len(unique_id) <= MAX_UNIQUE_ID_LENGTH:
        raise _shape_error(
            f"the unique id must be 1 to {MAX_UNIQUE_ID_LENGTH} characters",
            answer_id,
            message_type,
            version,
        )
    if message_type == MessageType.CALL:
        return Call(unique_id, message[2], message[3])
    if message_type == MessageType.CALLRESULT:
        return CallResult(unique_id, message[2])
    return CallError(unique_id, message[2], message[3], message[4])


def _shape_error(
    text: str, unique_id: str, message_type: int | None, version: Version
) -> FrameError:
    error_class = RpcFrameworkError if version is Version.V201 else ProtocolError
    return FrameError(error_class(text), unique_id, message_type)


# message type -> (number of elements, the JSON kind of each element)
_SHAPES: dict[int, tuple[int, tuple[type, ...]]] = {
    MessageType.CALL: (4, (int, str, str, dict)),
    MessageType.CALLRESULT: (3, (int, str, dict)),
    MessageType.CALLERROR: (5, (int, str, str, str, dict)),
}
_KIND_NAMES: dict[type, str] = {int: "number", str: "string", dict: "object"}

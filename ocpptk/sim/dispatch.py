"""What both simulators share: the payload type, the version check and the handler lookup.

The simulators keep their handlers in one dict each (action name -> method), for every action of
any version; the version's ``Dialect`` (``ocpptk.sim.dialect``, which also holds the action
lists) says which of them a charge point of that version may call. ``find_handler`` turns a
miss into the OCPP-J error the specification asks for (OCPP-J 1.6 section 4.2.3):
``NotSupported`` for an action this version knows but this end does not handle (a CS->CP action
sent to a central system), ``NotImplemented`` for an action the version does not know at all.
``payload_errors`` converts what a handler trips over in a payload that skipped validation
(a missing field, a wrong type) into the matching OCPP-J error, at this one boundary.
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
from ocpptk.sim.dialect import CP_TO_CS_V16, CS_TO_CP_V16, Dialect, dialect
from ocpptk.spec.catalog import Role, Version

__all__ = [
    "CP_TO_CS_V16",
    "CS_TO_CP_V16",
    "Payload",
    "check_version",
    "find_handler",
    "payload_errors",
]

Payload = dict[str, Any]

H = TypeVar("H")

_NAMES = {Role.CENTRAL_SYSTEM: "central system", Role.CHARGE_POINT: "charge point"}


def check_version(version: Version) -> Version:
    """``version`` if the simulators speak it (1.2, 1.5, 1.6), else ``ValueError``."""
    return dialect(version).version


def find_handler(handlers: Mapping[str, H], action: str, receiver: Role, speech: Dialect) -> H:
    """The handler of ``action`` for ``receiver`` in ``speech``'s version, or the OCPP-J error
    for an action it cannot take: NotSupported for an action of the version sent the wrong way,
    NotImplemented for an action the version does not have."""
    takes = speech.cp_to_cs if receiver is Role.CENTRAL_SYSTEM else speech.cs_to_cp
    handler = handlers.get(action)
    if handler is not None and action in takes:
        return handler
    if action in speech.known:
        raise NotSupported(f"a {_NAMES[receiver]} does not handle {action} requests")
    raise NotImplementedError_(f"OCPP {speech.version.value} has no action {action!r}")


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

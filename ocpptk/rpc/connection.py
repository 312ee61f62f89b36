"""One OCPP-J link, with no I/O: feed it text, drain frames to send and events.

The adapter's contract (as in a sans-I/O protocol library):

* ``receive_text(text)`` for every frame that arrives;
* ``send_call`` / ``send_result`` / ``send_error`` / ``send_raw`` for what the application says;
* after either, ``data_to_send()`` gives the frames to write, in order, and
  ``events_received()`` what happened (see ``ocpptk.rpc.events``);
* ``expire(unique_id)`` when the adapter's timer for a CALL fires, ``close()`` when the link ends.

OCPP-J 1.6 section 4.1.1: a sender has at most one CALL waiting for its answer; later CALLs wait
in a queue here and go out, in order, as each one is answered, fails or expires.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ocpptk.rpc.errors import (
    CallTimeout,
    LinkClosed,
    LocalProtocolError,
    NotImplementedError_,
    NotSupported,
    OcppError,
    error_for,
)
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
from ocpptk.rpc.frames import (
    MAX_UNIQUE_ID_LENGTH,
    Call,
    CallError,
    CallResult,
    FrameError,
    MessageType,
    dumps,
    parse,
)
from ocpptk.rpc.validation import ValidationMode, Validators
from ocpptk.spec.catalog import Role, Version, action

__all__ = ["Connection", "LocalValidationError", "report_outgoing"]

# How many expired call ids to remember, to tell a late answer from an unknown one.
_EXPIRED_MEMORY = 256


class LocalValidationError(LocalProtocolError):
    """We tried to send a payload that fails its schema while outgoing validation is strict."""

    def __init__(self, error: OcppError) -> None:
        super().__init__(error.description)
        self.error = error


def report_outgoing(
    events: list[Event],
    mode: ValidationMode,
    unique_id: str,
    action_name: str,
    request: bool,
    error: OcppError | None,
) -> None:
    """Our payload failed its schema with ``error`` (None: it passed): add a ValidationProblem
    to ``events``, and raise LocalValidationError (nothing is sent) if ``mode`` is strict."""
    if error is None:
        return
    strict = mode is ValidationMode.STRICT
    events.append(ValidationProblem(unique_id, action_name, request, False, error, not strict))
    if strict:
        raise LocalValidationError(error)


@dataclass(slots=True)
class _Outgoing:
    call: Call
    validate: bool


class Connection:
    """The OCPP-J state of one link, seen from ``role``."""

    def __init__(
        self,
        role: Role,
        version: Version = Version.V16,
        *,
        validators: Validators | None = None,
        incoming: ValidationMode = ValidationMode.STRICT,
        outgoing: ValidationMode = ValidationMode.STRICT,
        id_generator: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self.role = role
        self.version = version
        self.validators = validators
        self.incoming = incoming
        self.outgoing = outgoing
        self._new_id = id_generator
        self._frames: list[str] = []
        self._events: list[Event] = []
        self._queue: deque[_Outgoing] = deque()
        self._in_flight: _Outgoing | None = None
        self._unanswered: dict[str, str] = {}  # the peer's CALLs we owe an answer: id -> action
        self._expired: OrderedDict[str, None] = OrderedDict()
        self.closed = False

    # -- the adapter's side -------------------------------------------------------------

    def data_to_send(self) -> list[str]:
        frames, self._frames = self._frames, []
        return frames

    def events_received(self) -> list[Event]:
        events, self._events = self._events, []
        return events

    @property
    def in_flight(self) -> str | None:
        """The unique id of our CALL awaiting its answer, if any."""
        return self._in_flight.call.unique_id if self._in_flight else None

    @property
    def queued(self) -> int:
        return len(self._queue)

    def receive_text(self, text: str | bytes) -> None:
        if self.closed:
            raise LocalProtocolError("the connection is closed")
        try:
            frame = parse(text, self.version)
        except FrameError as exc:
            # Answer only what was, or may have been, a CALL (OCPP-J: a CALLERROR answers a CALL).
            answer = exc.message_type in (None, MessageType.CALL)
            if answer:
                self._write(CallError(exc.unique_id, *self._error_fields(exc.error)))
            shown = text if isinstance(text, str) else text.decode("utf-8", "replace")
            self._events.append(FrameRejected(shown, exc.error, answer))
            return
        if isinstance(frame, Call):
            self._receive_call(frame)
        else:
            self._receive_answer(frame)

    def expire(self, unique_id: str) -> None:
        """The adapter's timer for ``unique_id`` fired; harmless if it was answered already."""
        if self._in_flight is None or self._in_flight.call.unique_id != unique_id:
            return
        call = self._in_flight.call
        self._remember_expired(unique_id)
        self._finish(
            CallFailed(
                unique_id,
                call.action,
                call.payload,
                CallTimeout(f"no answer to {call.action} ({unique_id})"),
            )
        )

    def close(self) -> None:
        """The link is gone: every call in flight or queued fails with LinkClosed."""
        if self.closed:
            return
        self.closed = True
        pending = ([self._in_flight] if self._in_flight else []) + list(self._queue)
        self._in_flight = None
        self._queue.clear()
        for outgoing in pending:
            call = outgoing.call
            self._events.append(
                CallFailed(call.unique_id, call.action, call.payload, LinkClosed("the link closed"))
            )

    # -- the application's side ---------------------------------------------------------

    def send_call(self, action_name: str, payload: dict[str, Any], *, validate: bool = True) -> str:
        """Queue a CALL; it goes on the wire now if no other CALL awaits its answer.

        ``validate=False`` sends (and accepts the answer) unchecked, to provoke a peer.
        Returns the unique id.
        """
        if self.closed:
            raise LocalProtocolError("the connection is closed")
        unique_id = self._new_id()
        if not 0 < len(unique_id) <= MAX_UNIQUE_ID_LENGTH:
            raise LocalProtocolError(f"unique id {unique_id!r} is not 1 to 36 characters")
        if validate:
            self._check_outgoing(unique_id, action_name, True, payload)
        self._queue.append(_Outgoing(Call(unique_id, action_name, payload), validate))
        self._send_next()
        return unique_id

    def send_result(
        self, unique_id: str, payload: dict[str, Any], *, validate: bool = True
    ) -> None:
        action_name = self._take_unanswered(unique_id)
        if validate:
            self._check_outgoing(unique_id, action_name, False, payload, unanswered=action_name)
        self._write(CallResult(unique_id, payload))

    def send_error(self, unique_id: str, error: OcppError) -> None:
        self._take_unanswered(unique_id)
        self._write(CallError(unique_id, *self._error_fields(error)))

    def send_raw(self, text: str) -> None:
        """Any text as one frame, bypassing every check: for provoking a peer on purpose."""
        if self.closed:
            raise LocalProtocolError("the connection is closed")
        self._frames.append(text)

    # -- inside -------------------------------------------------------------------------

    def _receive_call(self, call: Call) -> None:
        known = action(self.version, call.action)
        checking = self.incoming is not ValidationMode.OFF
        if checking and known is None:
            self._reject(
                call,
                NotImplementedError_(f"{call.action} is not an OCPP {self.version.value} action"),
            )
            return
        if checking and known is not None and not self.role.peer.may_send(known):
            self._reject(
                call, NotSupported(f"{call.action} is not sent by a {_ROLE_NAMES[self.role.peer]}")
            )
            return
        if checking and self.validators is not None:
            error = self.validators.check(self.version, call.action, True, call.payload)
            if error is not None:
                strict = self.incoming is ValidationMode.STRICT
                self._events.append(
                    ValidationProblem(call.unique_id, call.action, True, True, error, not strict)
                )
                if strict:
                    self._reject(call, error)
                    return
        self._unanswered[call.unique_id] = call.action
        self._events.append(CallReceived(call.unique_id, call.action, call.payload))

    def _reject(self, call: Call, error: OcppError) -> None:
        self._write(CallError(call.unique_id, *self._error_fields(error)))
        self._events.append(CallRejected(call.unique_id, call.action, error))

    def _receive_answer(self, frame: CallResult | CallError) -> None:
        current = self._in_flight
        if current is None or current.call.unique_id != frame.unique_id:
            self._events.append(UnexpectedMessage(frame, frame.unique_id in self._expired))
            return
        call = current.call
        if isinstance(frame, CallError):
            received = error_for(
                frame.error_code, frame.error_description, frame.error_details, self.version
            )
            self._finish(CallFailed(call.unique_id, call.action, call.payload, received))
            return
        if current.validate and self.incoming is not ValidationMode.OFF and self.validators:
            error = self.validators.check(self.version, call.action, False, frame.payload)
            if error is not None:
                strict = self.incoming is ValidationMode.STRICT
                self._events.append(
                    ValidationProblem(call.unique_id, call.action, False, True, error, not strict)
                )
                if strict:
                    self._finish(
                        CallFailed(call.unique_id, call.action, call.payload, error, frame.payload)
                    )
                    return
        self._finish(ResultReceived(call.unique_id, call.action, call.payload, frame.payload))

    def _finish(self, event: Event) -> None:
        self._in_flight = None
        self._events.append(event)
        self._send_next()

    def _send_next(self) -> None:
        if self._in_flight is not None or not self._queue:
            return
        self._in_flight = self._queue.popleft()
        call = self._in_flight.call
        self._write(call)
        self._events.append(CallSent(call.unique_id, call.action, call.payload))

    def _check_outgoing(
        self,
        unique_id: str,
        action_name: str,
        request: bool,
        payload: dict[str, Any],
        unanswered: str | None = None,
    ) -> None:
        if self.outgoing is ValidationMode.OFF or self.validators is None:
            return
        error = self.validators.check(self.version, action_name, request, payload)
        try:
            report_outgoing(self._events, self.outgoing, unique_id, action_name, request, error)
        except LocalValidationError:
            if unanswered is not None:  # the peer's CALL still deserves an answer
                self._unanswered[unique_id] = unanswered
            raise

    def _take_unanswered(self, unique_id: str) -> str:
        try:
            return self._unanswered.pop(unique_id)
        except KeyError:
            raise LocalProtocolError(
                f"no CALL {unique_id!r} from the peer awaits an answer"
            ) from None

    def _remember_expired(self, unique_id: str) -> None:
        self._expired[unique_id] = None
        if len(self._expired) > _EXPIRED_MEMORY:
            self._expired.popitem(last=False)

    def _error_fields(self, error: OcppError) -> tuple[str, str, dict[str, Any]]:
        return error.code(self.version), error.description, error.details

    def _write(self, frame: Call | CallResult | CallError) -> None:
        if self.closed:
            raise LocalProtocolError("the connection is closed")
        self._frames.append(dumps(frame))


_ROLE_NAMES = {Role.CHARGE_POINT: "charge point", Role.CENTRAL_SYSTEM: "central system"}

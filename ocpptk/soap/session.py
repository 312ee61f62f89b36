"""The OCPP-over-SOAP cores, without I/O: our calls to one peer, and the requests we serve.

:class:`SoapCaller` is what :class:`ocpptk.rpc.Connection` is for OCPP-J, for the calls one end
makes to one peer: ``send_call`` queues a call, ``data_to_send`` gives the request to POST (at
most one is in flight: OCPP sends a request only when the previous one is answered; the HTTP
exchange is the correlation), ``receive_response`` takes the HTTP answer, ``fail`` and ``expire``
report the adapter's trouble and timer, and ``events_received`` tells what happened with the
events of ``ocpptk.rpc.events`` (the unique id is the WS-Addressing ``MessageID``).

:class:`SoapResponder` reads one HTTP request of a service we serve and tells the adapter either
the request to hand to the application or the Fault to send back; ``answer`` / ``answer_error``
turn the application's answer into the HTTP reply.

Validation, in and out, with ``ValidationMode`` strict / warn / off as on the WebSocket side:

* a request or response we receive is checked against the WSDL's XML schema (the wire format:
  it alone sees element order, attributes and the XML types), then, read into our JSON form,
  against the version's JSON schema (what the application is promised, as over OCPP-J);
* a payload we send is checked against the JSON schema first (the messages name JSON fields, as
  over OCPP-J), then written through zeep and the body checked against the XML schema.

A strict failure of a request we receive is answered with a Fault; of one we send, raises
LocalValidationError before anything is sent; of a response we receive, fails our call.
``strict`` (apart from validation) refuses envelopes real peers get wrong but we can read: SOAP
1.1, a missing ``MessageID``, a ``wsa:Action`` that does not match the body.
"""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ocpptk.rpc.connection import report_outgoing
from ocpptk.rpc.errors import (
    CallTimeout,
    InternalError,
    LinkClosed,
    LocalProtocolError,
    NotImplementedError_,
    NotSupported,
    OcppError,
    ProtocolError,
)
from ocpptk.rpc.events import (
    CallFailed,
    CallReceived,
    CallRejected,
    CallSent,
    Event,
    ResultReceived,
    ValidationProblem,
)
from ocpptk.rpc.validation import ValidationMode, Validators
from ocpptk.soap.codec import (
    SoapCodec,
    SoapMessage,
    check_known,
    codec,
    codecs_by_namespace,
    element_action,
    fault_bytes,
)
from ocpptk.soap.envelope import Addressing, Envelope, parse_envelope
from ocpptk.soap.faults import SENDER, Fault, IdentityMismatch, fault_for
from ocpptk.soap.xml import DEFAULT_MAX_SIZE, WSA_ANONYMOUS, SoapVersion
from ocpptk.spec.catalog import Role, Version

__all__ = [
    "HttpStatusError",
    "Inbound",
    "Reply",
    "Request",
    "SoapCaller",
    "SoapResponder",
    "content_type",
    "parse_content_type",
]


class HttpStatusError(ConnectionError):
    """The peer answered with an HTTP error and no SOAP Fault (404, 502, ...)."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(f"HTTP {status}{': ' + text if text else ''}")
        self.status = status


def content_type(soap_version: SoapVersion, action: str | None = None) -> str:
    """``application/soap+xml; charset=utf-8; action="/Heartbeat"`` (SOAP 1.2 part 2 7.1.4);
    SOAP 1.1 has ``text/xml; charset=utf-8`` and puts the action in a SOAPAction header."""
    value = f"{soap_version.content_type}; charset=utf-8"
    if action and soap_version is SoapVersion.SOAP12:
        value += f'; action="{action}"'
    return value


def parse_content_type(value: str | None) -> tuple[str, dict[str, str]]:
    """(media type in lower case, parameters) of a Content-Type header."""
    if not value:
        return "", {}
    media, *rest = value.split(";")
    params: dict[str, str] = {}
    for part in rest:
        name, _, text = part.partition("=")
        params[name.strip().lower()] = text.strip().strip('"')
    return media.strip().lower(), params


@dataclass(frozen=True)
class Request:
    """An HTTP request to POST: the body and its headers' values."""

    message_id: str
    action: str
    body: bytes
    content_type: str
    soap_action: str | None = None  # the SOAPAction header, for a SOAP 1.1 peer


@dataclass(frozen=True)
class Reply:
    """An HTTP response to a request we served."""

    status: int
    body: bytes
    content_type: str
    action: str
    fault: Fault | None = None


def _check(
    validators: Validators | None,
    service: SoapCodec,
    action: str,
    request: bool,
    body: etree._Element | None,
    payload: dict[str, Any] | None,
) -> OcppError | None:
    """XML schema on ``body``, then the JSON schema on ``payload``; the first error found."""
    if action not in service.actions:
        return None  # nothing to check a custom operation against, as over OCPP-J
    if body is not None:
        error = service.check_body(body)
        if error is not None:
            return error
    if payload is not None and validators is not None:
        return validators.check(service.version, action, request, payload)
    return None


# -- Our calls ---------------------------------------------------------------------------------


@dataclass
class _Outgoing:
    message_id: str
    action: str
    payload: dict[str, Any]
    validate: bool
    body: etree._Element | None = None
    raw: bytes | None = None


class SoapCaller:
    """The calls ``role`` makes to its peer over SOAP, for one charge point."""

    def __init__(
        self,
        role: Role,
        version: Version,
        charge_point_id: str,
        *,
        validators: Validators | None = None,
        incoming: ValidationMode = ValidationMode.STRICT,
        outgoing: ValidationMode = ValidationMode.STRICT,
        strict: bool = False,
        peer_url: str | None = None,
        from_address: str | None = None,
        id_generator: Callable[[], str] = lambda: f"urn:uuid:{uuid.uuid4()}",
        soap_version: SoapVersion = SoapVersion.SOAP12,
    ) -> None:
        self.role = role
        self.version = version
        self.charge_point_id = charge_point_id
        self.validators = validators
        self.incoming = incoming
        self.outgoing = outgoing
        self.strict = strict
        self.peer_url = peer_url
        self.from_address = from_address
        self.soap_version = soap_version
        self._new_id = id_generator
        self._queue: deque[_Outgoing] = deque()
        self._in_flight: _Outgoing | None = None
        self._ready: list[Request] = []
        self._events: list[Event] = []
        self.closed = False

    @property
    def service(self) -> SoapCodec:
        """The codec of the service we call: the peer's."""
        return codec(self.version, self.role.peer)

    @property
    def in_flight(self) -> str | None:
        return self._in_flight.message_id if self._in_flight else None

    @property
    def queued(self) -> int:
        return len(self._queue)

    def data_to_send(self) -> list[Request]:
        ready, self._ready = self._ready, []
        return ready

    def events_received(self) -> list[Event]:
        events, self._events = self._events, []
        return events

    def send_call(self, action: str, payload: dict[str, Any], *, validate: bool = True) -> str:
        """Queue a call; it is sent when no other waits for its answer. Returns its MessageID.

        With ``validate`` off, nothing is checked and a payload zeep cannot write (or an
        operation the service does not have) is written as given, to provoke a peer.
        """
        if self.closed:
            raise LocalProtocolError("the link is closed")
        message_id = self._new_id()
        service = self.service
        checking = validate and self.outgoing is not ValidationMode.OFF
        if checking and self.validators is not None and action in service.actions:
            self._problem(
                message_id, action, True, self.validators.check(self.version, action, True, payload)
            )
        try:
            body = service.build_body(action, payload, True, exact=checking)
        except OcppError as error:
            self._problem(message_id, action, True, error)
            body = service.build_body(action, payload, True, exact=False)
        if checking:
            self._problem(message_id, action, True, _check(None, service, action, True, body, None))
        self._queue.append(_Outgoing(message_id, action, payload, validate, body))
        self._send_next()
        return message_id

    def send_raw(self, text: str | bytes, action: str = "raw") -> str:
        """Queue ``text`` to be POSTed as it is; its answer is read as a response if it can be."""
        if self.closed:
            raise LocalProtocolError("the link is closed")
        message_id = self._new_id()
        raw = text.encode("utf-8") if isinstance(text, str) else text
        self._queue.append(_Outgoing(message_id, action, {}, False, raw=raw))
        self._send_next()
        return message_id

    def receive_response(
        self, message_id: str, status: int, content_type_value: str | None, data: bytes
    ) -> None:
        """The HTTP response to the request ``message_id`` (its status, type and body)."""
        del content_type_value  # the envelope says what it is; peers get the type wrong
        current = self._in_flight
        if current is None or current.message_id != message_id:
            return  # it expired or failed already; the timer's event said so
        try:
            payload, error = self._read_response(current, status, data)
        except (OcppError, HttpStatusError) as exc:  # not a response we can use
            self._finish(CallFailed(message_id, current.action, current.payload, exc))
            return
        if error is not None:
            self._finish(CallFailed(message_id, current.action, current.payload, error, payload))
            return
        self._finish(ResultReceived(message_id, current.action, current.payload, payload))

    def fail(self, message_id: str, error: Exception) -> None:
        """The adapter could not complete the exchange (connection refused, reset)."""
        current = self._in_flight
        if current is not None and current.message_id == message_id:
            self._finish(CallFailed(message_id, current.action, current.payload, error))

    def expire(self, message_id: str) -> None:
        """The adapter's timer for ``message_id`` fired."""
        current = self._in_flight
        if current is not None and current.message_id == message_id:
            error = CallTimeout(f"no answer to {current.action} ({message_id})")
            self._finish(CallFailed(message_id, current.action, current.payload, error))

    def close(self) -> None:
        """Every call in flight or queued fails with LinkClosed."""
        if self.closed:
            return
        self.closed = True
        pending = ([self._in_flight] if self._in_flight else []) + list(self._queue)
        self._in_flight = None
        self._queue.clear()
        self._ready.clear()
        for call in pending:
            self._events.append(
                CallFailed(
                    call.message_id, call.action, call.payload, LinkClosed("the link closed")
                )
            )

    # -- inside ------------------------------------------------------------------------

    def _problem(
        self, message_id: str, action: str, request: bool, error: OcppError | None
    ) -> None:
        report_outgoing(self._events, self.outgoing, message_id, action, request, error)

    def _send_next(self) -> None:
        if self._in_flight is not None or not self._queue or self.closed:
            return
        call = self._in_flight = self._queue.popleft()
        service = self.service
        if call.raw is not None:
            self._ready.append(
                Request(call.message_id, call.action, call.raw, content_type(self.soap_version))
            )
        else:
            assert call.body is not None
            addressing = Addressing(
                message_id=call.message_id,
                from_address=self.from_address,
                reply_to=WSA_ANONYMOUS,
                to=self.peer_url,
            )
            data = service.request_envelope(
                call.body,
                call.action,
                charge_point_id=self.charge_point_id,
                addressing=addressing,
                soap_version=self.soap_version,
            )
            soap_action = "/" + call.action
            self._ready.append(
                Request(
                    call.message_id,
                    call.action,
                    data,
                    content_type(self.soap_version, soap_action),
                    soap_action if self.soap_version is SoapVersion.SOAP11 else None,
                )
            )
        self._events.append(CallSent(call.message_id, call.action, call.payload))

    def _finish(self, event: Event) -> None:
        self._in_flight = None
        self._events.append(event)
        self._send_next()

    def _read_response(
        self, call: _Outgoing, status: int, data: bytes
    ) -> tuple[dict[str, Any], OcppError | None]:
        """(payload, the error that fails the call or None). Raises OcppError (with no
        received_code) for a response that cannot be read, HttpStatusError for an HTTP error
        without a Fault."""
        try:
            envelope = parse_envelope(data)
        except OcppError as exc:
            if status >= 300:
                raise HttpStatusError(
                    status, data[:200].decode("utf-8", "replace").strip()
                ) from None
            raise type(exc)(
                f"the response to {call.action} is unreadable: {exc.description}"
            ) from None
        if envelope.fault is not None:
            return {}, envelope.fault.error(self.version)
        if status >= 300:
            raise HttpStatusError(status, "no SOAP Fault in the response")
        relates_to = envelope.addressing.relates_to
        if self.strict and relates_to is not None and relates_to != call.message_id:
            raise ProtocolError(f"the response relates to {relates_to}, not to {call.message_id}")
        if envelope.body is None:
            raise ProtocolError(f"the response to {call.action} has an empty Body")
        service = self.service
        checking = call.validate and self.incoming is not ValidationMode.OFF
        if not checking:
            try:
                found = check_known(envelope, {service.namespace: service})
                _, _, payload, _ = found.read_body(envelope.body)
            except OcppError:
                payload = {}
            return payload, None
        check_known(envelope, {service.namespace: service})
        expected = service.tag(call.action, False)
        if envelope.body.tag != expected:
            raise ProtocolError(
                f"the response to {call.action} is <{etree.QName(envelope.body).localname}>, "
                f"not <{etree.QName(expected).localname}>"
            )
        error = _check(None, service, call.action, False, envelope.body, None)
        _, _, payload, _ = service.read_body(envelope.body)
        if error is None:
            error = _check(self.validators, service, call.action, False, None, payload)
        if error is not None:
            strict = self.incoming is ValidationMode.STRICT
            self._events.append(
                ValidationProblem(call.message_id, call.action, False, True, error, not strict)
            )
            if strict:
                return payload, error
        return payload, None


# -- The requests we serve ---------------------------------------------------------------------


@dataclass
class Inbound:
    """What to do with one HTTP request: hand ``message`` to the application, or send ``reply``.

    ``charge_point_id`` is the identity header's value when there was one.
    """

    message: SoapMessage | None = None
    reply: Reply | None = None
    charge_point_id: str | None = None
    message_id: str = ""
    events: list[Event] = field(default_factory=list)


class SoapResponder:
    """Reads the requests of the service ``role`` serves, in each of ``versions``."""

    def __init__(
        self,
        role: Role,
        versions: Iterable[Version],
        *,
        validators: Validators | None = None,
        incoming: ValidationMode = ValidationMode.STRICT,
        outgoing: ValidationMode = ValidationMode.STRICT,
        strict: bool = False,
        accept_identity: Callable[[str], bool] | None = None,
        max_size: int = DEFAULT_MAX_SIZE,
        id_generator: Callable[[], str] = lambda: f"urn:uuid:{uuid.uuid4()}",
    ) -> None:
        self.role = role
        self.versions = tuple(versions)
        self.validators = validators
        self.incoming = incoming
        self.outgoing = outgoing
        self.strict = strict
        self.accept_identity = accept_identity
        self.max_size = max_size
        self._new_id = id_generator
        self.codecs = codecs_by_namespace(self.versions, role)

    def receive_request(
        self, data: bytes, content_type_value: str | None = None, soap_action: str | None = None
    ) -> Inbound:
        inbound = Inbound(message_id=self._new_id())
        soap_version = SoapVersion.SOAP12
        try:
            envelope = parse_envelope(data, self.max_size)
            soap_version = envelope.soap_version
            inbound.message_id = envelope.addressing.message_id or inbound.message_id
            self._accept(envelope, inbound, soap_action)
        except OcppError as error:
            version = inbound.message.version if inbound.message else self.versions[0]
            action = inbound.message.action if inbound.message else "?"
            inbound.events.append(CallRejected(inbound.message_id, action, error))
            inbound.message = None
            inbound.reply = self._fault(error, version, soap_version, action, inbound)
        return inbound

    def answer(self, message: SoapMessage, payload: dict[str, Any], inbound: Inbound) -> Reply:
        """The reply carrying the application's ``payload``; checked as the mode says (a strict
        failure becomes an InternalError Fault: the peer gets an answer either way)."""
        service = codec(message.version, message.service)
        checking = self.outgoing is not ValidationMode.OFF and message.known
        body: etree._Element | None = None
        error = (
            _check(self.validators, service, message.action, False, None, payload)
            if checking
            else None
        )
        if error is None:
            try:
                body = service.build_body(message.action, payload, False, exact=checking)
            except OcppError as exc:
                error = exc
        if error is None and checking:
            error = _check(None, service, message.action, False, body, None)
        if error is not None:
            strict = self.outgoing is ValidationMode.STRICT
            inbound.events.append(
                ValidationProblem(
                    inbound.message_id, message.action, False, False, error, not strict
                )
            )
            if strict:
                problem = InternalError(f"our answer fails validation: {error.description}")
                return self.answer_error(message, problem, inbound)
            if body is None:
                body = service.build_body(message.action, payload, False, exact=False)
        assert body is not None
        data = service.response_envelope(
            body,
            message.action,
            addressing=Addressing(
                message_id=self._new_id(), relates_to=message.addressing.message_id
            ),
            soap_version=message.soap_version,
        )
        return Reply(
            200,
            data,
            content_type(message.soap_version, f"/{message.action}Response"),
            message.action,
        )

    def answer_error(self, message: SoapMessage, error: OcppError, inbound: Inbound) -> Reply:
        return self._fault(error, message.version, message.soap_version, message.action, inbound)

    # -- inside ------------------------------------------------------------------------

    def _fault(
        self,
        error: OcppError,
        version: Version,
        soap_version: SoapVersion,
        action: str,
        inbound: Inbound,
    ) -> Reply:
        fault = fault_for(error, version)
        relates_to = inbound.message_id if inbound.message_id else None
        data = fault_bytes(fault, soap_version, relates_to)
        # SOAP 1.2 HTTP binding: a Sender fault is 400, a Receiver fault 500; SOAP 1.1: 500.
        status = 400 if fault.code == SENDER and soap_version is SoapVersion.SOAP12 else 500
        return Reply(status, data, content_type(soap_version), action, fault)

    def _accept(self, envelope: Envelope, inbound: Inbound, soap_action: str | None) -> None:
        if self.strict and envelope.soap_version is SoapVersion.SOAP11:
            raise ProtocolError("SOAP 1.1 envelopes are not accepted (strict); OCPP binds SOAP 1.2")
        service = check_known(envelope, self.codecs)
        assert envelope.body is not None
        found = element_action(str(etree.QName(envelope.body).localname))
        if found is None or not found[1]:
            raise ProtocolError(
                f"<{etree.QName(envelope.body).localname}> is not a request of an operation"
            )
        action = found[0]
        known = action in service.actions
        checking = self.incoming is not ValidationMode.OFF
        if not known and checking:
            other = codec(service.version, self.role.peer)
            if (
                action in other.actions
                and etree.QName(envelope.body).namespace == service.namespace
            ):
                raise NotSupported(f"{action} is not an operation of this service")
            raise NotImplementedError_(
                f"{action} is not an operation of the OCPP {service.version.value} service"
            )
        addressing = envelope.addressing
        if self.strict and addressing.message_id is None:
            raise ProtocolError("the request has no wsa:MessageID")
        wsa_action = addressing.action or soap_action
        if self.strict and wsa_action is not None and wsa_action.strip('"') != "/" + action:
            raise ProtocolError(f"wsa:Action {wsa_action!r} does not match the body ({action})")
        identity = service.identity(envelope)
        inbound.charge_point_id = identity or None
        if not identity:
            raise IdentityMismatch("the request has no chargeBoxIdentity header")
        if self.accept_identity is not None and not self.accept_identity(identity):
            raise IdentityMismatch(f"chargeBoxIdentity {identity!r} is not known here")
        error = _check(None, service, action, True, envelope.body, None) if checking else None
        _, _, payload, _ = service.read_body(envelope.body)
        inbound.message = SoapMessage(
            service.version,
            self.role,
            action,
            True,
            payload,
            envelope.soap_version,
            addressing,
            identity,
            known,
        )
        if error is None and checking:
            error = _check(self.validators, service, action, True, None, payload)
        if error is not None:
            strict = self.incoming is ValidationMode.STRICT
            inbound.events.append(
                ValidationProblem(inbound.message_id, action, True, True, error, not strict)
            )
            if strict:
                raise error
        inbound.events.append(CallReceived(inbound.message_id, action, payload))

"""The SOAP cores without I/O: our calls queued one at a time, the requests we serve."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from ocpptk.rpc.connection import LocalValidationError
from ocpptk.rpc.errors import (
    CallTimeout,
    LinkClosed,
    NotSupported,
    ProtocolError,
)
from ocpptk.rpc.events import (
    CallFailed,
    CallReceived,
    CallRejected,
    CallSent,
    ResultReceived,
    ValidationProblem,
)
from ocpptk.rpc.validation import ValidationMode
from ocpptk.soap.codec import codec, fault_bytes
from ocpptk.soap.envelope import Addressing, parse_envelope
from ocpptk.soap.faults import Fault, IdentityMismatch
from ocpptk.soap.session import (
    HttpStatusError,
    SoapCaller,
    SoapResponder,
    content_type,
    parse_content_type,
)
from ocpptk.soap.xml import NS_SOAP11, SoapVersion
from ocpptk.spec.catalog import Role, Version
from ocpptk.spec.examples import example_payload
from ocpptk.transport.charge_point import default_validators

CS = Role.CENTRAL_SYSTEM
CP = Role.CHARGE_POINT


def ids() -> Any:
    counter = itertools.count(1)
    return lambda: f"urn:uuid:{next(counter)}"


def caller(**kwargs: Any) -> SoapCaller:
    kwargs.setdefault("validators", default_validators())
    return SoapCaller(
        CP,
        Version.V16,
        "CP1",
        peer_url="http://cs/",
        from_address="http://cp/",
        id_generator=ids(),
        **kwargs,
    )


def responder(role: Role = CS, **kwargs: Any) -> SoapResponder:
    kwargs.setdefault("validators", default_validators())
    return SoapResponder(role, [Version.V16, Version.V15], id_generator=ids(), **kwargs)


def response_for(action: str, message_id: str, payload: dict[str, Any] | None = None) -> bytes:
    service = codec(Version.V16, CS)
    body = service.build_body(
        action,
        payload if payload is not None else example_payload(Version.V16, action, False),
        False,
    )
    return service.response_envelope(body, action, addressing=Addressing(relates_to=message_id))


def test_one_call_at_a_time_in_order() -> None:
    core = caller()
    first = core.send_call("Heartbeat", {})
    second = core.send_call("Authorize", {"idTag": "T1"})
    (request,) = core.data_to_send()
    assert (request.message_id, request.action) == (first, "Heartbeat")
    assert request.content_type == 'application/soap+xml; charset=utf-8; action="/Heartbeat"'
    envelope = parse_envelope(request.body)
    assert envelope.addressing == Addressing(
        action="/Heartbeat",
        message_id=first,
        to="http://cs/",
        from_address="http://cp/",
        reply_to="http://www.w3.org/2005/08/addressing/anonymous",
    )
    assert core.queued == 1 and core.in_flight == first
    assert [type(e) for e in core.events_received()] == [CallSent]
    core.receive_response(first, 200, None, response_for("Heartbeat", first))
    events = core.events_received()
    assert isinstance(events[0], ResultReceived) and events[0].payload == example_payload(
        Version.V16, "Heartbeat", False
    )
    assert isinstance(events[1], CallSent) and events[1].unique_id == second
    (request,) = core.data_to_send()
    assert request.message_id == second


def test_a_fault_an_http_error_a_timeout_and_closing() -> None:
    core = caller()
    first = core.send_call("Heartbeat", {})
    second = core.send_call("Heartbeat", {})
    third = core.send_call("Heartbeat", {})
    core.events_received()
    fault = Fault("Sender", "IdentityMismatch", "who?")
    core.receive_response(first, 400, None, fault_bytes(fault, SoapVersion.SOAP12, first))
    failed, sent = core.events_received()
    assert isinstance(failed, CallFailed) and type(failed.error) is IdentityMismatch
    assert failed.error.received_code == "IdentityMismatch"
    assert isinstance(sent, CallSent) and sent.unique_id == second
    core.receive_response(second, 502, None, b"<html>bad gateway</html>")
    failed, _ = core.events_received()
    assert isinstance(failed.error, HttpStatusError) and failed.error.status == 502
    core.expire(third)
    (failed,) = core.events_received()
    assert isinstance(failed.error, CallTimeout)
    core.receive_response(third, 200, None, response_for("Heartbeat", third))  # late: ignored
    assert core.events_received() == []
    core.send_call("Heartbeat", {})
    core.send_call("Heartbeat", {})
    core.close()
    events = core.events_received()
    assert [type(e.error) for e in events if isinstance(e, CallFailed)] == [LinkClosed] * 2


def test_outgoing_validation_strict_warn_off() -> None:
    core = caller()
    with pytest.raises(LocalValidationError) as raised:
        core.send_call("Authorize", {"idTag": "T" * 21})
    assert "idTag" in raised.value.error.description
    assert core.data_to_send() == [] and core.in_flight is None
    (problem,) = core.events_received()
    assert isinstance(problem, ValidationProblem) and not problem.accepted
    warn = caller(outgoing=ValidationMode.WARN)
    warn.send_call("Authorize", {"idTag": "T" * 21, "extra": 1})
    problems = [e for e in warn.events_received() if isinstance(e, ValidationProblem)]
    assert problems and all(p.accepted for p in problems)
    (request,) = warn.data_to_send()
    assert b"<o:extra>1</o:extra>" in request.body  # written as given
    unchecked = caller()
    unchecked.send_call("FooBar", {"x": 1}, validate=False)
    (request,) = unchecked.data_to_send()
    assert b"fooBarRequest" in request.body and b"/FooBar" in request.body


def test_incoming_response_validation() -> None:
    core = caller()
    first = core.send_call("Heartbeat", {})
    core.events_received()
    bad = response_for("Heartbeat", first).replace(b"2026-01-01T00:00:00Z", b"tomorrow")
    core.receive_response(first, 200, None, bad)
    problem, failed = core.events_received()[:2]
    assert isinstance(problem, ValidationProblem) and problem.incoming
    assert isinstance(failed, CallFailed) and failed.error.received_code is None  # type: ignore[attr-defined]
    second = core.send_call("Heartbeat", {})
    core.events_received()
    core.receive_response(
        second, 200, None, response_for("Authorize", second, {"idTagInfo": {"status": "Accepted"}})
    )
    (failed, *_) = core.events_received()
    assert isinstance(failed.error, ProtocolError)  # type: ignore[union-attr]
    assert "not <heartbeatResponse>" in failed.error.description  # type: ignore[union-attr]


def _request(
    name: str, payload: dict[str, Any], version: Version = Version.V16, **kwargs: Any
) -> bytes:
    service = codec(version, kwargs.pop("role", CS))
    body = service.build_body(name, payload, True, exact=False)
    return service.request_envelope(
        body,
        name,
        charge_point_id=kwargs.pop("identity", "CP1"),
        addressing=Addressing(
            message_id=kwargs.pop("message_id", "urn:uuid:m1"),
            action=kwargs.pop("wsa_action", None),
            **kwargs,
        ),
    )


def test_a_request_is_handed_over_and_answered() -> None:
    core = responder()
    inbound = core.receive_request(_request("Heartbeat", {}, from_address="http://cp/"))
    assert inbound.reply is None and inbound.charge_point_id == "CP1"
    message = inbound.message
    assert message is not None
    assert (message.version, message.action, message.payload) == (Version.V16, "Heartbeat", {})
    assert message.addressing.from_address == "http://cp/"
    assert [type(e) for e in inbound.events] == [CallReceived]
    reply = core.answer(message, {"currentTime": "2026-01-01T00:00:00Z"}, inbound)
    assert reply.status == 200 and reply.fault is None
    envelope = parse_envelope(reply.body)
    assert envelope.addressing.relates_to == "urn:uuid:m1"
    assert envelope.addressing.action == "/HeartbeatResponse"
    # the 1.5 namespace reaches the 1.5 codec
    inbound = core.receive_request(_request("Heartbeat", {}, Version.V15))
    assert inbound.message is not None and inbound.message.version is Version.V15


@pytest.mark.parametrize(
    ("data", "error", "status"),
    [
        (b"not xml", "FormationViolation", 400),
        (b"<Envelope/>", "ProtocolError", 400),
        (_request("Heartbeat", {}, identity=""), "IdentityMismatch", 400),
        (_request("FooBar", {}), "NotImplemented", 400),
        (_request("Reset", {"type": "Soft"}), "NotSupported", 500),
        (_request("Authorize", {"idTag": "T" * 21}), "TypeConstraintViolation", 400),
        (_request("Authorize", {"idTag": "T", "x": "1"}), "FormationViolation", 400),
        (_request("Heartbeat", {}, role=CP), "NotImplemented", 400),  # another namespace
    ],
    ids=["xml", "envelope", "identity", "unknown", "other-service", "length", "extra", "ns"],
)
def test_refused_requests_get_a_fault(data: bytes, error: str, status: int) -> None:
    inbound = responder().receive_request(data)
    assert inbound.message is None and inbound.reply is not None
    assert inbound.reply.fault is not None and inbound.reply.fault.subcode == error
    assert inbound.reply.status == status
    assert isinstance(inbound.events[-1], CallRejected)
    assert parse_envelope(inbound.reply.body).fault == inbound.reply.fault


def test_the_identity_and_leniency() -> None:
    only = responder(CP, accept_identity=lambda name: name == "CP1")
    wrong = only.receive_request(_request("Reset", {"type": "Soft"}, role=CP, identity="CP2"))
    assert wrong.reply is not None and wrong.reply.fault is not None
    assert wrong.reply.fault.subcode == "IdentityMismatch"
    right = only.receive_request(_request("Reset", {"type": "Soft"}, role=CP))
    assert right.message is not None
    soap11 = _soap11(_request("Heartbeat", {}, message_id=None))
    lenient = responder().receive_request(soap11)
    assert lenient.message is not None and lenient.message.soap_version is SoapVersion.SOAP11
    reply = responder().answer(lenient.message, {"currentTime": "2026-01-01T00:00:00Z"}, lenient)
    assert reply.content_type == "text/xml; charset=utf-8"
    assert parse_envelope(reply.body).soap_version is SoapVersion.SOAP11
    strict = responder(strict=True)
    for data in (
        soap11,
        _request("Heartbeat", {}, message_id=None),
        _request("Heartbeat", {}, wsa_action="/Nope"),
    ):
        inbound = strict.receive_request(data)
        assert inbound.reply is not None and inbound.reply.fault is not None
        assert inbound.reply.fault.subcode == "ProtocolError"


def _soap11(data: bytes) -> bytes:
    return data.replace(b"http://www.w3.org/2003/05/soap-envelope", NS_SOAP11.encode())


def test_incoming_validation_modes() -> None:
    bad = _request("Authorize", {"idTag": "T" * 21})
    warn = responder(incoming=ValidationMode.WARN).receive_request(bad)
    assert warn.message is not None and warn.message.payload == {"idTag": "T" * 21}
    problem, received = warn.events
    assert isinstance(problem, ValidationProblem) and problem.accepted
    assert isinstance(received, CallReceived)
    off = responder(incoming=ValidationMode.OFF).receive_request(_request("FooBar", {"a": "1"}))
    assert off.message is not None and off.message.payload == {"a": "1"} and not off.message.known


def test_an_invalid_answer_is_an_internal_error_fault() -> None:
    core = responder()
    inbound = core.receive_request(_request("Heartbeat", {}))
    assert inbound.message is not None
    reply = core.answer(inbound.message, {"currentTime": "never"}, inbound)
    assert (
        reply.fault is not None and reply.fault.subcode == "InternalError" and reply.status == 500
    )
    assert isinstance(inbound.events[-1], ValidationProblem)
    error = core.answer_error(inbound.message, NotSupported("later"), inbound)
    assert error.fault is not None and error.fault.code == "Receiver"
    warn = responder(outgoing=ValidationMode.WARN)
    inbound = warn.receive_request(_request("Heartbeat", {}))
    assert inbound.message is not None
    reply = warn.answer(inbound.message, {"currentTime": "never"}, inbound)
    assert reply.status == 200 and b"never" in reply.body


def test_content_types() -> None:
    assert (
        content_type(SoapVersion.SOAP12, "/X") == 'application/soap+xml; charset=utf-8; action="/X"'
    )
    assert content_type(SoapVersion.SOAP11, "/X") == "text/xml; charset=utf-8"
    assert parse_content_type('Application/SOAP+xml; charset=utf-8; action="/Heartbeat"') == (
        "application/soap+xml",
        {"charset": "utf-8", "action": "/Heartbeat"},
    )
    assert parse_content_type(None) == ("", {})

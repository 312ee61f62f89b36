"""The per-link state machine, driven by hand: no sockets, no event loop, no clock."""

from __future__ import annotations

import itertools
import json
import pathlib
from typing import Any

import pytest

from ocpptk.rpc import (
    CallFailed,
    CallReceived,
    CallRejected,
    CallSent,
    CallTimeout,
    Connection,
    FrameRejected,
    LinkClosed,
    LocalProtocolError,
    LocalValidationError,
    ResultReceived,
    UnexpectedMessage,
    ValidationMode,
    ValidationProblem,
    Validators,
)
from ocpptk.rpc.errors import (
    FormatViolation,
    NotImplementedError_,
    NotSupported,
    OccurrenceConstraintViolation,
    PropertyConstraintViolation,
    TypeConstraintViolation,
)
from ocpptk.spec.catalog import Role, Version
from tests.purity import forbidden_imports

SCHEMAS: dict[tuple[str, bool], dict[str, Any]] = {
    ("Heartbeat", True): {"type": "object", "properties": {}, "additionalProperties": False},
    ("Heartbeat", False): {
        "type": "object",
        "properties": {"currentTime": {"type": "string", "format": "date-time"}},
        "required": ["currentTime"],
        "additionalProperties": False,
    },
    ("Authorize", True): {
        "type": "object",
        "properties": {"idTag": {"type": "string", "maxLength": 20}},
        "required": ["idTag"],
        "additionalProperties": False,
    },
    ("Reset", True): {
        "type": "object",
        "properties": {"type": {"type": "string", "enum": ["Hard", "Soft"]}},
        "required": ["type"],
    },
    ("SetChargingProfile", True): {
        "type": "object",
        "properties": {
            "periods": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"limit": {"type": "number", "multipleOf": 0.1}},
                },
            }
        },
    },
}


def source(version: Version, action: str, request: bool) -> dict[str, Any] | None:
    return SCHEMAS.get((action, request))


def link(role: Role = Role.CENTRAL_SYSTEM, **options: Any) -> Connection:
    counter = itertools.count(1)
    return Connection(
        role, validators=Validators(source), id_generator=lambda: f"id{next(counter)}", **options
    )


def sent(conn: Connection) -> list[list[Any]]:
    return [json.loads(frame) for frame in conn.data_to_send()]


def test_rpc_package_does_no_io() -> None:
    forbidden = {"asyncio", "socket", "websockets", "time", "threading", "select", "ssl"}
    package = pathlib.Path(__file__).resolve().parents[2] / "ocpptk" / "rpc"
    modules = sorted(package.glob("*.py"))
    assert len(modules) >= 6
    assert forbidden_imports(modules, forbidden) == []


def test_call_and_result() -> None:
    cp = link(Role.CHARGE_POINT)
    unique_id = cp.send_call("Heartbeat", {})
    assert sent(cp) == [[2, "id1", "Heartbeat", {}]]
    assert cp.events_received() == [CallSent("id1", "Heartbeat", {})]
    cp.receive_text('[3,"id1",{"currentTime":"2026-11-21T14:54:54Z"}]')
    assert cp.events_received() == [
        ResultReceived(unique_id, "Heartbeat", {}, {"currentTime": "2026-11-21T14:54:54Z"})
    ]
    assert cp.in_flight is None


def test_incoming_call_is_delivered_and_answered() -> None:
    cs = link()
    cs.receive_text('[2,"u7","Authorize",{"idTag":"TAG1"}]')
    assert cs.events_received() == [CallReceived("u7", "Authorize", {"idTag": "TAG1"})]
    cs.send_result("u7", {"idTagInfo": {"status": "Accepted"}})
    assert sent(cs) == [[3, "u7", {"idTagInfo": {"status": "Accepted"}}]]
    with pytest.raises(LocalProtocolError):
        cs.send_result("u7", {})  # answered already


def test_one_call_in_flight_others_queue_in_order() -> None:
    cp = link(Role.CHARGE_POINT)
    first = cp.send_call("Heartbeat", {})
    second = cp.send_call("Authorize", {"idTag": "A"})
    third = cp.send_call("Authorize", {"idTag": "B"})
    assert [frame[1] for frame in sent(cp)] == [first]
    assert cp.queued == 2
    cp.receive_text(f'[4,"{first}","InternalError","boom",{{}}]')
    assert [frame[1] for frame in sent(cp)] == [second]
    cp.receive_text(f'[3,"{second}",{{}}]')
    assert [frame[1] for frame in sent(cp)] == [third]
    kinds = [type(event).__name__ for event in cp.events_received()]
    assert kinds == ["CallSent", "CallFailed", "CallSent", "ResultReceived", "CallSent"]


def test_callerror_becomes_the_matching_error_class() -> None:
    cp = link(Role.CHARGE_POINT)
    unique_id = cp.send_call("Heartbeat", {})
    cp.events_received()
    cp.receive_text(f'[4,"{unique_id}","OccurenceConstraintViolation","missing",{{"f":1}}]')
    (event,) = cp.events_received()
    assert isinstance(event, CallFailed)
    assert isinstance(event.error, OccurrenceConstraintViolation)
    assert event.error.description == "missing" and event.error.details == {"f": 1}


def test_expiry_frees_the_link_and_a_late_answer_is_reported() -> None:
    cp = link(Role.CHARGE_POINT)
    first = cp.send_call("Heartbeat", {})
    second = cp.send_call("Heartbeat", {})
    cp.data_to_send(), cp.events_received()
    cp.expire(first)
    events = cp.events_received()
    assert isinstance(events[0], CallFailed) and isinstance(events[0].error, CallTimeout)
    assert events[1] == CallSent(second, "Heartbeat", {})
    cp.expire(first)  # a timer firing twice does nothing
    assert cp.events_received() == []
    cp.receive_text(f'[3,"{first}",{{"currentTime":"2026-11-21T14:54:54Z"}}]')
    (late,) = cp.events_received()
    assert isinstance(late, UnexpectedMessage) and late.late
    cp.receive_text('[3,"never-sent",{}]')
    (unknown,) = cp.events_received()
    assert isinstance(unknown, UnexpectedMessage) and not unknown.late
    assert cp.in_flight == second  # the link still works


def test_close_fails_every_pending_call() -> None:
    cp = link(Role.CHARGE_POINT)
    cp.send_call("Heartbeat", {})
    cp.send_call("Heartbeat", {})
    cp.events_received()
    cp.close()
    failures = cp.events_received()
    assert len(failures) == 2
    assert all(isinstance(e, CallFailed) and isinstance(e.error, LinkClosed) for e in failures)
    with pytest.raises(LocalProtocolError):
        cp.send_call("Heartbeat", {})


@pytest.mark.parametrize(
    ("text", "code", "unique_id"),
    [
        ("{not json", "FormationViolation", "-1"),
        ('[2,"q1","Heartbeat"]', "ProtocolError", "q1"),
        ('[2,"q1","Heartbeat",[]]', "ProtocolError", "q1"),
        ('["x"]', "ProtocolError", "-1"),
    ],
)
def test_malformed_input_is_answered_and_the_link_survives(
    text: str, code: str, unique_id: str
) -> None:
    cs = link()
    cs.receive_text(text)
    (answer,) = sent(cs)
    assert answer[:3] == [4, unique_id, code] and isinstance(answer[4], dict)
    (event,) = cs.events_received()
    assert isinstance(event, FrameRejected) and event.answered
    cs.receive_text('[2,"ok1","Heartbeat",{}]')
    assert cs.events_received() == [CallReceived("ok1", "Heartbeat", {})]


def test_malformed_answer_is_reported_not_answered() -> None:
    cp = link(Role.CHARGE_POINT)
    cp.receive_text('[3,"x"]')
    assert sent(cp) == []
    (event,) = cp.events_received()
    assert isinstance(event, FrameRejected) and not event.answered


def test_unknown_action_is_not_implemented() -> None:
    cs = link()
    cs.receive_text('[2,"u1","FlyToTheMoon",{}]')
    assert sent(cs)[0][:3] == [4, "u1", "NotImplemented"]
    (event,) = cs.events_received()
    assert isinstance(event, CallRejected) and isinstance(event.error, NotImplementedError_)


def test_action_in_the_wrong_direction_is_not_supported() -> None:
    cs = link()
    cs.receive_text('[2,"u1","Reset",{"type":"Hard"}]')  # a CS -> CP action sent to a CS
    assert sent(cs)[0][:3] == [4, "u1", "NotSupported"]
    cp = link(Role.CHARGE_POINT)
    cp.receive_text('[2,"u2","Heartbeat",{}]')
    (event,) = cp.events_received()
    assert isinstance(event, CallRejected) and isinstance(event.error, NotSupported)


@pytest.mark.parametrize(
    ("payload", "code", "error_class"),
    [
        ({}, "OccurenceConstraintViolation", OccurrenceConstraintViolation),
        ({"idTag": 5}, "TypeConstraintViolation", TypeConstraintViolation),
        ({"idTag": "x" * 21}, "TypeConstraintViolation", TypeConstraintViolation),
        ({"idTag": "A", "extra": 1}, "FormationViolation", FormatViolation),
    ],
)
def test_invalid_payload_gets_the_matching_code(
    payload: dict[str, Any], code: str, error_class: type
) -> None:
    cs = link()
    cs.receive_text(json.dumps([2, "v1", "Authorize", payload]))
    (answer,) = sent(cs)
    assert answer[:3] == [4, "v1", code]
    events = cs.events_received()
    assert isinstance(events[0], ValidationProblem) and not events[0].accepted
    assert isinstance(events[1], CallRejected) and type(events[1].error) is error_class


def test_enum_and_multiple_of_are_property_constraints() -> None:
    cp = link(Role.CHARGE_POINT)
    cp.receive_text('[2,"r1","Reset",{"type":"Warm"}]')
    assert sent(cp)[0][:3] == [4, "r1", "PropertyConstraintViolation"]
    cp.receive_text('[2,"s1","SetChargingProfile",{"periods":[{"limit":0.3},{"limit":16}]}]')
    assert cp.events_received()[-1] == CallReceived(
        "s1", "SetChargingProfile", {"periods": [{"limit": 0.3}, {"limit": 16}]}
    )
    cp.receive_text('[2,"s2","SetChargingProfile",{"periods":[{"limit":0.3},{"limit":0.35}]}]')
    answer = sent(cp)[-1]
    assert answer[:3] == [4, "s2", "PropertyConstraintViolation"]
    assert "periods[1].limit" in answer[3]
    problem = cp.events_received()[0]
    assert isinstance(problem, ValidationProblem)
    assert isinstance(problem.error, PropertyConstraintViolation)


def test_warn_mode_reports_and_delivers() -> None:
    cs = link(incoming=ValidationMode.WARN)
    cs.receive_text('[2,"w1","Authorize",{}]')
    assert sent(cs) == []
    problem, received = cs.events_received()
    assert isinstance(problem, ValidationProblem) and problem.accepted and problem.incoming
    assert received == CallReceived("w1", "Authorize", {})


def test_off_mode_delivers_even_unknown_actions() -> None:
    cs = link(incoming=ValidationMode.OFF)
    cs.receive_text('[2,"o1","FlyToTheMoon",{"x":1}]')
    assert cs.events_received() == [CallReceived("o1", "FlyToTheMoon", {"x": 1})]


def test_outgoing_validation_strict_raises_and_sends_nothing() -> None:
    cp = link(Role.CHARGE_POINT)
    with pytest.raises(LocalValidationError) as caught:
        cp.send_call("Authorize", {"idTag": 1})
    assert isinstance(caught.value.error, TypeConstraintViolation)
    assert sent(cp) == []
    cp.send_call("Authorize", {"idTag": 1}, validate=False)  # provoking on purpose
    assert sent(cp) == [[2, "id2", "Authorize", {"idTag": 1}]]


def test_outgoing_invalid_result_strict_keeps_the_call_answerable() -> None:
    cs = link()
    cs.receive_text('[2,"h1","Heartbeat",{}]')
    cs.events_received()
    with pytest.raises(LocalValidationError):
        cs.send_result("h1", {})
    cs.send_result("h1", {"currentTime": "2026-11-21T14:54:54Z"})
    assert sent(cs) == [[3, "h1", {"currentTime": "2026-11-21T14:54:54Z"}]]


def test_outgoing_warn_mode_sends_and_reports() -> None:
    cp = link(Role.CHARGE_POINT, outgoing=ValidationMode.WARN)
    cp.send_call("Authorize", {})
    assert sent(cp) == [[2, "id1", "Authorize", {}]]
    problem = cp.events_received()[0]
    assert isinstance(problem, ValidationProblem) and not problem.incoming and problem.accepted


def test_invalid_result_fails_the_call_in_strict_mode() -> None:
    cp = link(Role.CHARGE_POINT)
    unique_id = cp.send_call("Heartbeat", {})
    cp.events_received()
    cp.receive_text(f'[3,"{unique_id}",{{"currentTime":"yesterday"}}]')
    problem, failed = cp.events_received()
    assert isinstance(problem, ValidationProblem) and not problem.request
    assert isinstance(failed, CallFailed) and isinstance(failed.error, TypeConstraintViolation)
    assert failed.payload == {"currentTime": "yesterday"}


def test_send_raw_bypasses_everything() -> None:
    cp = link(Role.CHARGE_POINT)
    cp.send_raw("hello")
    assert cp.data_to_send() == ["hello"]


def test_unique_ids_over_36_characters_are_refused_locally() -> None:
    cp = Connection(Role.CHARGE_POINT, id_generator=lambda: "x" * 37)
    with pytest.raises(LocalProtocolError):
        cp.send_call("Heartbeat", {})


def test_default_ids_are_unique_and_short() -> None:
    cp = Connection(Role.CHARGE_POINT)
    ids = {cp.send_call("Heartbeat", {}) for _ in range(50)}
    assert len(ids) == 50 and all(len(i) <= 36 for i in ids)

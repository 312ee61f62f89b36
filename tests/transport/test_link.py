"""OcppLink over real sockets: malformed frames, timeouts, one CALL in flight, pings, the log.

The peer at the other end is a plain ``websockets`` client or server wherever the test is about
what goes on the wire, so that a mistake shared by our client and our server cannot hide.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as raw_connect
from websockets.asyncio.server import ServerConnection
from websockets.frames import Frame, Opcode

from ocpptk.rpc import (
    CallTimeout,
    LinkClosed,
    LocalProtocolError,
    LocalValidationError,
    UnexpectedMessage,
    ValidationMode,
)
from ocpptk.rpc.errors import (
    FormatViolation,
    GenericError,
    NotSupported,
    OccurrenceConstraintViolation,
    PropertyConstraintViolation,
)
from ocpptk.spec.catalog import Version
from ocpptk.spec.examples import example_payload
from tests.conftest import PATIENCE, wait_until
from tests.transport.conftest import checked

BOOT = {"chargePointVendor": "ocpptk", "chargePointModel": "Test"}
NOW = "2026-01-01T00:00:00Z"
STAMP = r"\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\]"


async def recv_json(websocket: Any) -> list[Any]:
    frame: list[Any] = json.loads(await asyncio.wait_for(websocket.recv(), PATIENCE))
    return frame


def answer(frame: list[Any]) -> str:
    """The CALLRESULT a well-behaved peer sends for the CALL ``frame``: the example response."""
    return json.dumps([3, frame[1], example_payload(Version.V16, frame[2], False)])


# -- malformed and refused frames ---------------------------------------------------------

LONG_ID = "x" * 37

# (frame sent to our central system, id of the CALLERROR, its 1.6 error code)
TO_CENTRAL_SYSTEM = [
    pytest.param("this is not json", "-1", "FormationViolation", id="invalid-json"),
    pytest.param('{"messageTypeId": 2}', "-1", "ProtocolError", id="object-not-array"),
    pytest.param("[]", "-1", "ProtocolError", id="empty-array"),
    pytest.param('[2,"m1","Heartbeat"]', "m1", "ProtocolError", id="call-too-short"),
    pytest.param('[2,"m2","Heartbeat",{},{}]', "m2", "ProtocolError", id="call-too-long"),
    pytest.param('[2,"m3","Heartbeat",[]]', "m3", "ProtocolError", id="payload-not-object"),
    pytest.param('[2,42,"Heartbeat",{}]', "-1", "ProtocolError", id="id-not-string"),
    pytest.param(f'[2,"{LONG_ID}","Heartbeat",{{}}]', LONG_ID, "ProtocolError", id="id-too-long"),
    pytest.param('[7,"m4","Heartbeat",{}]', "m4", "ProtocolError", id="unknown-message-type"),
    pytest.param('[2,"m5","FlyToTheMoon",{}]', "m5", "NotImplemented", id="unknown-action"),
    pytest.param(
        '[2,"m6","RemoteStartTransaction",{"idTag":"T1"}]', "m6", "NotSupported", id="wrong-way"
    ),
    pytest.param(
        '[2,"m7","BootNotification",{"chargePointVendor":"V"}]',
        "m7",
        "OccurenceConstraintViolation",
        id="required-missing",
    ),
    pytest.param(
        '[2,"m8","BootNotification",{"chargePointVendor":12,"chargePointModel":"M"}]',
        "m8",
        "TypeConstraintViolation",
        id="wrong-type",
    ),
    pytest.param(
        '[2,"m9","BootNotification",{"chargePointVendor":"%s","chargePointModel":"M"}]'
        % ("V" * 21),
        "m9",
        "TypeConstraintViolation",
        id="string-too-long",
    ),
    pytest.param(
        '[2,"m10","StartTransaction",'
        '{"connectorId":1,"idTag":"T1","meterStart":0,"timestamp":"yesterday"}]',
        "m10",
        "TypeConstraintViolation",
        id="not-a-date-time",
    ),
    pytest.param(
        '[2,"m11","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Bogus"}]',
        "m11",
        "PropertyConstraintViolation",
        id="not-in-enum",
    ),
    pytest.param(
        '[2,"m12","BootNotification",{"chargePointVendor":"V","chargePointModel":"M","x":1}]',
        "m12",
        "FormationViolation",
        id="unknown-property",
    ),
    pytest.param('[2,"m13","Heartbeat",{"x":1}]', "m13", "FormationViolation", id="empty-pdu"),
]


@pytest.mark.parametrize(("text", "unique_id", "code"), TO_CENTRAL_SYSTEM)
async def test_central_system_answers_a_bad_frame_with_callerror_and_goes_on(
    ocpp_server: Any, text: str, unique_id: str, code: str
) -> None:
    server = await ocpp_server()
    async with raw_connect(server.url + "RAW1", subprotocols=["ocpp1.6"]) as websocket:
        await websocket.send(text)
        reply = await recv_json(websocket)
        assert reply[:3] == [4, unique_id, code]
        assert len(reply) == 5
        assert isinstance(reply[3], str) and reply[3]
        assert isinstance(reply[4], dict)

        await websocket.send('[2,"after","Heartbeat",{}]')
        reply = await recv_json(websocket)
        assert reply[:2] == [3, "after"]
        assert set(reply[2]) == {"currentTime"}


async def test_answers_matching_no_call_get_no_reply(ocpp_server: Any, captured_log: Any) -> None:
    captured = captured_log("cs")
    server = await ocpp_server(options=checked(log=captured.log))
    async with raw_connect(server.url + "RAW1", subprotocols=["ocpp1.6"]) as websocket:
        for text in (
            '[3,"nobody-asked",{}]',
            '[4,"nobody-asked","GenericError","",{}]',
            '[4,"short"]',  # a malformed CALLERROR is not answered either
        ):
            await websocket.send(text)
        await websocket.send('[2,"after","Heartbeat",{}]')
        reply = await recv_json(websocket)  # the first reply is the Heartbeat's
        assert reply[:2] == [3, "after"]
    texts = [note["text"] for note in captured.notes()]
    assert sum("unexpected answer 'nobody-asked'" in text for text in texts) == 2
    assert any(text.startswith("malformed frame (ignored)") for text in texts)


# (frame sent to our charge point, id of the CALLERROR, its 1.6 error code)
TO_CHARGE_POINT = [
    pytest.param("{not json", "-1", "FormationViolation", id="invalid-json"),
    pytest.param('[2,"s1","Teleport",{}]', "s1", "NotImplemented", id="unknown-action"),
    pytest.param(
        f'[2,"s2","BootNotification",{json.dumps(BOOT)}]', "s2", "NotSupported", id="wrong-way"
    ),
    pytest.param(
        '[2,"s3","Reset",{"type":"Bogus"}]', "s3", "PropertyConstraintViolation", id="not-in-enum"
    ),
    pytest.param(
        '[2,"s4","ChangeConfiguration",{"key":"K"}]',
        "s4",
        "OccurenceConstraintViolation",
        id="required-missing",
    ),
    pytest.param(
        '[2,"s5","UnlockConnector",{"connectorId":"1"}]',
        "s5",
        "TypeConstraintViolation",
        id="wrong-type",
    ),
    pytest.param(
        '[2,"s6","ClearCache",{"x":1}]', "s6", "FormationViolation", id="unknown-property"
    ),
]


@pytest.mark.parametrize(("text", "unique_id", "code"), TO_CHARGE_POINT)
async def test_charge_point_answers_a_bad_frame_with_callerror_and_goes_on(
    raw_server: Any, open_link: Any, text: str, unique_id: str, code: str
) -> None:
    replies: asyncio.Future[list[list[Any]]] = asyncio.get_running_loop().create_future()

    async def central_system(websocket: ServerConnection) -> None:
        try:
            await websocket.send(text)
            first = await recv_json(websocket)
            await websocket.send('[2,"after","Reset",{"type":"Soft"}]')
            replies.set_result([first, await recv_json(websocket)])
        except Exception as exc:
            replies.set_exception(exc)
        await websocket.wait_closed()

    url = await raw_server(central_system)
    await open_link(url)
    first, after = await asyncio.wait_for(replies, PATIENCE)
    assert first[:3] == [4, unique_id, code]
    assert after == [3, "after", {"status": "Accepted"}]


# -- what the handler answers ---------------------------------------------------------------


async def test_the_handler_outcome_becomes_the_answer(ocpp_server: Any) -> None:
    async def slow_heartbeat() -> dict[str, Any]:
        await asyncio.sleep(0)
        return {"currentTime": NOW}

    def handler(action: str, payload: dict[str, Any]) -> Any:
        if action == "Heartbeat":
            return slow_heartbeat()  # an awaitable is awaited
        if action == "Authorize":
            raise NotSupported("no authorization here")
        if action == "StatusNotification":
            raise RuntimeError("boom")
        if action == "BootNotification":
            return {"status": "Maybe", "currentTime": NOW, "interval": 1}  # invalid
        return {}

    server = await ocpp_server(handler=handler)
    async with raw_connect(server.url + "RAW1", subprotocols=["ocpp1.6"]) as websocket:
        await websocket.send('[2,"h","Heartbeat",{}]')
        assert await recv_json(websocket) == [3, "h", {"currentTime": NOW}]

        await websocket.send('[2,"a","Authorize",{"idTag":"T1"}]')
        assert await recv_json(websocket) == [4, "a", "NotSupported", "no authorization here", {}]

        status = {"connectorId": 1, "errorCode": "NoError", "status": "Available"}
        await websocket.send(json.dumps([2, "s", "StatusNotification", status]))
        reply = await recv_json(websocket)
        assert reply[:3] == [4, "s", "InternalError"]
        assert "boom" in reply[3]

        await websocket.send(json.dumps([2, "b", "BootNotification", BOOT]))
        reply = await recv_json(websocket)
        assert reply[:3] == [4, "b", "InternalError"]
        assert "failed validation" in reply[3]


# -- what our calls see ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("OccurenceConstraintViolation", OccurrenceConstraintViolation),
        ("OccurrenceConstraintViolation", OccurrenceConstraintViolation),  # 2.0.1's spelling
        ("FormationViolation", FormatViolation),
        ("NotSupported", NotSupported),
        ("SomethingElse", GenericError),
    ],
)
async def test_a_callerror_raises_its_error_class(
    raw_server: Any, open_link: Any, code: str, expected: type[Exception]
) -> None:
    async def central_system(websocket: ServerConnection) -> None:
        async for text in websocket:
            frame = json.loads(text)
            await websocket.send(json.dumps([4, frame[1], code, "described", {"why": 1}]))

    link = await open_link(await raw_server(central_system))
    with pytest.raises(expected) as caught:
        await link.call("Heartbeat", {})
    assert type(caught.value) is expected
    assert caught.value.received_code == code  # type: ignore[attr-defined]
    assert caught.value.description == "described"  # type: ignore[attr-defined]
    assert caught.value.details == {"why": 1}  # type: ignore[attr-defined]
    assert not link.closed.is_set()


def invalid_boot_answers(websocket: ServerConnection) -> Any:
    async def serve() -> None:
        async for text in websocket:
            frame = json.loads(text)
            body = {"status": "Bogus", "currentTime": NOW, "interval": 5}
            await websocket.send(json.dumps([3, frame[1], body]))

    return serve()


async def test_an_invalid_result_is_refused_in_strict_mode(
    raw_server: Any, open_link: Any, captured_log: Any
) -> None:
    captured = captured_log("cp")
    link = await open_link(
        await raw_server(invalid_boot_answers), options=checked(log=captured.log)
    )
    with pytest.raises(PropertyConstraintViolation):
        await link.call("BootNotification", BOOT)
    [problem] = captured.problems()
    assert problem["action"] == "BootNotification"
    assert problem["request"] is False
    assert problem["direction"] == "in"
    assert problem["error"] == "PropertyConstraintViolation"
    assert problem["accepted"] is False
    assert "status" in problem["description"]


async def test_warn_mode_lets_an_invalid_result_through_and_logs_it(
    raw_server: Any, open_link: Any, captured_log: Any
) -> None:
    captured = captured_log("cp")
    options = checked(log=captured.log, incoming=ValidationMode.WARN)
    link = await open_link(await raw_server(invalid_boot_answers), options=options)
    result = await link.call("BootNotification", BOOT)
    assert result["status"] == "Bogus"
    [problem] = captured.problems()
    assert problem["accepted"] is True
    assert problem["error"] == "PropertyConstraintViolation"
    assert any(
        "BootNotification response fails validation (let through)" in line
        for line in captured.lines
    )


async def test_an_invalid_request_is_not_sent_unless_asked(raw_server: Any, open_link: Any) -> None:
    received: asyncio.Queue[list[Any]] = asyncio.Queue()

    async def central_system(websocket: ServerConnection) -> None:
        async for text in websocket:
            frame = json.loads(text)
            await received.put(frame)
            await websocket.send(json.dumps([4, frame[1], "GenericError", "", {}]))

    link = await open_link(await raw_server(central_system))
    with pytest.raises(LocalValidationError):
        await link.call("BootNotification", {"chargePointVendor": "V"})
    with pytest.raises(GenericError):  # validate=False: it goes out as it is
        await link.call("BootNotification", {"chargePointVendor": "V"}, validate=False)
    frame = await asyncio.wait_for(received.get(), PATIENCE)
    assert frame[2:] == ["BootNotification", {"chargePointVendor": "V"}]
    assert received.empty()


async def test_a_refused_request_is_logged_at_once(
    raw_server: Any, open_link: Any, captured_log: Any
) -> None:
    async def central_system(websocket: ServerConnection) -> None:
        await websocket.wait_closed()

    captured = captured_log("cp")
    link = await open_link(await raw_server(central_system), options=checked(log=captured.log))
    with pytest.raises(LocalValidationError):
        await link.call("BootNotification", {"chargePointVendor": "V"})
    [problem] = captured.problems()
    assert (problem["direction"], problem["request"], problem["accepted"]) == ("out", True, False)


async def test_an_invalid_reply_of_ours_is_logged_with_its_callerror(
    ocpp_server: Any, captured_log: Any
) -> None:
    captured = captured_log("cs")
    invalid = {"status": "Maybe", "currentTime": NOW, "interval": 1}
    server = await ocpp_server(
        handler=lambda action, payload: invalid, options=checked(log=captured.log)
    )
    async with raw_connect(server.url + "RAW1", subprotocols=["ocpp1.6"]) as websocket:
        await websocket.send(json.dumps([2, "b", "BootNotification", BOOT]))
        assert (await recv_json(websocket))[:3] == [4, "b", "InternalError"]
        [problem] = captured.problems()
        assert (problem["direction"], problem["request"], problem["accepted"]) == (
            "out",
            False,
            False,
        )


# -- time: response timeout, late answers ----------------------------------------------------


def holding_server(release: asyncio.Event, held: asyncio.Event) -> Callable[..., Any]:
    """A central system that holds its answer to the first CALL until ``release`` is set,
    then answers every CALL at once."""

    async def central_system(websocket: ServerConnection) -> None:
        first = await recv_json(websocket)
        held.set()
        await release.wait()
        await websocket.send(answer(first))
        async for text in websocket:
            await websocket.send(answer(json.loads(text)))

    return central_system


@pytest.mark.parametrize("per_call", [False, True], ids=["link-timeout", "call-timeout"])
async def test_a_timeout_then_the_late_answer_is_reported(
    raw_server: Any, open_link: Any, captured_log: Any, per_call: bool
) -> None:
    release, held = asyncio.Event(), asyncio.Event()
    captured = captured_log("cp")
    options = checked(log=captured.log, response_timeout=30 if per_call else 0.2)
    link = await open_link(await raw_server(holding_server(release, held)), options=options)
    late: list[UnexpectedMessage] = []
    link.event_listeners.append(
        lambda event: late.append(event) if isinstance(event, UnexpectedMessage) else None
    )

    with pytest.raises(CallTimeout):
        await link.call("BootNotification", BOOT, timeout=0.2 if per_call else None)
    await asyncio.wait_for(held.wait(), PATIENCE)
    release.set()
    await wait_until(lambda: bool(late))
    assert late[0].late is True
    assert any(note["text"].startswith("late answer") for note in captured.notes())

    # The link is still fine: the next call gets its answer.
    result = await link.call("Heartbeat", {})
    assert set(result) == {"currentTime"}
    assert not link.closed.is_set()
    assert len(late) == 1


# -- one CALL in flight ----------------------------------------------------------------------


async def test_only_one_call_is_in_flight(raw_server: Any, open_link: Any) -> None:
    loop = asyncio.get_running_loop()
    wire: list[tuple[float, str, list[Any]]] = []  # (time, "in"/"out", frame) at the server

    async def central_system(websocket: ServerConnection) -> None:
        async def send(frame: list[Any]) -> None:
            wire.append((loop.time(), "out", frame))
            await websocket.send(json.dumps(frame))

        async def receive() -> list[Any]:
            frame = await recv_json(websocket)
            wire.append((loop.time(), "in", frame))
            return frame

        first = await receive()
        # Before answering, make the charge point answer a CALL of ours: whatever it had to
        # send is on the wire before that answer, so a second CALL would show up here.
        await send([2, "probe", "GetLocalListVersion", {}])
        while (await receive())[1] != "probe":
            pass
        await send(json.loads(answer(first)))
        while True:
            frame = await receive()
            await send(json.loads(answer(frame)))

    link = await open_link(await raw_server(central_system))
    results = await asyncio.gather(
        link.call("BootNotification", BOOT),
        link.call("Heartbeat", {}),
        link.call("Authorize", {"idTag": "T1"}),
    )
    assert [set(result) for result in results] == [
        {"status", "currentTime", "interval"},
        {"currentTime"},
        {"idTagInfo"},
    ]
    calls = [(way, frame[0], frame[2] if frame[0] == 2 else frame[1]) for _, way, frame in wire]
    ids = {frame[2]: frame[1] for _, _, frame in wire if frame[0] == 2}
    assert calls == [
        ("in", 2, "BootNotification"),
        ("out", 2, "GetLocalListVersion"),
        ("in", 3, "probe"),
        ("out", 3, ids["BootNotification"]),
        ("in", 2, "Heartbeat"),
        ("out", 3, ids["Heartbeat"]),
        ("in", 2, "Authorize"),
        ("out", 3, ids["Authorize"]),
    ]
    times = {(direction, frame[1]): time for time, direction, frame in wire}
    assert times[("in", ids["Heartbeat"])] >= times[("out", ids["BootNotification"])]
    assert times[("in", ids["Authorize"])] >= times[("out", ids["Heartbeat"])]


# -- closing -----------------------------------------------------------------------------------


async def test_calls_waiting_when_the_link_closes_fail_with_link_closed(
    raw_server: Any, open_link: Any
) -> None:
    async def central_system(websocket: ServerConnection) -> None:
        await recv_json(websocket)  # never answered
        await websocket.close(1001, "going away")

    link = await open_link(await raw_server(central_system))
    outcomes = await asyncio.gather(
        link.call("BootNotification", BOOT),
        link.call("Heartbeat", {}),
        return_exceptions=True,
    )
    assert [type(outcome) for outcome in outcomes] == [LinkClosed, LinkClosed]
    await asyncio.wait_for(link.closed.wait(), PATIENCE)
    with pytest.raises(LocalProtocolError):
        await link.call("Heartbeat", {})


# -- pings -------------------------------------------------------------------------------------


def counting(base: type[Any], pings: list[float]) -> type[Any]:
    """A websockets connection class that notes the time of every ping it receives."""

    class Counting(base):  # type: ignore[misc, valid-type]
        def process_event(self, event: Any) -> None:
            super().process_event(event)
            if isinstance(event, Frame) and event.opcode is Opcode.PING:
                pings.append(asyncio.get_running_loop().time())

    return Counting


async def test_ping_round_trip(ocpp_server: Any, open_link: Any) -> None:
    server = await ocpp_server()
    link = await open_link(server.url)
    assert await link.ping() >= 0
    peer = await asyncio.wait_for(server.arrived.get(), PATIENCE)
    assert await peer.ping() >= 0


async def test_ping_interval_changed_at_run_time_sends_pings(
    raw_server: Any, open_link: Any
) -> None:
    pings: list[float] = []

    async def central_system(websocket: ServerConnection) -> None:
        await websocket.wait_closed()

    url = await raw_server(central_system, create_connection=counting(ServerConnection, pings))
    link = await open_link(url)
    assert link.ping_interval == 0
    link.ping_interval = 0.05
    await wait_until(lambda: len(pings) >= 3)
    link.ping_interval = 0
    assert link.ping_interval == 0
    assert not link.closed.is_set()


async def test_server_links_ping_at_the_configured_interval(ocpp_server: Any) -> None:
    pings: list[float] = []
    server = await ocpp_server(options=checked(ping_interval=0.05))
    async with raw_connect(
        server.url + "RAW1",
        subprotocols=["ocpp1.6"],
        create_connection=counting(ClientConnection, pings),
    ):
        await wait_until(lambda: len(pings) >= 3)


# -- the frame log -------------------------------------------------------------------------------


async def test_frame_log_lines_and_json_records(
    ocpp_server: Any, open_link: Any, captured_log: Any
) -> None:
    cs_log, cp_log = captured_log("cs"), captured_log("cp")
    server = await ocpp_server(options=checked(log=cs_log.log))
    link = await open_link(server.url, "CP001", options=checked(log=cp_log.log))
    await link.call("BootNotification", BOOT)

    call, result = (json.loads(record["frame"]) for record in cp_log.records())
    assert call[2:] == ["BootNotification", BOOT]
    wire_call = json.dumps(call, separators=(",", ":"))
    wire_result = json.dumps(result, separators=(",", ":"), ensure_ascii=False)
    assert cp_log.lines == [
        AnyMatch(rf"{STAMP} cp#CP001: >>cs {re.escape(wire_call)}"),
        AnyMatch(rf"{STAMP} cp#CP001: <<cs {re.escape(wire_result)}"),
    ]
    assert cs_log.lines == [
        AnyMatch(rf"{STAMP} cs: <<cp#CP001 {re.escape(wire_call)}"),
        AnyMatch(rf"{STAMP} cs: >>cp#CP001 {re.escape(wire_result)}"),
    ]
    for captured, side, directions in (
        (cp_log, "cp", ["out", "in"]),
        (cs_log, "cs", ["in", "out"]),
    ):
        records = captured.records()
        assert [record["direction"] for record in records] == directions
        for record in records:
            assert set(record) == {"time", "side", "charge_point", "direction", "frame"}
            assert record["side"] == side
            assert record["charge_point"] == "CP001"
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", record["time"])
        assert [json.loads(record["frame"]) for record in records] == [call, result]
        assert captured.problems() == []


async def test_frame_log_records_problems_let_through_in_warn_mode(
    ocpp_server: Any, captured_log: Any
) -> None:
    captured = captured_log("cs")
    seen: list[dict[str, Any]] = []

    def handler(action: str, payload: dict[str, Any]) -> dict[str, Any]:
        seen.append(payload)
        return example_payload(Version.V16, action, False)

    options = checked(log=captured.log, incoming=ValidationMode.WARN)
    server = await ocpp_server(handler=handler, options=options)
    async with raw_connect(server.url + "CP001", subprotocols=["ocpp1.6"]) as websocket:
        await websocket.send('[2,"w1","BootNotification",{"chargePointVendor":"V"}]')
        assert (await recv_json(websocket))[:2] == [3, "w1"]  # answered, not refused
    assert seen == [{"chargePointVendor": "V"}]
    [problem] = captured.problems()
    assert problem == {
        "time": problem["time"],
        "side": "cs",
        "charge_point": "CP001",
        "event": "validation",
        "unique_id": "w1",
        "action": "BootNotification",
        "request": True,
        "direction": "in",
        "error": "OccurrenceConstraintViolation",
        "description": problem["description"],
        "accepted": True,
    }
    assert "chargePointModel" in problem["description"]
    frames = [record for record in captured.records() if "frame" in record]
    assert [record["direction"] for record in frames] == ["in", "out"]
    assert any(
        re.fullmatch(
            rf"{STAMP} cs: !! received BootNotification fails validation \(let through\): "
            r"OccurrenceConstraintViolation: .*chargePointModel.*",
            line,
        )
        for line in captured.lines
    )


class AnyMatch:
    """Equal to any string the regular expression matches whole."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and re.fullmatch(self.pattern, other) is not None

    def __repr__(self) -> str:
        return f"AnyMatch({self.pattern!r})"

    __hash__ = None  # type: ignore[assignment]

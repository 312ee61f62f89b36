"""Frame parsing and serialisation, no I/O."""

import json

import pytest

from ocpptk.rpc.errors import (
    FormatViolation,
    MessageTypeNotSupported,
    ProtocolError,
    RpcFrameworkError,
)
from ocpptk.rpc.frames import Call, CallError, CallResult, FrameError, dumps, parse
from ocpptk.spec.catalog import Version


def test_each_frame_type_round_trips() -> None:
    frames = [
        Call("a1", "Heartbeat", {}),
        CallResult("a1", {"currentTime": "2026-11-21T14:54:54Z"}),
        CallError("a1", "NotImplemented", "no", {"x": 1}),
    ]
    for frame in frames:
        assert parse(dumps(frame)) == frame


def test_dumps_is_compact_and_keeps_unicode() -> None:
    assert dumps(Call("1", "DataTransfer", {"vendorId": "Zürich"})) == (
        '[2,"1","DataTransfer",{"vendorId":"Zürich"}]'
    )
    assert dumps(CallError("1", "GenericError")) == '[4,"1","GenericError","",{}]'


@pytest.mark.parametrize(
    ("text", "error_class", "unique_id", "message_type"),
    [
        ("not json", FormatViolation, "-1", None),
        ('{"a": 1}', ProtocolError, "-1", None),
        ("[]", ProtocolError, "-1", None),
        ('[9, "x1", "Heartbeat", {}]', ProtocolError, "x1", None),
        ('["2", "x1", "Heartbeat", {}]', ProtocolError, "x1", None),
        ('[2, "x1", "Heartbeat"]', ProtocolError, "x1", 2),
        ('[2, "x1", "Heartbeat", []]', ProtocolError, "x1", 2),
        ('[2, 17, "Heartbeat", {}]', ProtocolError, "-1", 2),
        ('[2, "", "Heartbeat", {}]', ProtocolError, "", 2),
        ('[3, "x1"]', ProtocolError, "x1", 3),
        ('[4, "x1", "GenericError", "d"]', ProtocolError, "x1", 4),
    ],
)
def test_malformed_frames_carry_the_answer(
    text: str, error_class: type, unique_id: str, message_type: int | None
) -> None:
    with pytest.raises(FrameError) as caught:
        parse(text)
    assert type(caught.value.error) is error_class
    assert caught.value.unique_id == unique_id
    assert caught.value.message_type == message_type


def test_unique_id_longer_than_36_is_refused() -> None:
    with pytest.raises(FrameError) as caught:
        parse(json.dumps([2, "x" * 37, "Heartbeat", {}]))
    assert type(caught.value.error) is ProtocolError
    assert "36" in caught.value.error.description
    parse(json.dumps([2, "x" * 36, "Heartbeat", {}]))  # the limit itself is fine


def test_201_spells_framework_errors_its_own_way() -> None:
    with pytest.raises(FrameError) as caught:
        parse("{", Version.V201)
    assert type(caught.value.error) is RpcFrameworkError
    with pytest.raises(FrameError) as caught:
        parse('[7, "x1", {}]', Version.V201)
    assert type(caught.value.error) is MessageTypeNotSupported

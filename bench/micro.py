"""The cores alone, in one process, no sockets: what answering one MeterValues CALL costs.

Both sides do the same work on the same frame: parse the text, validate the request against its
schema, build the (empty) MeterValues.conf, validate it, serialise it. Then each step alone, to
show where the time goes. ``run()`` returns one ``Step`` per line of the table.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from bench.payloads import METER_VALUES_FRAME

__all__ = ["Step", "run"]

# CPU time of the process (all threads), not wall time: a neighbour taking turns on our CPU
# does not count, so the numbers hold on a busy machine too.
_clock = time.process_time


@dataclass(frozen=True)
class Step:
    library: str
    name: str
    seconds: float  # CPU time of one operation in the fastest batch: the least disturbed
    median: float  # the same, median over the batches


def run(quick: bool = False) -> list[Step]:
    """Each step is timed in ``repeats`` batches of about ``batch`` seconds each.

    The batches of all steps take turns (step 1, step 2, ..., step 1, ...), so that a change in
    the machine's speed during the run touches every step alike.
    """
    batch, repeats = (0.02, 3) if quick else (0.1, 7)
    frame = METER_VALUES_FRAME
    floor: list[tuple[str, str, Callable[[], Any]]] = [
        ("json", "json.loads of the frame alone (the floor)", lambda: json.loads(frame))
    ]
    operations = [
        (library, name, _looped(operation))
        for library, name, operation in floor + _ocpptk() + _mobilityhouse()
    ]
    loop = asyncio.new_event_loop()
    try:
        operations.append(_async_validation(loop))
        numbers = [_calibrate(batched, batch) for _, _, batched in operations]
        per_call: list[list[float]] = [[] for _ in operations]
        for _ in range(repeats):
            for index, (_, _, batched) in enumerate(operations):
                started = _clock()
                batched(numbers[index])
                per_call[index].append((_clock() - started) / numbers[index])
    finally:
        loop.close()
    return [
        Step(library, name, min(times), statistics.median(times))
        for (library, name, _), times in zip(operations, per_call, strict=True)
    ]


Batched = Callable[[int], None]  # runs the operation n times


def _looped(operation: Callable[[], Any]) -> Batched:
    def batched(number: int) -> None:
        for _ in range(number):
            operation()

    return batched


def _calibrate(batched: Batched, batch: float) -> int:
    """Warm up (caches filled, validators compiled); how many calls fill ``batch`` seconds."""
    batched(1)
    number, elapsed = 1, 0.0
    while elapsed < batch / 4:
        number *= 2
        started = _clock()
        batched(number)
        elapsed = _clock() - started
    return max(10, int(number * batch / elapsed))


def _ocpptk() -> list[tuple[str, str, Callable[[], Any]]]:
    from ocpptk.rpc import Connection
    from ocpptk.rpc.frames import CallResult, dumps, parse
    from ocpptk.spec.catalog import Role, Version
    from ocpptk.transport.charge_point import default_validators

    validators = default_validators()
    connection = Connection(Role.CENTRAL_SYSTEM, Version.V16, validators=validators)
    frame = METER_VALUES_FRAME
    unique_id = parse(frame).unique_id

    def answer() -> None:
        connection.receive_text(frame)
        (event,) = connection.events_received()
        connection.send_result(event.unique_id, {})  # type: ignore[union-attr]
        connection.data_to_send()

    payloads = _fresh_payloads()

    def check_request() -> None:
        if validators.check(Version.V16, "MeterValues", True, next(payloads)) is not None:
            raise AssertionError("the benchmark's MeterValues fails validation")

    answer()
    check_request()
    return [
        ("ocpptk", "whole answer: Connection.receive_text .. data_to_send", answer),
        ("ocpptk", "parse the frame (frames.parse)", lambda: parse(frame)),
        ("ocpptk", "validate the request (Validators.check)", check_request),
        (
            "ocpptk",
            "validate the empty response",
            lambda: validators.check(Version.V16, "MeterValues", False, {}),
        ),
        ("ocpptk", "serialise the result (frames.dumps)", lambda: dumps(CallResult(unique_id, {}))),
    ]


def _mobilityhouse() -> list[tuple[str, str, Callable[[], Any]]]:
    from ocpp.charge_point import camel_to_snake_case
    from ocpp.messages import _validate_payload, unpack

    frame = METER_VALUES_FRAME
    parsed = itertools.cycle([unpack(frame) for _ in range(_POOL)])

    def answer() -> None:
        # What its ChargePoint._handle_call does, minus the handler and the executor hop.
        message = unpack(frame)
        _validate_payload(message, "1.6")
        camel_to_snake_case(message.payload)
        result = message.create_call_result({})
        _validate_payload(result, "1.6")
        result.to_json()

    answer()
    return [
        ("mobilityhouse", "whole answer: unpack .. to_json, validation in-line", answer),
        ("mobilityhouse", "parse the frame (messages.unpack)", lambda: unpack(frame)),
        (
            "mobilityhouse",
            "validate the request (_validate_payload)",
            lambda: _validate_payload(next(parsed), "1.6"),
        ),
        (
            "mobilityhouse",
            "camelCase -> snake_case of the payload",
            lambda: camel_to_snake_case(next(parsed).payload),
        ),
    ]


# Payloads validated in turn, each as json.loads made it: validating the same dict again and
# again would flatter the validator (its keys would be the very strings it compares with).
_POOL = 512


def _fresh_payloads() -> Iterator[dict[str, Any]]:
    return itertools.cycle([json.loads(METER_VALUES_FRAME)[3] for _ in range(_POOL)])


def _async_validation(loop: asyncio.AbstractEventLoop) -> tuple[str, str, Batched]:
    """What its handlers really await: validate_payload, which hops to a thread pool."""
    from ocpp.messages import unpack, validate_payload

    messages = itertools.cycle([unpack(METER_VALUES_FRAME) for _ in range(_POOL)])

    async def validate(number: int) -> None:
        for _ in range(number):
            await validate_payload(next(messages), "1.6")

    def batched(number: int) -> None:
        loop.run_until_complete(validate(number))

    return (
        "mobilityhouse",
        "validate the request as awaited (validate_payload, via a thread)",
        batched,
    )

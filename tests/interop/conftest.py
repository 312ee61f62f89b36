"""What both interop tests need: a look at what the mobilityhouse ``ocpp`` library complained of.

Their ``ChargePoint`` takes a ``logger``; it logs every frame at INFO, a CALLERROR it received at
WARNING, and every failure (a payload that failed their schema, a handler that raised, a frame
they could not parse, an answer they did not expect) at ERROR. A test gives their object a
logger of its own and reads the complaints afterwards.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ocpptk.rpc import (
    CallFailed,
    CallRejected,
    Event,
    FrameRejected,
    UnexpectedMessage,
    ValidationProblem,
)
from tests.conftest import CapturedLog

_loggers = itertools.count()


class TheirLog(logging.Handler):
    """Keeps every record their library logs through ``logger``."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.logger = logging.getLogger(f"tests.interop.theirs{next(_loggers)}")
        self.logger.setLevel(logging.DEBUG)
        self.logger.propagate = False
        self.logger.addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def complaints(self) -> list[str]:
        """Their warnings and errors, with the exception if one was logged."""
        shown = []
        for record in self.records:
            if record.levelno >= logging.WARNING:
                text = record.getMessage()
                if record.exc_info and record.exc_info[1] is not None:
                    text += f" -- {record.exc_info[1]!r}"
                shown.append(text)
        return shown

    def frames(self) -> int:
        return sum(record.levelno == logging.INFO for record in self.records)


@pytest.fixture
def their_log() -> Iterator[TheirLog]:
    log = TheirLog()
    yield log
    log.logger.removeHandler(log)


class OurTrouble:
    """Collects the events of our links that mean something went wrong."""

    KINDS = (ValidationProblem, CallRejected, FrameRejected, UnexpectedMessage, CallFailed)

    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        if isinstance(event, self.KINDS):
            self.events.append(event)


@pytest.fixture
def our_trouble() -> OurTrouble:
    """Append it to a link's ``event_listeners``; ``our_trouble.events`` must stay empty."""
    return OurTrouble()


def assert_no_trouble(their_log: TheirLog, our_trouble: OurTrouble, our_log: CapturedLog) -> None:
    """Zero validation errors on either side: nothing their library complained of, no trouble
    event on our links, and no validation problem, CALLERROR or refusal in our frame log."""
    assert their_log.complaints() == []
    assert our_trouble.events == []
    assert our_log.problems() == []
    assert our_log.errors() == []
    assert our_log.notes() == []


def timestamp(delta: timedelta = timedelta()) -> str:
    """An OCPP date-time, UTC, whole seconds."""
    return (datetime.now(UTC) + delta).strftime("%Y-%m-%dT%H:%M:%SZ")


def plain(value: Any) -> Any:
    """Their enums are str subclasses: the plain value for comparisons and messages."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, str):
        return str(value)
    return value

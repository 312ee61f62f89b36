"""Test helpers for the simulators: a hand-driven clock, JSON schemas as an oracle, and a fake
central system that plays the other end of a ChargePointSim's link.

For 1.6 the oracle is the OCA's schemas, which live outside the project
(``<repo>/../shared/ocpp-spec/json/1.6``); when they are absent the schema checks are skipped and
only the behavioural assertions run. For 1.2 and 1.5 no OCA JSON schema exists: the oracle is
ours (``schemas/1.2``, ``schemas/1.5``, read with ``load_schema``), checked with ``jsonschema``
rather than the fastjsonschema validators the transport uses.
"""

from __future__ import annotations

import json
import pathlib
import re
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import jsonschema
import pytest

from ocpptk.rpc.errors import InternalError
from ocpptk.sim import ChargePointSim
from ocpptk.sim.clock import format_timestamp
from ocpptk.sim.effects import Effect
from ocpptk.sim.transaction_queue import TRANSACTION_ACTIONS
from ocpptk.spec.catalog import Version
from ocpptk.spec.schemas import load_schema

SCHEMA_DIR = pathlib.Path(__file__).resolve().parents[2].parent / "shared/ocpp-spec/json/1.6"
HAVE_SCHEMAS = SCHEMA_DIR.is_dir()
WIRE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
START = datetime(2026, 11, 21, 14, 54, 54, tzinfo=UTC)

Payload = dict[str, Any]
Sent = list[tuple[str, Payload]]

needs_schemas = pytest.mark.skipif(not HAVE_SCHEMAS, reason=f"no OCA schemas in {SCHEMA_DIR}")


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime = START) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker()
    if "date-time" not in checker.checkers:  # rfc3339-validator is not installed: check it here

        @checker.checks("date-time", raises=ValueError)
        def _date_time(value: object) -> bool:
            if isinstance(value, str):
                datetime.fromisoformat(value)
            return True

    return checker


@cache
def _validator(action: str, request: bool) -> jsonschema.Draft4Validator:
    name = action if request else f"{action}Response"
    schema = json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8-sig"))
    return jsonschema.Draft4Validator(schema, format_checker=_format_checker())


@cache
def _our_validator(version: Version, action: str, request: bool) -> jsonschema.Draft4Validator:
    schema = load_schema(version, action, request)
    assert schema is not None, f"OCPP {version.value} has no schema for {action}"
    return jsonschema.Draft4Validator(schema, format_checker=_format_checker())


def our_schema_errors(
    version: Version, action: str, payload: dict[str, Any], request: bool
) -> list[str]:
    """What our schema of ``action`` in ``version`` (``schemas/<version>/``) finds wrong with
    ``payload``; empty: valid."""
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in _our_validator(version, action, request).iter_errors(payload)
    ]


def assert_valid_in(version: Version, action: str, payload: dict[str, Any], request: bool) -> None:
    """``payload`` is valid against our schema of ``action`` in ``version``."""
    assert our_schema_errors(version, action, payload, request) == [], (
        version.value,
        action,
        payload,
    )


def schema_errors(action: str, payload: dict[str, Any], request: bool) -> list[str]:
    """What the OCA schema of ``action`` finds wrong with ``payload`` (empty: valid, or no
    schemas to check with)."""
    if not HAVE_SCHEMAS:
        return []
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in _validator(action, request).iter_errors(payload)
    ]


def assert_valid_request(action: str, payload: dict[str, Any]) -> None:
    assert schema_errors(action, payload, request=True) == [], (action, payload)


def assert_valid_response(action: str, payload: dict[str, Any]) -> None:
    assert schema_errors(action, payload, request=False) == [], (action, payload)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeCentralSystem:
    """The other end of a ChargePointSim's link, played by hand against a FakeClock.

    ``pump`` drains the simulator's outbox until it stays empty, checks every CALL against the
    OCA request schema (``assert_valid_request``) and answers it as a plain central system would,
    checking the answer against the response schema (``assert_valid_response``); ``run`` moves
    the clock from deadline to deadline, ticking and pumping at each. What the tests vary:

    - ``boot``: the (status, interval) a BootNotification.conf gives (Accepted, 300 s);
    - ``tags``: idTag -> AuthorizationStatus for Authorize and StartTransaction (Accepted if not
      listed); transaction ids count up from ``first_tx``;
    - ``hold``: actions left unanswered, kept in ``held`` until ``release``;
    - ``fail``: actions answered with a CALLERROR (InternalError) that many times.

    ``log`` keeps every CALL with the time it came, ``effects`` every effect the charge point
    asked for, with the time it was drained (``take_effects`` hands them over).
    """

    def __init__(self, cp: ChargePointSim, clock: FakeClock, first_tx: int = 101) -> None:
        self.cp, self.clock = cp, clock
        self.boot: tuple[str, int] = ("Accepted", 300)
        self.tags: dict[str, str] = {}
        self.next_tx = first_tx
        self.hold: set[str] = set()
        self.held: Sent = []
        self.fail: dict[str, int] = {}
        self.log: list[tuple[datetime, str, Payload]] = []
        self.effects: list[tuple[datetime, Effect]] = []

    def answer(self, action: str, request: Payload) -> Payload:
        """The CALLRESULT payload a plain central system gives ``action``."""
        now = format_timestamp(self.clock())
        if action == "BootNotification":
            status, interval = self.boot
            return {"status": status, "currentTime": now, "interval": interval}
        if action == "Heartbeat":
            return {"currentTime": now}
        if action in ("Authorize", "StartTransaction"):
            info = {"idTagInfo": {"status": self.tags.get(request["idTag"], "Accepted")}}
            if action == "Authorize":
                return info
            self.next_tx += 1
            return {"transactionId": self.next_tx - 1, **info}
        if action == "StopTransaction":
            return {"idTagInfo": {"status": "Accepted"}} if "idTag" in request else {}
        return {}

    def pump(self) -> Sent:
        """Drain the outbox until it stays empty, answering what is not held; what was sent."""
        sent: Sent = []
        while calls := self.cp.outbox():
            for action, payload in calls:
                assert_valid_request(action, payload)
                self.log.append((self.clock(), action, payload))
                sent.append((action, payload))
                if action in self.hold:
                    self.held.append((action, payload))
                elif self.fail.get(action, 0) > 0:
                    self.fail[action] -= 1
                    self.cp.on_error(action, payload, InternalError("not now"))
                else:
                    response = self.answer(action, payload)
                    assert_valid_response(action, response)
                    self.cp.on_result(action, payload, response)
        self._collect_effects()
        return sent

    def release(self) -> Sent:
        """Answer the held CALLs, then pump."""
        held, self.held = self.held, []
        for action, payload in held:
            self.cp.on_result(action, payload, self.answer(action, payload))
        return self.pump()

    def run(self, seconds: float) -> Sent:
        """Let ``seconds`` pass, ticking at every deadline on the way and pumping after each."""
        end = self.clock() + timedelta(seconds=seconds)
        sent = self.pump()
        while (deadline := self.cp.next_deadline()) is not None and deadline <= end:
            self.clock.advance(seconds=max(0.0, (deadline - self.clock()).total_seconds()))
            self.cp.tick()
            sent += self.pump()
        self.clock.advance(seconds=(end - self.clock()).total_seconds())
        self.cp.tick()
        return sent + self.pump()

    def call(self, action: str, payload: Payload) -> Payload:
        """A CALL from the central system; the reply checked against the OCA schema."""
        assert_valid_request(action, payload)
        reply = self.cp.handle_call(action, payload)
        assert_valid_response(action, reply)
        return reply

    def times(self, action: str, since: datetime = START) -> list[float]:
        """Seconds after ``since`` at which ``action`` came."""
        return [(t - since).total_seconds() for t, a, _ in self.log if a == action and t >= since]

    def take_effects(self) -> list[Effect]:
        """The effects asked for since the last call, oldest first."""
        self._collect_effects()
        taken = [effect for _, effect in self.effects]
        self.effects.clear()
        return taken

    def _collect_effects(self) -> None:
        self.effects += [(self.clock(), effect) for effect in self.cp.effects()]


def actions(sent: Sent) -> list[str]:
    """The actions of ``sent``, in order."""
    return [action for action, _ in sent]


def only(sent: Sent, action: str) -> list[Payload]:
    """The payloads of the ``action`` CALLs in ``sent``."""
    return [p for a, p in sent if a == action]


def tx_messages(sent: Sent) -> Sent:
    """The transaction-related CALLs of ``sent`` (OCPP 1.6 section 3.6)."""
    return [(action, payload) for action, payload in sent if action in TRANSACTION_ACTIONS]

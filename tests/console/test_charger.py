"""The commands for what happens at the charger, typed as a user types them: a central system
and charge point CP1 run in the same console, and the tests read what it prints (the frames
the central system receives, the answers, the one-line errors).

Every wait is on a condition (a frame in the output), never a sleep. Timers that would make a
test slow are shortened through the running charge point (the unplug delay after a session,
the time a power loss keeps the charger offline), as a test of the runner would.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.console.conftest import PATIENCE, Console
from tests.console.processes import Server, ocpptk

T = TypeVar("T")

# A frame line: "[2026-01-01 10:00:00] cs: <<cp#CP1 [2,...]" (received by the central system)
# or "... cs: >>cp#CP1 [3,...]" (its answer).
_FRAME = re.compile(
    r"^\[[^\]\n]*\] cs: (?P<arrow><<|>>)cp#(?P<cp>\S+) (?P<frame>\[.*\])$", re.MULTILINE
)
_CS_URL = re.compile(r"start_cp (ws://127\.0\.0\.1:\d+/) CP001")


@dataclass
class Call:
    """A CALL the central system received, and the payload of its answer once it was sent."""

    action: str
    payload: dict[str, Any]
    answer: dict[str, Any] | None

    def label(self) -> str:
        if self.action == "StatusNotification":
            return f"{self.payload['connectorId']} {self.payload['status']}"
        return self.action


def calls(console: Console, cp_id: str = "CP1") -> list[Call]:
    """What the central system received from ``cp_id`` so far, in order, with its answers."""
    received: list[tuple[str, str, dict[str, Any]]] = []
    answers: dict[str, dict[str, Any]] = {}
    for found in _FRAME.finditer(console.output()):
        if found.group("cp") != cp_id:
            continue
        frame = json.loads(found.group("frame"))
        if found.group("arrow") == "<<" and frame[0] == 2:
            received.append((frame[1], frame[2], frame[3]))
        elif found.group("arrow") == ">>" and frame[0] == 3:
            answers[frame[1]] = frame[2]
    return [Call(action, payload, answers.get(uid)) for uid, action, payload in received]


def _dead_driver(console: Console) -> str | None:
    """Why a charge point run here stopped running its simulator, if one did: its frames
    would never come, so waiting for them is pointless."""
    for cp_id, cp in list(console.app.charge_points.items()):
        task = getattr(cp, "_driver", None)
        if task is not None and task.done() and not task.cancelled() and task.exception():
            return f"charge point {cp_id} stopped running its simulator: {task.exception()!r}"
    return None


def settle(console: Console, check: Callable[[], T | None], what: str) -> T:
    """Wait until ``check()`` gives something; fail at once if a charge point's driver died."""
    deadline = time.monotonic() + PATIENCE
    while True:
        found = check()
        if found is not None and found is not False:
            return found
        dead = _dead_driver(console)
        if dead:
            raise AssertionError(f"waiting for {what}: {dead}\n{console.output()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} in:\n{console.output()}")
        time.sleep(0.005)


def wait_call(
    console: Console,
    action: str,
    where: Callable[[dict[str, Any]], bool] = lambda payload: True,
    *,
    after: int = 0,
) -> tuple[int, Call]:
    """Wait until the central system received and answered a CALL ``action`` whose payload
    satisfies ``where``, at position ``after`` or later; its position and the call."""

    def look() -> tuple[int, Call] | None:
        for index, call in enumerate(calls(console)):
            answered = call.answer is not None
            if index >= after and call.action == action and answered and where(call.payload):
                return index, call
        return None

    return settle(console, look, f"{action} (from position {after})")


def wait_status(
    console: Console, connector: int, status: str, *, after: int = 0, error: str | None = None
) -> tuple[int, Call]:
    """Wait for a StatusNotification of ``connector`` in ``status`` (answered)."""
    return wait_call(
        console,
        "StatusNotification",
        lambda p: (
            p["connectorId"] == connector
            and p["status"] == status
            and (error is None or p["errorCode"] == error)
        ),
        after=after,
    )


def refused(console: Console, line: str) -> str:
    """Run ``line``, which must fail with one line on stderr and no traceback; that line."""
    result = console.run(line)
    assert result.failed, f"{line!r} did not fail: {result.out}"
    assert result.err.startswith("Error: "), (line, result.err)
    assert result.err.count("\n") == 1, (line, result.err)
    assert "Traceback" not in result.err + result.out, (line, result.err)
    return result.err


def tune(
    console: Console, *, unplug_delay_s: float | None = None, reboot_delay: float | None = None
) -> None:
    """Shorten (or lengthen) CP1's timers, on the loop thread where the simulator lives."""
    cp = console.app.charge_points["CP1"]

    def apply() -> None:
        if unplug_delay_s is not None:
            cp.sim.sessions.unplug_delay_s = unplug_delay_s
        if reboot_delay is not None:
            cp.reboot_delay = reboot_delay

    console.app.in_loop(apply)


def started(console: Console, id_tag: str, *, after: int = 0) -> int:
    """Wait until the session for ``id_tag`` charges (its StartTransaction answered and the
    Charging status that follows the answer delivered); its transaction id."""
    index, start = wait_call(console, "StartTransaction", lambda p: p["idTag"] == id_tag)
    wait_status(console, 1, "Charging", after=max(index, after))
    assert start.answer is not None
    tx_id = start.answer["transactionId"]
    assert isinstance(tx_id, int)
    return tx_id


def _stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture
def cs_url(console: Console) -> str:
    """A central system started in the console; the URL charge points connect to."""
    found = _CS_URL.search(console.ok("start_cs 0 --host 127.0.0.1"))
    assert found
    return found.group(1)


@pytest.fixture
def charger(linked: Console) -> Console:
    """CP1 started as a user starts it (it boots by itself), accepted, its connectors
    reported to the central system."""
    wait_status(linked, 1, "Available")
    return linked


# -- start_cp ----------------------------------------------------------------------------------


def test_start_cp_boots_and_reports_connectors_0_and_1(charger: Console) -> None:
    first = calls(charger)[:3]
    assert [call.label() for call in first] == ["BootNotification", "0 Available", "1 Available"]
    assert first[0].payload == {"chargePointVendor": "ocpptk", "chargePointModel": "Simulator"}
    assert first[0].answer is not None and first[0].answer["status"] == "Accepted"
    assert all(call.payload["errorCode"] == "NoError" for call in first[1:])
    assert "registration Accepted" in charger.ok("status -v")


def test_start_cp_no_boot_sends_nothing_by_itself(console: Console, cs_url: str) -> None:
    console.ok(f"start_cp {cs_url} CP1 --no-boot")
    console.wait_for(r"cs: CP1 connected \(ocpp1\.6\)")
    assert "registration not booted" in console.ok("status -v")
    # A boot of its own would have gone out before this heartbeat (one CALL at a time).
    assert "Heartbeat result" in console.ok("heartbeat")
    assert [call.action for call in calls(console)] == ["Heartbeat"]
    assert "cp#CP1: >>cs" in console.output()
    assert "BootNotification" not in console.output()


# -- sessions ----------------------------------------------------------------------------------


def test_a_timed_session_goes_from_authorize_to_stop_transaction(charger: Console) -> None:
    tune(charger, unplug_delay_s=0.05)
    booted = len(calls(charger))
    out = charger.ok("charge 1 TAG --interval 1 --duration 2 --power 7000")
    assert "connector 1: session for TAG (authorizing)" in out
    busy = refused(charger, "charge 1 OTHER")
    assert busy.startswith("Error: charge: connector 1 is busy")

    stop_at, stop = wait_call(charger, "StopTransaction")
    wait_status(charger, 1, "Available", after=stop_at)
    session = calls(charger)[booted:]
    labels = [call.label() for call in session]
    samples = labels.count("MeterValues")
    assert samples >= 1
    assert labels == [
        "1 Preparing",
        "Authorize",
        "StartTransaction",
        "1 Charging",
        *["MeterValues"] * samples,
        "StopTransaction",
        "1 Finishing",
        "1 Available",
    ]
    authorize, start = session[1], session[2]
    assert authorize.payload == {"idTag": "TAG"}
    assert authorize.answer == {"idTagInfo": {"status": "Accepted"}}
    assert start.payload["connectorId"] == 1 and start.payload["idTag"] == "TAG"
    assert start.answer is not None
    tx_id = start.answer["transactionId"]
    for meter in session[4 : 4 + samples]:
        assert meter.payload["connectorId"] == 1
        assert meter.payload["transactionId"] == tx_id
    assert stop.payload["transactionId"] == tx_id
    assert stop.payload["idTag"] == "TAG"
    assert stop.payload["reason"] == "Local"
    assert stop.payload["meterStop"] > start.payload["meterStart"]
    contexts = [
        reading["sampledValue"][0]["context"] for reading in stop.payload["transactionData"]
    ]
    assert contexts == ["Transaction.Begin", "Transaction.End"]
    # --power 7000 caps the energy: at most 7 kW over the session's (whole-second) span
    seconds = (_stamp(stop.payload["timestamp"]) - _stamp(start.payload["timestamp"])).seconds
    assert seconds >= 2
    energy = stop.payload["meterStop"] - start.payload["meterStart"]
    assert energy <= 7000 * (seconds + 1) / 3600 + 1


def test_status_v_shows_the_transaction_and_stop_charge_ends_it(charger: Console) -> None:
    charger.ok("charge 1 TAG --interval 60")
    tx_id = started(charger, "TAG")
    verbose = charger.ok("status -v")
    assert re.search(
        rf"connector 1: Charging \(NoError\), meter \d+ Wh, transaction {tx_id} for TAG", verbose
    ), verbose
    assert f"transaction {tx_id} on connector 1, TAG, since" in verbose  # the central system's
    assert "charge point CP1: connected" in charger.ok("status")
    assert "connector 1 is busy (Charging)" in refused(charger, "charge 1 TAG2")

    charger.ok("stop-charge 1")
    stop_at, stop = wait_call(charger, "StopTransaction")
    assert stop.payload["transactionId"] == tx_id
    assert stop.payload["reason"] == "Local"
    wait_status(charger, 1, "Finishing", after=stop_at)
    verbose = charger.ok("status -v")
    assert "connector 1: Finishing" in verbose
    assert f"transaction {tx_id} for" not in verbose
    assert "1 finished transactions" in verbose
    assert refused(charger, "stop-charge 1") == (
        "Error: stop-charge: nothing is charging on connector 1\n"
    )


def test_a_session_ends_at_the_soc_asked_for(charger: Console) -> None:
    booted = len(calls(charger))
    charger.ok("charge 1 TAG --soc-start 50 --soc-end 51 --battery 100 --interval 60")
    stop_at, stop = wait_call(charger, "StopTransaction")
    wait_status(charger, 1, "Finishing", after=stop_at)
    labels = [call.label() for call in calls(charger)[booted:]]
    assert labels[-3:] == ["1 SuspendedEV", "StopTransaction", "1 Finishing"]
    assert stop.payload["reason"] == "Local"


# -- the short commands ------------------------------------------------------------------------


def test_short_commands_send_one_message_each_and_print_the_answer(charger: Console) -> None:
    out = charger.ok("boot")
    assert re.search(r'^BootNotification result: \{"status": "Accepted"', out, re.MULTILINE)

    out = charger.ok("authorize idTag=TAG")
    assert 'Authorize result: {"idTagInfo": {"status": "Accepted"}}' in out
    assert calls(charger)[-1].payload == {"idTag": "TAG"}

    out = charger.ok("start 1 TAG 100")
    found = re.search(r"^StartTransaction result: (.*)$", out, re.MULTILINE)
    assert found, out
    tx_id = json.loads(found.group(1))["transactionId"]
    assert isinstance(tx_id, int)
    _, start = wait_call(charger, "StartTransaction")
    assert start.payload["connectorId"] == 1
    assert start.payload["idTag"] == "TAG"
    assert start.payload["meterStart"] == 100

    out = charger.ok(f"meter 1 {tx_id} 150 7000")
    assert "MeterValues result: {}" in out
    _, meter = wait_call(charger, "MeterValues")
    assert meter.payload["connectorId"] == 1
    assert meter.payload["transactionId"] == tx_id
    samples = meter.payload["meterValue"][0]["sampledValue"]
    assert {(s["measurand"], s["value"], s["unit"]) for s in samples} == {
        ("Energy.Active.Import.Register", "150", "Wh"),
        ("Power.Active.Import", "7000", "W"),
    }

    out = charger.ok(f"stop {tx_id} 200 --reason Local")
    assert re.search(r"^StopTransaction result: \{\"idTagInfo\"", out, re.MULTILINE), out
    _, stop = wait_call(charger, "StopTransaction")
    assert stop.payload["transactionId"] == tx_id
    assert stop.payload["meterStop"] == 200
    assert stop.payload["reason"] == "Local"
    assert "0 open / 1 closed transactions" in charger.ok("status -v")


def test_status_sets_a_connector_status_the_table_allows(charger: Console) -> None:
    error = refused(charger, "status 1 Finishing")
    assert "connector 1 cannot go from Available to Finishing" in error
    assert re.search(r"\(from Available: [^)]*Unavailable[^)]*\)$", error.strip()), error

    before = len(calls(charger))
    charger.ok("status 1 Unavailable")
    wait_status(charger, 1, "Unavailable", after=before)
    assert "charge point CP1: connected" in charger.ok("status")
    assert "connector 1: Unavailable (NoError)" in charger.ok("status -v")
    assert "connector 1 cannot charge now (Unavailable)" in refused(charger, "charge 1 TAG")

    charger.ok("status 1 Faulted GroundFailure")
    wait_status(charger, 1, "Faulted", error="GroundFailure", after=before)
    charger.ok("status 1 Available")
    wait_status(charger, 1, "Available", after=before)
    assert "Finishing" not in [call.payload.get("status") for call in calls(charger)]


# -- faults and cables -------------------------------------------------------------------------


def test_fault_and_clear_fault(charger: Console) -> None:
    before = len(calls(charger))
    charger.ok("fault 1 GroundFailure")
    wait_status(charger, 1, "Faulted", error="GroundFailure", after=before)
    assert "connector 1 cannot charge now (Faulted)" in refused(charger, "charge 1 TAG")
    charger.ok("clear-fault 1")
    wait_status(charger, 1, "Available", error="NoError", after=before)
    assert "connector 1 is not Faulted" in refused(charger, "clear-fault 1")

    at, _ = wait_status(charger, 1, "Available", after=before)
    charger.ok("fault 0")  # the whole charge point, OtherError by default
    main, _ = wait_status(charger, 0, "Faulted", error="OtherError", after=at)
    one, _ = wait_status(charger, 1, "Faulted", error="OtherError", after=at)
    charger.ok("clear-fault 0")
    wait_status(charger, 0, "Available", after=main)
    wait_status(charger, 1, "Available", after=one)


def test_a_fault_during_a_session_stops_the_transaction(charger: Console) -> None:
    tune(charger, unplug_delay_s=3600)  # the driver walking away is another test
    charger.ok("charge 1 TAG --interval 60")
    tx_id = started(charger, "TAG")
    charger.ok("fault 1 GroundFailure")
    _, stop = wait_call(charger, "StopTransaction")
    assert stop.payload["transactionId"] == tx_id
    assert stop.payload["reason"] == "Other"
    at, _ = wait_status(charger, 1, "Faulted", error="GroundFailure")
    charger.ok("clear-fault 1")
    wait_status(charger, 1, "Available", after=at)


def test_suspend_and_resume_during_a_session(charger: Console) -> None:
    charger.ok("charge 1 TAG --interval 60")
    tx_id = started(charger, "TAG")
    charger.ok("suspend-ev 1")
    at, _ = wait_status(charger, 1, "SuspendedEV")
    assert "SuspendedEV" in refused(charger, "suspend-ev 1")
    charger.ok("resume 1")
    at, _ = wait_status(charger, 1, "Charging", after=at)
    charger.ok("suspend-evse 1")
    at, _ = wait_status(charger, 1, "SuspendedEVSE", after=at)
    charger.ok("resume 1")
    at, _ = wait_status(charger, 1, "Charging", after=at)
    assert "connector 1 is charging already" in refused(charger, "resume 1")
    assert f"transaction {tx_id} for TAG" in charger.ok("status -v")

    charger.ok("stop-charge 1")
    _, stop = wait_call(charger, "StopTransaction", after=at)
    assert stop.payload["transactionId"] == tx_id
    assert "nothing is charging on connector 1" in refused(charger, "suspend-evse 1")


def test_unplug_during_a_session_then_plug_and_unplug(charger: Console) -> None:
    tune(charger, unplug_delay_s=3600)  # the driver walking away is another test
    charger.ok("charge 1 TAG --interval 60")
    tx_id = started(charger, "TAG")
    charger.ok("unplug 1")
    stop_at, stop = wait_call(charger, "StopTransaction")
    assert stop.payload["transactionId"] == tx_id
    assert stop.payload["reason"] == "EVDisconnected"
    at, _ = wait_status(charger, 1, "Available", after=stop_at)

    charger.ok("plug 1")
    at, _ = wait_status(charger, 1, "Preparing", after=at)
    assert "connector 1 has a cable in already" in refused(charger, "plug 1")
    charger.ok("unplug 1")
    wait_status(charger, 1, "Available", after=at)
    assert "connector 1 has no cable in" in refused(charger, "unplug 1")


def test_the_charger_works_on_after_a_cable_pulled_mid_session(charger: Console) -> None:
    tune(charger, unplug_delay_s=0)
    charger.ok("charge 1 TAG --interval 60")
    started(charger, "TAG")
    charger.ok("unplug 1")
    stop_at, stop = wait_call(charger, "StopTransaction")
    assert stop.payload["reason"] == "EVDisconnected"
    wait_status(charger, 1, "Available", after=stop_at)
    charger.ok("charge 1 TAG2 --interval 60")
    wait_call(charger, "Authorize", lambda p: p["idTag"] == "TAG2")


# -- power loss --------------------------------------------------------------------------------


def _lose_power(charger: Console) -> tuple[int, int]:
    """A session charges, then the power goes; (position of the reboot's BootNotification,
    transaction id). No MeterValues or heartbeat is due meanwhile, so nothing is in flight."""
    tune(charger, reboot_delay=0)
    charger.ok("charge 1 TAG --interval 60")
    tx_id = started(charger, "TAG")
    booted = len(calls(charger))
    charger.ok("power-loss")
    boot_at, _ = wait_call(charger, "BootNotification", after=booted)
    return boot_at, tx_id


def test_power_loss_reconnects_boots_and_delivers_the_stop(charger: Console) -> None:
    boot_at, tx_id = _lose_power(charger)
    assert re.search(r"cp#CP1: rebooting \(PowerLoss\)", charger.output())
    assert "cs: CP1 disconnected (code 1012: rebooting)" in charger.output()
    _, stop = wait_call(charger, "StopTransaction", after=boot_at)
    assert stop.payload["transactionId"] == tx_id
    assert stop.payload["reason"] == "PowerLoss"
    wait_status(charger, 0, "Available", after=boot_at)
    wait_status(charger, 1, "Available", after=boot_at)
    verbose = charger.ok("status -v")
    assert "charge point CP1: connected" in verbose
    assert "registration Accepted" in verbose
    assert "connector 1: Available" in verbose
    assert charger.app.charge_points["CP1"].reconnects == 1


def test_power_loss_delivers_the_stop_once_and_only_after_the_boot(charger: Console) -> None:
    boot_at, tx_id = _lose_power(charger)
    stop_at, _ = wait_call(charger, "StopTransaction", after=boot_at)
    wait_status(charger, 1, "Available", after=stop_at)  # the boot's reports are through
    stops = [
        index
        for index, call in enumerate(calls(charger))
        if call.action == "StopTransaction" and call.payload["transactionId"] == tx_id
    ]
    assert all(index > boot_at for index in stops), f"StopTransaction before the boot: {stops}"
    assert len(stops) == 1, f"{len(stops)} StopTransactions for transaction {tx_id}"


def test_stop_cp_does_not_hang_when_an_answer_pokes_the_charger_at_that_moment(
    charger: Console,
) -> None:
    cp = charger.app.charge_points["CP1"]

    async def poke_then_close() -> bool:
        cp.poke()  # what an answer arriving does; the race made certain by one loop step
        await asyncio.sleep(0)
        closing = asyncio.ensure_future(cp.close())
        done, _ = await asyncio.wait({closing}, timeout=3.0)  # it takes milliseconds
        if not done:  # let the test end: cancel the stuck driver again
            driver = getattr(cp, "_driver", None)
            if driver is not None:
                driver.cancel()
            await closing
        return bool(done)

    assert charger.app.run(poke_then_close()), "ChargePoint.close() did not finish"
    assert "charge point CP1 stopped" in charger.ok("stop_cp")


# -- errors ------------------------------------------------------------------------------------


def test_typos_and_bad_values_are_one_line_errors(charger: Console) -> None:
    before = len(calls(charger))
    for line, message in [
        ("charge x", "charge: argument CONNECTOR: 'x' is not a connector number"),
        ("charge 1 --power -5", "charge: argument --power: '-5' is negative"),
        ("charge 9", "charge: no connector 9 (it has 1)"),
        ("charge", "charge: the following arguments are required: CONNECTOR"),
        ("charge 1 --interval 0", "charge: interval must be positive"),
        ("charge 1 --interval 1.5", "'1.5' is not a whole number"),
        ("charge 1 --soc-start 20 --soc-end 10", "is not above soc-start"),
        ("charge 1 --soc-end 150", "soc-end must be a percentage"),
        ("charge 1 --id CP9", "no charge point 'CP9' runs here"),
        ("fault 1 NotACode", "fault: argument ERRORCODE: invalid choice: 'NotACode'"),
        ("fault 9", "fault: no connector 9"),
        ("clear-fault 1", "clear-fault: connector 1 is not Faulted"),
        ("stop-charge 1", "stop-charge: nothing is charging on connector 1"),
        ("stop-charge 1 --reason Bored", "invalid choice: 'Bored'"),
        ("stop-charge 9", "stop-charge: no connector 9"),
        ("suspend-ev 1", "suspend-ev: nothing is charging on connector 1"),
        ("resume 1", "resume: nothing is charging on connector 1"),
        ("unplug 1", "unplug: connector 1 has no cable in"),
        ("plug 9", "plug: no connector 9"),
        ("start 1 TAG lots", "start: argument METER: 'lots' is not a whole number"),
        ("stop x 200", "stop: argument TX: invalid int value: 'x'"),
        ("meter 1 1 150 fast", "meter: argument W: 'fast' is not a number"),
        ("status 1 Bogus", "'Bogus' is not a connector status"),
        ("status 9 Available", "no connector 9"),
        ("status 1 Available Oops", "'Oops' is not a ChargePointErrorCode"),
        ("status 1", "usage: status CONNECTOR STATUS [ERRORCODE]"),
    ]:
        assert message in refused(charger, line), line
    assert "Heartbeat result" in charger.ok("heartbeat")
    assert [call.action for call in calls(charger)[before:]] == ["Heartbeat"]  # nothing else


def test_a_bad_connector_number_in_status_names_the_command_once(charger: Console) -> None:
    assert refused(charger, "status x Available") == (
        "Error: status: 'x' is not a connector number\n"
    )


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"not json{", id="not-json"),
        pytest.param(b"", id="empty"),
        pytest.param(b'{"version":1,"queue":[', id="cut-short"),
        pytest.param(b'{"version": 2}', id="other-version"),
        pytest.param(b"[]", id="a-list"),
        pytest.param(b"\x00\xff\xfe journal", id="not-utf8"),
        pytest.param(b'{"version":1,"queue":[{"bogus":1}]}', id="bad-queue-entry"),
        pytest.param(b'{"version":1,"seq":"x"}', id="bad-counter"),
        pytest.param(b'{"version":1,"ids":[1]}', id="bad-ids"),
        pytest.param(b'{"version":1,"open":[{"connectorId":1}]}', id="bad-open-transaction"),
    ],
)
def test_a_corrupt_journal_is_a_one_line_error(
    console: Console, cs_url: str, tmp_path: Path, content: bytes
) -> None:
    journal = tmp_path / "journal.json"
    journal.write_bytes(content)
    error = refused(console, f"start_cp {cs_url} CP1 --journal {journal}")
    assert error.startswith("Error: start_cp: --journal: "), error  # not "unexpected ..."
    assert "CP1" not in console.app.charge_points
    assert journal.read_bytes() == content  # left alone: it may hold undelivered messages


def test_a_restart_on_the_same_journal_stops_the_interrupted_transaction(
    console: Console, cs_url: str, tmp_path: Path
) -> None:
    journal = tmp_path / "journal.json"
    console.ok(f"start_cp {cs_url} CP1 --journal {journal}")
    wait_status(console, 1, "Available")
    console.ok("charge 1 TAG --interval 60")
    tx_id = started(console, "TAG")
    console.ok("stop_cp")
    before = len(calls(console))
    console.ok(f"start_cp {cs_url} CP1 --journal {journal}")
    boot_at, _ = wait_call(console, "BootNotification", after=before)
    stop_at, stop = wait_call(console, "StopTransaction", after=boot_at)
    assert stop.payload["transactionId"] == tx_id
    assert stop.payload["reason"] == "PowerLoss"
    wait_status(console, 1, "Available", after=stop_at)  # and it reports its connectors


# -- help and the shell ------------------------------------------------------------------------


def _words(text: str) -> str:
    return " ".join(text.split())


def test_help_describes_the_charger_commands(console: Console) -> None:
    text = _words(console.ok("help charge"))
    assert "Usage: charge" in text
    assert "A driver plugs in at CONNECTOR and charges: Authorize" in text
    for option in ("--duration S", "--power W", "--interval S", "--soc-end %", "--battery WH"):
        assert option in text
    text = _words(console.ok("help stop-charge"))
    assert "Usage: stop-charge" in text
    assert "The driver ends the session at CONNECTOR." in text
    assert "--reason" in text and "EVDisconnected" in text
    assert "the stops are delivered after the boot" in _words(console.ok("help power-loss"))
    listing = console.ok("help")
    section = listing.split("Charge point: at the charger\n", 1)[1].split("\n\n", 1)[0]
    for name in ("charge", "stop-charge", "power-loss", "clear-fault", "suspend-evse"):
        assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", section), name


def test_from_a_shell_errors_are_one_line_each_and_the_exit_code_is_1(tmp_path: Path) -> None:
    server = Server()
    done = ocpptk(
        "start_cp",
        server.url,
        "CP1",
        "--no-boot",
        stdin="charge x\ncharge 9\nfault 1 NotACode\nstop-charge 1\nheartbeat\n",
    )
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(lines) == 4, done.stderr
    assert all(line.startswith("Error: ") for line in lines), done.stderr
    assert "Heartbeat result" in done.stdout
    journal = tmp_path / "journal.json"
    journal.write_text("{broken", encoding="utf-8")
    done = ocpptk("start_cp", server.url, "CP2", "--journal", str(journal))
    assert done.returncode == 1
    assert done.stderr.startswith("Error: start_cp: --journal:"), done.stderr
    assert done.stderr.count("\n") == 1
    code, _, err = server.finish("")
    assert code == 0, err
    assert "Traceback" not in err

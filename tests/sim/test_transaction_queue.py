"""The transaction queue (OCPP 1.6 section 3.6): directly, through ChargePointSim, and on disk.

Through the simulator the tests play the central system by hand: drain ``outbox()``, answer
each CALL as a central system would (or with a CALLERROR), and move a fake clock to the next
deadline. Every CALL is checked against the OCA request schema, every answer against the
response schema.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from ocpptk.sim import ChargePointSim
from ocpptk.sim.clock import format_timestamp
from ocpptk.sim.transaction_queue import TRANSACTION_ACTIONS, TransactionQueue
from ocpptk.transport.journal import JournalError, JsonFileStore
from tests.sim.helpers import START, FakeCentralSystem, FakeClock, Payload, tx_messages


def register(payload: Payload) -> int:
    """The Energy.Active.Import.Register of a MeterValues."""
    (reading,) = payload["meterValue"]
    values = [
        s["value"]
        for s in reading["sampledValue"]
        if s.get("measurand", "Energy.Active.Import.Register") == "Energy.Active.Import.Register"
    ]
    assert len(values) == 1
    return int(values[0])


class MemoryStore:
    """A QueueStore in memory that counts its saves and keeps a deep copy of each."""

    def __init__(self, state: dict[str, Any] | None = None) -> None:
        self.state = state
        self.saves = 0

    def load(self) -> dict[str, Any] | None:
        return json.loads(json.dumps(self.state)) if self.state is not None else None

    def save(self, state: dict[str, Any]) -> None:
        self.saves += 1
        self.state = json.loads(json.dumps(state))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def offline_cp(clock: FakeClock, **kwargs: Any) -> ChargePointSim:
    """A charge point that lets any tag charge offline, with a one-minute sample interval."""
    config = {"AllowOfflineTxForUnknownId": "true", "MeterValueSampleInterval": "60"}
    config.update(kwargs.pop("config", {}))
    return ChargePointSim("CP1", now=clock, config=config, **kwargs)


# -- the queue by itself -----------------------------------------------------------------------


def test_only_the_head_is_released_and_order_is_kept() -> None:
    queue = TransactionQueue()
    ref = queue.new_ref()
    start = queue.put("StartTransaction", {"connectorId": 1}, ref)
    meter = queue.put("MeterValues", {"connectorId": 1, "transactionId": 0}, ref)
    stop = queue.put("StopTransaction", {"transactionId": 0}, ref)
    assert [m.seq for m in queue] == [1, 2, 3]
    assert len(queue) == 3

    assert queue.release() is start
    assert queue.release() is None  # one in flight at a time
    assert queue.in_flight is start
    assert queue.matches("StartTransaction", {"connectorId": 1})
    assert not queue.matches("StartTransaction", {"connectorId": 2})
    assert not queue.matches("MeterValues", {"connectorId": 1, "transactionId": 0})
    queue.learn_id(ref, 42)
    assert queue.delivered() is start

    released = queue.release()
    assert released is meter
    assert released.payload == {"connectorId": 1, "transactionId": 42}  # filled in
    queue.delivered()
    assert queue.release() is stop
    assert stop.payload == {"transactionId": 42}
    queue.delivered()
    assert len(queue) == 0
    assert queue.release() is None


def test_a_message_without_a_transaction_id_field_is_left_as_it_is() -> None:
    queue = TransactionQueue()
    queue.learn_id(1, 42)
    message = queue.put("StartTransaction", {"connectorId": 1, "idTag": "T"}, 1)
    assert queue.release() is message
    assert message.payload == {"connectorId": 1, "idTag": "T"}


def test_a_message_of_an_unknown_transaction_keeps_its_placeholder() -> None:
    queue = TransactionQueue()
    queue.learn_id(1, 42)
    message = queue.put("MeterValues", {"connectorId": 1, "transactionId": 0}, 2)
    queue.release()
    assert message.payload["transactionId"] == 0


def test_an_unsent_message_is_released_again() -> None:
    queue = TransactionQueue()
    first = queue.put("StartTransaction", {"connectorId": 1}, 1)
    queue.put("StopTransaction", {"transactionId": 0}, 1)
    assert queue.release() is first
    queue.unsent()
    assert queue.in_flight is None
    assert queue.release() is first
    assert first.attempts == 0


@pytest.mark.parametrize(("max_attempts", "tries"), [(3, 3), (1, 1), (0, 1), (5, 5)])
def test_a_rejected_message_stays_until_its_attempts_are_used(
    max_attempts: int, tries: int
) -> None:
    queue = TransactionQueue()
    message = queue.put("StopTransaction", {"transactionId": 7}, 1)
    after = queue.put("MeterValues", {"connectorId": 1, "transactionId": 8}, 2)
    verdicts = []
    while queue.release() is message:
        verdicts.append(queue.rejected(max_attempts))
    assert verdicts == [True] * (tries - 1) + [False]
    assert message.attempts == tries
    assert list(queue) == [after]
    assert queue.in_flight is after  # the loop released it


def test_refs_are_new_every_time() -> None:
    queue = TransactionQueue()
    assert [queue.new_ref() for _ in range(3)] == [1, 2, 3]


def test_every_change_is_saved_and_a_new_queue_carries_on() -> None:
    store = MemoryStore()
    queue = TransactionQueue(store, extra=lambda: {"meters": {"1": 1234}})
    ref = queue.new_ref()
    assert store.saves == 1
    queue.put("StartTransaction", {"connectorId": 1}, ref)
    queue.put("MeterValues", {"connectorId": 1, "transactionId": 0}, ref)
    assert store.saves == 3
    queue.release()
    queue.learn_id(ref, 99)
    queue.delivered()
    assert store.saves == 5
    assert store.state is not None
    assert store.state["version"] == 1
    assert store.state["meters"] == {"1": 1234}
    assert store.state["ids"] == {"1": 99}
    assert [m["action"] for m in store.state["queue"]] == ["MeterValues"]

    again = TransactionQueue(store)
    assert again.restored == {"meters": {"1": 1234}}
    assert again.ids == {ref: 99}
    (message,) = list(again)
    assert (message.seq, message.action, message.tx_ref) == (2, "MeterValues", ref)
    assert again.release() is message
    assert message.payload == {"connectorId": 1, "transactionId": 99}
    assert again.new_ref() == ref + 1  # never reused across restarts
    assert again.put("StopTransaction", {"transactionId": 0}, ref).seq == 3


def test_attempts_survive_a_restart() -> None:
    store = MemoryStore()
    queue = TransactionQueue(store)
    queue.put("StopTransaction", {"transactionId": 5}, 1)
    queue.release()
    assert queue.rejected(3) is True
    again = TransactionQueue(store)
    (message,) = list(again)
    assert message.attempts == 1


# -- the journal file --------------------------------------------------------------------------


def test_json_file_store_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "cp1.journal"
    store = JsonFileStore(path)
    assert store.load() is None  # nothing yet
    state = {"version": 1, "seq": 3, "queue": [{"action": "MeterValues", "payload": {"x": 1.5}}]}
    store.save(state)
    assert store.load() == state
    assert json.loads(path.read_text(encoding="utf-8")) == state
    assert sorted(p.name for p in path.parent.iterdir()) == ["cp1.journal"]  # no temporary left


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("{not json", "not a journal (invalid JSON: "),
        ("", "not a journal (invalid JSON: "),
        ("[1, 2]", "not an ocpptk journal (version 1)"),
        ('{"version": 2, "queue": []}', "not an ocpptk journal (version 1)"),
        ('{"queue": []}', "not an ocpptk journal (version 1)"),
    ],
)
def test_a_corrupt_journal_is_a_one_line_error_and_is_left_alone(
    tmp_path: Path, clock: FakeClock, content: str, why: str
) -> None:
    path = tmp_path / "cp1.journal"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(JournalError) as raised:
        ChargePointSim("CP1", now=clock, store=JsonFileStore(path))
    message = str(raised.value)
    assert message.startswith(f"{path}: {why}"), message
    assert "\n" not in message
    assert isinstance(raised.value, ValueError)
    assert path.read_text(encoding="utf-8") == content  # it may hold undelivered transactions


def test_an_unreadable_journal_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "a directory"
    path.mkdir()
    with pytest.raises(JournalError) as raised:
        JsonFileStore(path).load()
    assert str(raised.value).startswith(f"{path}: cannot read: ")
    assert "\n" not in str(raised.value)


# -- through the simulator ---------------------------------------------------------------------


def test_offline_messages_wait_and_go_in_order_with_the_real_id(clock: FakeClock) -> None:
    cp = offline_cp(clock)
    cs = FakeCentralSystem(cp, clock, first_tx=555)
    cp.disconnected()
    cp.charge(1, "NEWTAG", duration_s=150)
    assert cs.run(200) == []  # offline: nothing leaves
    assert [m.action for m in cp.tx_queue] == [
        "StartTransaction",
        "MeterValues",
        "MeterValues",
        "StopTransaction",
    ]
    assert all(m.tx_ref == 1 for m in cp.tx_queue)

    cp.connected()
    sent = tx_messages(cs.pump())
    assert [action for action, _ in sent] == [
        "StartTransaction",
        "MeterValues",
        "MeterValues",
        "StopTransaction",
    ]
    start, meter1, meter2, stop = (payload for _, payload in sent)
    assert start["timestamp"] == format_timestamp(START)  # when it happened, not when sent
    assert start["meterStart"] == 0
    assert [meter1["transactionId"], meter2["transactionId"], stop["transactionId"]] == [555] * 3
    assert meter1["meterValue"][0]["timestamp"] == format_timestamp(START + timedelta(seconds=60))
    assert meter2["meterValue"][0]["timestamp"] == format_timestamp(START + timedelta(seconds=120))
    assert register(meter1) < register(meter2) <= stop["meterStop"]
    assert stop["timestamp"] == format_timestamp(START + timedelta(seconds=150))
    assert stop["reason"] == "Local"
    assert len(cp.tx_queue) == 0
    assert cp.transactions[-1].transaction_id == 555


def test_only_one_transaction_message_is_in_flight(clock: FakeClock) -> None:
    cp = offline_cp(clock)
    cs = FakeCentralSystem(cp, clock)
    cp.disconnected()
    cp.charge(1, "NEWTAG", duration_s=130)
    cs.run(200)
    cp.connected()
    cs.hold = {"StartTransaction", "MeterValues", "StopTransaction"}
    first = cs.pump()
    assert tx_messages(first) == first
    assert [action for action, _ in first] == ["StartTransaction"]
    assert cs.pump() == []  # nothing more while it is unanswered
    assert cs.run(600) == []  # not even later
    for expected in ["MeterValues", "MeterValues", "StopTransaction"]:
        assert [action for action, _ in cs.release()] == [expected]
    assert cs.release() == []


def test_a_sample_made_while_the_start_is_unanswered_gets_the_id(clock: FakeClock) -> None:
    cp = ChargePointSim("CP1", now=clock)
    cs = FakeCentralSystem(cp, clock, first_tx=7)
    cs.hold = {"StartTransaction"}
    cp.charge(1, "TAG", interval_s=30)
    sent = cs.run(95)  # three samples are made while the CS sits on the StartTransaction
    assert [a for a, _ in tx_messages(sent)] == ["StartTransaction"]
    assert [m.action for m in cp.tx_queue] == ["StartTransaction"] + ["MeterValues"] * 3
    assert all(m.payload["transactionId"] == 0 for m in list(cp.tx_queue)[1:])
    cs.hold = set()
    meters = tx_messages(cs.release())
    assert [(a, p["transactionId"]) for a, p in meters] == [("MeterValues", 7)] * 3
    stamps = [p["meterValue"][0]["timestamp"] for _, p in meters]
    assert stamps == [format_timestamp(START + timedelta(seconds=s)) for s in (30, 60, 90)]


def test_a_message_in_flight_when_the_link_drops_is_sent_again(clock: FakeClock) -> None:
    cp = ChargePointSim("CP1", now=clock)
    cs = FakeCentralSystem(cp, clock)
    cs.hold = {"StartTransaction"}
    cp.charge(1, "TAG")
    (start,) = tx_messages(cs.pump())
    cs.held.clear()  # the answer is lost with the connection
    cp.on_error("StartTransaction", start[1], None, link_closed=True)
    cp.disconnected()
    assert cs.pump() == []
    cp.connected()
    cs.hold = set()
    again = tx_messages(cs.pump())
    assert again == [start]  # at least once: the same message again, at once
    assert cp.connectors[1].transaction is not None
    assert cp.connectors[1].transaction.transaction_id == 101


def test_an_unanswered_message_is_retried_after_the_retry_interval(clock: FakeClock) -> None:
    cp = ChargePointSim("CP1", now=clock, config={"TransactionMessageRetryInterval": "20"})
    cs = FakeCentralSystem(cp, clock)
    cs.hold = {"StartTransaction"}
    cp.charge(1, "TAG")
    (start,) = tx_messages(cs.pump())
    cs.held.clear()
    cp.on_error("StartTransaction", start[1], None)  # a timeout, the link still up
    cs.hold = set()
    assert tx_messages(cs.run(19)) == []
    assert tx_messages(cs.run(1)) == [start]


def test_callerror_retries_wait_longer_each_time_then_drop(clock: FakeClock) -> None:
    """Section 3.6: wait TransactionMessageRetryInterval times the failed attempts so far;
    give up after TransactionMessageAttempts."""
    cp = ChargePointSim(
        "CP1",
        now=clock,
        config={"TransactionMessageRetryInterval": "10", "TransactionMessageAttempts": "3"},
    )
    cs = FakeCentralSystem(cp, clock)
    cp.charge(1, "TAG", interval_s=60)
    cs.run(1)
    assert cp.connectors[1].transaction is not None
    cs.fail = {"MeterValues": 3}
    sent = cs.run(120)
    meter_times = [(t - START).total_seconds() for t, a, _ in cs.log if a == "MeterValues"]
    # 60: first try; +10: second; +20 more: third, then dropped; 120: the next sample at once
    assert meter_times == [60, 70, 90, 120]
    meters = [p for a, p in sent if a == "MeterValues"]
    assert meters[0] == meters[1] == meters[2]
    assert register(meters[3]) > register(meters[0])
    assert len(cp.tx_queue) == 0


def test_other_messages_go_while_a_transaction_message_waits_for_its_retry(
    clock: FakeClock,
) -> None:
    cp = ChargePointSim("CP1", now=clock, config={"TransactionMessageRetryInterval": "100"})
    cs = FakeCentralSystem(cp, clock)
    cs.fail = {"StartTransaction": 1}
    cp.charge(1, "TAG", interval_s=1000)
    cs.pump()
    assert len(cp.tx_queue) == 1
    assert cp.handle_call("TriggerMessage", {"requestedMessage": "Heartbeat"}) == {
        "status": "Accepted"
    }
    assert [a for a, _ in cs.run(99)] == ["Heartbeat"]
    assert [a for a, _ in cs.run(1)] == ["StartTransaction"]
    assert cp.connectors[1].transaction is not None
    assert cp.connectors[1].transaction.transaction_id == 101


def test_a_reboot_during_a_retry_wait_does_not_block_the_queue(clock: FakeClock) -> None:
    """The retry timer goes with the reboot; the queue must not wait for it forever."""
    cp = ChargePointSim(
        "CP1", now=clock, lifecycle=True, config={"TransactionMessageRetryInterval": "30"}
    )
    cs = FakeCentralSystem(cp, clock)
    cp.connected()
    cs.pump()
    cs.fail = {"StartTransaction": 1}
    cp.charge(1, "TAG")
    cs.pump()
    assert [m.action for m in cp.tx_queue] == ["StartTransaction"]
    cp.power_loss()
    cp.disconnected()
    cs.run(3)
    cp.rebooted()
    cp.connected()
    sent = cs.run(600)
    assert sent[0][0] == "BootNotification"
    after = tx_messages(sent)
    assert [(a, p.get("transactionId"), p.get("reason")) for a, p in after] == [
        ("StartTransaction", None, None),
        ("StopTransaction", 101, "PowerLoss"),
    ]
    assert [m.action for m in cp.tx_queue] == []


# -- on disk, across restarts ------------------------------------------------------------------


def test_a_restarted_charge_point_delivers_the_old_queue_and_stops_with_power_loss(
    tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "cp1.journal"
    first = offline_cp(clock, store=JsonFileStore(path))
    cs = FakeCentralSystem(first, clock, first_tx=700)
    first.charge(1, "TAG", interval_s=60)
    before = cs.run(61)  # Start and the first sample delivered
    assert [a for a, _ in tx_messages(before)] == ["StartTransaction", "MeterValues"]
    first.disconnected()
    cs.run(120)  # two more samples, offline
    assert [m.action for m in first.tx_queue] == ["MeterValues", "MeterValues"]
    last_register = register(list(first.tx_queue)[-1].payload)
    # the power goes: the first simulator is gone without a word
    del first

    clock.advance(seconds=30)
    second = offline_cp(clock, store=JsonFileStore(path), lifecycle=True)
    assert second.connectors[1].meter_wh == last_register
    assert second.connectors[1].transaction is None
    cs.cp = second
    second.connected()
    sent = cs.pump()
    assert sent[0][0] == "BootNotification"
    after = tx_messages(sent)
    assert [a for a, _ in after] == ["MeterValues", "MeterValues", "StopTransaction"]
    assert all(p["transactionId"] == 700 for _, p in after)
    samples = [p["meterValue"][0]["timestamp"] for a, p in after if a == "MeterValues"]
    assert samples == [format_timestamp(START + timedelta(seconds=s)) for s in (120, 180)]
    stop = after[-1][1]
    assert stop["reason"] == "PowerLoss"
    assert stop["meterStop"] == last_register
    assert stop["idTag"] == "TAG"

    # nothing was sent twice, nothing was lost
    every = [(a, json.dumps(p, sort_keys=True)) for _, a, p in cs.log if a in TRANSACTION_ACTIONS]
    assert len(every) == len(set(every)) == 5
    assert len(second.tx_queue) == 0
    state = json.loads(path.read_text(encoding="utf-8"))
    assert state["queue"] == [] and state["open"] == []

    # and a third start finds nothing more to do
    third = offline_cp(clock, store=JsonFileStore(path))
    assert len(third.tx_queue) == 0
    assert third.connectors[1].meter_wh == last_register


def test_a_restart_before_the_start_was_delivered_sends_it_first(
    tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "cp1.journal"
    first = offline_cp(clock, store=JsonFileStore(path))
    first.disconnected()
    first.charge(1, "NEWTAG", interval_s=60)
    FakeCentralSystem(first, clock).run(60)
    assert [m.action for m in first.tx_queue] == ["StartTransaction", "MeterValues"]

    second = offline_cp(clock, store=JsonFileStore(path))
    cs = FakeCentralSystem(second, clock, first_tx=31)
    second.connected()
    sent = tx_messages(cs.pump())
    assert [(a, p.get("transactionId")) for a, p in sent] == [
        ("StartTransaction", None),
        ("MeterValues", 31),
        ("StopTransaction", 31),
    ]
    assert sent[2][1]["reason"] == "PowerLoss"
    assert sent[0][1]["idTag"] == "NEWTAG"

    # a new transaction on the restarted charge point is a transaction of its own
    second.charge(1, "OTHER", duration_s=60)
    new = tx_messages(cs.run(60))
    assert [(a, p.get("transactionId")) for a, p in new] == [
        ("StartTransaction", None),
        ("MeterValues", 32),
        ("StopTransaction", 32),
    ]
    assert new[0][1]["meterStart"] == sent[2][1]["meterStop"]

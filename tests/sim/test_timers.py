"""ocpptk.sim.timers: named one-shot timers run by whoever owns the clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from ocpptk.sim.timers import Timers
from tests.sim.helpers import START


def at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


class Recorder:
    """Actions that write down their name when they run."""

    def __init__(self) -> None:
        self.ran: list[str] = []

    def __call__(self, name: str) -> Callable[[], None]:
        return lambda: self.ran.append(name)


@pytest.fixture
def timers() -> Timers:
    return Timers()


@pytest.fixture
def log() -> Recorder:
    return Recorder()


def test_an_empty_set_has_no_deadline_and_runs_nothing(timers: Timers) -> None:
    assert timers.next_deadline() is None
    assert len(timers) == 0
    assert timers.run_due(at(10**6)) == 0


def test_due_timers_run_earliest_first(timers: Timers, log: Recorder) -> None:
    timers.set("c", at(30), log("c"))
    timers.set("a", at(10), log("a"))
    timers.set("b", at(20), log("b"))
    assert timers.next_deadline() == at(10)
    assert timers.run_due(at(25)) == 2
    assert log.ran == ["a", "b"]
    assert timers.next_deadline() == at(30)
    assert "c" in timers and "a" not in timers
    assert timers.run_due(at(30)) == 1  # due exactly at its moment
    assert log.ran == ["a", "b", "c"]
    assert timers.next_deadline() is None


def test_timers_due_at_the_same_moment_run_in_the_order_they_were_set(
    timers: Timers, log: Recorder
) -> None:
    for name in ["z", "a", "m", ("tuple", 1)]:
        timers.set(name, at(5), log(str(name)))
    assert timers.run_due(at(5)) == 4
    assert log.ran == ["z", "a", "m", "('tuple', 1)"]


def test_nothing_runs_before_its_moment(timers: Timers, log: Recorder) -> None:
    timers.set("x", at(10), log("x"))
    assert timers.run_due(at(10) - timedelta(microseconds=1)) == 0
    assert log.ran == []
    assert len(timers) == 1


def test_setting_a_name_again_replaces_its_timer(timers: Timers, log: Recorder) -> None:
    timers.set("heartbeat", at(10), log("old"))
    timers.set("other", at(15), log("other"))
    timers.set("heartbeat", at(20), log("new"))
    assert len(timers) == 2
    assert timers.due_at("heartbeat") == at(20)
    assert timers.next_deadline() == at(15)
    assert timers.run_due(at(100)) == 2
    assert log.ran == ["other", "new"]  # the old action never runs


def test_a_replaced_timer_takes_its_place_behind_others_at_the_same_moment(
    timers: Timers, log: Recorder
) -> None:
    timers.set("a", at(5), log("a1"))
    timers.set("b", at(5), log("b"))
    timers.set("a", at(5), log("a2"))  # set after b now
    timers.run_due(at(5))
    assert log.ran == ["b", "a2"]


def test_replacing_with_an_earlier_moment_moves_the_deadline(timers: Timers, log: Recorder) -> None:
    timers.set("x", at(60), log("x"))
    timers.set("x", at(6), log("x"))
    assert timers.next_deadline() == at(6)


def test_cancel(timers: Timers, log: Recorder) -> None:
    timers.set("a", at(1), log("a"))
    timers.set("b", at(2), log("b"))
    assert timers.cancel("a") is True
    assert timers.cancel("a") is False
    assert timers.cancel("never set") is False
    assert timers.due_at("a") is None
    assert timers.next_deadline() == at(2)
    timers.run_due(at(10))
    assert log.ran == ["b"]


def test_cancel_where(timers: Timers, log: Recorder) -> None:
    timers.set("reservation 1", at(1), log("r1"))
    timers.set("reservation 2", at(2), log("r2"))
    timers.set(("sample", 1), at(3), log("s1"))
    timers.set("heartbeat", at(4), log("hb"))
    assert timers.cancel_where(lambda key: not str(key).startswith("reservation")) == 2
    assert timers.cancel_where(lambda key: False) == 0
    assert "reservation 1" in timers and "reservation 2" in timers
    assert ("sample", 1) not in timers and "heartbeat" not in timers
    assert timers.run_due(at(10)) == 2
    assert log.ran == ["r1", "r2"]


def test_an_action_may_set_a_timer_that_is_due_already(timers: Timers, log: Recorder) -> None:
    def first() -> None:
        log.ran.append("first")
        timers.set("follow-up", at(3), log("follow-up"))  # due: runs in the same call
        timers.set("later", at(50), log("later"))  # not due: waits

    timers.set("first", at(1), first)
    timers.set("second", at(5), log("second"))
    assert timers.run_due(at(10)) == 3
    assert log.ran == ["first", "follow-up", "second"]
    assert timers.next_deadline() == at(50)


def test_an_action_may_set_its_own_name_again(timers: Timers, log: Recorder) -> None:
    """The heartbeat pattern: the timer is gone when its action runs, so it can re-arm."""
    runs: list[datetime] = []

    def beat() -> None:
        runs.append(now)
        timers.set("heartbeat", now + timedelta(seconds=60), beat)

    timers.set("heartbeat", at(60), beat)
    for step in range(1, 5):
        now = at(60 * step)
        assert timers.run_due(now) == 1
    assert runs == [at(60), at(120), at(180), at(240)]
    assert timers.due_at("heartbeat") == at(300)


def test_an_action_may_cancel_a_timer_that_is_due_too(timers: Timers, log: Recorder) -> None:
    def canceller() -> None:
        log.ran.append("canceller")
        timers.cancel("victim")

    timers.set("canceller", at(1), canceller)
    timers.set("victim", at(2), log("victim"))
    assert timers.run_due(at(5)) == 1
    assert log.ran == ["canceller"]
    assert len(timers) == 0


def test_timers_run_once(timers: Timers, log: Recorder) -> None:
    timers.set("once", at(1), log("once"))
    assert timers.run_due(at(2)) == 1
    assert timers.run_due(at(3)) == 0
    assert log.ran == ["once"]

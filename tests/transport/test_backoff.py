"""The reconnect backoff (ocpptk.transport.backoff) on its own, then in our ChargePoint: a
central system that goes away for a while and comes back on the same port."""

from __future__ import annotations

import contextlib
import math
import random
import socket
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from ocpptk.transport.backoff import Backoff
from ocpptk.transport.central_system import CentralSystem
from ocpptk.transport.charge_point import ChargePoint
from tests.conftest import CapturedLog, wait_until
from tests.transport.loopback import running

# -- Backoff.delay -------------------------------------------------------------------------


def test_the_defaults() -> None:
    backoff = Backoff()
    assert (backoff.initial, backoff.maximum, backoff.factor, backoff.jitter) == (1, 60, 2, 0.5)
    assert 0.5 <= backoff.delay(0) <= 1
    assert "rng" not in repr(backoff)


def test_without_jitter_the_delay_grows_by_the_factor_up_to_the_maximum() -> None:
    backoff = Backoff(initial=1, maximum=60, factor=2, jitter=0)
    assert [backoff.delay(n) for n in range(9)] == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    triple = Backoff(initial=0.5, maximum=10, factor=3, jitter=0)
    assert [triple.delay(n) for n in range(5)] == [0.5, 1.5, 4.5, 10, 10]


@pytest.mark.parametrize("failures", [64, 65, 1_000, 10**9])
def test_a_long_outage_stays_at_the_maximum(failures: int) -> None:
    assert Backoff(initial=1, maximum=60, jitter=0).delay(failures) == 60


def test_a_factor_of_one_is_a_constant_delay_and_zero_is_no_delay() -> None:
    assert {Backoff(initial=3, maximum=3, factor=1, jitter=0).delay(n) for n in range(10)} == {3}
    assert {Backoff(initial=0, maximum=5, jitter=0.5).delay(n) for n in range(10)} == {0}


@pytest.mark.parametrize("jitter", [0.25, 0.5, 1.0])
def test_jitter_takes_away_a_random_share_of_at_most_jitter(jitter: float) -> None:
    backoff = Backoff(initial=1, maximum=8, factor=2, jitter=jitter, rng=random.Random(20))
    for failures in range(6):
        ceiling = min(8, 2**failures)
        delays = [backoff.delay(failures) for _ in range(2_000)]
        assert all(ceiling * (1 - jitter) <= d <= ceiling for d in delays)
        # spread over the whole range, not stuck at one end
        assert min(delays) < ceiling * (1 - jitter * 0.95)
        assert max(delays) > ceiling * (1 - jitter * 0.05)
        assert len(set(delays)) > 1_900


def test_the_same_seed_gives_the_same_delays() -> None:
    def delays(seed: int) -> list[float]:
        backoff = Backoff(initial=0.1, maximum=30, rng=random.Random(seed))
        return [backoff.delay(n) for n in range(20)]

    assert delays(7) == delays(7)
    assert delays(7) != delays(8)


@pytest.mark.parametrize(
    "fields",
    [
        {"initial": -1},
        {"initial": 10, "maximum": 5},
        {"maximum": -1, "initial": 0},
        {"factor": 0.5},
        {"factor": 0},
        {"jitter": -0.1},
        {"jitter": 1.5},
        {"jitter": math.nan},
        {"initial": math.nan},
        {"maximum": math.nan},
        {"factor": math.nan},
        {"initial": math.inf},
    ],
)
def test_bad_parameters_are_refused_in_one_line(fields: dict[str, Any]) -> None:
    with pytest.raises(ValueError) as caught:
        Backoff(**fields)
    assert str(caught.value) and "\n" not in str(caught.value)


def test_a_large_factor_stays_at_the_maximum() -> None:
    huge = Backoff(initial=1, maximum=60, factor=1e6, jitter=0)
    assert [huge.delay(n) for n in (0, 1, 64, 10_000)] == [1, 60, 60, 60]


# -- in the runner -------------------------------------------------------------------------


def free_port() -> int:
    """A port nobody listens on now (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def notes(log: CapturedLog) -> list[tuple[datetime, str]]:
    return [
        (datetime.fromisoformat(r["time"]), r["text"])
        for r in log.records()
        if r.get("event") == "connection" and r["side"] == "cp"
    ]


def failures(log: CapturedLog) -> int:
    return sum(text.startswith("reconnect failed") for _, text in notes(log))


async def test_the_charge_point_retries_ever_later_until_the_central_system_is_back(
    captured_log: Callable[[str], CapturedLog],
) -> None:
    cs_log, cp_log = captured_log("cs"), captured_log("cp")
    port = free_port()
    settings: dict[str, Any] = {"initial": 0.05, "maximum": 0.4, "factor": 2, "jitter": 0.5}
    twin = Backoff(**settings, rng=random.Random(11))  # draws what the charge point will
    cs = CentralSystem(port=port, log=cs_log.log)
    await cs.start()
    cp = ChargePoint(
        cs.url, "CP001", log=cp_log.log, reconnect=Backoff(**settings, rng=random.Random(11))
    )
    async with contextlib.AsyncExitStack() as stack:
        stack.push_async_callback(cs.close)
        await cp.connect()
        stack.push_async_callback(cp.close)
        await cs.wait_for_charge_point("CP001")

        await cs.close()  # the port is closed: every attempt is refused
        await wait_until(lambda: failures(cp_log) >= 5)
        assert not cp.connected and cp.reconnects == 0
        await cs.start()  # back, on the same port
        assert cs.port == port
        await wait_until(lambda: cp.reconnects == 1 and cp.connected)
        await cs.wait_for_charge_point("CP001")
        assert (await cp.call("Heartbeat"))["currentTime"]

    lines = notes(cp_log)
    texts = [text for _, text in lines]
    attempts = texts.count("reconnected") + failures(cp_log)
    expected = [twin.delay(n) for n in range(attempts)]
    waits = [t for t in texts if t.startswith("reconnecting in")]
    assert waits == [f"reconnecting in {d:.1f} s" for d in expected]
    # Each attempt came no sooner than its delay after the one before failed.
    planned = [when for when, text in lines if text.startswith("reconnecting in")]
    tried = [when for when, text in lines if text.startswith(("reconnect failed", "reconnected"))]
    assert len(planned) == len(tried) == attempts
    for delay, start, end in zip(expected, planned, tried, strict=True):
        assert (end - start).total_seconds() >= delay - 0.005
    # The delays grew to the maximum: the ceilings double, the jitter takes at most half.
    assert expected[4] > expected[0] * 2
    assert max(expected) <= 0.4
    assert texts.count("reconnected") == 1
    assert cp_log.errors() == [] and cp_log.problems() == [] and cs_log.notes() == []


async def test_without_reconnect_a_dropped_charge_point_stays_down(
    captured_log: Callable[[str], CapturedLog],
) -> None:
    async with running(captured_log) as lb:
        alone = await lb.connect("CP001")  # reconnect=None: the library's default
        keen = await lb.connect("CP002", reconnect=Backoff(initial=0.05, maximum=0.05))
        for link in list(lb.cs.links.values()):
            await link.close()
        # The keen one is back; the other would have said it is reconnecting before that.
        await wait_until(lambda: keen.reconnects == 1)
        assert not alone.connected and alone.reconnects == 0
        assert lb.cs.charge_points == ["CP002"]
        texts = [r["text"] for r in lb.cp_log.records() if r.get("charge_point") == "CP001"]
        assert "disconnected from the central system (code 1000)" in texts
        assert not any(t.startswith("reconnect") for t in texts)

"""The clients, one per library, each run in a process of its own.

``work(kind, pipe)`` is the target of a spawned process. It waits for ``Job``s on the pipe, runs
each in a fresh event loop (connect, warm up, measure, disconnect) and sends back a ``Sample``;
``None`` ends it. Around the measured calls it tells the parent ``("measure", None)`` and
``("measured", None)`` and waits for ``"go"``, so that the parent can read the server's CPU
time at those two moments. Each job has a deadline, so a stuck peer cannot hang the benchmark.
"""

from __future__ import annotations

import asyncio
import cProfile
import statistics
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from bench.machine import cpu_times, pin
from bench.payloads import (
    CHARGE_POINT_PREFIX,
    HEARTBEAT_FRAME,
    METER_VALUES,
    METER_VALUES_FRAME,
)

__all__ = ["Job", "Sample", "work"]

WS_OPTIONS: dict[str, Any] = {"compression": None, "ping_interval": None}


@dataclass(frozen=True)
class Job:
    workload: str  # "W1" or "W2"
    url: str
    calls: int  # measured calls per charge point
    warmup: int  # unmeasured calls per charge point first
    charge_points: int
    deadline: float  # seconds for the whole job
    profile_path: str | None = None


@dataclass(frozen=True)
class Sample:
    """One repetition: latency quantiles of every measured call, throughput, CPU time (seconds).

    ``client_cpu`` and ``server_cpu`` are the CPU time each process used over the measured
    calls, user and kernel time together; ``*_kernel`` the kernel's part of it. The parent
    fills in the server's, and ``others``.
    """

    calls: int
    elapsed: float
    median: float
    p90: float
    p99: float
    client_cpu: float
    client_kernel: float
    server_cpu: float = 0.0
    server_kernel: float = 0.0
    others: float = 0.0  # share of all CPU time other processes took meanwhile (the parent's)

    @property
    def throughput(self) -> float:
        return self.calls / self.elapsed


def work(kind: str, pipe: Connection, cpu: int | None = None) -> None:
    pin(cpu)
    opener = OPENERS[kind]
    pipe.send(("ready", None))
    while True:
        job = pipe.recv()
        if job is None:
            return
        profiler = cProfile.Profile() if job.profile_path else None
        try:
            sample = asyncio.run(asyncio.wait_for(_run(opener, job, profiler, pipe), job.deadline))
            if profiler and job.profile_path:
                profiler.dump_stats(job.profile_path)
            pipe.send(("ok", sample))
        except BaseException:
            pipe.send(("error", traceback.format_exc()))


# A session: one connected charge point. ``send()`` makes one call and returns once answered;
# ``check(answer)`` raises if the answer is not what a correct peer sends; ``close()`` hangs up.
@dataclass
class Session:
    send: Callable[[], Awaitable[Any]]
    check: Callable[[Any], None]
    close: Callable[[], Awaitable[None]]


Opener = Callable[[str, str, str], Awaitable[Session]]  # (url, charge point id, action)


async def _run(
    opener: Opener, job: Job, profiler: cProfile.Profile | None, pipe: Connection
) -> Sample:
    action = "Heartbeat" if job.workload == "W1" else "MeterValues"
    ids = [f"{CHARGE_POINT_PREFIX}{n:03d}" for n in range(job.charge_points)]
    sessions = await asyncio.gather(*(opener(job.url, cp_id, action) for cp_id in ids))
    try:
        await asyncio.gather(*(_warm_up(session, job.warmup) for session in sessions))
        _tell(pipe, "measure")
        if profiler:  # the measured calls only
            profiler.enable()
        cpu, started = cpu_times(), time.perf_counter()
        runs = await asyncio.gather(*(_sequential(session, job.calls) for session in sessions))
        elapsed, cpu_after = time.perf_counter() - started, cpu_times()
        if profiler:
            profiler.disable()
        _tell(pipe, "measured")
    finally:
        await asyncio.gather(*(session.close() for session in sessions))
    latencies = sorted(latency for run in runs for latency in run)
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return Sample(
        len(latencies),
        elapsed,
        statistics.median(latencies),
        cuts[89],
        cuts[98],
        client_cpu=cpu_after[0] - cpu[0],
        client_kernel=cpu_after[1] - cpu[1],
    )


def _tell(pipe: Connection, what: str) -> None:
    """Tell the parent, and wait for its go (blocking: nothing is in flight at these points)."""
    pipe.send((what, None))
    if pipe.recv() != "go":
        raise RuntimeError(f"the parent did not say go after {what}")


async def _warm_up(session: Session, calls: int) -> None:
    for _ in range(calls):
        session.check(await session.send())


async def _sequential(session: Session, calls: int) -> list[float]:
    """Each call awaited before the next: the latency of every one."""
    send = session.send
    clock = time.perf_counter
    latencies = []
    for _ in range(calls):
        started = clock()
        await send()
        latencies.append(clock() - started)
    return latencies


# -- the three libraries ------------------------------------------------------------------


async def _open_raw(url: str, cp_id: str, action: str) -> Session:
    from websockets.asyncio.client import connect

    websocket = await connect(url + cp_id, subprotocols=["ocpp1.6"], **WS_OPTIONS)  # type: ignore[list-item]
    frame = HEARTBEAT_FRAME if action == "Heartbeat" else METER_VALUES_FRAME

    async def send() -> Any:
        await websocket.send(frame)
        return await websocket.recv()

    def check(answer: Any) -> None:
        if answer != frame:
            raise AssertionError(f"echo server answered {answer!r}")

    return Session(send, check, websocket.close)


async def _open_mobilityhouse(url: str, cp_id: str, action: str) -> Session:
    from ocpp.v16 import ChargePoint, call, call_result
    from websockets.asyncio.client import connect

    websocket = await connect(url + cp_id, subprotocols=["ocpp1.6"], **WS_OPTIONS)  # type: ignore[list-item]
    charge_point = ChargePoint(cp_id, websocket)
    reader = asyncio.get_running_loop().create_task(charge_point.start())
    if action == "Heartbeat":
        request: Any = call.Heartbeat()
        expected: type = call_result.Heartbeat
    else:
        request = call.MeterValues(
            connector_id=METER_VALUES["connectorId"],
            meter_value=METER_VALUES["meterValue"],
            transaction_id=METER_VALUES["transactionId"],
        )
        expected = call_result.MeterValues

    def send() -> Awaitable[Any]:
        return charge_point.call(request)  # type: ignore[no-any-return]

    def check(answer: Any) -> None:
        # call() returns None for a CALLERROR (suppress=True is its default).
        if not isinstance(answer, expected):
            raise AssertionError(f"central system answered {answer!r}")

    async def close() -> None:
        reader.cancel()
        await websocket.close()

    return Session(send, check, close)


async def _open_ocpptk(url: str, cp_id: str, action: str) -> Session:
    from ocpptk.transport.charge_point import ChargePoint

    charge_point = ChargePoint(url, cp_id, log=None)
    await charge_point.connect()
    payload: dict[str, Any] = {} if action == "Heartbeat" else METER_VALUES

    def send() -> Awaitable[dict[str, Any]]:
        return charge_point.call(action, payload)

    def check(answer: Any) -> None:
        if not isinstance(answer, dict) or (action == "Heartbeat") != ("currentTime" in answer):
            raise AssertionError(f"central system answered {answer!r}")

    return Session(send, check, charge_point.close)


OPENERS: dict[str, Opener] = {
    "raw": _open_raw,
    "mobilityhouse": _open_mobilityhouse,
    "ocpptk": _open_ocpptk,
}

"""Processes: a server and a client per library, each spawned, talking to the parent by pipe.

Nothing here sleeps to wait for readiness: a server sends ``("ready", port)`` once it listens,
a client ``("ready", None)`` once it is up; every wait has a deadline, and whatever we started
is stopped (and, if it does not stop, terminated) on the way out.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from dataclasses import replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from bench import clients, servers
from bench.clients import Job, Sample
from bench.machine import others_share, proc_stat

__all__ = ["BenchError", "Pair"]

_SPAWN = multiprocessing.get_context("spawn")
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


class BenchError(RuntimeError):
    """A server or client failed, or did not answer in time."""


class Pair:
    """One library's server process and client process."""

    def __init__(self, kind: str, server_profile: str | None = None, pin: bool = False) -> None:
        server_cpu = client_cpu = None
        if pin:  # the first two CPUs this process may use: servers on one, clients on the other
            server_cpu, client_cpu = sorted(os.sched_getaffinity(0))[:2]
        self.kind = kind
        self._server_pipe, server_end = _SPAWN.Pipe()
        self._client_pipe, client_end = _SPAWN.Pipe()
        self._server = _SPAWN.Process(
            target=servers.serve,
            args=(kind, server_end, server_profile, server_cpu),
            name=f"bench-server-{kind}",
        )
        self._client = _SPAWN.Process(
            target=clients.work,
            args=(kind, client_end, client_cpu),
            name=f"bench-client-{kind}",
        )
        self.port = 0

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    def start(self) -> None:
        self._server.start()
        self._client.start()
        self.port = _expect(self._server_pipe, START_TIMEOUT, f"{self.kind} server start")
        _expect(self._client_pipe, START_TIMEOUT, f"{self.kind} client start")

    def run(self, job: Job) -> Sample:
        """Run ``job`` on the client; the sample gets the server's CPU time over the calls,
        and the share of CPU time other processes took meanwhile."""
        what = f"{self.kind} {job.workload}"
        self._client_pipe.send(job)
        _expect(self._client_pipe, job.deadline + 10, f"{what} warm-up", "measure")
        before, stat_before = self._server_cpu(), proc_stat()
        self._client_pipe.send("go")
        _expect(self._client_pipe, job.deadline + 10, f"{what} measured calls", "measured")
        stat_after, after = proc_stat(), self._server_cpu()
        self._client_pipe.send("go")
        sample: Sample = _expect(self._client_pipe, job.deadline + 10, f"{what} end", "ok")
        server_cpu = after[0] - before[0]
        return replace(
            sample,
            server_cpu=server_cpu,
            server_kernel=after[1] - before[1],
            others=others_share(stat_before, stat_after, sample.client_cpu + server_cpu),
        )

    def _server_cpu(self) -> tuple[float, float]:
        self._server_pipe.send("cpu")
        times: tuple[float, float] = _expect(
            self._server_pipe, START_TIMEOUT, f"{self.kind} server", "cpu"
        )
        return times

    def start_server_profile(self) -> None:
        """Start the server's profiler (it must have been given a profile path)."""
        self._server_pipe.send("profile")

    def stop(self) -> None:
        for pipe, process in (
            (self._client_pipe, self._client),
            (self._server_pipe, self._server),
        ):
            if process.is_alive():
                with contextlib.suppress(BrokenPipeError, OSError):
                    pipe.send(None)
            _join(process)
            pipe.close()

    def __enter__(self) -> Pair:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _expect(pipe: Connection, timeout: float, what: str, status: str = "ready") -> Any:
    """The value of the next message, which must have ``status``."""
    if not pipe.poll(timeout):
        raise BenchError(f"{what}: no answer in {timeout:.0f} s")
    try:
        got, value = pipe.recv()
    except EOFError:
        raise BenchError(f"{what}: the process ended") from None
    if got == "error":
        raise BenchError(f"{what} failed:\n{value}")
    if got != status:
        raise BenchError(f"{what}: expected {status!r}, got {got!r}")
    return value


def _join(process: BaseProcess) -> None:
    if process.pid is None:  # never started
        return
    process.join(STOP_TIMEOUT)
    if process.is_alive():
        process.terminate()
        process.join(STOP_TIMEOUT)

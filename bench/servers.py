"""The servers, one per library, each run in a process of its own.

``serve(kind, pipe)`` is the target of a spawned process: it listens on 127.0.0.1 with a port
chosen by the kernel, sends ``("ready", port)`` on the pipe, answers ``"cpu"`` with the CPU
time the process has used (all its threads), and stops on ``None`` (or when the pipe closes).
Every server uses the same websockets settings as ocpptk's own server: no compression, no
keepalive pings.
"""

from __future__ import annotations

import asyncio
import contextlib
import cProfile
import traceback
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from typing import Any

from bench.machine import cpu_times, pin

__all__ = ["KINDS", "serve"]

WS_OPTIONS: dict[str, Any] = {"compression": None, "ping_interval": None}


def serve(
    kind: str, pipe: Connection, profile_path: str | None = None, cpu: int | None = None
) -> None:
    """Run the ``kind`` server until the parent says stop.

    With ``profile_path``, the parent's ``"profile"`` message starts cProfile (after the
    warm-up, so that imports and schema compilation stay out), and stopping writes the stats.
    """
    try:
        pin(cpu)
        asyncio.run(_run(kind, pipe, profile_path))
    except BaseException:
        pipe.send(("error", traceback.format_exc()))
        raise


async def _run(kind: str, pipe: Connection, profile_path: str | None) -> None:
    start = KINDS[kind]
    port, stop = await start()
    stopping = asyncio.Event()
    profiler = cProfile.Profile()

    def on_message() -> None:
        try:
            message = pipe.recv()
        except EOFError:  # the parent is gone
            message = None
        if message == "cpu":
            pipe.send(("cpu", cpu_times()))
        elif message == "profile" and profile_path:
            profiler.enable()
        elif message != "profile":
            stopping.set()

    loop = asyncio.get_running_loop()
    loop.add_reader(pipe.fileno(), on_message)
    pipe.send(("ready", port))
    await stopping.wait()
    loop.remove_reader(pipe.fileno())
    if profile_path:
        profiler.disable()
        profiler.dump_stats(profile_path)
    await stop()


Stop = Callable[[], Awaitable[None]]


async def _raw() -> tuple[int, Stop]:
    """The floor: echo every text frame back, nothing else."""
    from websockets.asyncio.server import ServerConnection, serve

    async def echo(websocket: ServerConnection) -> None:
        async for message in websocket:
            await websocket.send(message)

    server = await serve(echo, "127.0.0.1", 0, subprotocols=["ocpp1.6"], **WS_OPTIONS)  # type: ignore[list-item]

    async def stop() -> None:
        server.close()
        await server.wait_closed()

    return _port(server), stop


async def _mobilityhouse() -> tuple[int, Stop]:
    """The mobilityhouse ``ocpp`` 1.6 central system: ``@on`` handlers, validation on."""
    from ocpp.routing import on
    from ocpp.v16 import ChargePoint, call_result
    from ocpp.v16.enums import Action
    from websockets.asyncio.server import ServerConnection, serve
    from websockets.exceptions import ConnectionClosed

    class CentralSystemSide(ChargePoint):  # type: ignore[misc]
        @on(Action.heartbeat)  # type: ignore[untyped-decorator]
        def on_heartbeat(self) -> call_result.Heartbeat:
            return call_result.Heartbeat(current_time=_now())

        @on(Action.meter_values)  # type: ignore[untyped-decorator]
        def on_meter_values(self, connector_id: int, meter_value: list[Any], **_: Any) -> Any:
            return call_result.MeterValues()

    async def attach(websocket: ServerConnection) -> None:
        assert websocket.request is not None
        charge_point = CentralSystemSide(websocket.request.path.strip("/"), websocket)
        with contextlib.suppress(ConnectionClosed):
            await charge_point.start()

    server = await serve(attach, "127.0.0.1", 0, subprotocols=["ocpp1.6"], **WS_OPTIONS)  # type: ignore[list-item]

    async def stop() -> None:
        server.close()
        await server.wait_closed()

    return _port(server), stop


async def _ocpptk() -> tuple[int, Stop]:
    """ocpptk's CentralSystem (its simulator answers), validation on, no frame log."""
    from ocpptk.transport.central_system import CentralSystem

    central_system = CentralSystem(host="127.0.0.1", port=0, log=None)
    await central_system.start()
    return central_system.port, central_system.close


KINDS: dict[str, Callable[[], Awaitable[tuple[int, Stop]]]] = {
    "raw": _raw,
    "mobilityhouse": _mobilityhouse,
    "ocpptk": _ocpptk,
}


def _port(server: Any) -> int:
    return int(next(iter(server.sockets)).getsockname()[1])


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

"""Fixtures shared by the test packages: captured frame logs, raw WebSocket peers, waiting.

Everything here is general: a test package with its own needs keeps them in its own
``conftest.py``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.server import Server, ServerConnection, serve

from ocpptk.transport.log import FrameLog

# How long a test waits for something that should happen at once. Generous: a loaded CI
# machine may be slow, and a correct run never waits this long.
PATIENCE = 10.0


async def wait_until(predicate: Callable[[], bool], timeout: float = PATIENCE) -> None:
    """Return as soon as ``predicate()`` holds; fail the test after ``timeout`` seconds."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.005)


@pytest.fixture
def eventually() -> Callable[..., Awaitable[None]]:
    """``await eventually(lambda: ...)``: wait on a condition instead of sleeping."""
    return wait_until


class CapturedLog:
    """A FrameLog whose readable lines are kept in ``lines`` and JSON lines in ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: list[str] = []
        self.log = FrameLog(self.lines.append, path)

    def records(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        text = self.path.read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    def frames(self, side: str | None = None) -> list[list[Any]]:
        """Every frame logged (optionally by one side, ``"cp"`` or ``"cs"``), parsed."""
        return [
            json.loads(record["frame"])
            for record in self.records()
            if "frame" in record and (side is None or record["side"] == side)
        ]

    def problems(self) -> list[dict[str, Any]]:
        """The validation records: payloads that failed their schema, let through or not."""
        return [record for record in self.records() if record.get("event") == "validation"]

    def notes(self) -> list[dict[str, Any]]:
        return [record for record in self.records() if record.get("event") == "note"]

    def errors(self) -> list[list[Any]]:
        """Every CALLERROR frame that went either way."""
        return [frame for frame in self.frames() if frame and frame[0] == 4]


@pytest.fixture
def captured_log(tmp_path: Path) -> Iterator[Callable[[str], CapturedLog]]:
    """A factory: ``captured_log("cs")`` gives a CapturedLog writing ``<tmp>/cs.jsonl``."""
    made: list[CapturedLog] = []

    def make(name: str = "frames") -> CapturedLog:
        captured = CapturedLog(tmp_path / f"{name}.jsonl")
        made.append(captured)
        return captured

    yield make
    for captured in made:
        captured.log.close()


RawHandler = Callable[[ServerConnection], Awaitable[None]]


@pytest.fixture
async def raw_server() -> AsyncIterator[Callable[..., Awaitable[str]]]:
    """A factory of plain ``websockets`` servers on 127.0.0.1:0, independent of our code.

    ``url = await raw_server(handler)`` serves ``handler(websocket)`` offering the subprotocol
    ``ocpp1.6`` (change with ``subprotocols=``); more keyword arguments go to ``serve``. The URL
    ends with ``/`` so a charge point id can follow it.
    """
    servers: list[Server] = []

    async def start(
        handler: RawHandler, *, subprotocols: list[str] | None = None, **kwargs: Any
    ) -> str:
        kwargs.setdefault("ping_interval", None)
        server = await serve(
            handler,
            "127.0.0.1",
            0,
            subprotocols=["ocpp1.6"] if subprotocols is None else subprotocols,  # type: ignore[arg-type]
            **kwargs,
        )
        servers.append(server)
        port = next(iter(server.sockets)).getsockname()[1]
        return f"ws://127.0.0.1:{port}/"

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()

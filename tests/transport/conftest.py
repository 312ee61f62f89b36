"""Transport fixtures, all on 127.0.0.1: our WebSocketServer and our client link, the
loopback (our CentralSystem with our ChargePoints), and real FTP and HTTP servers for file
transfers."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ocpptk.spec.catalog import Version
from ocpptk.spec.examples import example_payload
from ocpptk.transport.central_system import CentralSystem
from ocpptk.transport.charge_point import ChargePoint, default_validators
from ocpptk.transport.link import Handler, OcppLink
from ocpptk.transport.websocket import LinkOptions, WebSocketServer, connect
from tests.conftest import PATIENCE, CapturedLog
from tests.transport.loopback import Loopback, running
from tests.transport.servers import PASSWORD, PAYLOAD, USER, Ftp, Web

with warnings.catch_warnings():  # pyftpdlib still imports asyncore and asynchat
    warnings.simplefilter("ignore", DeprecationWarning)
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler
    from pyftpdlib.ioloop import IOLoop
    from pyftpdlib.servers import FTPServer


@dataclass
class Pair:
    """Our ChargePoint CP001 and our CentralSystem over a loopback link, each with its log."""

    cs: CentralSystem
    cp: ChargePoint
    cs_log: CapturedLog
    cp_log: CapturedLog
    version: Version = Version.V16

    @property
    def state(self) -> Any:
        """What the central system knows of CP001."""
        return self.cs.sim.charge_points["CP001"]

    def calls(self, action: str, side: str = "cs") -> list[list[Any]]:
        """The CALLs of ``action`` seen by ``side``'s log so far."""
        log = self.cs_log if side == "cs" else self.cp_log
        return [f for f in log.frames() if f[0] == 2 and f[2] == action]

    def assert_valid_result(self, action: str, result: dict[str, Any]) -> None:
        assert default_validators().check(self.version, action, False, result) is None

    def assert_clean(self) -> None:
        """No validation problem, CALLERROR or refused frame in either log, and some frames."""
        for log in (self.cs_log, self.cp_log):
            assert log.problems() == []
            assert log.errors() == []
            assert log.notes() == []
            assert log.frames(), "nothing was logged"


def example_handler(action: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Answers every CALL with the model's example response (valid by construction)."""
    return example_payload(Version.V16, action, False)


def checked(**fields: Any) -> LinkOptions:
    """LinkOptions with the shipped schemas on (LinkOptions alone validates nothing)."""
    fields.setdefault("validators", default_validators())
    return LinkOptions(**fields)


@pytest.fixture
async def ocpp_server() -> AsyncIterator[Callable[..., Awaitable[WebSocketServer]]]:
    """``server = await ocpp_server(handler=..., options=..., **kwargs)``: a started
    WebSocketServer whose links answer with ``handler`` (the example answers by default) and
    validate strictly unless ``options`` say otherwise. ``server.arrived`` is a queue of the
    links as they connect."""
    servers: list[WebSocketServer] = []

    async def start(
        handler: Handler | None = example_handler,
        options: LinkOptions | None = None,
        **kwargs: Any,
    ) -> WebSocketServer:
        arrived: asyncio.Queue[OcppLink] = asyncio.Queue()

        def on_link(link: OcppLink) -> None:
            link.handler = handler
            arrived.put_nowait(link)

        server = WebSocketServer(on_link, options=options or checked(), **kwargs)
        server.arrived = arrived  # type: ignore[attr-defined]
        await server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        for link in list(server.links.values()):
            with contextlib.suppress(Exception):
                await link.close()
        await server.close()


@pytest.fixture
async def open_link() -> AsyncIterator[Callable[..., Awaitable[OcppLink]]]:
    """``link = await open_link(url, "CP001", handler=..., options=..., **connect_kwargs)``:
    our charge point's client link, reading in a task until the test ends."""
    running: list[tuple[OcppLink, asyncio.Task[None]]] = []

    async def open_(
        url: str,
        charge_point_id: str = "CP001",
        *,
        handler: Handler | None = example_handler,
        options: LinkOptions | None = None,
        **kwargs: Any,
    ) -> OcppLink:
        link = await connect(url, charge_point_id, options=options or checked(), **kwargs)
        link.handler = handler
        running.append((link, asyncio.get_running_loop().create_task(link.run())))
        return link

    yield open_
    for link, task in running:
        with contextlib.suppress(Exception):
            await link.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 5)


# -- the loopback --------------------------------------------------------------------------


@pytest.fixture
async def lb(captured_log: Callable[[str], CapturedLog]) -> AsyncIterator[Loopback]:
    async with running(captured_log) as loopback:
        yield loopback


# -- FTP and HTTP servers -----------------------------------------------------------------
# Both bind (and so listen) before their thread starts; both are stopped and joined when the
# test ends.


@pytest.fixture
def ftp(tmp_path: Path) -> Iterator[Ftp]:
    """USER may do anything in ``root``; anonymous may only read. ``root`` holds ``diag/``
    (empty) and ``firmware/fw.bin`` (PAYLOAD)."""
    root = tmp_path / "ftp"
    (root / "diag").mkdir(parents=True)
    (root / "firmware").mkdir()
    (root / "firmware" / "fw.bin").write_bytes(PAYLOAD)
    authorizer = DummyAuthorizer()
    authorizer.add_user(USER, PASSWORD, str(root), perm="elradfmwMT")
    authorizer.add_anonymous(str(root))
    # a subclass, so the settings stay off pyftpdlib's global handler; no 3 s penalty delay
    # after a failed login
    handler = type("Handler", (FTPHandler,), {"authorizer": authorizer, "auth_failed_timeout": 0})
    server = FTPServer(("127.0.0.1", 0), handler, ioloop=IOLoop())  # listening from here on
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            server.serve_forever(timeout=0.01, blocking=False, handle_exit=False)
        server.close_all()

    thread = threading.Thread(target=serve, name="ftp-server")
    thread.start()
    try:
        yield Ftp(root, server.address[1])
    finally:
        stop.set()
        thread.join(PATIENCE)
    assert not thread.is_alive()


@pytest.fixture
def web() -> Iterator[Web]:
    """A started ``Web``: it serves ``fw.bin`` (PAYLOAD) and keeps what is uploaded."""
    server = Web()
    # a short poll interval: shutdown() waits for the serving loop to notice
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), name="http-server")
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(PATIENCE)
    assert not thread.is_alive()


# -- ports where nothing works ------------------------------------------------------------


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port bound but not listening: connections are refused, and no one else can take it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port whose connections complete (in the backlog) and then hear nothing, ever."""
    with socket.create_server(("127.0.0.1", 0)) as sock:
        yield sock.getsockname()[1]

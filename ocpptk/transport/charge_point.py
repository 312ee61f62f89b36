"""A simulated charge point on a live link: ChargePointSim behind a WebSocket or SOAP link."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ocpptk.rpc.errors import LinkClosed, OcppError
from ocpptk.rpc.events import CallFailed, Event
from ocpptk.rpc.validation import Validators
from ocpptk.sim.charge_point import ChargePointSim
from ocpptk.sim.effects import Download, Effect, Reboot, Upload
from ocpptk.spec.catalog import Role, Version, action
from ocpptk.spec.payloads import build_payload
from ocpptk.spec.schemas import load_schema
from ocpptk.transport import files
from ocpptk.transport.backoff import Backoff
from ocpptk.transport.journal import JsonFileStore
from ocpptk.transport.link import Link
from ocpptk.transport.log import FrameLog
from ocpptk.transport.options import LinkOptions
from ocpptk.transport.websocket import ConnectError, connect

if TYPE_CHECKING:  # the SOAP stack (zeep, lxml) is imported only when SOAP is used
    from ocpptk.transport.soap import SoapLink, SoapServer

__all__ = ["TRANSPORTS", "ChargePoint", "default_validators", "transport_of"]

TRANSPORTS = ("websocket", "soap")


def transport_of(url: str, transport: str | None = None) -> str:
    """``transport`` if given (``ws`` for short), else what the URL's scheme says."""
    if transport is not None:
        name = "websocket" if transport in ("ws", "wss", "json") else transport
        if name not in TRANSPORTS:
            raise ValueError(f"transport must be websocket (ws) or soap, not {transport!r}")
        return name
    return "soap" if url.split(":", 1)[0].lower() in ("http", "https") else "websocket"


logger = logging.getLogger(__name__)


@cache
def default_validators() -> Validators:
    """One set of compiled validators for the whole process, over the shipped schemas."""
    return Validators(load_schema)


class ChargePoint:
    """A charge point simulator connected to a central system, over OCPP-J or SOAP.

    >>> async with ChargePoint("ws://127.0.0.1:9000/", "CP001") as cp:  # doctest: +SKIP
    ...     await cp.call("BootNotification", chargePointVendor="ACME")

    Over SOAP (``transport="soap"``, or an ``http://`` URL) ``url`` is the central system's
    service and the charge point serves its own ChargePointService on ``listen_port`` (0: any
    free port) for the central system's calls; ``from_url`` is the address it announces in
    ``wsa:From`` (by default the one it listens on), and its path is where it listens unless
    ``listen_path`` says otherwise.

    The simulator's timers (heartbeats, meter samples, sessions, reservations, firmware
    steps) run while the charge point exists. ``lifecycle=True`` makes it behave as a
    charger switched on: it boots by itself, heartbeats, reports its connectors and reboots
    after Reset (the console's default; tests that count frames leave it off).
    ``reconnect`` (a ``Backoff``) connects again after the link drops; ``journal`` is a file
    that keeps the transaction queue across restarts (for a simulator built here).
    ``reboot_delay`` overrides how long a reboot stays offline (seconds).
    """

    def __init__(
        self,
        url: str,
        charge_point_id: str,
        *,
        version: Version = Version.V16,
        sim: ChargePointSim | None = None,
        options: LinkOptions | None = None,
        log: FrameLog | None = None,
        basic_auth: tuple[str, str] | None = None,
        ssl_context: ssl.SSLContext | None = None,
        transport: str | None = None,
        from_url: str | None = None,
        listen_host: str = "127.0.0.1",
        listen_port: int = 0,
        listen_path: str | None = None,
        lifecycle: bool | None = None,
        reconnect: Backoff | None = None,
        journal: str | Path | None = None,
        reboot_delay: float | None = None,
    ) -> None:
        self.url = url
        self.transport = transport_of(url, transport)
        self.from_url = from_url
        self.listen_host = listen_host
        self.listen_port = listen_port
        # The ChargePointService answers where the central system will call: -f's path.
        self.listen_path = listen_path or (urlsplit(from_url).path if from_url else "") or "/"
        self.soap_server: SoapServer | None = None
        self.charge_point_id = charge_point_id
        self.version = version
        store = JsonFileStore(journal) if journal is not None else None
        self.sim = sim or ChargePointSim(charge_point_id, version, store=store)
        if lifecycle is not None:
            self.sim.lifecycle = lifecycle
        self.reconnect = reconnect
        self.reboot_delay = reboot_delay
        self._speed = float(getattr(self.sim.now, "speed", 1.0))  # a FastClock's
        self.options = options or LinkOptions()
        if log is not None:
            self.options.log = log
        if self.options.validators is None:
            self.options.validators = default_validators()
        self.basic_auth = basic_auth
        self.ssl_context = ssl_context
        self.link: Link | None = None
        self._reader: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()  # follow-up CALLs
        self._effect_tasks: set[asyncio.Task[Any]] = set()  # uploads, downloads, reboots
        self._driver: asyncio.Task[None] | None = None
        self._reconnecting: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._closing = False  # close() was called: a drop is not to be repaired
        self._sleeping_until: datetime | None = None  # the deadline the driver waits for
        self._rebooting = False
        self.reconnects = 0  # links opened again after a drop or a reboot

    async def connect(self) -> None:
        """Open the link (raises ConnectError with a one-line reason) and start the
        simulator's clock.

        Over SOAP nothing is opened (HTTP has no connection to keep); the charge point starts
        serving its ChargePointService instead.
        """
        self._closing = False
        await self._open()
        if self._driver is None:
            self._driver = asyncio.get_running_loop().create_task(self._drive())

    async def _open(self) -> None:
        """Open a link (a WebSocket connection; over SOAP, the ChargePointService, once) and
        tell the simulator it is connected."""
        link: Link
        if self.transport == "soap":
            link = await self._serve_soap()
        else:
            link = await connect(
                self.url,
                self.charge_point_id,
                version=self.version,
                options=self.options,
                basic_auth=self.basic_auth,
                ssl_context=self.ssl_context,
            )
        link.handler = self._handle
        link.result_listeners.append(self._learn)
        link.event_listeners.append(self._notice_failure)
        link.closed_callbacks.append(self._note_close)
        self.link = link
        self._reader = asyncio.get_running_loop().create_task(link.run())
        self.sim.connected()
        self.poke()

    async def _serve_soap(self) -> SoapLink:
        from ocpptk.transport.soap import SoapLink, SoapOptions, serve_charge_point

        link = SoapLink(
            Role.CHARGE_POINT,
            self.version,
            self.charge_point_id,
            peer_url=self.url,
            from_address=self.from_url,
            options=SoapOptions.like(self.options),
        )
        self.soap_server = await serve_charge_point(
            link, host=self.listen_host, port=self.listen_port, path=self.listen_path
        )
        return link

    @property
    def idle(self) -> bool:
        """No follow-up CALL is pending and nothing waits in flight or in the queue."""
        connection = self.link.connection if self.link else None
        return not self._tasks and (
            connection is None or (connection.in_flight is None and not connection.queued)
        )

    @property
    def connected(self) -> bool:
        return self.link is not None and not self.link.closed.is_set()

    def request(self, action_name: str, fields: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The payload ``call`` would send: example, then the simulator's defaults, then fields."""
        defaults = self.sim.default_request(action_name) if self._ours(action_name) else None
        return build_payload(self.version, action_name, defaults, fields)

    async def call(
        self,
        action_name: str,
        payload: dict[str, Any] | None = None,
        *,
        validate: bool = True,
        timeout: float | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Send a CALL and return the result's payload.

        With no ``payload``, one is built by ``request`` from ``fields``.
        """
        link = self._require_link()
        body = payload if payload is not None else self.request(action_name, fields)
        return await link.call(action_name, body, validate=validate, timeout=timeout)

    def send_raw(self, text: str) -> None:
        self._require_link().send_raw(text)

    def poke(self) -> None:
        """Something changed the simulator (a command, a message): look at its timers,
        outbox and effects again."""
        self._wake.set()

    def _nudge(self) -> None:
        """``poke`` if the simulator wants something the driver is not waiting for (an
        effect, a message, a deadline other than the one it sleeps until): most answers
        change none of these, and waking for each would cost every call."""
        sim = self.sim
        if sim.has_work() or sim.next_deadline() != self._sleeping_until:
            self.poke()

    async def close(self) -> None:
        self._closing = True
        for task in (self._driver, self._reconnecting):
            if task is not None:
                task.cancel()
                await asyncio.wait([task])  # its end, not its CancelledError; ours still counts
        self._driver = self._reconnecting = None
        if self.link is not None:
            await self.link.close()
        if self._reader is not None:
            await self._reader
            self._reader = None
        if self.soap_server is not None:
            await self.soap_server.close()
            self.soap_server = None
        for task in [*self._tasks, *self._effect_tasks]:
            task.cancel()
        self.sim.disconnected()

    async def wait_closed(self) -> None:
        if self.link is not None:
            await self.link.closed.wait()

    async def __aenter__(self) -> ChargePoint:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    # -- inside --------------------------------------------------------------------------

    def _ours(self, action_name: str) -> bool:
        known = action(self.version, action_name)
        return known is not None and Role.CHARGE_POINT.may_send(known)

    def _require_link(self) -> Link:
        if self.link is None or self.link.closed.is_set():
            raise ConnectionError(f"charge point {self.charge_point_id} is not connected")
        return self.link

    def _handle(self, action_name: str, payload: dict[str, Any]) -> dict[str, Any]:
        reply = self.sim.handle_call(action_name, payload)
        # What the reply leads to (a StartTransaction after RemoteStart) goes out after it.
        asyncio.get_running_loop().call_soon(self._nudge)
        return reply

    def _learn(self, action_name: str, request: dict[str, Any], response: dict[str, Any]) -> None:
        self.sim.on_result(action_name, request, response)
        self._send_follow_ups()
        self._nudge()

    def _note_close(self) -> None:
        link = self.link
        if self.options.log and link is not None:
            self.options.log.note(
                Role.CHARGE_POINT,
                self.charge_point_id,
                f"disconnected from the central system{link.close_description()}",
                event="connection",
            )
        if self.transport == "soap":
            return
        self.sim.disconnected()
        if not self._closing and not self._rebooting and self.reconnect is not None:
            self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    def _note(self, text: str, event: str = "connection") -> None:
        if self.options.log:
            self.options.log.note(Role.CHARGE_POINT, self.charge_point_id, text, event=event)

    async def _reconnect(self, first_delay: float | None = None) -> None:
        """Connect again until it works, waiting longer after each failure (``Backoff``)."""
        backoff = self.reconnect or Backoff()
        failures = 0
        while not self._closing:
            delay = backoff.delay(failures) if first_delay is None else first_delay
            first_delay = None
            self._note(f"reconnecting in {delay:.1f} s")
            await asyncio.sleep(delay)
            try:
                await self._open()
            except (ConnectError, OSError) as exc:
                failures += 1
                self._note(f"reconnect failed: {exc}")
                continue
            self.reconnects += 1
            self._note("reconnected")
            return

    def _notice_failure(self, event: Event) -> None:
        if isinstance(event, CallFailed):
            error = event.error if isinstance(event.error, OcppError) else None
            closed = isinstance(event.error, LinkClosed)
            self.sim.on_error(event.action, event.request, error, link_closed=closed)
            if not closed:
                self._send_follow_ups()
            self._nudge()

    def _send_follow_ups(self) -> None:
        if not self.connected:
            return
        for action_name, payload in self.sim.outbox():
            task = asyncio.get_running_loop().create_task(self._follow_up(action_name, payload))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _follow_up(self, action_name: str, payload: dict[str, Any]) -> None:
        try:
            await self._require_link().call(action_name, payload)
        except Exception as exc:  # the log has shown it; a follow-up has no caller to tell
            logger.info("%s from %s failed: %r", action_name, self.charge_point_id, exc)

    # -- the simulator's clock and effects ---------------------------------------------------

    async def _drive(self) -> None:
        """Run the simulator's due timers, send what they queued, carry out its effects, and
        sleep until its next deadline or until something pokes it."""
        while True:
            self._wake.clear()
            try:
                self.sim.tick()
            except Exception:  # a bug in one timer must not stop the charger's clock
                logger.exception("%s: a timer failed", self.charge_point_id)
                self._note("internal error in a timer (see the log); carrying on", "note")
            self._send_follow_ups()
            for effect in self.sim.effects():
                self._spawn(self._carry_out(effect))
            deadline = self._sleeping_until = self.sim.next_deadline()
            timeout = None
            if deadline is not None:  # in the simulator's seconds, which may run fast
                remaining = (deadline - self.sim.now()).total_seconds() / self._speed
                timeout = max(0.0, remaining)
            # asyncio.timeout, not wait_for: on 3.11 wait_for may swallow a cancel that lands
            # with a wake-up, and close() would wait for this task for ever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self._wake.wait()

    def _spawn(self, work: Any) -> None:
        """Run an effect; not among ``_tasks``, which are the CALLs ``idle`` waits for."""
        task = asyncio.get_running_loop().create_task(work)
        self._effect_tasks.add(task)
        task.add_done_callback(self._effect_tasks.discard)

    async def _carry_out(self, effect: Effect) -> None:
        if isinstance(effect, Reboot):
            await self._reboot(effect)
        elif isinstance(effect, Upload):
            try:
                where = await files.upload(effect.location, effect.file_name, effect.content)
            except (files.TransferError, ValueError) as exc:
                self._note(f"diagnostics upload failed: {exc}")
                self.sim.upload_finished(str(exc))
            else:
                self._note(f"diagnostics uploaded to {where}")
                self.sim.upload_finished(None)
        elif isinstance(effect, Download):
            try:
                data = await files.download(effect.location)
            except files.TransferError as exc:
                self._note(f"firmware download failed: {exc}")
                self.sim.download_finished(0, str(exc))
            else:
                self._note(
                    f"firmware downloaded: {len(data)} bytes from {files.mask(effect.location)}"
                )
                self.sim.download_finished(len(data), None)
        self.poke()

    async def _quiet(self, patience: float = 5.0) -> None:
        """Wait until every CALL sent or queued has its answer (at most ``patience`` s)."""
        self._send_follow_ups()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(patience):
                while self.connected and not self.idle:
                    await asyncio.sleep(0.01)

    async def _reboot(self, effect: Reboot) -> None:
        """Go offline as a restarting charger does, come back, and boot."""
        delay = effect.delay / self._speed if self.reboot_delay is None else self.reboot_delay
        self._note(f"rebooting ({effect.kind}), offline for {delay:g} s")
        self._rebooting = True
        try:
            await self._quiet()  # what it said last (Installed, a stop) goes out first
            if self.transport != "soap" and self.link is not None:
                await self.link.close(1012, "rebooting")
            self.sim.disconnected()
            await asyncio.sleep(delay)
            self.sim.rebooted()
            if self.transport == "soap":
                self.sim.connected()
            else:
                await self._reconnect(first_delay=0.0)
        finally:
            self._rebooting = False

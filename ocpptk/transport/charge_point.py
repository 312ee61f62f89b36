"""A simulated charge point on a live link: ChargePointSim behind a WebSocket or SOAP link."""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Mapping
from functools import cache
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ocpptk.rpc.errors import LinkClosed, OcppError
from ocpptk.rpc.events import CallFailed, Event
from ocpptk.rpc.validation import Validators
from ocpptk.sim.charge_point import ChargePointSim
from ocpptk.spec.catalog import Role, Version, action
from ocpptk.spec.payloads import build_payload
from ocpptk.spec.schemas import load_schema
from ocpptk.transport.link import Link
from ocpptk.transport.log import FrameLog
from ocpptk.transport.options import LinkOptions
from ocpptk.transport.websocket import connect

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
        self.sim = sim or ChargePointSim(charge_point_id, version)
        self.options = options or LinkOptions()
        if log is not None:
            self.options.log = log
        if self.options.validators is None:
            self.options.validators = default_validators()
        self.basic_auth = basic_auth
        self.ssl_context = ssl_context
        self.link: Link | None = None
        self._reader: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    async def connect(self) -> None:
        """Open the link (raises ConnectError with a one-line reason).

        Over SOAP nothing is opened (HTTP has no connection to keep); the charge point starts
        serving its ChargePointService instead.
        """
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

    async def close(self) -> None:
        if self.link is not None:
            await self.link.close()
        if self._reader is not None:
            await self._reader
            self._reader = None
        if self.soap_server is not None:
            await self.soap_server.close()
            self.soap_server = None
        for task in list(self._tasks):
            task.cancel()

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
        asyncio.get_running_loop().call_soon(self._send_follow_ups)
        return reply

    def _learn(self, action_name: str, request: dict[str, Any], response: dict[str, Any]) -> None:
        self.sim.on_result(action_name, request, response)
        self._send_follow_ups()

    def _note_close(self) -> None:
        if self.options.log and self.link is not None:
            self.options.log.note(
                Role.CHARGE_POINT,
                self.charge_point_id,
                f"disconnected from the central system{self.link.close_description()}",
                event="connection",
            )

    def _notice_failure(self, event: Event) -> None:
        if isinstance(event, CallFailed):
            error = event.error if isinstance(event.error, OcppError) else None
            self.sim.on_error(event.action, event.request, error)
            if not isinstance(event.error, LinkClosed):
                self._send_follow_ups()

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

"""A simulated central system listening for charge points: CentralSystemSim behind a server."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable, Callable, Iterable, Mapping
from functools import partial
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ocpptk.sim.central_system import CentralSystemSim
from ocpptk.sim.dispatch import check_version
from ocpptk.spec.catalog import Role, Version, action
from ocpptk.spec.payloads import build_payload
from ocpptk.transport.charge_point import default_validators, transport_of
from ocpptk.transport.link import Link
from ocpptk.transport.log import FrameLog
from ocpptk.transport.options import LinkOptions
from ocpptk.transport.websocket import Credentials, WebSocketServer

if TYPE_CHECKING:  # the SOAP stack (zeep, lxml) is imported only when SOAP is served
    from ocpptk.transport.soap import SoapServer

__all__ = ["CentralSystem", "UnknownChargePoint"]


class UnknownChargePoint(LookupError):
    """No such charge point is connected (or none, or several where one was expected)."""


class CentralSystem:
    """A central system simulator serving charge points over OCPP-J, SOAP, or both.

    >>> async with CentralSystem(port=9000) as cs:  # doctest: +SKIP
    ...     await cs.wait_for_charge_point("CP001")
    ...     await cs.call("CP001", "Reset", type="Soft")

    ``transport`` is what listens on ``port``: ``"websocket"`` or ``"soap"`` (the
    CentralSystemService at ``endpoint``). With ``soap_port`` a WebSocket central system also
    serves SOAP charge points there; one simulator answers both kinds.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        endpoint: str = "/",
        versions: Iterable[Version] = (Version.V16,),
        sim: CentralSystemSim | None = None,
        options: LinkOptions | None = None,
        log: FrameLog | None = None,
        basic_auth: Credentials | None = None,
        ssl_context: ssl.SSLContext | None = None,
        transport: str = "websocket",
        soap_port: int | None = None,
    ) -> None:
        transport = transport_of("", transport)
        versions = tuple(versions)
        for version in versions:  # refuse now what the simulator could not answer later
            check_version(version)
        self.sim = sim or CentralSystemSim()
        self.options = options or LinkOptions()
        if log is not None:
            self.options.log = log
        if self.options.validators is None:
            self.options.validators = default_validators()
        self.websocket_server: WebSocketServer | None = None
        self.soap_server: SoapServer | None = None
        if transport == "websocket":
            self.websocket_server = WebSocketServer(
                self._attach,
                host=host,
                port=port,
                endpoint=endpoint,
                versions=versions,
                options=self.options,
                basic_auth=basic_auth,
                ssl_context=ssl_context,
            )
        if transport == "soap" or soap_port is not None:
            from ocpptk.transport.soap import SoapOptions, SoapServer

            self.soap_server = SoapServer(
                Role.CENTRAL_SYSTEM,
                host=host,
                port=port if transport == "soap" else (soap_port or 0),
                path=endpoint,
                versions=versions,
                options=SoapOptions.like(self.options),
                on_link=self._attach,
                ssl_context=ssl_context,
            )
        main = self.websocket_server or self.soap_server
        assert main is not None
        self.server: WebSocketServer | SoapServer = main  # the one on ``port``
        self.versions = versions
        self._arrivals = asyncio.Condition()
        # Told of each charge point as its link opens, and as it closes.
        self.connect_listeners: list[Callable[[Link], None]] = []
        self.disconnect_listeners: list[Callable[[Link], None]] = []

    @property
    def servers(self) -> list[WebSocketServer | SoapServer]:
        return [s for s in (self.websocket_server, self.soap_server) if s is not None]

    @property
    def links(self) -> dict[str, Link]:
        """Every charge point's link, whatever its transport."""
        found: dict[str, Link] = {}
        for server in self.servers:
            found.update(server.links)
        return found

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def soap_url(self) -> str | None:
        """Where SOAP charge points send their requests, if SOAP is served."""
        return self.soap_server.url if self.soap_server else None

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def charge_points(self) -> list[str]:
        return sorted(self.links)

    async def start(self) -> None:
        started: list[WebSocketServer | SoapServer] = []
        try:
            for server in self.servers:
                await server.start()
                started.append(server)
        except BaseException:  # e.g. the SOAP port is taken: do not leave the other one open
            for server in started:
                await server.close()
            raise

    async def close(self) -> None:
        for link in list(self.links.values()):
            await link.close(1001, "central system stopping")
        for server in self.servers:
            await server.close()

    def link(self, charge_point_id: str | None = None) -> Link:
        """The link of ``charge_point_id``; with None, of the only charge point connected."""
        links = self.links
        if charge_point_id is None:
            if not links:
                raise UnknownChargePoint("no charge point is connected")
            if len(links) != 1:
                connected = ", ".join(sorted(links)) or "none"
                raise UnknownChargePoint(
                    f"say which charge point (--remote-id); connected: {connected}"
                )
            return next(iter(links.values()))
        try:
            return links[charge_point_id]
        except KeyError:
            connected = ", ".join(sorted(links)) or "none"
            raise UnknownChargePoint(
                f"charge point {charge_point_id!r} is not connected; connected: {connected}"
            ) from None

    async def wait_for_charge_point(
        self, charge_point_id: str | None = None, timeout: float = 10.0
    ) -> Link:
        """Wait until ``charge_point_id`` (or any charge point) is connected.

        A SOAP charge point counts as connected from its first request on.
        """

        def arrived() -> bool:
            if charge_point_id is None:
                return bool(self.links)
            return charge_point_id in self.links

        async with self._arrivals:
            await asyncio.wait_for(self._arrivals.wait_for(arrived), timeout)
        return self.link(charge_point_id) if charge_point_id else next(iter(self.links.values()))

    def request(
        self, charge_point_id: str, action_name: str, fields: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """The payload ``call`` would send: example, the simulator's defaults, then fields."""
        known = action(self._version(charge_point_id), action_name)
        ours = known is not None and Role.CENTRAL_SYSTEM.may_send(known)
        defaults = self.sim.default_request(charge_point_id, action_name) if ours else None
        return build_payload(self._version(charge_point_id), action_name, defaults, fields)

    async def call(
        self,
        charge_point_id: str | None,
        action_name: str,
        payload: dict[str, Any] | None = None,
        *,
        validate: bool = True,
        timeout: float | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Send a CALL to a charge point and return the result's payload."""
        link = self.link(charge_point_id)
        body = (
            payload
            if payload is not None
            else self.request(link.charge_point_id, action_name, fields)
        )
        return await link.call(action_name, body, validate=validate, timeout=timeout)

    async def __aenter__(self) -> CentralSystem:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    # -- inside --------------------------------------------------------------------------

    def _version(self, charge_point_id: str) -> Version:
        link = self.links.get(charge_point_id)
        return link.connection.version if link else self.versions[0]

    def _note(self, charge_point_id: str, text: str) -> None:
        """A charge point connected or went: a line in the log."""
        if self.options.log:
            self.options.log.note(Role.CENTRAL_SYSTEM, charge_point_id, text, event="connection")

    def _answer(
        self, charge_point_id: str, action_name: str, payload: dict[str, Any]
    ) -> dict[str, Any] | Awaitable[dict[str, Any]]:
        """The simulator's reply; with a reply override's delay, an awaitable that waits it
        out first (the link answers it in a task, reading on meanwhile). The reply, or the
        CALLERROR, is worked out at once, so state changes in the order calls arrive."""
        delay = self.sim.reply_delay(charge_point_id, action_name)
        if delay <= 0:
            return self.sim.handle_call(charge_point_id, action_name, payload)
        try:
            reply = self.sim.handle_call(charge_point_id, action_name, payload)
        except Exception as exc:
            return self._later(delay, None, exc)
        return self._later(delay, reply, None)

    @staticmethod
    async def _later(
        delay: float, reply: dict[str, Any] | None, error: Exception | None
    ) -> dict[str, Any]:
        await asyncio.sleep(delay)
        if error is not None:
            raise error
        assert reply is not None
        return reply

    def _detach(self, link: Link) -> None:
        charge_point_id = link.charge_point_id
        self.sim.disconnected(charge_point_id)
        self._note(charge_point_id, f"{charge_point_id} disconnected{link.close_description()}")
        for listener in self.disconnect_listeners:
            listener(link)

    async def _attach(self, link: Link) -> None:
        charge_point_id = link.charge_point_id
        link.handler = partial(self._answer, charge_point_id)
        link.result_listeners.append(partial(self.sim.on_result, charge_point_id))
        self.sim.connected(charge_point_id, link.connection.version)
        link.closed_callbacks.append(partial(self._detach, link))
        self._note(charge_point_id, f"{charge_point_id} connected ({link.subprotocol})")
        for listener in self.connect_listeners:
            listener(link)
        async with self._arrivals:
            self._arrivals.notify_all()

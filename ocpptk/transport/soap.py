"""OCPP 1.2, 1.5 and 1.6 over SOAP/HTTP: the adapters around ``ocpptk.soap``'s cores.

The API has the shape of the WebSocket one, so a runner can use either:

* :class:`SoapLink` is one charge point's link, from either end, like ``OcppLink``:
  ``await link.call(action, payload, validate=..., timeout=...)``, ``handler`` (``(action,
  payload) -> payload``, may be a coroutine function) for the peer's requests,
  ``result_listeners``, ``event_listeners`` (the events of ``ocpptk.rpc.events``), ``closed`` /
  ``closed_callbacks`` (SOAP has no connection: a link closes when we close it), ``send_raw``.
  Its ``connection`` is the sans-I/O :class:`~ocpptk.soap.session.SoapCaller` (``in_flight``,
  ``queued``, ``version``), as an OcppLink's is its ``Connection``.
* :class:`SoapServer` serves one service at a path: the central system serves
  ``CentralSystemService`` and makes a link for each charge point (the ``chargeBoxIdentity``
  header) on its first request, learning where to call it back from ``wsa:From`` (updated on
  every request); a charge point serves ``ChargePointService`` on a port of its own, for the
  central system's requests, to its one link (``attach``). ``GET <path>?wsdl`` returns our WSDL
  with the real address.

HTTP is request/response, so an answer is matched to its request by the HTTP exchange; still
only one request per direction per charge point is outstanding: later calls queue in order (the
core's rule) and the peer's requests are handled one at a time, in order of arrival.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import ssl
from collections.abc import Awaitable, Callable, Container
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ocpptk.rpc.connection import LocalValidationError
from ocpptk.rpc.errors import InternalError, OcppError
from ocpptk.rpc.events import (
    CallFailed,
    CallRejected,
    CallSent,
    Event,
    ResultReceived,
    ValidationProblem,
)
from ocpptk.soap.codec import SoapMessage, codec
from ocpptk.soap.session import (
    Inbound,
    Reply,
    Request,
    SoapCaller,
    SoapResponder,
    parse_content_type,
)
from ocpptk.soap.xml import DEFAULT_MAX_SIZE, WSA_ANONYMOUS, SoapVersion
from ocpptk.spec import wsdl_gen
from ocpptk.spec.catalog import Role, Version
from ocpptk.transport.http import HttpClient, HttpError, HttpRequest, HttpResponse, HttpServer
from ocpptk.transport.link import Handler
from ocpptk.transport.log import FrameLog
from ocpptk.transport.options import LinkOptions
from ocpptk.transport.pending import PendingCalls, ResultListener
from ocpptk.transport.soap_log import EnvelopeLog

__all__ = ["SoapLink", "SoapOptions", "SoapServer", "serve_charge_point"]

logger = logging.getLogger(__name__)


@dataclass
class SoapOptions(LinkOptions):
    """``LinkOptions`` with what only SOAP has (ping settings do not apply to it)."""

    strict: bool = False  # refuse SOAP 1.1, a missing MessageID, a mismatched wsa:Action
    max_body: int = DEFAULT_MAX_SIZE
    print_xml: bool = False  # the whole envelope under each log line
    print_headers: bool = False  # the HTTP headers under each log line
    soap_version: SoapVersion = SoapVersion.SOAP12  # of the requests we send

    @classmethod
    def like(cls, options: LinkOptions) -> SoapOptions:
        """SOAP options sharing what ``options`` says (log, validation, timeouts, ids)."""
        if isinstance(options, SoapOptions):
            return options
        return cls(**{f.name: getattr(options, f.name) for f in fields(LinkOptions)})

    def envelope_log(self) -> EnvelopeLog | None:
        if self.log is None:
            return None
        return EnvelopeLog(self.log, self.print_xml, self.print_headers)


def _summary(action: str, request: bool, message_id: str | None, status: int | None) -> str:
    what = f"{action} {'request' if request else 'response'}"
    if message_id:
        what += f" {message_id}"
    if status is not None:
        what += f" (HTTP {status})"
    return what


class SoapLink:
    """One charge point's OCPP-over-SOAP link, seen from ``role``.

    ``peer_url`` is where our requests go: the central system's service URL for a charge point;
    for a central system, the charge point's endpoint (its last ``wsa:From``, or set by hand).
    ``from_address`` is sent as ``wsa:From``: a charge point's own ChargePointService URL.
    """

    def __init__(
        self,
        role: Role,
        version: Version,
        charge_point_id: str,
        *,
        peer_url: str | None = None,
        from_address: str | None = None,
        options: SoapOptions | None = None,
        client: HttpClient | None = None,
        handler: Handler | None = None,
    ) -> None:
        self.options = options or SoapOptions()
        self.role = role
        self.charge_point_id = charge_point_id
        self.handler = handler
        self.client = client or HttpClient(max_body=self.options.max_body)
        self._own_client = client is None
        kwargs: dict[str, Any] = {}
        if self.options.id_generator is not None:
            kwargs["id_generator"] = self.options.id_generator
        self.connection = SoapCaller(
            role,
            version,
            charge_point_id,
            validators=self.options.validators,
            incoming=self.options.incoming,
            outgoing=self.options.outgoing,
            strict=self.options.strict,
            peer_url=peer_url,
            from_address=from_address,
            soap_version=self.options.soap_version,
            **kwargs,
        )
        self.response_timeout = self.options.response_timeout
        self.result_listeners: list[ResultListener] = []
        self.event_listeners: list[Callable[[Event], None]] = []
        self.closed_callbacks: list[Callable[[], None]] = []
        self.closed = asyncio.Event()
        self._pending = PendingCalls(self._expire, logger)
        self._posts: dict[str, asyncio.Task[None]] = {}
        self._inbound = asyncio.Lock()  # the peer's requests, one at a time, in order
        self._tasks: set[asyncio.Task[Any]] = set()
        self._raw: set[str] = set()  # raw messages: their answers are no results to learn from

    @property
    def log(self) -> FrameLog | None:
        return self.options.log

    @property
    def version(self) -> Version:
        return self.connection.version

    @property
    def peer_url(self) -> str | None:
        return self.connection.peer_url

    @peer_url.setter
    def peer_url(self, url: str | None) -> None:
        self.connection.peer_url = url

    @property
    def from_address(self) -> str | None:
        return self.connection.from_address

    @from_address.setter
    def from_address(self, url: str | None) -> None:
        self.connection.from_address = url

    @property
    def subprotocol(self) -> str:
        """What the link speaks, for log lines (the WebSocket link's subprotocol)."""
        return f"SOAP, OCPP {self.version.value}"

    # -- what the application calls ----------------------------------------------------

    async def call(
        self,
        action: str,
        payload: dict[str, Any],
        *,
        validate: bool = True,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Send a request and return the response's payload.

        Raises the peer's Fault as its OcppError class, CallTimeout, LinkClosed,
        LocalValidationError (nothing was sent), HttpError (no HTTP exchange: the peer cannot
        be reached) or HttpStatusError (an HTTP error without a Fault); both are
        ConnectionErrors. ``validate=False`` sends any operation and payload in a valid
        envelope, unchecked (an unknown operation's body is ``<{ns}<action>Request>``).
        """
        if not self.peer_url:
            raise HttpError(
                f"no address known for {self.charge_point_id}: it sent no wsa:From "
                "(set the link's peer_url)"
                if self.role is Role.CENTRAL_SYSTEM
                else "no central system URL (set the link's peer_url)"
            )
        try:
            message_id = self.connection.send_call(action, payload, validate=validate)
        except LocalValidationError:
            self._pump()
            raise
        return await self._wait(message_id, timeout)

    def send_raw(self, text: str) -> asyncio.Future[dict[str, Any]]:
        """POST ``text`` as the body, unchecked, in turn with the calls. The answer is logged;
        the returned future has its payload (or its Fault as an OcppError) if anyone cares."""
        message_id = self.connection.send_raw(text)
        self._raw.add(message_id)
        future = self._pending.add(message_id, None)
        future.add_done_callback(_consume)
        self._pump()
        return future

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Fail what is queued or in flight with LinkClosed; the link is done."""
        del code, reason  # the WebSocket link's signature; SOAP has nothing to send
        self._lost()
        if self._own_client:
            await self.client.close()

    async def run(self) -> None:
        """Wait until the link closes (there is nothing to read: requests come to a server)."""
        await self.closed.wait()

    def close_description(self) -> str:
        return ""

    # -- inside: our calls -------------------------------------------------------------

    async def _wait(self, message_id: str, timeout: float | None) -> dict[str, Any]:
        future = self._pending.add(message_id, timeout)
        self._pump()
        return await future

    def _pump(self) -> None:
        while True:
            events = self.connection.events_received()
            requests = self.connection.data_to_send()
            if not events and not requests:
                return
            for request in requests:
                task = asyncio.get_running_loop().create_task(self._post(request))
                self._posts[request.message_id] = task
            for event in events:
                self._dispatch(event)

    async def _post(self, request: Request) -> None:
        url = self.peer_url or ""
        headers = [("content-type", request.content_type)]
        if request.soap_action is not None:
            headers.append(("soapaction", f'"{request.soap_action}"'))
        envelope_log = self.options.envelope_log()
        if envelope_log:
            envelope_log.envelope(
                self.role,
                self.charge_point_id,
                True,
                _summary(request.action, True, request.message_id, None) + f" to {url}",
                request.body,
                headers,
                action=request.action,
                message_id=request.message_id,
            )
        try:
            response = await self.client.request("POST", url, headers, request.body)
        except HttpError as exc:
            self._posts.pop(request.message_id, None)
            self.connection.fail(request.message_id, exc)
            self._pump()
            return
        self._posts.pop(request.message_id, None)
        if envelope_log:
            envelope_log.envelope(
                self.role,
                self.charge_point_id,
                False,
                _summary(request.action, False, None, response.status),
                response.body,
                response.headers,
                action=request.action,
                relates_to=request.message_id,
                status=response.status,
            )
        self.connection.receive_response(
            request.message_id, response.status, response.header("content-type"), response.body
        )
        self._pump()

    def _dispatch(self, event: Event) -> None:
        """Act on one of the core's events, then tell the event listeners."""
        if isinstance(event, CallSent):
            self._pending.sent(event.unique_id, self.response_timeout)
        elif isinstance(event, ResultReceived):
            listeners = [] if event.unique_id in self._raw else self.result_listeners
            self._stop(event.unique_id)
            self._pending.answered(event, listeners)
        elif isinstance(event, CallFailed):
            self._stop(event.unique_id)
            if self.log and not isinstance(event.error, OcppError):
                self.log.note(
                    self.role, self.charge_point_id, f"{event.action} failed: {event.error}"
                )
            self._pending.failed(event)
        elif isinstance(event, ValidationProblem) and self.log:
            self.log.problem(self.role, self.charge_point_id, event)
        for listener in self.event_listeners:
            listener(event)

    def _expire(self, message_id: str) -> None:
        """The call's timer fired."""
        self.connection.expire(message_id)
        self._pump()

    def _stop(self, message_id: str) -> None:
        self._raw.discard(message_id)
        post = self._posts.pop(message_id, None)
        if post is not None and post is not asyncio.current_task():
            post.cancel()  # the exchange is over for us: drop its HTTP connection

    def _lost(self) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        self.connection.close()
        for event in self.connection.events_received():
            self._dispatch(event)
        for callback in self.closed_callbacks:
            callback()

    # -- inside: the peer's requests (called by the server) ----------------------------

    async def serve(
        self, message: SoapMessage, inbound: Inbound, responder: SoapResponder
    ) -> Reply:
        """Answer one of the peer's requests with the handler, after the ones before it."""
        async with self._inbound:
            seen = len(inbound.events)
            self._events(inbound.events)
            try:
                payload = await self._answer(message)
            except OcppError as error:
                reply = responder.answer_error(message, error, inbound)
            else:
                reply = responder.answer(message, payload, inbound)
            self._events(inbound.events[seen:])
            return reply

    def _events(self, events: list[Event]) -> None:
        for event in events:
            if isinstance(event, ValidationProblem) and self.log:
                self.log.problem(self.role, self.charge_point_id, event)
            for listener in self.event_listeners:
                listener(event)

    async def _answer(self, message: SoapMessage) -> dict[str, Any]:
        if self.handler is None:
            raise InternalError("no handler for incoming calls")
        try:
            outcome = self.handler(message.action, message.payload)
            if inspect.isawaitable(outcome):
                outcome = await outcome
        except OcppError:
            raise
        except Exception as exc:
            logger.exception("handler failed for %s", message.action)
            raise InternalError(f"{type(exc).__name__}: {exc}") from None
        if not isinstance(outcome, dict):
            raise InternalError(f"the handler answered {type(outcome).__name__}, not a payload")
        return outcome


def _consume(future: asyncio.Future[dict[str, Any]]) -> None:
    if not future.cancelled():
        future.exception()  # a raw message's failure is in the log; nobody has to await it


Identities = Callable[[str], bool] | Container[str]


class SoapServer:
    """Serves the SOAP service of ``role`` (ours) at ``path`` on ``host``:``port``.

    ``identities`` limits the charge points served (a container of ids, or a function); by
    default a central system serves any, a charge point only the links attached to it.
    ``on_link`` is told of each link a central system makes, before its first request is
    handled (it sets the handler).
    """

    def __init__(
        self,
        role: Role,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        path: str = "/",
        versions: tuple[Version, ...] | list[Version] = (Version.V16,),
        options: SoapOptions | None = None,
        on_link: Callable[[SoapLink], Awaitable[None] | None] | None = None,
        identities: Identities | None = None,
        ssl_context: ssl.SSLContext | None = None,
        client: HttpClient | None = None,
    ) -> None:
        self.role = role
        self.options = options or SoapOptions()
        self.versions = tuple(versions)
        self.path = "/" + path.strip("/")
        self.on_link = on_link
        self.identities = identities
        self.links: dict[str, SoapLink] = {}
        self.client = client or HttpClient(max_body=self.options.max_body)
        self._own_client = client is None
        self.responder = SoapResponder(
            role,
            self.versions,
            validators=self.options.validators,
            incoming=self.options.incoming,
            outgoing=self.options.outgoing,
            strict=self.options.strict,
            accept_identity=self._accepts,
            max_size=self.options.max_body,
        )
        self.http = HttpServer(
            self._handle,
            host=host,
            port=port,
            max_body=self.options.max_body,
            ssl_context=ssl_context,
        )

    @property
    def port(self) -> int:
        return self.http.port

    @property
    def url(self) -> str:
        """The service's URL: what a charge point sends as ``wsa:From`` or calls."""
        return self.http.origin + (self.path if self.path != "/" else "/")

    async def start(self) -> None:
        await self.http.start()

    async def close(self) -> None:
        await self.http.close()
        if self.role is Role.CENTRAL_SYSTEM:
            for link in list(self.links.values()):
                await link.close()
        if self._own_client:
            await self.client.close()

    def attach(self, link: SoapLink) -> None:
        """Serve the requests for ``link.charge_point_id`` to ``link``."""
        self.links[link.charge_point_id] = link

    # -- inside ------------------------------------------------------------------------

    def _accepts(self, charge_point_id: str) -> bool:
        if self.identities is None:
            return self.role is Role.CENTRAL_SYSTEM or charge_point_id in self.links
        if callable(self.identities):
            return bool(self.identities(charge_point_id))
        return charge_point_id in self.identities

    def _on_path(self, target: str) -> bool:
        path = urlsplit(target).path
        return path.rstrip("/") == self.path.rstrip("/") or (self.path == "/" and path == "")

    async def _handle(self, request: HttpRequest) -> HttpResponse:
        if not self._on_path(request.target):
            return HttpResponse.text(404, f"the service is at {self.path}")
        if request.method == "GET":
            query = urlsplit(request.target).query
            if "wsdl" in parse_qs(query, keep_blank_values=True) or query.lower() == "wsdl":
                return self._wsdl(parse_qs(query).get("version", [""])[0])
        if request.method != "POST":
            return HttpResponse.text(
                405, "POST a SOAP envelope (or GET ?wsdl)", [("allow", "POST, GET")]
            )
        media, params = parse_content_type(request.header("content-type"))
        soap_action = params.get("action") or (request.header("soapaction") or "").strip('"')
        inbound = self.responder.receive_request(request.body, media, soap_action or None)
        message = inbound.message
        charge_point = inbound.charge_point_id or "?"
        envelope_log = self.options.envelope_log()
        action = message.action if message else "?"
        if envelope_log:
            envelope_log.envelope(
                self.role,
                charge_point,
                False,
                _summary(action, True, inbound.message_id, None) + f" from {request.peer}",
                request.body,
                request.headers,
                action=action,
                message_id=inbound.message_id,
            )
        if message is None:
            assert inbound.reply is not None
            reply = inbound.reply
            self._rejected(charge_point, inbound)
        else:
            link = await self._link(message)
            reply = await link.serve(message, inbound, self.responder)
        headers = [("content-type", reply.content_type)]
        if envelope_log:
            fault = reply.fault
            summary = (
                f"Fault {fault.code}/{fault.subcode}: {fault.reason} (HTTP {reply.status})"
                if fault
                else _summary(reply.action, False, None, reply.status)
            )
            envelope_log.envelope(
                self.role,
                charge_point,
                True,
                summary,
                reply.body,
                headers,
                action=reply.action,
                relates_to=inbound.message_id,
                status=reply.status,
            )
        return HttpResponse(reply.status, reply.body, headers)

    def _rejected(self, charge_point: str, inbound: Inbound) -> None:
        link = self.links.get(charge_point)
        for event in inbound.events:
            if isinstance(event, ValidationProblem) and self.options.log:
                self.options.log.problem(self.role, charge_point, event)
            elif isinstance(event, CallRejected) and self.options.log:
                self.options.log.note(
                    self.role,
                    charge_point,
                    f"refused {event.action}: {event.error.key}: {event.error.description}",
                )
            if link is not None:
                for listener in link.event_listeners:
                    listener(event)

    async def _link(self, message: SoapMessage) -> SoapLink:
        charge_point_id = message.charge_point_id or ""
        sender = message.addressing.from_address
        if sender == WSA_ANONYMOUS:
            sender = None
        link = self.links.get(charge_point_id)
        if link is None:
            link = SoapLink(
                self.role,
                message.version,
                charge_point_id,
                peer_url=sender,
                options=self.options,
                client=self.client,
            )
            self.links[charge_point_id] = link
            link.closed_callbacks.append(lambda: self._forget(link))
            if self.on_link is not None:
                outcome = self.on_link(link)
                if outcome is not None:
                    await outcome
            return link
        if sender and self.role is Role.CENTRAL_SYSTEM and sender != link.peer_url:
            link.peer_url = sender
        if link.connection.version is not message.version and link.connection.in_flight is None:
            link.connection.version = message.version
        return link

    def _forget(self, link: SoapLink) -> None:
        if self.links.get(link.charge_point_id) is link:
            del self.links[link.charge_point_id]

    def _wsdl(self, version_text: str) -> HttpResponse:
        version = self.versions[0]
        if version_text:
            try:
                version = Version.parse(version_text)
            except ValueError:
                return HttpResponse.text(404, f"no OCPP version {version_text!r}")
            if version not in self.versions:
                return HttpResponse.text(404, f"OCPP {version.value} is not served here")
        text = codec(version, self.role).wsdl_text.replace(
            f'location="{wsdl_gen.service_address(self.role)}"', f'location="{self.url}"'
        )
        return HttpResponse(
            200, text.encode("utf-8"), [("content-type", "text/xml; charset=utf-8")]
        )


async def serve_charge_point(
    link: SoapLink,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    path: str = "/",
    ssl_context: ssl.SSLContext | None = None,
) -> SoapServer:
    """Start a charge point's ChargePointService for ``link`` (the charge point's link to its
    central system); ``link.from_address`` becomes the server's URL unless it was set (``-f``:
    the address the central system must use, behind NAT or a proxy)."""
    server = SoapServer(
        Role.CHARGE_POINT,
        host=host,
        port=port,
        path=path,
        versions=(link.version,),
        options=link.options,
        ssl_context=ssl_context,
        client=link.client,
    )
    server.attach(link)
    await server.start()
    if not link.from_address:
        link.from_address = server.url
    return server

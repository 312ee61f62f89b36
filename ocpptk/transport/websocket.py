"""OCPP-J over WebSocket: the charge point's client and the central system's server.

OCPP-J 1.6 section 3: the charge point connects to ``<central system URL>/<charge point id>``
offering the subprotocol of its version (``ocpp1.6``); the central system learns the charge
point's identity from the path. Security profiles (OCPP 1.6 security whitepaper): 1 = HTTP Basic
auth (user = charge point id, password = AuthorizationKey), 2 = the same over TLS with a server
certificate, 3 = TLS with client certificates.
"""

from __future__ import annotations

import base64
import binascii
import ssl
from collections.abc import Awaitable, Callable, Iterable, Mapping
from http import HTTPStatus
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from websockets.asyncio.client import connect as ws_connect
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import InvalidHandshake, InvalidStatus, InvalidURI
from websockets.http11 import Request, Response

from ocpptk.spec.catalog import Role, Version
from ocpptk.transport.link import OcppLink
from ocpptk.transport.options import LinkOptions

__all__ = [
    "ConnectError",
    "LinkOptions",  # re-exported: it lived here first
    "WebSocketServer",
    "client_ssl_context",
    "connect",
    "server_ssl_context",
]


class ConnectError(Exception):
    """The charge point could not open its link; the message says why, in one line."""


def client_ssl_context(
    cafile: str | None = None, certfile: str | None = None, keyfile: str | None = None
) -> ssl.SSLContext:
    """TLS for a charge point: trust ``cafile`` (profile 2), show ``certfile`` (profile 3)."""
    context = ssl.create_default_context(cafile=cafile)
    if certfile:
        context.load_cert_chain(certfile, keyfile)
    return context


def server_ssl_context(
    certfile: str, keyfile: str | None = None, cafile: str | None = None
) -> ssl.SSLContext:
    """TLS for a central system; with ``cafile`` it requires client certificates (profile 3)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certfile, keyfile)
    if cafile:
        context.load_verify_locations(cafile)
        context.verify_mode = ssl.CERT_REQUIRED
    return context


def charge_point_url(base: str, charge_point_id: str) -> str:
    """``base`` with the charge point's id as the last step of its path (a query stays last)."""
    parts = urlsplit(base)
    path = parts.path.rstrip("/") + "/" + quote(charge_point_id, safe="")
    return urlunsplit(parts._replace(path=path))


async def connect(
    url: str,
    charge_point_id: str,
    *,
    version: Version = Version.V16,
    options: LinkOptions | None = None,
    basic_auth: tuple[str, str] | None = None,
    ssl_context: ssl.SSLContext | None = None,
    open_timeout: float = 10.0,
) -> OcppLink:
    """Open a charge point's link to the central system at ``url``.

    The caller runs ``link.run()`` (for example as a task) to read frames.
    """
    options = options or LinkOptions()
    target = charge_point_url(url, charge_point_id)
    headers: dict[str, str] = {}
    if basic_auth is not None:
        token = base64.b64encode(f"{basic_auth[0]}:{basic_auth[1]}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    if ssl_context is None and urlsplit(target).scheme == "wss":
        ssl_context = client_ssl_context()
    try:
        websocket = await ws_connect(
            target,
            subprotocols=[version.subprotocol],  # type: ignore[list-item]
            additional_headers=headers,
            ssl=ssl_context,
            open_timeout=open_timeout,
            ping_interval=None,  # the link runs its own keepalive, adjustable at run time
            compression=None,
        )
    except InvalidStatus as exc:
        status = exc.response.status_code
        body = exc.response.body.decode("utf-8", "replace").strip() if exc.response.body else ""
        raise ConnectError(f"{target}: refused with HTTP {status} {body}".rstrip()) from None
    except InvalidHandshake as exc:
        raise ConnectError(f"{target}: handshake failed: {exc}") from None
    except InvalidURI as exc:
        raise ConnectError(f"{url!r} is not a WebSocket URL (ws://… or wss://…): {exc}") from None
    except (OSError, TimeoutError) as exc:
        raise ConnectError(f"{target}: {exc or type(exc).__name__}") from None
    if websocket.subprotocol != version.subprotocol:
        await websocket.close()
        raise ConnectError(f"{target}: the server did not accept subprotocol {version.subprotocol}")
    return OcppLink(
        websocket,
        options.connection(Role.CHARGE_POINT, version),
        charge_point_id,
        log=options.log,
        response_timeout=options.response_timeout,
        ping_interval=options.ping_interval,
    )


# Checks a charge point's Basic credentials: a {charge point id: password} map or a function.
Credentials = Mapping[str, str] | Callable[[str, str], bool]


class WebSocketServer:
    """A central system's listening socket, handing each charge point's link to ``on_link``."""

    def __init__(
        self,
        on_link: Callable[[OcppLink], Awaitable[None] | None],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        endpoint: str = "/",
        versions: Iterable[Version] = (Version.V16,),
        options: LinkOptions | None = None,
        basic_auth: Credentials | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.on_link = on_link
        self.host = host
        self.requested_port = port
        self.endpoint = "/" + endpoint.strip("/") + ("/" if endpoint.strip("/") else "")
        self.versions = tuple(versions)
        self.options = options or LinkOptions()
        self.basic_auth = basic_auth
        self.ssl_context = ssl_context
        self.links: dict[str, OcppLink] = {}
        self._server: Server | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the server is not started")
        sockets = list(self._server.sockets)
        return int(sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        scheme = "wss" if self.ssl_context else "ws"
        host = "127.0.0.1" if self.host in ("0.0.0.0", "", "::") else self.host
        return f"{scheme}://{host}:{self.port}{self.endpoint}"

    async def start(self) -> None:
        self._server = await serve(
            self._serve,
            self.host,
            self.requested_port,
            subprotocols=[v.subprotocol for v in self.versions],  # type: ignore[misc]
            process_request=self._check_request,
            ssl=self.ssl_context,
            ping_interval=None,
            compression=None,
        )

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    def _charge_point_id(self, path: str) -> str | None:
        route = urlsplit(path).path
        if not route.startswith(self.endpoint):
            return None
        raw = route[len(self.endpoint) :]  # "/" inside an id travels as %2F
        return unquote(raw) if raw and "/" not in raw else None

    def _check_request(self, connection: ServerConnection, request: Request) -> Response | None:
        if self._charge_point_id(request.path) is None:
            return connection.respond(
                HTTPStatus.NOT_FOUND,
                f"connect to {self.endpoint}<charge point id>\n",
            )
        offered = [
            name.strip()
            for value in request.headers.get_all("Sec-WebSocket-Protocol")
            for name in value.split(",")
        ]
        accepted = [v.subprotocol for v in self.versions]
        if not any(name in accepted for name in offered):
            return connection.respond(
                HTTPStatus.BAD_REQUEST,
                f"no acceptable OCPP subprotocol: offered {', '.join(offered) or 'none'}, "
                f"accepted {', '.join(accepted)}\n",
            )
        charge_point_id = self._charge_point_id(request.path)
        if self.basic_auth is not None and not self._authorized(request.headers, charge_point_id):
            response = connection.respond(HTTPStatus.UNAUTHORIZED, "bad or missing credentials\n")
            response.headers["WWW-Authenticate"] = 'Basic realm="OCPP", charset="UTF-8"'
            return response
        return None

    def _authorized(self, headers: Headers, charge_point_id: str | None) -> bool:
        """Security profile 1: the user is the charge point's own id, the password its key."""
        value = headers.get("Authorization", "")
        scheme, _, token = value.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(token, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        if user != charge_point_id:  # one charge point's key must not open another's link
            return False
        if callable(self.basic_auth):
            return bool(self.basic_auth(user, password))
        assert self.basic_auth is not None
        return self.basic_auth.get(user) == password

    async def _serve(self, websocket: ServerConnection) -> None:
        charge_point_id = self._charge_point_id(websocket.request.path)  # type: ignore[union-attr]
        assert charge_point_id is not None  # _check_request refused the others
        version = Version.from_subprotocol(websocket.subprotocol or self.versions[0].subprotocol)
        link = OcppLink(
            websocket,
            self.options.connection(Role.CENTRAL_SYSTEM, version),
            charge_point_id,
            log=self.options.log,
            response_timeout=self.options.response_timeout,
            ping_interval=self.options.ping_interval,
            ping_timeout=self.options.ping_timeout,
        )
        previous = self.links.get(charge_point_id)
        if previous is not None:  # the same charge point again: the new link replaces the old
            await previous.close(1000, "replaced by a new connection")
        self.links[charge_point_id] = link
        try:
            outcome = self.on_link(link)
            if outcome is not None:
                await outcome
            await link.run()
        finally:
            if self.links.get(charge_point_id) is link:
                del self.links[charge_point_id]

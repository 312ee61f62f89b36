"""A small HTTP/1.1 server and client on asyncio streams, with h11 as the protocol core.

h11 (sans-I/O HTTP/1.1) does the parsing and framing; this module only moves bytes and keeps
the limits: keep-alive, Content-Length or chunked bodies up to ``max_body`` (413 beyond it on
the server, an error on the client), 400 for a request h11 cannot read, 500 when the handler
fails. It knows nothing of SOAP: the handler gets an :class:`HttpRequest` and returns an
:class:`HttpResponse`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import urlsplit

import h11

from ocpptk.soap.xml import DEFAULT_MAX_SIZE

__all__ = [
    "HttpClient",
    "HttpError",
    "HttpHandler",
    "HttpRequest",
    "HttpResponse",
    "HttpServer",
]

logger = logging.getLogger(__name__)

_READ_SIZE = 65536
_MAX_HEAD = 64 * 1024  # request line and headers
SERVER_NAME = "ocpptk"


class HttpError(ConnectionError):
    """The HTTP exchange failed: no connection, a broken response, a body too large."""


Headers = list[tuple[str, str]]


def _find(headers: Headers, name: str) -> str | None:
    name = name.lower()
    for key, value in headers:
        if key == name:
            return value
    return None


@dataclass(frozen=True)
class HttpRequest:
    """A request as the server read it; header names are in lower case."""

    method: str
    target: str
    headers: Headers
    body: bytes = b""
    peer: str = ""

    def header(self, name: str) -> str | None:
        return _find(self.headers, name)


@dataclass(frozen=True)
class HttpResponse:
    """A response to send, or as the client read it; header names are in lower case."""

    status: int
    body: bytes = b""
    headers: Headers = field(default_factory=list)

    def header(self, name: str) -> str | None:
        return _find(self.headers, name)

    @classmethod
    def text(cls, status: int, text: str, headers: Headers | None = None) -> HttpResponse:
        return cls(
            status,
            (text.rstrip("\n") + "\n").encode("utf-8"),
            [("content-type", "text/plain; charset=utf-8"), *(headers or [])],
        )


HttpHandler = Callable[[HttpRequest], Awaitable[HttpResponse]]


def _decode_headers(raw: list[tuple[bytes, bytes]]) -> Headers:
    return [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in raw]


class _TooLarge(Exception):
    pass


class HttpServer:
    """Serves ``handler`` on ``host``:``port`` (0 picks a free port)."""

    def __init__(
        self,
        handler: HttpHandler,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        max_body: int = DEFAULT_MAX_SIZE,
        ssl_context: ssl.SSLContext | None = None,
        idle_timeout: float = 120.0,
    ) -> None:
        self.handler = handler
        self.host = host
        self.requested_port = port
        self.max_body = max_body
        self.ssl_context = ssl_context
        self.idle_timeout = idle_timeout
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._closing = False

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the server is not started")
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:8080``: how a peer on this machine reaches us."""
        scheme = "https" if self.ssl_context else "http"
        host = "127.0.0.1" if self.host in ("0.0.0.0", "", "::") else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"{scheme}://{host}:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._accept, self.host, self.requested_port, ssl=self.ssl_context
        )

    async def close(self) -> None:
        if self._server is None:
            return
        self._closing = True
        self._server.close()
        for task in list(self._connections):
            task.cancel()
        for task in list(self._connections):
            with contextlib.suppress(BaseException):
                await task
        await self._server.wait_closed()
        self._server = None
        self._closing = False

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            await self._serve(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, TimeoutError):
            pass
        except asyncio.CancelledError:
            # close() cancels us; asyncio's stream callback must see a task that ended
            # normally, or it logs the cancellation as an error.
            if not self._closing:
                raise
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _next_event(
        self, conn: h11.Connection, reader: asyncio.StreamReader, timeout: float | None
    ) -> h11.Event | type[h11.NEED_DATA] | type[h11.PAUSED]:
        while True:
            event = conn.next_event()
            if event is not h11.NEED_DATA:
                return event
            data = await asyncio.wait_for(reader.read(_READ_SIZE), timeout)
            conn.receive_data(data)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=_MAX_HEAD)
        peername = writer.get_extra_info("peername")
        peer = f"{peername[0]}:{peername[1]}" if isinstance(peername, tuple) else ""
        while True:
            try:
                event = await self._next_event(conn, reader, self.idle_timeout)
                if isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
                    return
                if not isinstance(event, h11.Request):
                    return
                request = await self._read_request(conn, reader, writer, event, peer)
            except h11.RemoteProtocolError as exc:
                if conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
                    status = exc.error_status_hint
                    await self._send(conn, writer, HttpResponse.text(status, f"bad request: {exc}"))
                return
            except _TooLarge:
                await self._send(
                    conn,
                    writer,
                    HttpResponse.text(
                        HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                        f"the body is larger than {self.max_body} bytes",
                    ),
                    close=True,
                )
                return
            try:
                response = await self.handler(request)
            except Exception:
                logger.exception("HTTP handler failed for %s %s", request.method, request.target)
                response = HttpResponse.text(500, "internal error")
            await self._send(conn, writer, response)
            if conn.our_state is h11.MUST_CLOSE or conn.their_state is h11.MUST_CLOSE:
                return
            try:
                conn.start_next_cycle()
            except h11.LocalProtocolError:
                return

    async def _read_request(
        self,
        conn: h11.Connection,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        head: h11.Request,
        peer: str,
    ) -> HttpRequest:
        headers = _decode_headers(list(head.headers))
        length = _find(headers, "content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            raise _TooLarge
        if conn.they_are_waiting_for_100_continue:
            writer.write(conn.send(h11.InformationalResponse(status_code=100, headers=[])))
        chunks: list[bytes] = []
        size = 0
        while True:
            event = await self._next_event(conn, reader, self.idle_timeout)
            if isinstance(event, h11.Data):
                size += len(event.data)
                if size > self.max_body:
                    raise _TooLarge
                chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                break
            else:
                raise h11.RemoteProtocolError("the request ended early", 400)
        return HttpRequest(
            head.method.decode("ascii", "replace").upper(),
            head.target.decode("ascii", "replace"),
            headers,
            b"".join(chunks),
            peer,
        )

    async def _send(
        self,
        conn: h11.Connection,
        writer: asyncio.StreamWriter,
        response: HttpResponse,
        close: bool = False,
    ) -> None:
        headers = [(k, v) for k, v in response.headers if k.lower() != "content-length"]
        headers += [("content-length", str(len(response.body))), ("server", SERVER_NAME)]
        if close:
            headers.append(("connection", "close"))
        try:
            reason = HTTPStatus(response.status).phrase.encode("ascii")
        except ValueError:
            reason = b""
        data = conn.send(h11.Response(status_code=response.status, headers=headers, reason=reason))
        data += conn.send(h11.Data(data=response.body)) if response.body else b""
        data += conn.send(h11.EndOfMessage())
        writer.write(data)
        await writer.drain()


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    conn: h11.Connection

    def close(self) -> None:
        self.writer.close()


class HttpClient:
    """POSTs (or any method) to URLs, keeping connections alive per origin between requests."""

    def __init__(
        self,
        *,
        max_body: int = DEFAULT_MAX_SIZE,
        ssl_context: ssl.SSLContext | None = None,
        connect_timeout: float = 10.0,
    ) -> None:
        self.max_body = max_body
        self.ssl_context = ssl_context
        self.connect_timeout = connect_timeout
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}

    async def close(self) -> None:
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()

    async def request(
        self,
        method: str,
        url: str,
        headers: Headers | None = None,
        body: bytes = b"",
    ) -> HttpResponse:
        """Send one request and read its response; raises HttpError."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise HttpError(f"{url!r} is not an http:// or https:// URL")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        origin = (parts.scheme, parts.hostname, port)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        host = parts.netloc.rpartition("@")[2]
        all_headers = [("host", host), *(headers or [])]
        all_headers.append(("content-length", str(len(body))))
        for attempt in range(2):
            reused = bool(self._idle.get(origin))
            connection = await self._take(origin)
            try:
                return await self._exchange(connection, origin, method, target, all_headers, body)
            except _Stale:
                connection.close()
                if attempt or not reused:
                    raise HttpError(f"{url}: the connection closed before the response") from None
            except HttpError:
                connection.close()
                raise
            except (OSError, asyncio.IncompleteReadError, h11.ProtocolError) as exc:
                connection.close()
                raise HttpError(f"{url}: {exc or type(exc).__name__}") from None
            except BaseException:
                connection.close()
                raise
        raise HttpError(f"{url}: no response")  # pragma: no cover - the loop returns or raises

    async def _take(self, origin: tuple[str, str, int]) -> _Connection:
        idle = self._idle.get(origin, [])
        while idle:
            connection = idle.pop()
            if not connection.reader.at_eof() and not connection.writer.is_closing():
                return connection
            connection.close()
        scheme, host, port = origin
        context = None
        if scheme == "https":
            context = self.ssl_context or ssl.create_default_context()
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(host, port, ssl=context), self.connect_timeout
            )
        except (OSError, TimeoutError) as exc:
            raise HttpError(f"{scheme}://{host}:{port}: {exc or type(exc).__name__}") from None
        return _Connection(reader, writer, h11.Connection(h11.CLIENT))

    async def _exchange(
        self,
        connection: _Connection,
        origin: tuple[str, str, int],
        method: str,
        target: str,
        headers: Headers,
        body: bytes,
    ) -> HttpResponse:
        conn = connection.conn
        data = conn.send(h11.Request(method=method, target=target, headers=headers))
        data += conn.send(h11.Data(data=body)) if body else b""
        data += conn.send(h11.EndOfMessage())
        connection.writer.write(data)
        await connection.writer.drain()
        received = False
        head: h11.Response | None = None
        chunks: list[bytes] = []
        size = 0
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                chunk = await connection.reader.read(_READ_SIZE)
                if not chunk and not received:
                    raise _Stale
                received = True
                conn.receive_data(chunk)
                continue
            if isinstance(event, h11.InformationalResponse):
                continue
            if isinstance(event, h11.Response):
                head = event
                length = _find(_decode_headers(list(event.headers)), "content-length")
                if length is not None and length.isdigit() and int(length) > self.max_body:
                    raise HttpError(f"the response body is larger than {self.max_body} bytes")
            elif isinstance(event, h11.Data):
                size += len(event.data)
                if size > self.max_body:
                    raise HttpError(f"the response body is larger than {self.max_body} bytes")
                chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                break
            else:
                raise HttpError("the connection closed in the middle of the response")
        assert head is not None
        response = HttpResponse(
            head.status_code, b"".join(chunks), _decode_headers(list(head.headers))
        )
        if conn.our_state is h11.DONE and conn.their_state is h11.DONE:
            conn.start_next_cycle()
            self._idle.setdefault(origin, []).append(connection)
        else:
            connection.close()
        return response


class _Stale(Exception):
    """A kept-alive connection the server had closed: the request is sent again, once."""

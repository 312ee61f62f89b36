"""An OcppLink drives one rpc.Connection over one WebSocket: the I/O and the clocks.

It feeds received text to the connection, writes what the connection wants sent, arms a timer
for each CALL when it goes on the wire, keeps the link alive with pings, and hands the peer's
CALLs to the application's handler. All protocol decisions stay in the connection.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from websockets.asyncio.connection import Connection as WebSocket
from websockets.exceptions import ConnectionClosed

from ocpptk.rpc.connection import Connection, LocalValidationError
from ocpptk.rpc.errors import InternalError, OcppError
from ocpptk.rpc.events import (
    CallFailed,
    CallReceived,
    CallRejected,
    CallSent,
    Event,
    FrameRejected,
    ResultReceived,
    UnexpectedMessage,
    ValidationProblem,
)
from ocpptk.rpc.validation import ValidationMode
from ocpptk.spec.catalog import Version
from ocpptk.transport.log import FrameLog
from ocpptk.transport.pending import PendingCalls, ResultListener

__all__ = [
    "DEFAULT_PING_TIMEOUT",
    "DEFAULT_RESPONSE_TIMEOUT",
    "Handler",
    "Link",
    "LinkState",
    "OcppLink",
    "ResultListener",
]

logger = logging.getLogger(__name__)

DEFAULT_RESPONSE_TIMEOUT = 30.0
DEFAULT_PING_TIMEOUT = 20.0  # a keepalive ping unanswered this long closes the link


# Answers one of the peer's CALLs, (action, payload) -> the response payload, or raises
# OcppError; it may be a coroutine function.
Handler = Callable[[str, dict[str, Any]], dict[str, Any] | Awaitable[dict[str, Any]]]


class LinkState(Protocol):
    """The protocol state behind a link (an rpc.Connection, or SOAP's caller)."""

    version: Version
    incoming: ValidationMode
    outgoing: ValidationMode

    @property
    def in_flight(self) -> str | None: ...

    @property
    def queued(self) -> int: ...


class Link(Protocol):
    """What the runners and the console need of a link, over WebSocket or SOAP."""

    charge_point_id: str
    handler: Handler | None
    response_timeout: float
    result_listeners: list[ResultListener]
    event_listeners: list[Callable[[Event], None]]
    closed_callbacks: list[Callable[[], None]]
    closed: asyncio.Event

    @property
    def connection(self) -> LinkState: ...

    @property
    def subprotocol(self) -> str | None: ...

    async def call(
        self,
        action: str,
        payload: dict[str, Any],
        *,
        validate: bool = True,
        timeout: float | None = None,
    ) -> dict[str, Any]: ...

    def send_raw(self, text: str) -> Any: ...

    async def close(self, code: int = 1000, reason: str = "") -> None: ...

    async def run(self) -> None: ...

    def close_description(self) -> str: ...


class OcppLink:
    """One live OCPP-J link. ``charge_point_id`` names the charge point at either end."""

    def __init__(
        self,
        websocket: WebSocket,
        connection: Connection,
        charge_point_id: str,
        *,
        log: FrameLog | None = None,
        handler: Handler | None = None,
        response_timeout: float = DEFAULT_RESPONSE_TIMEOUT,
        ping_interval: float = 0,
        ping_timeout: float = DEFAULT_PING_TIMEOUT,
    ) -> None:
        self.websocket = websocket
        self.connection = connection
        self.charge_point_id = charge_point_id
        self.log = log
        self.handler = handler
        self.response_timeout = response_timeout
        self.ping_timeout = ping_timeout
        self.result_listeners: list[ResultListener] = []
        self.event_listeners: list[Callable[[Event], None]] = []
        self.closed_callbacks: list[Callable[[], None]] = []
        self._pending = PendingCalls(self._expire, logger)
        self._writing = False  # a writer is draining the connection's frames
        self._keepalive: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._last_problem: str | None = None
        self._ping_interval = 0.0
        self.closed = asyncio.Event()
        self.ping_interval = ping_interval

    @property
    def role(self) -> Any:
        return self.connection.role

    @property
    def subprotocol(self) -> str | None:
        return self.websocket.subprotocol

    # -- what the application calls ------------------------------------------------------

    async def call(
        self,
        action: str,
        payload: dict[str, Any],
        *,
        validate: bool = True,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Send a CALL and return the CALLRESULT's payload.

        Raises the peer's CALLERROR as its OcppError class, CallTimeout, LinkClosed, or
        LocalValidationError (nothing was sent) when ``payload`` fails its schema.
        """
        try:
            unique_id = self.connection.send_call(action, payload, validate=validate)
        except LocalValidationError:
            self._pump()  # the problem is logged now, not with the next frame
            raise
        future = self._pending.add(unique_id, timeout)
        await self._pump_now()
        return await future

    def send_raw(self, text: str) -> None:
        """Put any text on the wire as one frame, unchecked."""
        self.connection.send_raw(text)
        self._pump()

    async def ping(self, timeout: float = 10.0) -> float:
        """A WebSocket ping; returns the round trip in seconds."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        waiter = await self.websocket.ping()
        await asyncio.wait_for(waiter, timeout)
        return loop.time() - started

    @property
    def ping_interval(self) -> float:
        return self._ping_interval

    @ping_interval.setter
    def ping_interval(self, seconds: float) -> None:
        """Seconds between keepalive pings; 0 turns them off. Takes effect at once."""
        self._ping_interval = max(0.0, float(seconds))
        if self._keepalive:
            self._keepalive.cancel()
            self._keepalive = None
        if self._ping_interval and not self.closed.is_set():
            self._keepalive = asyncio.get_running_loop().create_task(self._keep_alive())

    async def run(self) -> None:
        """Read frames until the link closes."""
        try:
            async for message in self.websocket:
                text = message if isinstance(message, str) else message.decode("utf-8", "replace")
                if self.log:
                    self.log.frame(self.role, self.charge_point_id, False, text)
                self.connection.receive_text(message)
                await self._pump_now()
        except ConnectionClosed:
            pass
        finally:
            self._lost()

    def close_description(self) -> str:
        """How the link ended, for a log line: `` (code 1000: bye)``, or empty if unknown."""
        code = self.websocket.close_code
        if code is None:
            return ""
        reason = self.websocket.close_reason
        return f" (code {code}{': ' + reason if reason else ''})"

    async def close(self, code: int = 1000, reason: str = "") -> None:
        await self.websocket.close(code, reason)
        self._lost()

    # -- inside --------------------------------------------------------------------------

    def _act(self) -> None:
        while events := self.connection.events_received():
            for event in events:
                self._dispatch(event)

    def _pump(self) -> None:
        """Act on the connection's events; a task writes its frames (for code that cannot
        await: timers, send_raw)."""
        self._act()
        if not self._writing and not self.connection.closed:
            self._writing = True
            task = asyncio.get_running_loop().create_task(self._write())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _pump_now(self) -> None:
        """Act on the connection's events and write its frames here and now, saving the event
        loop turn a task would cost each message; if a write is under way, it takes them."""
        self._act()
        if not self._writing and not self.connection.closed:
            self._writing = True
            await self._write()

    async def _write(self) -> None:
        """Write until nothing is left. One writer at a time (``_writing``, set by the caller
        before it yields), so frames keep the order in which the connection made them."""
        try:
            while frames := self.connection.data_to_send():
                for frame in frames:
                    if self.log:
                        self.log.frame(self.role, self.charge_point_id, True, frame)
                    await self.websocket.send(frame)
        except ConnectionClosed:
            self._lost()
        finally:
            self._writing = False

    def _dispatch(self, event: Event) -> None:
        """Act on one of the core's events, then tell the event listeners."""
        if isinstance(event, CallSent):
            self._pending.sent(event.unique_id, self.response_timeout)
        elif isinstance(event, ResultReceived):
            self._pending.answered(event, self.result_listeners)
        elif isinstance(event, CallFailed):
            self._pending.failed(event)
        elif isinstance(event, CallReceived):
            self._answer(event)
        elif isinstance(event, ValidationProblem):
            self._last_problem = event.unique_id
            if self.log:
                self.log.problem(self.role, self.charge_point_id, event)
        elif isinstance(event, CallRejected) and event.unique_id == self._last_problem:
            pass  # the validation problem just logged says it already
        elif self.log and isinstance(event, CallRejected | FrameRejected | UnexpectedMessage):
            self.log.note(self.role, self.charge_point_id, _describe(event))
        for listener in self.event_listeners:
            listener(event)

    def _answer(self, event: CallReceived) -> None:
        if self.handler is None:
            self._reply(event.unique_id, error=InternalError("no handler for incoming calls"))
            return
        try:
            outcome = self.handler(event.action, event.payload)
        except OcppError as error:
            self._reply(event.unique_id, error=error)
            return
        except Exception as exc:
            logger.exception("handler failed for %s", event.action)
            self._reply(event.unique_id, error=InternalError(f"{type(exc).__name__}: {exc}"))
            return
        if inspect.isawaitable(outcome):
            task = asyncio.get_running_loop().create_task(self._answer_later(event, outcome))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        else:
            self._reply(event.unique_id, result=outcome)

    async def _answer_later(self, event: CallReceived, outcome: Awaitable[dict[str, Any]]) -> None:
        try:
            result = await outcome
        except OcppError as error:
            self._reply(event.unique_id, error=error)
        except Exception as exc:
            logger.exception("handler failed for %s", event.action)
            self._reply(event.unique_id, error=InternalError(f"{type(exc).__name__}: {exc}"))
        else:
            self._reply(event.unique_id, result=result)
        await self._pump_now()

    def _reply(
        self,
        unique_id: str,
        result: dict[str, Any] | None = None,
        error: OcppError | None = None,
    ) -> None:
        if self.connection.closed:
            return
        if error is None:
            try:
                self.connection.send_result(unique_id, result or {})
                return
            except LocalValidationError as exc:
                error = InternalError(f"our reply failed validation: {exc.error.description}")
        self.connection.send_error(unique_id, error)

    def _expire(self, unique_id: str) -> None:
        """The call's timer fired."""
        self.connection.expire(unique_id)
        self._pump()

    async def _keep_alive(self) -> None:
        while not self.closed.is_set():
            await asyncio.sleep(self._ping_interval)
            try:
                await self.ping(timeout=self.ping_timeout)
            except (TimeoutError, ConnectionClosed):
                if self.log:
                    self.log.note(self.role, self.charge_point_id, "no pong: closing the link")
                await self.websocket.close(1011, "keepalive ping timeout")
                return

    def _lost(self) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        if self._keepalive:
            self._keepalive.cancel()
        self._pending.stop_timers()
        self.connection.close()
        for event in self.connection.events_received():
            self._dispatch(event)
        for callback in self.closed_callbacks:
            callback()


def _describe(event: CallRejected | FrameRejected | UnexpectedMessage) -> str:
    if isinstance(event, CallRejected):
        return f"refused {event.action}: {event.error.key}: {event.error.description}"
    if isinstance(event, FrameRejected):
        answered = "answered with CALLERROR" if event.answered else "ignored"
        return f"malformed frame ({answered}): {event.error.description}"
    kind = "late" if event.late else "unexpected"
    return f"{kind} answer {event.frame.unique_id!r} matches no call in flight"

"""A link's own calls awaiting their answers: a future for each, and its response timer.

``OcppLink`` (WebSocket) and ``SoapLink`` (HTTP) keep their calls here. Their sans-I/O cores
decide what becomes of a call and say so with the events of ``ocpptk.rpc.events``; the link
hands them on: ``sent`` for CallSent (the timer starts), ``answered`` for ResultReceived,
``failed`` for CallFailed (a CALLERROR or Fault, an invalid answer, CallTimeout when the timer
fired, LinkClosed when the link closed).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import Any

from ocpptk.rpc.events import CallFailed, ResultReceived

__all__ = ["PendingCalls", "ResultListener"]


# Told of every successful exchange that we started: (action, request, response).
ResultListener = Callable[[str, dict[str, Any], dict[str, Any]], None]


class PendingCalls:
    """Our calls by unique id (over SOAP, the MessageID), from ``add`` until answered or failed.

    ``expire`` is called with the unique id when a call's timer fires (the link tells its core,
    whose CallFailed then comes back to ``failed``); a result listener that raises is logged to
    ``logger``, the link's own.
    """

    def __init__(self, expire: Callable[[str], None], logger: logging.Logger) -> None:
        self._expire = expire
        self._logger = logger
        self._waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._timeouts: dict[str, float] = {}  # a call's own timeout, until it is sent
        self._timers: dict[str, asyncio.TimerHandle] = {}

    def add(self, unique_id: str, timeout: float | None) -> asyncio.Future[dict[str, Any]]:
        """The future of the call ``unique_id``; ``timeout`` (if given) replaces the link's."""
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[unique_id] = future
        if timeout is not None:
            self._timeouts[unique_id] = timeout
        return future

    def sent(self, unique_id: str, default_timeout: float) -> None:
        """The call went on the wire: its timer starts now."""
        timeout = self._timeouts.pop(unique_id, default_timeout)
        self._timers[unique_id] = asyncio.get_running_loop().call_later(
            timeout, self._fire, unique_id
        )

    def answered(self, event: ResultReceived, listeners: Iterable[ResultListener]) -> None:
        """Stop the call's timer, tell ``listeners`` of the exchange, resolve its future."""
        self._stop(event.unique_id)
        for listener in listeners:
            try:
                listener(event.action, event.request, event.payload)
            except Exception:
                self._logger.exception("result listener failed for %s", event.action)
        self._settle(event.unique_id, result=event.payload)

    def failed(self, event: CallFailed) -> None:
        """Stop the call's timer and fail its future with the event's error."""
        self._stop(event.unique_id)
        self._settle(event.unique_id, error=event.error)

    def stop_timers(self) -> None:
        """Cancel every timer (the link is closing)."""
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()

    # -- inside --------------------------------------------------------------------------

    def _fire(self, unique_id: str) -> None:
        self._timers.pop(unique_id, None)
        self._expire(unique_id)

    def _stop(self, unique_id: str) -> None:
        timer = self._timers.pop(unique_id, None)
        if timer:
            timer.cancel()
        self._timeouts.pop(unique_id, None)

    def _settle(
        self,
        unique_id: str,
        result: dict[str, Any] | None = None,
        error: BaseException | None = None,
    ) -> None:
        future = self._waiting.pop(unique_id, None)
        if future is None or future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result or {})

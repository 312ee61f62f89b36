"""Sending a CALL from a command, waiting for the answer and printing it.

The answer is printed as one line, so that a script's output can be read and grepped:
``BootNotification result: {...}`` or ``FooBar error: NotImplemented: ...`` (a CALLERROR is an
answer, not a failure of the command). What keeps the exchange from happening (a payload the
schema refuses, no answer in time, a closed link) is a ConsoleError. ``websocket_ping`` does
the same for a WebSocket ping: the round trip, or a ConsoleError.
"""

from __future__ import annotations

import json
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from ocpptk.console.errors import ConsoleError
from ocpptk.rpc.connection import LocalValidationError
from ocpptk.rpc.errors import CallTimeout, LinkClosed, LocalProtocolError, OcppError
from ocpptk.transport.central_system import UnknownChargePoint
from ocpptk.transport.http import HttpError
from ocpptk.transport.link import Link, OcppLink

if TYPE_CHECKING:
    from ocpptk.console.app import OcppConsole

__all__ = ["QUEUE_NOTICE", "error_line", "exchange", "result_line", "websocket_ping"]

# Seconds after which a CALL still queued behind another gets a word of explanation.
QUEUE_NOTICE = 2.0


def result_line(action: str, payload: Any, peer: str | None = None) -> str:
    source = f" from {peer}" if peer else ""
    return f"{action} result{source}: {json.dumps(payload, ensure_ascii=False)}"


def error_line(action: str, error: OcppError, peer: str | None = None) -> str:
    source = f" from {peer}" if peer else ""
    code = error.received_code or error.key
    details = f" {json.dumps(error.details, ensure_ascii=False)}" if error.details else ""
    return f"{action} error{source}: {code}: {error.description}{details}"


def exchange(
    app: OcppConsole,
    action: str,
    call: Coroutine[Any, Any, Any],
    *,
    link: Link | None = None,
    peer: str | None = None,
    timeout: float | None = None,
) -> None:
    """Run ``call`` (which sends ``action`` on ``link`` and returns the answer's payload) and
    print it. OCPP-J allows one CALL in flight: if ours is still queued behind another after a
    while, say so, since the wait may be long."""

    def still_queued() -> None:
        if link is not None and link.connection.queued:
            app.warn(
                f"{action} waits until an earlier CALL is answered or times out "
                "(one CALL at a time; Ctrl-C gives up waiting)"
            )

    try:
        payload = app.run(call, slow=(QUEUE_NOTICE, still_queued))
    except LocalValidationError as exc:
        raise ConsoleError(f"not sent: {exc.error.description}") from None
    except OcppError as exc:
        if exc.received_code is None:  # a CALLRESULT that strict validation refused
            raise ConsoleError(f"the answer fails validation: {exc.description}") from None
        app.say(error_line(action, exc, peer))
        return
    except CallTimeout:
        within = f" within {timeout:g} s" if timeout else ""
        source = f" from {peer}" if peer else ""
        raise ConsoleError(f"no answer to {action}{source}{within}") from None
    except LinkClosed:
        raise ConsoleError(f"the link closed before the answer to {action} came") from None
    except HttpError as exc:  # SOAP: no HTTP exchange at all
        who = peer or "the central system"
        raise ConsoleError(f"{action} did not reach {who}: {exc}") from None
    except (UnknownChargePoint, ConnectionError, LocalProtocolError) as exc:
        raise ConsoleError(str(exc)) from None
    app.say(result_line(action, payload, peer))


def websocket_ping(app: OcppConsole, link: Link) -> float:
    """A WebSocket ping on ``link``; returns the round trip in seconds."""
    if not isinstance(link, OcppLink):
        raise ConsoleError(f"SOAP has no WebSocket pings ({link.charge_point_id} is on SOAP)")
    try:
        return app.run(link.ping())
    except TimeoutError:
        raise ConsoleError("no pong within 10 s") from None
    except Exception as exc:  # the link closed under the ping
        raise ConsoleError(f"ping failed: {exc}") from None

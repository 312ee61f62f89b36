"""Console commands that run charge points: start_cp, stop_cp, pings, custom and raw frames.

The OCPP actions themselves (``bootnotification`` ...) are generated in ``actions``.
"""

from __future__ import annotations

import contextlib
import ssl
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cmd2 import Choices, CommandSet, Completions, Statement, with_argparser

from ocpptk.console import parsers
from ocpptk.console.arguments import timeout_option
from ocpptk.console.completion import complete_send, complete_words, items
from ocpptk.console.custom import parse_raw, parse_send, raw_answer_line, send_raw_and_wait
from ocpptk.console.errors import ConsoleError
from ocpptk.console.exchange import exchange
from ocpptk.console.parsers import OneLineParser
from ocpptk.rpc.errors import LocalProtocolError
from ocpptk.rpc.validation import ValidationMode
from ocpptk.spec.catalog import Role
from ocpptk.transport.charge_point import ChargePoint
from ocpptk.transport.link import OcppLink
from ocpptk.transport.websocket import (
    ConnectError,
    LinkOptions,
    charge_point_url,
    client_ssl_context,
)

if TYPE_CHECKING:
    from ocpptk.console.app import OcppConsole

__all__ = ["ChargePointCommands", "basic_auth_pair", "start_charge_point"]

_ID = {"--id": "id", "--timeout": "timeout"}
_LOCAL = ("127.0.0.1", "localhost", "::1", "0.0.0.0")


def basic_auth_pair(text: str, charge_point_id: str) -> tuple[str, str]:
    """``PASSWORD`` -> (id, PASSWORD); ``USER:PASSWORD`` -> (USER, PASSWORD)."""
    user, colon, password = text.partition(":")
    return (user, password) if colon else (charge_point_id, text)


def _ssl_context(args: Any) -> ssl.SSLContext | None:
    scheme = urlsplit(args.url).scheme
    if (args.ca or args.cert or args.key) and scheme != "wss":
        raise ConsoleError("--ca, --cert and --key need a wss:// URL")
    if args.key and not args.cert:
        raise ConsoleError("--key needs --cert")
    if scheme != "wss" or not (args.ca or args.cert):
        return None  # connect() makes the default context for wss://
    try:
        return client_ssl_context(args.ca, args.cert, args.key)
    except (OSError, ssl.SSLError) as exc:
        raise ConsoleError(f"cannot load the TLS files: {exc}") from None


def start_charge_point(app: OcppConsole, args: Any) -> ChargePoint:
    """What ``start_cp`` does (also for ``ocpptk start_cp`` in a shell): connect, or fail in
    one line."""
    cp_id: str = args.charge_point_id
    try:
        parts = urlsplit(args.url)
        port = parts.port
    except ValueError as exc:
        raise ConsoleError(f"{args.url!r} is not a URL: {exc}") from None
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise ConsoleError(f"{args.url!r} is not a ws:// or wss:// URL")
    if not cp_id or "/" in cp_id:
        raise ConsoleError(f"{cp_id!r} is not a charge point id (it goes in the URL path)")
    old = app.charge_points.get(cp_id)
    if old is not None and old.connected:
        raise ConsoleError(f"charge point {cp_id} is already running; stop_cp --id {cp_id} first")
    (version,) = args.protocols
    ssl_context = _ssl_context(args)
    mode = ValidationMode.parse(args.validation)
    log = app.new_log(args.log)
    options = LinkOptions(
        incoming=mode,
        outgoing=mode,
        response_timeout=args.timeout,
        ping_interval=args.ping_interval,
    )
    auth = basic_auth_pair(args.basic_auth, cp_id) if args.basic_auth else None
    cp = ChargePoint(
        args.url,
        cp_id,
        version=version,
        options=options,
        log=log,
        basic_auth=auth,
        ssl_context=ssl_context,
    )

    own = app.central_system
    ours = own is not None and port == own.port and parts.hostname in _LOCAL

    async def connect() -> OcppLink:
        await cp.connect()
        assert cp.link is not None
        link = cp.link
        if ours and own is not None:  # our own central system: let it see us before going on
            with contextlib.suppress(TimeoutError):
                await own.wait_for_charge_point(cp_id, timeout=5.0)
        return link

    try:
        link = app.run(connect())
    except ConnectError as exc:
        log.close()
        raise ConsoleError(f"cannot connect: {exc}") from None
    except BaseException:
        log.close()
        raise
    if old is not None and old.options.log is not None:
        old.options.log.close()
    app.charge_points[cp_id] = cp
    app.say(
        f"charge point {cp_id} connected to {charge_point_url(cp.url, cp_id)} ({link.subprotocol})"
    )
    return cp


class ChargePointCommands(CommandSet["OcppConsole"]):
    """start_cp, stop_cp, websocket_ping_cp, send, send_raw."""

    DEFAULT_CATEGORY = "Charge point"

    def charge_point_choices(self) -> Choices:
        return Choices.from_values(self._cmd.own_ids())

    def _link(self, cp: ChargePoint) -> OcppLink:
        if not cp.connected or cp.link is None:
            raise ConsoleError(f"charge point {cp.charge_point_id} is not connected")
        return cp.link

    _start_cp = parsers.start_cp_parser()

    @with_argparser(_start_cp)
    def do_start_cp(self, args: Any) -> None:
        """Start a charge point connected to the central system at URL (see help start_cp)."""
        start_charge_point(self._cmd, args)

    _stop_cp = OneLineParser(description="Disconnect a charge point run here and forget it.")
    _stop_cp.add_argument("--id", choices_provider=charge_point_choices, help="which one")

    @with_argparser(_stop_cp)
    def do_stop_cp(self, args: Any) -> None:
        """Disconnect a charge point run here and forget it."""
        app = self._cmd
        cp = app.charge_point(args.id)
        try:
            app.run(cp.close())
        finally:
            app.charge_points.pop(cp.charge_point_id, None)
            if cp.options.log is not None:
                cp.options.log.close()
        app.say(f"charge point {cp.charge_point_id} stopped")

    _ping = OneLineParser(description="WebSocket ping to the central system; print the round trip.")
    _ping.add_argument("--id", choices_provider=charge_point_choices, help="which charge point")

    @with_argparser(_ping)
    def do_websocket_ping_cp(self, args: Any) -> None:
        """WebSocket ping from a charge point to the central system; prints the round trip."""
        app = self._cmd
        if not app.charge_points and app.central_system is not None:
            raise ConsoleError(
                "websocket_ping_cp pings from a charge point, and none runs here; "
                "websocket_ping_cs pings from this central system"
            )
        cp = app.charge_point(args.id)
        link = self._link(cp)
        try:
            seconds = app.run(link.ping())
        except TimeoutError:
            raise ConsoleError("no pong within 10 s") from None
        except Exception as exc:  # the link closed under the ping
            raise ConsoleError(f"ping failed: {exc}") from None
        app.say(f"pong from the central system to {cp.charge_point_id} in {seconds * 1000:.1f} ms")

    def do_send(self, statement: Statement) -> None:
        """Send a custom CALL, unvalidated, and print the answer: send ACTION [JSON] [--id CP].

        The frame is well formed; the action and the payload are not checked, nor is the
        answer (to provoke a central system on purpose). Without JSON the payload is {}.
        Examples: send FooBar {}          (expect a NotImplemented CALLERROR)
                  send Heartbeat '{"x": 1}'
                  send Authorize {"idTag": 12} --id CP001 --timeout 5
        """
        app = self._cmd
        options, action, payload = parse_send(statement.args, _ID)
        timeout = timeout_option(options)
        cp = app.charge_point(options.get("id"))
        link = self._link(cp)

        async def call() -> dict[str, Any]:
            return await link.call(action, payload, validate=False, timeout=timeout)

        exchange(app, action, call(), link=link, timeout=timeout or link.response_timeout)

    def complete_send(self, text: str, line: str, begidx: int, endidx: int) -> Completions:
        return complete_send(text, line, begidx, "--id", self._cmd.own_ids(), Role.CHARGE_POINT)

    def do_send_raw(self, statement: Statement) -> None:
        """Send any text as one frame: send_raw [--id CP] [--] TEXT.

        Nothing is checked. If TEXT is a CALL ([2, "id", ...]) the command waits for the
        frame answering that id and prints it. One quoted word loses its quotes:
          send_raw [2,"1","Heartbeat",{}]
          send_raw "[2, \\"2\\", \\"Heartbeat\\", {}]"
          send_raw '[2, "3", "Heartbeat"'        (broken on purpose)
        """
        app = self._cmd
        options, text = parse_raw(statement.args, {"--id": "id"})
        cp = app.charge_point(options.get("id"))
        link = self._link(cp)
        try:
            answer = app.run(send_raw_and_wait(link, text, link.response_timeout))
        except LocalProtocolError as exc:
            raise ConsoleError(str(exc)) from None
        if answer is not None:
            app.say(raw_answer_line(answer))

    def complete_send_raw(self, text: str, line: str, begidx: int, endidx: int) -> Completions:
        words = complete_words(line, begidx)
        if words and words[-1] == "--id":
            return items(text, self._cmd.own_ids())
        if words is not None and len(words) == 1:
            return items(text, ["--id"]) if text.startswith("-") else Completions()
        return Completions()

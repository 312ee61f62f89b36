"""Console commands that run the central system: start_cs, stop_cs, wait_for_cp, pings, custom
and raw messages to a charge point.

One central system serves WebSocket charge points, SOAP ones (its CentralSystemService, which
learns where to call each charge point from its ``wsa:From``), or both on two ports
(``-t ws,soap``). The commands work on a link of either kind; a WebSocket ping to a SOAP
charge point is a one-line error. The OCPP actions themselves (``remote_reset`` ...) are
generated in ``actions``.
"""

from __future__ import annotations

import argparse
import contextlib
import ssl
from typing import TYPE_CHECKING, Any

from cmd2 import Choices, CommandSet, Completions, Statement, with_argparser

from ocpptk.console import parsers
from ocpptk.console.arguments import timeout_option
from ocpptk.console.completion import complete_raw, complete_send
from ocpptk.console.custom import parse_raw, parse_send, send_raw_command
from ocpptk.console.errors import ConsoleError
from ocpptk.console.exchange import exchange, websocket_ping
from ocpptk.console.parsers import OneLineParser
from ocpptk.spec.catalog import Role
from ocpptk.transport.central_system import CentralSystem
from ocpptk.transport.link import Link
from ocpptk.transport.websocket import server_ssl_context

if TYPE_CHECKING:
    from ocpptk.console.app import OcppConsole

__all__ = ["CentralSystemCommands", "basic_auth_table", "start_central_system"]

_REMOTE_ID = {"--remote-id": "id", "--timeout": "timeout"}


def basic_auth_table(pairs: list[str]) -> dict[str, str]:
    """``["CP1:secret", ...]`` -> {"CP1": "secret"}; the password may hold colons."""
    table: dict[str, str] = {}
    for pair in pairs:
        cp_id, colon, password = pair.partition(":")
        if not colon or not cp_id:
            raise ConsoleError(f"--basic-auth {pair!r} is not ID:PASSWORD")
        table[cp_id] = password
    return table


def _ssl_context(args: Any) -> ssl.SSLContext | None:
    if not args.cert:
        if args.key or args.ca:
            raise ConsoleError("--key and --ca need --cert")
        return None
    try:
        return server_ssl_context(args.cert, args.key, args.ca)
    except (OSError, ssl.SSLError) as exc:
        raise ConsoleError(f"cannot load the TLS files: {exc}") from None


def _soap_port(args: Any) -> int | None:
    """Where SOAP is served beside WebSocket (None: SOAP alone on PORT, or no SOAP)."""
    both = "websocket" in args.transport and "soap" in args.transport
    if args.soap_port is not None and not both:
        raise ConsoleError("--soap-port is for -t ws,soap (with -t soap, SOAP is on PORT)")
    if not both:
        return None
    if args.soap_port is not None:
        return int(args.soap_port)
    if args.port == 0:
        return 0
    if args.port == 65535:
        raise ConsoleError("PORT+1 is no port: give --soap-port")
    return int(args.port) + 1


def start_central_system(app: OcppConsole, args: argparse.Namespace) -> CentralSystem:
    """What ``start_cs`` does (also for ``ocpptk start_cs`` in a shell): listen at once and
    print the URLs charge points should use."""
    if app.central_system is not None:
        raise ConsoleError(
            f"a central system already runs here ({app.central_system.url}); stop_cs first"
        )
    websocket = "websocket" in args.transport
    soap_port = _soap_port(args)
    if args.basic_auth and not websocket:
        raise ConsoleError("--basic-auth checks WebSocket charge points; -t soap serves none")
    if args.headers and "soap" not in args.transport:
        raise ConsoleError("-h (--headers) prints SOAP messages' headers; add -t soap or ws,soap")
    auth = basic_auth_table(args.basic_auth) if args.basic_auth else None
    ssl_context = _ssl_context(args)
    # One options object for both servers: ``set cs`` changes what every link reads.
    options = parsers.link_options(args)
    log = app.new_log(args.log)

    async def start() -> CentralSystem:
        cs = CentralSystem(
            host=args.host,
            port=args.port,
            endpoint=args.endpoint,
            versions=args.protocols,
            options=options,
            log=log,
            basic_auth=auth,
            ssl_context=ssl_context,
            transport="websocket" if websocket else "soap",
            soap_port=soap_port,
        )
        try:
            await cs.start()
        except BaseException:
            with contextlib.suppress(Exception):  # the server that did start stops
                await cs.close()
            raise
        return cs

    ports = f"{args.port}" + (f" and {soap_port}" if soap_port else "")
    try:
        cs = app.run(start())
    except OSError as exc:
        log.close()
        raise ConsoleError(f"cannot listen on {args.host}:{ports}: {exc.strerror or exc}") from None
    except BaseException:
        log.close()
        raise
    app.central_system = cs
    for line in _listening(cs, args.host):
        app.say(line)
    if auth and cs.soap_server is not None:
        app.warn("--basic-auth checks the WebSocket charge points only, not the SOAP ones")
    return cs


def _listening(cs: CentralSystem, host: str) -> list[str]:
    """What ``start_cs`` prints: where it listens, and the start_cp line for each transport."""
    versions = ", ".join(version.subprotocol for version in cs.versions)
    parts = []
    if cs.websocket_server is not None:
        parts.append(f"{host}:{cs.websocket_server.port} (WebSocket)")
    if cs.soap_server is not None:
        parts.append(f"{host}:{cs.soap_server.port} (SOAP)")
    lines = [f"central system listening on {' and '.join(parts)} ({versions})"]
    if cs.websocket_server is not None:
        url = cs.websocket_server.url
        lines.append(
            f"WebSocket charge points connect to {url}<charge point id>, e.g. start_cp {url} CP001"
        )
    if cs.soap_server is not None:
        url = cs.soap_server.url
        lines.append(
            f"SOAP charge points send to {url} (CentralSystemService), e.g. "
            f"start_cp {url} CP001 -t soap"
        )
    return lines


class CentralSystemCommands(CommandSet["OcppConsole"]):
    """start_cs, stop_cs, wait_for_cp, websocket_ping_cs, remote_send, remote_send_raw."""

    DEFAULT_CATEGORY = "Central system"

    def connected_choices(self) -> Choices:
        return Choices.from_values(self._cmd.connected_ids())

    def _link(self, remote_id: str | None) -> Link:
        return self._cmd.central_link(remote_id)

    _start_cs = parsers.start_cs_parser()

    @with_argparser(_start_cs)
    def do_start_cs(self, args: argparse.Namespace) -> None:
        """Start a central system listening for charge points (see help start_cs)."""
        start_central_system(self._cmd, args)

    _stop_cs = OneLineParser(description="Disconnect every charge point and stop listening.")

    @with_argparser(_stop_cs)
    def do_stop_cs(self, _: argparse.Namespace) -> None:
        """Disconnect every charge point and stop the central system."""
        app = self._cmd
        cs = app.require_central_system()
        try:
            app.run(cs.close())
        finally:
            app.central_system = None
            if cs.options.log is not None:
                cs.options.log.close()
        app.say("central system stopped")

    _wait_for_cp = OneLineParser(
        description="Wait until charge point ID (or any, without ID) is connected."
    )
    _wait_for_cp.add_argument("id", nargs="?", metavar="ID", help="the charge point to wait for")
    _wait_for_cp.add_argument(
        "--timeout",
        type=parsers.positive_seconds,
        default=30.0,
        metavar="SECONDS",
        help="give up after SECONDS (default %(default)g)",
    )

    @with_argparser(_wait_for_cp)
    def do_wait_for_cp(self, args: argparse.Namespace) -> None:
        """Wait until a charge point is connected to the central system (for scripts)."""
        app = self._cmd
        cs = app.require_central_system()
        try:
            link = app.run(cs.wait_for_charge_point(args.id, args.timeout))
        except TimeoutError:
            which = f"charge point {args.id}" if args.id else "no charge point"
            verb = "is not connected" if args.id else "connected"
            raise ConsoleError(f"{which} {verb} after {args.timeout:g} s") from None
        app.say(f"{link.charge_point_id} is connected ({link.subprotocol})")

    _ping = OneLineParser(description="WebSocket ping to a charge point; print the round trip.")
    _ping.add_argument("--remote-id", choices_provider=connected_choices, help="which charge point")

    @with_argparser(_ping)
    def do_websocket_ping_cs(self, args: argparse.Namespace) -> None:
        """WebSocket ping from the central system to a charge point; prints the round trip."""
        app = self._cmd
        if app.central_system is None and app.charge_points:
            raise ConsoleError(
                "websocket_ping_cs pings from a central system, and none runs here; "
                "websocket_ping_cp pings from this charge point"
            )
        link = self._link(args.remote_id)
        seconds = websocket_ping(app, link)
        app.say(f"pong from {link.charge_point_id} in {seconds * 1000:.1f} ms")

    def do_remote_send(self, statement: Statement) -> None:
        """Send a custom CALL to a charge point, unvalidated, and print the answer:
        remote_send ACTION [JSON] [--remote-id CP].

        The frame is well formed; the action and the payload are not checked, nor is the
        answer (to provoke a charge point on purpose). Without JSON the payload is {}.
        Examples: remote_send FooBar {}
                  remote_send Reset '{"type": "Sideways"}' --remote-id CP001
        """
        app = self._cmd
        options, action, payload = parse_send(statement.args, _REMOTE_ID)
        timeout = timeout_option(options)
        link = self._link(options.get("id"))

        async def call() -> dict[str, Any]:
            return await link.call(action, payload, validate=False, timeout=timeout)

        exchange(
            app,
            action,
            call(),
            link=link,
            peer=link.charge_point_id,
            timeout=timeout or link.response_timeout,
        )

    def complete_remote_send(self, text: str, line: str, begidx: int, endidx: int) -> Completions:
        return complete_send(
            text, line, begidx, "--remote-id", self._cmd.connected_ids(), Role.CENTRAL_SYSTEM
        )

    def do_remote_send_raw(self, statement: Statement) -> None:
        """Send any text to a charge point: remote_send_raw [--remote-id CP] [--file FILE] TEXT.

        Nothing is checked. Over WebSocket TEXT is one frame; if it is a CALL ([2, "id", ...])
        the command waits for the frame answering that id and prints it. Over SOAP TEXT is
        POSTed as the body (an envelope, or anything) to the charge point's endpoint, and the
        answer is printed. One quoted word loses its quotes; --file sends a file's text.
        """
        options, text = parse_raw(statement.args, {"--remote-id": "id", "--file": "file"})
        link = self._link(options.get("id"))
        send_raw_command(self._cmd, link, text, link.charge_point_id)

    def complete_remote_send_raw(
        self, text: str, line: str, begidx: int, endidx: int
    ) -> Completions:
        return complete_raw(
            self._cmd, text, line, begidx, endidx, "--remote-id", self._cmd.connected_ids()
        )

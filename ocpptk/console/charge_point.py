"""Console commands that run charge points: start_cp, stop_cp, pings, custom and raw messages.

A charge point speaks WebSocket (``ws://`` URLs) or SOAP (``http://`` URLs, or ``-t soap``).
Over SOAP it serves its own ChargePointService for the central system's requests: on ``-r
PORT`` (default the port of ``-f``, else any free one), at the path of ``-f``, announcing
``-f URL`` (default: where it listens) in ``wsa:From``. The OCPP actions themselves
(``bootnotification`` ...) are generated in ``actions``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cmd2 import Choices, CommandSet, Completions, Statement, with_argparser

from ocpptk.console import parsers
from ocpptk.console.arguments import timeout_option
from ocpptk.console.completion import complete_raw, complete_send
from ocpptk.console.custom import parse_raw, parse_send, send_raw_command
from ocpptk.console.errors import ConsoleError
from ocpptk.console.exchange import exchange, websocket_ping
from ocpptk.console.parsers import OneLineParser
from ocpptk.sim.charge_point import ChargePointSim
from ocpptk.sim.clock import Clock, FastClock, utc_now
from ocpptk.sim.template import TemplateError, load_template
from ocpptk.sim.transaction_queue import StateError
from ocpptk.spec.catalog import Role, Version
from ocpptk.transport.backoff import Backoff
from ocpptk.transport.charge_point import ChargePoint, transport_of
from ocpptk.transport.journal import JournalError, JsonFileStore
from ocpptk.transport.link import Link
from ocpptk.transport.soap import SoapLink
from ocpptk.transport.websocket import ConnectError, charge_point_url, client_ssl_context

if TYPE_CHECKING:
    from ocpptk.console.app import OcppConsole

__all__ = ["ChargePointCommands", "basic_auth_pair", "start_charge_point"]

_ID = {"--id": "id", "--timeout": "timeout"}
BOOT_PATIENCE = 5.0  # seconds start_cp waits for the boot's answer before giving the prompt back
_LOCAL = ("127.0.0.1", "localhost", "::1", "0.0.0.0")


def basic_auth_pair(text: str, charge_point_id: str) -> tuple[str, str]:
    """``PASSWORD`` -> (id, PASSWORD); ``USER:PASSWORD`` -> (USER, PASSWORD)."""
    user, colon, password = text.partition(":")
    return (user, password) if colon else (charge_point_id, text)


def _ssl_context(args: Any) -> ssl.SSLContext | None:
    scheme = urlsplit(args.url).scheme
    if (args.ca or args.cert or args.key) and scheme != "wss":
        raise ConsoleError(
            "--ca, --cert and --key need a wss:// URL (https:// trusts the system's CAs)"
        )
    if args.key and not args.cert:
        raise ConsoleError("--key needs --cert")
    if scheme != "wss" or not (args.ca or args.cert):
        return None  # connect() makes the default context for wss://
    try:
        return client_ssl_context(args.ca, args.cert, args.key)
    except (OSError, ssl.SSLError) as exc:
        raise ConsoleError(f"cannot load the TLS files: {exc}") from None


def _is_local(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _address_towards(host: str, port: int) -> str | None:
    """Our address on the route to ``host`` (no packet is sent), or None if unknown."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.connect((host, port))
            address = str(probe.getsockname()[0])
    except OSError:
        return None
    return f"[{address}]" if ":" in address else address


@dataclass(frozen=True)
class _SoapPlan:
    """Where a SOAP charge point listens, and what it announces in wsa:From."""

    listen_host: str
    listen_port: int
    from_url: str | None  # None: where it listens (the server's URL)
    path: str  # the path of -f, where the ChargePointService must answer
    from_host: str | None  # announce this host with the port we got (a remote central system)

    @property
    def lost(self) -> bool:
        """A remote central system, and no address it could call us back at."""
        return self.from_url is None and self.listen_host == "0.0.0.0" and self.from_host is None


def _soap_plan(args: Any, cs_host: str, cs_port: int) -> _SoapPlan:
    if args.from_url is None:
        port = args.listen_port if args.listen_port is not None else 0
        if _is_local(cs_host):
            return _SoapPlan("127.0.0.1", port, None, "/", None)
        # A central system elsewhere cannot call 127.0.0.1: listen on every address and
        # announce the one the route to the central system leaves from.
        return _SoapPlan("0.0.0.0", port, None, "/", _address_towards(cs_host, cs_port))
    try:
        parts = urlsplit(args.from_url)
        from_port = parts.port
    except ValueError as exc:
        raise ConsoleError(f"-f {args.from_url!r} is not a URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConsoleError(f"-f {args.from_url!r} is not an http:// or https:// URL")
    if parts.scheme == "https":
        raise ConsoleError("-f https://: the ChargePointService serves plain HTTP (use a proxy)")
    if from_port is None:
        from_port = 80
    port = args.listen_port if args.listen_port is not None else from_port
    host = "127.0.0.1" if _is_local(parts.hostname) else "0.0.0.0"
    return _SoapPlan(host, port, args.from_url, parts.path or "/", None)


def _check_url(args: Any) -> tuple[str, str, int]:
    """(transport, host, port) of the central system's URL, or a one-line error."""
    try:
        parts = urlsplit(args.url)
        port = parts.port
    except ValueError as exc:
        raise ConsoleError(f"{args.url!r} is not a URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("ws", "wss", "http", "https") or not parts.hostname:
        raise ConsoleError(
            f"{args.url!r} is not a ws:// or wss:// (WebSocket) or http:// or https:// (SOAP) URL"
        )
    transport = transport_of(args.url, args.transport)
    if transport == "soap" and scheme not in ("http", "https"):
        raise ConsoleError(f"SOAP needs an http:// or https:// URL, not {args.url!r}")
    if transport == "websocket" and scheme not in ("ws", "wss"):
        raise ConsoleError(f"WebSocket needs a ws:// or wss:// URL, not {args.url!r}")
    default = 443 if scheme in ("https", "wss") else 80
    return transport, parts.hostname, port or default


def _with_template(args: Any) -> tuple[Any, ChargePointSim | None]:
    """``args`` with what ``--template`` (and ``--env``) give where the command line gives
    nothing, and the template's ChargePointSim; one-line errors for a bad template."""
    args = argparse.Namespace(**vars(args))
    if getattr(args, "template", None) is None:
        if args.env is not None:
            raise ConsoleError("--env needs --template")
        if args.url is None or args.charge_point_id is None:
            raise ConsoleError("give URL and ID (or --template FILE)")
        args.protocols = args.protocols or [Version.V16]
        return args, None
    try:
        template = load_template(args.template)
        environment = template.connection.environment(args.env)
    except TemplateError as exc:
        raise ConsoleError(str(exc)) from None
    except KeyError as exc:
        raise ConsoleError(f"--env: {exc.args[0]}") from None
    if args.url is not None and args.charge_point_id is None and "://" not in args.url:
        args.url, args.charge_point_id = None, args.url  # start_cp --template FILE ID
    if args.url is None:
        args.url = environment.url
        if args.transport is None:
            args.transport = template.connection.transport
    args.charge_point_id = args.charge_point_id or template.charge_point_id
    version = args.protocols[0] if args.protocols else template.version
    if version not in parsers.SUPPORTED_VERSIONS:
        raise ConsoleError(f"{args.template}: {version.subprotocol} is not supported here")
    args.protocols = [version]
    if args.basic_auth is None and environment.basic_auth is not None:
        user, password = environment.basic_auth.pair(args.charge_point_id)
        args.basic_auth = f"{user}:{password}"
    tls = environment.tls
    if tls is not None and not (args.ca or args.cert or args.key):
        args.ca = str(tls.ca) if tls.ca else None
        args.cert = str(tls.cert) if tls.cert else None
        args.key = str(tls.key) if tls.key else None
    sim = template.charge_point_sim(
        _clock(args), charge_point_id=args.charge_point_id, version=version, store=_journal(args)
    )
    return args, sim


def _clock(args: Any) -> Clock:
    speed = getattr(args, "speed", None)
    return utc_now if speed in (None, 1.0) else FastClock(speed)


def _journal(args: Any) -> JsonFileStore | None:
    if not getattr(args, "journal", None):
        return None
    return JsonFileStore(args.journal)


def start_charge_point(app: OcppConsole, args: Any) -> ChargePoint:
    """What ``start_cp`` does (also for ``ocpptk start_cp`` in a shell): connect (over SOAP:
    start serving the ChargePointService), or fail in one line."""
    try:
        return _start_charge_point(app, args)
    except JournalError as exc:  # its message names the file
        raise ConsoleError(f"--journal: {exc}") from None
    except StateError as exc:
        raise ConsoleError(f"--journal: {args.journal}: {exc}") from None


def _start_charge_point(app: OcppConsole, args: Any) -> ChargePoint:
    args, sim = _with_template(args)
    cp_id: str = args.charge_point_id
    transport, cs_host, cs_port = _check_url(args)
    soap = transport == "soap"
    if not cp_id or "/" in cp_id:
        raise ConsoleError(f"{cp_id!r} is not a charge point id (it goes in the URL path)")
    old = app.charge_points.get(cp_id)
    if old is not None and old.connected:
        raise ConsoleError(f"charge point {cp_id} is already running; stop_cp --id {cp_id} first")
    if not soap:
        for given, name in ((args.from_url, "-f"), (args.listen_port, "-r"), (args.headers, "-h")):
            if given not in (None, False):
                hint = "; help is --help" if name == "-h" else ""
                raise ConsoleError(f"{name} is for SOAP (an http:// URL or -t soap){hint}")
    elif args.basic_auth:
        raise ConsoleError("--basic-auth is for WebSocket; SOAP sends no credentials here")
    plan = _soap_plan(args, cs_host, cs_port) if soap else None
    (version,) = args.protocols
    ssl_context = _ssl_context(args)
    options = parsers.link_options(args)
    log = app.new_log(args.log)
    auth = basic_auth_pair(args.basic_auth, cp_id) if args.basic_auth else None
    if sim is None:
        sim = ChargePointSim(cp_id, version, _clock(args), store=_journal(args))
    cp = ChargePoint(
        args.url,
        cp_id,
        version=version,
        sim=sim,
        lifecycle=not args.no_boot,
        reconnect=None if args.no_reconnect else Backoff(),
        options=options,
        log=log,
        basic_auth=auth,
        ssl_context=ssl_context,
        transport=transport,
        from_url=plan.from_url if plan else None,
        listen_host=plan.listen_host if plan else "127.0.0.1",
        listen_port=plan.listen_port if plan else 0,
        listen_path=plan.path if plan else None,
    )

    own = app.central_system
    ours = (
        not soap
        and own is not None
        and own.websocket_server is not None
        and cs_port == own.websocket_server.port
        and cs_host in _LOCAL
    )

    async def connect() -> Link:
        await cp.connect()
        assert cp.link is not None
        link = cp.link
        from_host = plan.from_host if plan is not None else None
        if isinstance(link, SoapLink) and cp.soap_server is not None and from_host is not None:
            # Announce a reachable address to a central system on another machine.
            link.from_address = f"http://{from_host}:{cp.soap_server.port}/"
        if ours and own is not None:  # our own central system: let it see us before going on
            with contextlib.suppress(TimeoutError):
                await own.wait_for_charge_point(cp_id, timeout=5.0)
        if cp.sim.lifecycle:  # the boot answered (and its statuses sent) before the next command
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(BOOT_PATIENCE):
                    while cp.sim.registration_status is None or not cp.idle:
                        await asyncio.sleep(0.01)
        return link

    try:
        link = app.run(connect())
    except ConnectError as exc:
        log.close()
        raise ConsoleError(f"cannot connect: {exc}") from None
    except OSError as exc:  # the ChargePointService cannot listen
        log.close()
        where = f"{plan.listen_host}:{plan.listen_port}" if plan else args.url
        raise ConsoleError(f"cannot listen on {where}: {exc.strerror or exc}") from None
    except BaseException:
        log.close()
        raise
    if old is not None and old.options.log is not None:
        old.options.log.close()
    app.charge_points[cp_id] = cp
    if isinstance(link, SoapLink):
        for line in _soap_started(cp, link):
            app.say(line)
        if plan is not None and plan.lost:
            app.warn(
                "the central system is not on this machine and no address towards it "
                "was found: give -f http://ADDRESS:PORT/"
            )
    else:
        app.say(
            f"charge point {cp_id} connected to {charge_point_url(cp.url, cp_id)} "
            f"({link.subprotocol})"
        )
    return cp


def _soap_started(cp: ChargePoint, link: SoapLink) -> list[str]:
    server = cp.soap_server
    listening = f"http://{server.http.host}:{server.port}{server.path}" if server else "nowhere"
    return [
        f"charge point {cp.charge_point_id} sends to {cp.url} over SOAP (OCPP {cp.version.value})",
        f"its ChargePointService listens on {listening}; wsa:From announces {link.from_address}",
        "the central system learns of it at its first request (e.g. bootnotification)",
    ]


class ChargePointCommands(CommandSet["OcppConsole"]):
    """start_cp, stop_cp, websocket_ping_cp, send, send_raw."""

    DEFAULT_CATEGORY = "Charge point"

    def charge_point_choices(self) -> Choices:
        return Choices.from_values(self._cmd.own_ids())

    def _link(self, cp: ChargePoint) -> Link:
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
        seconds = websocket_ping(app, self._link(cp))
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
        """Send any text: send_raw [--id CP] [--file FILE] [--] TEXT.

        Nothing is checked. Over WebSocket TEXT is one frame; if it is a CALL
        ([2, "id", ...]) the command waits for the frame answering that id and prints it.
        Over SOAP TEXT is POSTed as the HTTP body (an envelope, or anything) to the central
        system, and what the answer carries is printed. One quoted word loses its quotes;
        --file sends a file's text:
          send_raw [2,"1","Heartbeat",{}]
          send_raw "[2, \\"2\\", \\"Heartbeat\\", {}]"
          send_raw '[2, "3", "Heartbeat"'        (broken on purpose)
          send_raw '<not-an-envelope/>'           (SOAP)
          send_raw --file boot.xml                (SOAP: an envelope written by hand)
        """
        app = self._cmd
        options, text = parse_raw(statement.args, {"--id": "id", "--file": "file"})
        cp = app.charge_point(options.get("id"))
        send_raw_command(app, self._link(cp), text)

    def complete_send_raw(self, text: str, line: str, begidx: int, endidx: int) -> Completions:
        return complete_raw(self._cmd, text, line, begidx, endidx, "--id", self._cmd.own_ids())

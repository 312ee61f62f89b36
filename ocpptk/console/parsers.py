"""Argument parsers shared by the console commands and the ``ocpptk`` command line.

``ocpptk start_cs 9000`` in a shell and ``start_cs 9000`` in the console take the same options
because both use the parsers built here. In ``start_cs`` and ``start_cp``, ``-h`` is
``--headers`` (print the HTTP headers of SOAP messages); help is ``--help`` or ``help start_cp``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import NoReturn, TypeVar

from cmd2 import Cmd, Cmd2ArgumentParser

from ocpptk.rpc.validation import ValidationMode
from ocpptk.spec.catalog import Version
from ocpptk.transport.link import DEFAULT_RESPONSE_TIMEOUT
from ocpptk.transport.soap import SoapOptions

__all__ = [
    "DEFAULT_PING_INTERVAL",
    "SUPPORTED_VERSIONS",
    "OneLineParser",
    "link_options",
    "seconds",
    "start_cp_parser",
    "start_cs_parser",
]

DEFAULT_PING_INTERVAL = 300.0
VALIDATION_MODES = [mode.value for mode in ValidationMode]
# The OCPP versions the console runs, newest first, over WebSocket (OCPP-J) or SOAP.
SUPPORTED_VERSIONS = (Version.V16, Version.V15, Version.V12)
_SUPPORTED = ", ".join(version.subprotocol for version in reversed(SUPPORTED_VERSIONS))
# -t names: what the user may type -> the transport's name in ocpptk.transport.
TRANSPORT_NAMES = {"websocket": "websocket", "ws": "websocket", "json": "websocket", "soap": "soap"}

_T = TypeVar("_T")


class OneLineParser(Cmd2ArgumentParser):
    """A parser whose errors are one line (cmd2's print the usage as well), with a help hint."""

    def error(self, message: str) -> NoReturn:
        hint = f"{self.prog} --help" if " " in self.prog else f"help {self.prog}"
        sys.stderr.write(f"Error: {self.prog}: {message} (see '{hint}')\n")
        sys.stderr.flush()
        self.exit(2)


def seconds(text: str) -> float:
    """A non-negative number of seconds (argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if value < 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds >= 0")
    return value


def positive_seconds(text: str) -> float:
    value = seconds(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be more than 0 seconds")
    return value


def _version(name: str) -> Version:
    try:
        version = Version.parse(name)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"unknown protocol {name!r} (supported: {_SUPPORTED})"
        ) from None
    if version not in SUPPORTED_VERSIONS:
        raise argparse.ArgumentTypeError(
            f"{version.subprotocol} is not supported (supported: {_SUPPORTED})"
        )
    return version


def protocol(text: str) -> list[Version]:
    """One OCPP version (``ocpp1.5``, or ``1.5``), as a list of one version."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if len(names) != 1:
        raise argparse.ArgumentTypeError("give one protocol, such as ocpp1.6")
    return [_version(names[0])]


def _distinct(text: str, parse: Callable[[str], _T], none: str) -> list[_T]:
    """Each comma-separated name in ``text``, parsed, without repeats; ``none`` is the error
    when there is no name."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError(none)
    found: list[_T] = []
    for name in names:
        value = parse(name)
        if value not in found:
            found.append(value)
    return found


def protocols(text: str) -> list[Version]:
    """Comma-separated OCPP versions (``ocpp1.2,ocpp1.5,ocpp1.6``), without repeats."""
    return _distinct(text, _version, "give at least one protocol, such as ocpp1.6")


def _transport(name: str) -> str:
    found = TRANSPORT_NAMES.get(name.strip().lower())
    if found is None:
        raise argparse.ArgumentTypeError(f"unknown transport {name!r} (ws or soap)")
    return found


def transport(text: str) -> str:
    """One transport: ``ws`` (``websocket``) or ``soap``."""
    return _transport(text)


def transports(text: str) -> list[str]:
    """Comma-separated transports (``ws``, ``soap``, ``ws,soap``), without repeats."""
    return _distinct(text, _transport, "give ws, soap or ws,soap")


def speed(text: str) -> float:
    """A time factor above 0 (argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"{text} is not a speed from above 0 to 3600")
    return value


def port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port number (0 to 65535)")
    return value


def _help(parser: Cmd2ArgumentParser) -> None:
    """``--help`` only: ``-h`` is ``--headers`` in start_cs and start_cp."""
    parser.add_argument(
        "--help", action="help", default=argparse.SUPPRESS, help="show this help and exit"
    )


def _file(parser: Cmd2ArgumentParser, flag: str, help_text: str) -> None:
    """An option naming a file, completed from the file system."""
    parser.add_argument(flag, metavar="FILE", completer=Cmd.path_complete, help=help_text)


def _common(parser: Cmd2ArgumentParser, *, server: bool) -> None:
    if server:
        parser.add_argument(
            "-p",
            "--protocols",
            type=protocols,
            default=[Version.V16],
            metavar="PROTOCOLS",
            help=f"OCPP versions to accept on the same endpoint, comma-separated, from "
            f"{_SUPPORTED} (default ocpp1.6)",
        )
    else:
        parser.add_argument(
            "-p",
            "--protocol",
            dest="protocols",
            type=protocol,
            default=None,  # ocpp1.6, or the --template's protocol
            metavar="PROTOCOL",
            help=f"the OCPP version to speak: {_SUPPORTED} (default ocpp1.6); over WebSocket, "
            "the subprotocol to ask for",
        )
    parser.add_argument(
        "-h",
        "--headers",
        action="store_true",
        help="print the HTTP headers of each SOAP message (set ... print_headers=true later)",
    )
    parser.add_argument(
        "-i",
        "--ping-interval",
        type=seconds,
        default=DEFAULT_PING_INTERVAL,
        metavar="SECONDS",
        help="WebSocket ping every SECONDS; 0 turns pings off; SOAP has none (default %(default)g)",
    )
    parser.add_argument(
        "--validation",
        choices=VALIDATION_MODES,
        default=ValidationMode.STRICT.value,
        help="schema validation of payloads, both directions: strict refuses invalid ones, "
        "warn reports and lets them through, off skips it (default %(default)s)",
    )
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=DEFAULT_RESPONSE_TIMEOUT,
        metavar="SECONDS",
        help="how long to wait for the answer to a CALL (default %(default)g)",
    )
    _file(parser, "--log", "also append every frame to FILE as JSON lines")


def link_options(args: argparse.Namespace) -> SoapOptions:
    """The link options that the arguments of ``_common`` (all but ``--log``) ask for."""
    mode = ValidationMode.parse(args.validation)
    return SoapOptions(
        incoming=mode,
        outgoing=mode,
        response_timeout=args.timeout,
        ping_interval=args.ping_interval,
        print_headers=args.headers,
    )


def start_cs_parser(prog: str | None = None) -> OneLineParser:
    """``start_cs``: a central system listening for charge points."""
    parser = OneLineParser(
        prog=prog,
        add_help=False,
        description="Start a central system listening for charge points, over WebSocket "
        "(OCPP-J), SOAP, or both, and print the URLs they use. One per console.",
        epilog="WebSocket charge points connect to ws[s]://HOST:PORT/ENDPOINT/<charge point id>. "
        "SOAP charge points send their requests to http[s]://HOST:PORT/ENDPOINT (the "
        "CentralSystemService); the central system calls each one back at the address of its "
        "wsa:From. With -t ws,soap one central system serves both kinds: WebSocket on PORT, "
        "SOAP on --soap-port. With --basic-auth, only the listed WebSocket charge points get in "
        "(security profile 1); with --cert and --key the server speaks TLS (wss://, https://; "
        "profile 2), and with --ca it also requires client certificates signed by that CA "
        "(profile 3).",
    )
    _help(parser)
    parser.add_argument("port", type=port, metavar="PORT", help="TCP port; 0 picks a free one")
    parser.add_argument(
        "-t",
        "--transport",
        type=transports,
        default=["websocket"],
        metavar="TRANSPORTS",
        help="ws (WebSocket, OCPP-J), soap, or ws,soap for both (default ws)",
    )
    parser.add_argument(
        "--soap-port",
        type=port,
        metavar="PORT",
        help="with -t ws,soap: the SOAP service's port (default PORT+1; 0 picks a free one)",
    )
    parser.add_argument(
        "-u",
        "--endpoint",
        default="/",
        help="the path before the charge point id (WebSocket), of the service (SOAP) "
        "(default %(default)s)",
    )
    parser.add_argument(
        "--host", default="0.0.0.0", help="address to listen on (default %(default)s)"
    )
    parser.add_argument(
        "--basic-auth",
        nargs="+",
        action="extend",
        metavar="ID:PASSWORD",
        help="accept only these WebSocket charge points, with these passwords (HTTP Basic auth)",
    )
    _file(parser, "--cert", "server certificate (PEM): serve wss:// and https://")
    _file(parser, "--key", "private key of --cert, if not in the same file")
    _file(parser, "--ca", "require client certificates signed by this CA (mutual TLS)")
    _common(parser, server=True)
    return parser


def start_cp_parser(prog: str | None = None) -> OneLineParser:
    """``start_cp``: a charge point connecting to a central system."""
    parser = OneLineParser(
        prog=prog,
        add_help=False,
        description="Start a charge point talking to the central system at URL as ID, over "
        "WebSocket (OCPP-J) or SOAP. A console can run several.",
        epilog="Over WebSocket the charge point connects to URL/ID. --basic-auth PASSWORD sends "
        "ID:PASSWORD (security profile 1; give USER:PASSWORD for another user, and always "
        "USER:PASSWORD when the password holds a colon). For a wss:// URL, --ca names the CA "
        "to trust (default: the system's), --cert and --key a client certificate (profile 3). "
        "Over SOAP, URL is the central system's service: the charge point sends its requests "
        "there and serves its own ChargePointService for the central system's (on -r PORT), "
        "announcing its address in wsa:From (-f URL; by default where it listens).",
    )
    _help(parser)
    parser.add_argument(
        "url",
        metavar="URL",
        nargs="?",
        help="the central system: ws://127.0.0.1:9000/ (WebSocket), http://127.0.0.1:9000/ (SOAP) "
        "(with --template: the template's, unless given)",
    )
    parser.add_argument(
        "charge_point_id",
        metavar="ID",
        nargs="?",
        help="the charge point's identity (with --template: the template's, unless given)",
    )
    _file(
        parser,
        "--template",
        "a charger template (JSON or TOML, see templates/): identity, connectors, configuration "
        "keys, and the URL, ID, protocol, transport, Basic auth and TLS files unless given here",
    )
    parser.add_argument(
        "--env",
        metavar="NAME",
        help="with --template: the environment (central system) to connect to "
        "(default: the template's default)",
    )
    parser.add_argument(
        "-t",
        "--transport",
        type=transport,
        metavar="TRANSPORT",
        help="ws (WebSocket, OCPP-J) or soap (default: what the URL's scheme says: ws(s):// "
        "WebSocket, http(s):// SOAP)",
    )
    parser.add_argument(
        "-f",
        "--from",
        dest="from_url",
        metavar="URL",
        help="SOAP: the address of our ChargePointService the central system is told (wsa:From), "
        "when it is not where we listen (NAT, a proxy)",
    )
    parser.add_argument(
        "-r",
        "--listen-port",
        type=port,
        metavar="PORT",
        help="SOAP: the port our ChargePointService listens on (default: the port of -f, "
        "else any free one)",
    )
    parser.add_argument(
        "--basic-auth",
        metavar="[USER:]PASSWORD",
        help="WebSocket: HTTP Basic credentials; the user defaults to ID",
    )
    parser.add_argument(
        "--no-boot",
        action="store_true",
        help="full manual control: no BootNotification, heartbeats or StatusNotifications "
        "of its own, no reboot after Reset (default: it behaves as a charger switched on)",
    )
    parser.add_argument(
        "--no-reconnect",
        action="store_true",
        help="stay disconnected when the link drops (default: reconnect with backoff)",
    )
    parser.add_argument(
        "--speed",
        type=speed,
        metavar="N",
        help="the charger's time runs N times faster: sessions, meter values, heartbeats, "
        "timers (an hour of charging in a minute at 60); the timestamps it sends run fast too",
    )
    _file(
        parser,
        "--journal",
        "keep the queue of transaction messages in FILE, so that a restarted charge point "
        "delivers what it could not send before (and stops what the restart interrupted)",
    )
    _file(parser, "--ca", "CA certificate(s) to trust for wss://")
    _file(parser, "--cert", "client certificate (PEM) for wss://")
    _file(parser, "--key", "private key of --cert, if not in the same file")
    _common(parser, server=False)
    return parser

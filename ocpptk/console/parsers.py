"""Argument parsers shared by the console commands and the ``ocpptk`` command line.

``ocpptk start_cs 9000`` in a shell and ``start_cs 9000`` in the console take the same options
because both use the parsers built here.
"""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from cmd2 import Cmd, Cmd2ArgumentParser

from ocpptk.rpc.validation import ValidationMode
from ocpptk.spec.catalog import Version
from ocpptk.transport.link import DEFAULT_RESPONSE_TIMEOUT

__all__ = [
    "DEFAULT_PING_INTERVAL",
    "OneLineParser",
    "seconds",
    "start_cp_parser",
    "start_cs_parser",
]

DEFAULT_PING_INTERVAL = 300.0
VALIDATION_MODES = [mode.value for mode in ValidationMode]
# OCPP-J versions the console can run; 1.2 and 1.5 (SOAP) come later.
SUPPORTED_VERSIONS = (Version.V16,)


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
            f"unknown protocol {name!r} (supported: ocpp1.6)"
        ) from None
    if version not in SUPPORTED_VERSIONS:
        raise argparse.ArgumentTypeError(
            f"{version.subprotocol} is not supported yet (supported: ocpp1.6)"
        )
    return version


def protocol(text: str) -> list[Version]:
    """One OCPP-J subprotocol (``ocpp1.6``, or ``1.6``), as a list of one version."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if len(names) != 1:
        raise argparse.ArgumentTypeError("give one protocol, such as ocpp1.6")
    return [_version(names[0])]


def protocols(text: str) -> list[Version]:
    """Comma-separated OCPP-J subprotocols (``ocpp1.6``), as versions, without repeats."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("give at least one protocol, such as ocpp1.6")
    found: list[Version] = []
    for name in names:
        version = _version(name)
        if version not in found:
            found.append(version)
    return found


def port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port number (0 to 65535)")
    return value


def _common(parser: Cmd2ArgumentParser, *, server: bool) -> None:
    if server:
        parser.add_argument(
            "-p",
            "--protocols",
            type=protocols,
            default=[Version.V16],
            metavar="PROTOCOLS",
            help="OCPP-J subprotocols to accept, comma-separated "
            "(default ocpp1.6, the only one supported so far)",
        )
    else:
        parser.add_argument(
            "-p",
            "--protocol",
            dest="protocols",
            type=protocol,
            default=[Version.V16],
            metavar="PROTOCOL",
            help="the OCPP-J subprotocol to ask for "
            "(default ocpp1.6, the only one supported so far)",
        )
    parser.add_argument(
        "-i",
        "--ping-interval",
        type=seconds,
        default=DEFAULT_PING_INTERVAL,
        metavar="SECONDS",
        help="WebSocket ping every SECONDS; 0 turns pings off (default %(default)g)",
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
    parser.add_argument(
        "--log",
        metavar="FILE",
        completer=Cmd.path_complete,
        help="also append every frame to FILE as JSON lines",
    )


def start_cs_parser(prog: str | None = None) -> OneLineParser:
    """``start_cs``: a central system listening for charge points."""
    parser = OneLineParser(
        prog=prog,
        description="Start a central system listening for OCPP-J charge points, and print the "
        "URL they connect to. One per console.",
        epilog="Charge points connect to ws[s]://HOST:PORT/ENDPOINT/<charge point id>. "
        "With --basic-auth, only the listed charge points get in (security profile 1); "
        "with --cert and --key the server speaks TLS (profile 2), and with --ca it also "
        "requires client certificates signed by that CA (profile 3).",
    )
    parser.add_argument("port", type=port, metavar="PORT", help="TCP port; 0 picks a free one")
    parser.add_argument(
        "-u",
        "--endpoint",
        default="/",
        help="the path before the charge point id (default %(default)s)",
    )
    parser.add_argument(
        "--host", default="0.0.0.0", help="address to listen on (default %(default)s)"
    )
    parser.add_argument(
        "--basic-auth",
        nargs="+",
        action="extend",
        metavar="ID:PASSWORD",
        help="accept only these charge points, with these passwords (HTTP Basic auth)",
    )
    parser.add_argument(
        "--cert",
        metavar="FILE",
        completer=Cmd.path_complete,
        help="server certificate (PEM): serve wss://",
    )
    parser.add_argument(
        "--key",
        metavar="FILE",
        completer=Cmd.path_complete,
        help="private key of --cert, if not in the same file",
    )
    parser.add_argument(
        "--ca",
        metavar="FILE",
        completer=Cmd.path_complete,
        help="require client certificates signed by this CA (mutual TLS)",
    )
    _common(parser, server=True)
    return parser


def start_cp_parser(prog: str | None = None) -> OneLineParser:
    """``start_cp``: a charge point connecting to a central system."""
    parser = OneLineParser(
        prog=prog,
        description="Start a charge point and connect it to the central system at URL as ID. "
        "A console can run several.",
        epilog="The charge point connects to URL/ID. --basic-auth PASSWORD sends ID:PASSWORD "
        "(security profile 1; give USER:PASSWORD for another user, and always USER:PASSWORD "
        "when the password holds a colon). For a wss:// URL, --ca names the CA to trust "
        "(default: the system's), --cert and --key a client certificate (profile 3).",
    )
    parser.add_argument("url", metavar="URL", help="the central system, e.g. ws://127.0.0.1:9000/")
    parser.add_argument("charge_point_id", metavar="ID", help="the charge point's identity")
    parser.add_argument(
        "--basic-auth",
        metavar="[USER:]PASSWORD",
        help="HTTP Basic credentials; the user defaults to ID",
    )
    parser.add_argument(
        "--ca",
        metavar="FILE",
        completer=Cmd.path_complete,
        help="CA certificate(s) to trust for wss://",
    )
    parser.add_argument(
        "--cert",
        metavar="FILE",
        completer=Cmd.path_complete,
        help="client certificate (PEM) for wss://",
    )
    parser.add_argument(
        "--key",
        metavar="FILE",
        completer=Cmd.path_complete,
        help="private key of --cert, if not in the same file",
    )
    _common(parser, server=False)
    return parser

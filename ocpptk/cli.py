"""The ``ocpptk`` command.

``ocpptk start_cs PORT ...`` and ``ocpptk start_cp URL ID ...`` start a central system or a
charge point (over WebSocket or SOAP, for OCPP 1.2, 1.5 or 1.6), then open the console (or run
a script, or serve); plain ``ocpptk`` opens the console with nothing running. Other
subcommands (``demo``) hand their arguments to their own ``main``. Subcommands come from the
``SUBCOMMANDS`` table: a new one is one entry.

Where the console's commands come from:

* a terminal: the interactive console, until ``quit`` or Ctrl-D;
* ``--script FILE`` (lines starting with # are comments), or stdin when it is not a terminal
  (``ocpptk start_cs 9000 < commands.txt``): each command runs in turn, and the process exits
  at the end of the input;
* ``--no-console``: no commands; serve until Ctrl-C or SIGTERM (after ``--script``, if given).

Exit codes: 0 when every command succeeded; 1 when one failed (a typo, a payload the schema
refused, no answer in time, a failed connection; a CALLERROR answer is not a failure), and
with ``--stop-on-error`` the commands stop at that first failure; 2 for a bad command line or
an unreadable script; 130 after Ctrl-C in a script, 143 after SIGTERM. With ``--no-console``,
Ctrl-C and SIGTERM are the normal end: 0. The interactive console exits 0.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import textwrap
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING, Any

from ocpptk import __version__

if TYPE_CHECKING:
    from ocpptk.console.app import OcppConsole

__all__ = ["SUBCOMMANDS", "Subcommand", "main"]


@dataclass(frozen=True)
class Subcommand:
    """One ``ocpptk NAME ...`` entry: ``run`` gets the arguments after NAME, returns the code."""

    name: str
    help: str
    run: Callable[[list[str]], int]


def _add_console_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("how commands are read (ocpptk options)")
    group.add_argument(
        "--script",
        metavar="FILE",
        help="run the console commands in FILE (# starts a comment), then exit",
    )
    group.add_argument(
        "--stop-on-error",
        action="store_true",
        help="in a script or piped input, stop at the first command that fails (exit 1)",
    )
    group.add_argument(
        "--no-console",
        action="store_true",
        help="read no commands: serve until Ctrl-C or SIGTERM (after --script, if given)",
    )
    group.add_argument(
        "--no-echo",
        action="store_true",
        help="in a script or piped input, do not print each command before its output",
    )


def _start(kind: str) -> Callable[[list[str]], int]:
    def run(argv: list[str]) -> int:
        from ocpptk.console import parsers

        build = parsers.start_cs_parser if kind == "start_cs" else parsers.start_cp_parser
        parser = build(prog=f"ocpptk {kind}")
        _add_console_options(parser)
        args = parser.parse_args(argv)
        return run_console(args, start=kind)

    return run


def _demo(argv: list[str]) -> int:
    try:
        from ocpptk.demo import main as demo_main
    except ModuleNotFoundError as exc:
        if exc.name != "ocpptk.demo":
            raise
        sys.stderr.write("Error: ocpptk demo is not available in this version\n")
        return 2
    return int(demo_main(argv))


SUBCOMMANDS: dict[str, Subcommand] = {
    command.name: command
    for command in (
        Subcommand(
            "start_cs",
            "start a central system on PORT (ws, soap or both), then the console",
            _start("start_cs"),
        ),
        Subcommand(
            "start_cp",
            "start a charge point talking to URL (ws://, http://) as ID, then the console",
            _start("start_cp"),
        ),
        Subcommand("demo", "a central system and a charge point talking, narrated", _demo),
        Subcommand(
            "doc",
            "example requests and responses of a version: OCPP-J frames, SOAP envelopes",
            lambda argv: int(__import__("ocpptk.doc", fromlist=["main"]).main(argv)),
        ),
    )
}


def _top_parser() -> argparse.ArgumentParser:
    width = max(len(name) for name in SUBCOMMANDS) + 2
    listing = "\n".join(f"  {name:<{width}}{command.help}" for name, command in SUBCOMMANDS.items())
    notes = [
        "'ocpptk SUBCOMMAND --help' tells more. Without a subcommand the console opens with "
        "nothing running (start_cs and start_cp are console commands too).",
        "Commands come from the terminal, else from --script FILE or stdin: they run in turn, "
        "then ocpptk exits. Exit codes: 0 all commands succeeded, 1 one failed (a CALLERROR "
        "answer is not a failure), 2 bad command line, 130 Ctrl-C, 143 SIGTERM.",
    ]
    prose = "\n\n".join(textwrap.fill(note, 79) for note in notes)
    return _with_console_options(
        argparse.ArgumentParser(
            prog="ocpptk",
            usage="ocpptk [-h] [--version] [SUBCOMMAND [ARGS ...] | console options]",
            description="Simulate either end of an OCPP 1.2, 1.5 or 1.6 link, over OCPP-J "
            "(JSON on WebSocket) or SOAP 1.2/HTTP: a central system, charge points, or both, "
            "from an interactive console or a script.",
            epilog=f"subcommands:\n{listing}\n\n{prose}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
    )


def _with_console_options(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--version", action="version", version=f"ocpptk {__version__}")
    _add_console_options(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The ``ocpptk`` entry point; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in SUBCOMMANDS:
            return SUBCOMMANDS[args[0]].run(args[1:])
        if args and not args[0].startswith("-"):
            choices = ", ".join(SUBCOMMANDS)
            sys.stderr.write(
                f"Error: ocpptk: {args[0]!r} is not a subcommand (choose from {choices}; "
                "see 'ocpptk --help')\n"
            )
            return 2
        return run_console(_top_parser().parse_args(args), start=None)
    except SystemExit as exc:  # argparse: --help, --version, a bad command line
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)


def run_console(args: argparse.Namespace, start: str | None) -> int:
    """Start what ``start`` says, then read commands as the options say; the exit code."""
    from ocpptk.console import ConsoleError, OcppConsole
    from ocpptk.console.app import INTRO
    from ocpptk.console.central_system import start_central_system
    from ocpptk.console.charge_point import start_charge_point

    if args.no_console and start is None:
        sys.stderr.write("Error: ocpptk: --no-console needs start_cs or start_cp\n")
        return 2
    app = OcppConsole(stop_on_error=args.stop_on_error)
    log_handler = app.capture_logging()
    stop = threading.Event()
    previous = _on_sigterm(stop if args.no_console else None)
    try:
        if start is not None:
            begin = start_central_system if start == "start_cs" else start_charge_point
            try:
                begin(app, args)
            except ConsoleError as exc:
                app.fail(f"{start}: {exc}")
                return 1
        if args.script:
            code = _run_script(app, args.script, echo=not args.no_echo)
            if code or not args.no_console:
                return code
        if args.no_console:
            return app.serve(stop)
        if app.interactive:
            return int(app.cmdloop(intro=INTRO) or 0)
        return app.run_lines(iter(sys.stdin.readline, ""), echo=not args.no_echo)
    except KeyboardInterrupt:
        return 130
    finally:
        app.close()
        logging.getLogger().removeHandler(log_handler)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _run_script(app: OcppConsole, path: str, *, echo: bool) -> int:
    try:
        with open(path, encoding="utf-8") as script:
            lines = script.readlines()
    except OSError as exc:
        app.fail(f"cannot read script {path}: {exc.strerror}")
        return 2
    return app.run_lines(lines, echo=echo)


def _on_sigterm(stop: threading.Event | None) -> Any:
    """SIGTERM sets ``stop`` when serving (exit 0, the normal end); otherwise it ends the
    commands with exit code 143, and the links still close cleanly."""

    def terminate(signum: int, _: FrameType | None) -> None:
        if stop is not None:
            stop.set()
        else:
            raise SystemExit(128 + signum)

    try:
        return signal.signal(signal.SIGTERM, terminate)
    except ValueError:  # not the main thread (main() called from a test's thread)
        return None


if __name__ == "__main__":
    sys.exit(main())

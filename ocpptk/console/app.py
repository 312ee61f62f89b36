"""The ocpptk console: one cmd2 application that can run a central system and charge points.

Threads: cmd2 owns the main thread and the terminal; the links, servers and simulators live on
one asyncio loop in a background thread (``loop.EventLoopThread``). Commands hand coroutines
to that loop and wait for them, so a script line finishes only when its answer is in.

Output: command results go to stdout, errors to stderr. Frames and link events come from the
loop thread at any time: at an interactive prompt they are printed above it (cmd2's
``add_alert``), otherwise (while a command runs, or with no terminal) straight to stdout.

Errors: commands raise ``ConsoleError`` for anything the user can fix; ``onecmd`` prints it as
one line. Anything else is a bug, shown as one line plus a hint to ``set debug true``. Every
command that printed an error counts as failed; ``run_lines`` turns that into the exit code.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Coroutine, Iterable
from typing import IO, Any, TextIO, TypeVar

from cmd2 import Cmd, Cmd2Style, Completions, Statement, with_argparser
from cmd2.exceptions import Cmd2ArgparseError
from cmd2.utils import suggest_similar

from ocpptk.console import settings
from ocpptk.console.actions import CentralSystemActions, ChargePointActions
from ocpptk.console.central_system import CentralSystemCommands
from ocpptk.console.charge_point import ChargePointCommands
from ocpptk.console.charger import ChargerCommands, set_connector_status
from ocpptk.console.completion import complete_words, items
from ocpptk.console.errors import ConsoleError
from ocpptk.console.fields import __doc__ as FIELDS_HELP
from ocpptk.console.loop import EventLoopThread
from ocpptk.console.parsers import OneLineParser, seconds
from ocpptk.console.tokens import OcppStatementParser, split
from ocpptk.transport.central_system import CentralSystem, UnknownChargePoint
from ocpptk.transport.charge_point import ChargePoint
from ocpptk.transport.link import Link, OcppLink
from ocpptk.transport.log import FrameLog
from ocpptk.transport.soap import SoapLink
from ocpptk.transport.websocket import charge_point_url

__all__ = ["OcppConsole"]

T = TypeVar("T")

HISTORY_FILE = "~/.ocpptk_history"
INTRO = (
    "ocpptk console: 'help' lists the commands, 'help fields' explains field=value, 'quit' leaves."
)


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class OcppConsole(Cmd):
    """The console. ``central_system`` and ``charge_points`` are what it runs."""

    DEFAULT_PROMPT = "ocpptk> "
    DEFAULT_CATEGORY = "Console"

    def __init__(
        self,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        interactive: bool | None = None,
        stop_on_error: bool = False,
    ) -> None:
        terminal = stdout if stdout is not None else sys.stdout
        source = stdin if stdin is not None else sys.stdin
        self.interactive = (
            _isatty(source) and _isatty(terminal) if interactive is None else interactive
        )
        self.stop_on_error = stop_on_error
        self.failures = 0
        self.central_system: CentralSystem | None = None
        self.charge_points: dict[str, ChargePoint] = {}
        self._command_failed = False
        self._at_prompt = False
        self._closed = False
        self._terminal = terminal
        self._output_lock = threading.RLock()
        self.loop = EventLoopThread()
        history = os.path.expanduser(HISTORY_FILE) if self.interactive else ""
        super().__init__(
            stdin=stdin,
            stdout=stdout,
            allow_cli_args=False,
            include_py=False,
            include_ipy=False,
            terminators=(),
            persistent_history_file=history,
            command_sets=[
                CentralSystemCommands(),
                CentralSystemActions(),
                ChargePointCommands(),
                ChargePointActions(),
                ChargerCommands(),
            ],
        )
        # Payload values are full of quotes: split lines so that they survive (see tokens).
        self.statement_parser = OcppStatementParser(
            terminators=(),
            multiline_commands=(),
            shortcuts=dict(self.statement_parser.shortcuts),
        )

    # -- output ------------------------------------------------------------------------

    def print_to(self, file: IO[str], *objects: Any, **kwargs: Any) -> None:
        """Every print holds the output lock, so lines from the loop thread never interleave."""
        with self._output_lock:
            super().print_to(file, *objects, **kwargs)

    def perror(self, *objects: Any, **kwargs: Any) -> None:
        """An error printed during a command marks it failed (this catches cmd2's own too);
        a warning (``pwarning`` goes through here too) does not."""
        if kwargs.get("style") is not Cmd2Style.WARNING:
            self._command_failed = True
        super().perror(*objects, **kwargs)

    def say(self, text: str) -> None:
        self.poutput(text)

    def warn(self, text: str) -> None:
        self.pwarning(f"Warning: {text}")

    def fail(self, text: str) -> None:
        self.perror(f"Error: {text}")

    def emit(self, text: str) -> None:
        """A line from the loop thread (frames, link events): above the prompt if there is one."""
        if self.interactive and self._at_prompt:
            self.add_alert(msg=text)
            return
        with self._output_lock:
            try:
                self._terminal.write(text + "\n")
                self._terminal.flush()
            except (OSError, ValueError):  # a closed pipe or stream: nowhere to print
                pass

    def capture_logging(self, level: int = logging.WARNING) -> logging.Handler:
        """Show log records (a handler that failed, a task that crashed) as one line each,
        through ``emit``, instead of Python's default stderr traceback."""
        handler = _ConsoleLogHandler(self)
        handler.setLevel(level)
        logging.getLogger().addHandler(handler)
        return handler

    def new_log(self, json_path: str | None) -> FrameLog:
        """A frame log printing through ``emit``; ``json_path`` also gets JSON lines."""
        try:
            return FrameLog(self.emit, json_path)
        except OSError as exc:
            raise ConsoleError(f"cannot open log file {json_path}: {exc.strerror}") from None

    # -- the event loop ----------------------------------------------------------------

    def run(
        self, coro: Coroutine[Any, Any, T], *, slow: tuple[float, Callable[[], None]] | None = None
    ) -> T:
        """Run ``coro`` on the loop thread and wait; Ctrl-C cancels it. ``slow``: see
        ``EventLoopThread.run``."""
        return self.loop.run(coro, slow=slow)

    def in_loop(self, function: Callable[[], T]) -> T:
        """Call ``function()`` on the loop thread, where links and simulators may be touched."""
        return self.loop.call(function)

    # -- what runs ---------------------------------------------------------------------

    def require_central_system(self) -> CentralSystem:
        if self.central_system is None:
            raise ConsoleError("no central system is running here; start one with start_cs PORT")
        return self.central_system

    def charge_point(self, charge_point_id: str | None) -> ChargePoint:
        """The charge point ``charge_point_id`` runs here; with None, the only one."""
        running = sorted(self.charge_points)
        if charge_point_id is None:
            if not running:
                raise ConsoleError(
                    "no charge point is running here; start one with start_cp URL ID"
                )
            if len(running) > 1:
                raise ConsoleError(
                    f"{len(running)} charge points run here ({', '.join(running)}); "
                    "say which with --id"
                )
            return self.charge_points[running[0]]
        try:
            return self.charge_points[charge_point_id]
        except KeyError:
            raise ConsoleError(
                f"no charge point {charge_point_id!r} runs here; "
                f"running: {', '.join(running) or 'none'}"
            ) from None

    def central_link(self, charge_point_id: str | None) -> Link:
        """The central system's link to ``charge_point_id``; with None, to the only one."""
        cs = self.require_central_system()
        if charge_point_id is None and not cs.charge_points:
            soap = " (a SOAP one, from its first request)" if cs.soap_server is not None else ""
            raise ConsoleError(
                f"no charge point is connected to the central system{soap}; "
                "wait_for_cp waits for one"
            )
        try:
            return cs.link(charge_point_id)
        except UnknownChargePoint as exc:
            raise ConsoleError(str(exc)) from None

    def connected_ids(self) -> list[str]:
        """Charge points connected to our central system (for completion)."""
        if self.central_system is None:
            return []
        return list(self.central_system.charge_points)

    def own_ids(self) -> list[str]:
        """Charge points this console runs (for completion)."""
        return sorted(self.charge_points)

    # -- the error boundary ------------------------------------------------------------

    def onecmd_plus_hooks(
        self,
        line: str,
        *,
        add_to_history: bool = True,
        raise_keyboard_interrupt: bool = False,
        py_bridge_call: bool = False,
    ) -> bool:
        self._at_prompt = False
        self._command_failed = False
        try:
            return bool(
                super().onecmd_plus_hooks(
                    line,
                    add_to_history=add_to_history,
                    raise_keyboard_interrupt=raise_keyboard_interrupt,
                    py_bridge_call=py_bridge_call,
                )
            )
        finally:
            if self._command_failed:
                self.failures += 1

    def onecmd(self, statement: Statement | str, *, add_to_history: bool = True) -> bool:
        """Run one command; the one place where its errors become one-line messages."""
        words = statement.command if isinstance(statement, Statement) else str(statement)
        name = (words.split() or ["command"])[0]
        try:
            return bool(super().onecmd(statement, add_to_history=add_to_history))
        except ConsoleError as exc:
            self.fail(f"{name}: {exc}")
        except Cmd2ArgparseError as exc:  # the parser printed its one line (or the help)
            cause = exc.__cause__
            if not (isinstance(cause, SystemExit) and cause.code in (0, None)):
                self._command_failed = True
            raise
        except KeyboardInterrupt:
            self.fail(f"{name}: interrupted")
            raise
        except Exception as exc:
            hint = "" if self.debug else " (run 'set debug true' to see the traceback)"
            self.fail(f"{name}: unexpected {type(exc).__name__}: {exc}{hint}")
            if self.debug:
                self.pexcept(exc)
        return False

    def default(self, statement: Statement) -> bool | None:
        """An unknown command: one line, with a suggestion when one is close."""
        suggestion = suggest_similar(statement.command, self.get_visible_commands())
        hint = f"did you mean {suggestion}?" if suggestion else "'help' lists the commands"
        self.fail(f"{statement.command} is not a command; {hint}")
        return None

    def pre_prompt(self) -> None:
        self._at_prompt = True
        self.prompt = self._prompt_text()

    def _prompt_text(self) -> str:
        parts = []
        if self.central_system is not None:
            try:
                parts.append(f"cs:{self.central_system.port}")
            except RuntimeError:
                parts.append("cs")
        ids = self.own_ids()
        if len(ids) == 1:
            parts.append(f"cp:{ids[0]}")
        elif ids:
            parts.append(f"{len(ids)} cps")
        return f"ocpptk({' '.join(parts)})> " if parts else self.DEFAULT_PROMPT

    # -- running scripts, serving, closing ---------------------------------------------

    def run_lines(self, lines: Iterable[str], *, echo: bool = True) -> int:
        """Run commands one by one (a script, or piped stdin); the exit code.

        0 if every command succeeded, 1 if one failed (the first one, with ``stop_on_error``),
        130 on Ctrl-C. A CALLERROR answer is not a failure: the command did its job.
        """
        for raw in lines:
            line = raw.rstrip("\r\n")
            if echo and line.strip() and not line.lstrip().startswith("#"):
                self.say(f"{self.DEFAULT_PROMPT}{line}")
            try:
                stop = self.onecmd_plus_hooks(line, raise_keyboard_interrupt=True)
            except KeyboardInterrupt:
                return 130
            if stop:
                break
            if self.failures and self.stop_on_error:
                self.fail("stopping at the first error (--stop-on-error)")
                break
        if self.exit_code:
            return int(self.exit_code)
        return 1 if self.failures else 0

    def serve(self, stop: threading.Event) -> int:
        """Keep running, answering peers, until ``stop`` is set (the caller's SIGTERM handler
        sets it) or Ctrl-C, or until our charge points' links all close when we run no
        central system. The exit code: 0, or 1 when no link is left."""
        try:
            while not stop.wait(0.2):
                if self.central_system is None and not any(
                    cp.connected for cp in self.charge_points.values()
                ):
                    self.fail("no link left to serve")
                    return 1
        except KeyboardInterrupt:
            pass
        return 0

    def close(self) -> None:
        """Close every link and server, then the loop. Idempotent; called on quit and EOF."""
        if self._closed:
            return
        self._closed = True
        if self.loop.running:
            with contextlib.suppress(Exception, KeyboardInterrupt):
                self.loop.run(self._close_all(), timeout=15)
            self.loop.stop()
        for cp in self.charge_points.values():
            if cp.options.log is not None:
                cp.options.log.close()
        if self.central_system is not None and self.central_system.options.log is not None:
            self.central_system.options.log.close()

    async def _close_all(self) -> None:
        for cp in list(self.charge_points.values()):
            with contextlib.suppress(Exception):  # closing anyway; nothing to tell
                await cp.close()
        if self.central_system is not None:
            with contextlib.suppress(Exception):
                await self.central_system.close()

    # -- console commands --------------------------------------------------------------

    _status = OneLineParser(
        description="Show the central system and charge points running here; or, with "
        "CONNECTOR STATUS [ERRORCODE], put a connector of a charge point run here in STATUS "
        "(if the connector status table allows it) and send its StatusNotification."
    )
    _status.add_argument(
        "-v", "--verbose", action="store_true", help="also what the simulators know"
    )
    _status.add_argument("--id", help="which charge point (for CONNECTOR STATUS)")
    _status.add_argument("words", nargs="*", metavar="CONNECTOR STATUS [ERRORCODE]")

    @with_argparser(_status)
    def do_status(self, args: Any) -> None:
        """Show what runs here; status C STATUS [ERROR] sets a connector's status."""
        if args.words:
            set_connector_status(self, args.words, args.id)
            return
        self.say(self.in_loop(lambda: self._status_text(args.verbose)))

    def _status_text(self, verbose: bool) -> str:
        lines: list[str] = []
        cs = self.central_system
        if cs is not None:
            accepts = ", ".join(v.subprotocol for v in cs.versions)
            if cs.websocket_server is not None:
                server = cs.websocket_server
                lines.append(
                    f"central system on {server.host}:{server.port}: WebSocket charge points "
                    f"connect to {server.url}<id>; accepts {accepts}"
                )
            if cs.soap_server is not None:
                soap = cs.soap_server
                lines.append(
                    f"central system on {soap.http.host}:{soap.port}: SOAP charge points send "
                    f"to {soap.url}; accepts {accepts}"
                )
            links = cs.links
            for cp_id in cs.charge_points:
                lines.append(f"  {cp_id}: {_link_state(links[cp_id])}")
            if not links:
                lines.append("  no charge point connected")
            if verbose:
                lines.extend("  " + line for line in cs.sim.summary().splitlines())
        for cp_id, cp in sorted(self.charge_points.items()):
            cp_link = cp.link
            if isinstance(cp_link, SoapLink) and cp.connected:
                served = cp.soap_server.url if cp.soap_server is not None else "nowhere"
                state = (
                    f"SOAP, OCPP {cp.version.value}, sends to {cp_link.peer_url}, serves "
                    f"{served} (wsa:From {cp_link.from_address}), {_link_settings(cp_link)}"
                )
            elif cp.connected and cp_link is not None:
                url = charge_point_url(cp.url, cp_id)
                state = (
                    f"connected to {url} ({cp_link.subprotocol}) over WebSocket, "
                    f"{_link_settings(cp_link)}"
                )
            else:
                state = f"disconnected from {charge_point_url(cp.url, cp_id)}"
            lines.append(f"charge point {cp_id}: {state}")
            if verbose:
                lines.extend("  " + line for line in cp.sim.describe().splitlines())
        if not lines:
            return (
                "nothing runs here: start_cs PORT starts a central system, "
                "start_cp URL ID a charge point"
            )
        return "\n".join(lines)

    _wait = OneLineParser(description="Wait SECONDS (in scripts: let things happen).")
    _wait.add_argument("seconds", type=seconds, metavar="SECONDS")

    @with_argparser(_wait)
    def do_wait(self, args: Any) -> None:
        """Wait SECONDS while frames keep coming (for scripts); Ctrl-C ends the wait."""
        time.sleep(args.seconds)

    def do_set(self, statement: Statement | str) -> None:
        """Change settings: of the links (set cs ..., set cp ...) or of the console.

        Usage:
          set cs [KEY=VALUE ...] [--remote-id CP]   the central system's links
          set cp [KEY=VALUE ...] [--id CP]          our charge points' links
          set [PARAM [VALUE]]                       the console's own settings (cmd2's set:
                                                    debug, echo, timing, quiet, ...)

        With no KEY=VALUE, set cs / set cp show the current values. set cs changes the
        central system's defaults and every connected link, or only the link of --remote-id;
        set cp changes every charge point run here, or only --id.

        Keys:
          websocket_ping_interval=SECONDS  WebSocket pings every SECONDS (0: none)
          response_timeout=SECONDS         how long a CALL waits for its answer
          validation=strict|warn|off       payload validation, both directions
          validation_in=...                of what the peer sends
          validation_out=...               of what we send
          print_frames=true|false          print frames, envelopes and link events (JSON
                                           logs go on)
          print_xml=true|false             SOAP: print each envelope under its line
          print_headers=true|false         SOAP: print each message's HTTP headers
          strict=true|false                SOAP: refuse SOAP 1.1, a missing wsa:MessageID,
                                           a wsa:Action that does not match the body

        websocket_ping_interval is for WebSocket links, the last three for SOAP; print_xml,
        print_headers and strict apply to the whole central system (its SOAP service reads
        them for every charge point), or to each charge point run here.

        Examples: set cs websocket_ping_interval=120
                  set cp validation=warn --id CP001
                  set cp print_xml=true
                  set cs strict=true
                  set debug true
        """
        args = statement.args if isinstance(statement, Statement) else statement
        words = split(args)
        if words and words[0].text in ("cs", "cp"):
            side = words[0].text
            settings.run_set(self, side, words[1:])
            return
        super().do_set(statement)

    def complete_set(self, text: str, line: str, begidx: int, endidx: int) -> Completions:
        words = complete_words(line, begidx)
        if words is None:
            return Completions()
        if len(words) == 1:
            return items(text, ["cs", "cp", *self.settables])
        side = words[1]
        if side in ("cs", "cp"):
            return settings.complete(self, side, text, words)
        settable = self.settables.get(side)
        if len(words) == 2 and settable is not None:
            return self.complete_set_value(text, line, begidx, endidx, {"param": [side]})
        return Completions()

    def help_fields(self) -> None:
        """How field=value words become payload fields."""
        self.say((FIELDS_HELP or "").strip())


class _ConsoleLogHandler(logging.Handler):
    """One line per record; the traceback only with ``set debug true``."""

    def __init__(self, app: OcppConsole) -> None:
        super().__init__()
        self.app = app

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = f"{record.levelname.lower()}: {record.name}: {record.getMessage()}"
            if record.exc_info and record.exc_info[1] is not None:
                error = record.exc_info[1]
                line += f" ({type(error).__name__}: {error})"
                if self.app.debug:
                    line += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
            self.app.emit(line)
        except Exception:
            self.handleError(record)


def _link_state(link: Link) -> str:
    """A central system's link, for ``status``."""
    if isinstance(link, SoapLink):
        where = link.peer_url or "an address it has not sent (no wsa:From)"
        return f"SOAP, OCPP {link.version.value}, called at {where}, {_link_settings(link)}"
    return f"connected, {link.subprotocol} over WebSocket, {_link_settings(link)}"


def _link_settings(link: Link) -> str:
    connection = link.connection
    ping = ""
    if isinstance(link, OcppLink):
        ping = f"ping every {link.ping_interval:g} s, " if link.ping_interval else "no pings, "
    return (
        f"{ping}timeout {link.response_timeout:g} s, validation "
        f"in={connection.incoming.value} out={connection.outgoing.value}"
    )

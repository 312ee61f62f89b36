"""Console commands that run the central system: start_cs, stop_cs, wait_for_cp, pings, custom
and raw messages to a charge point; and what it answers (``cs_boot``, ``cs_idtag``,
``cs_idtags``, ``cs_idtag_default``, ``cs_transaction_id``, ``cs_reply``, ``cs_reply_clear``,
``cs_replies``), kept by its ``CentralSystemSim`` until ``stop_cs``.

One central system serves WebSocket charge points, SOAP ones (its CentralSystemService, which
learns where to call each charge point from its ``wsa:From``), or both on two ports
(``-t ws,soap``). The commands work on a link of either kind; a WebSocket ping to a SOAP
charge point is a one-line error. The OCPP actions themselves (``remote_reset`` ...) are
generated in ``actions``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import ssl
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from cmd2 import Choices, Cmd, CommandSet, Completions, Statement, with_argparser

from ocpptk.console import parsers
from ocpptk.console.arguments import timeout_option
from ocpptk.console.completion import complete_raw, complete_send
from ocpptk.console.custom import parse_raw, parse_send, send_raw_command
from ocpptk.console.errors import ConsoleError
from ocpptk.console.exchange import exchange, websocket_ping
from ocpptk.console.parsers import OneLineParser
from ocpptk.sim.central_system import CentralSystemSim
from ocpptk.sim.replies import (
    CP_TO_CS_ACTIONS,
    ERROR_CODE_NAMES,
    ID_TAG_STATUSES,
    REGISTRATION_STATUSES,
    check_action,
)
from ocpptk.spec.catalog import Role
from ocpptk.transport.central_system import CentralSystem
from ocpptk.transport.link import Link
from ocpptk.transport.websocket import server_ssl_context

if TYPE_CHECKING:
    from ocpptk.console.app import OcppConsole

__all__ = ["CentralSystemCommands", "basic_auth_table", "start_central_system"]

_REMOTE_ID = {"--remote-id": "id", "--timeout": "timeout"}
_T = TypeVar("_T")


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


def _fields(tokens: list[str], names: tuple[str, ...], command: str) -> dict[str, str]:
    """``["status=Pending", "interval=30"]`` -> {"status": "Pending", "interval": "30"}."""
    found: dict[str, str] = {}
    for token in tokens:
        name, equals, value = token.partition("=")
        if not equals or name not in names:
            raise ConsoleError(
                f"{command}: {token!r} is not " + " or ".join(f"{n}=..." for n in names)
            )
        found[name] = value
    return found


def _integer(text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ConsoleError(f"{what} {text!r} is not a whole number") from None


class CentralSystemCommands(CommandSet["OcppConsole"]):
    """start_cs, stop_cs, wait_for_cp, websocket_ping_cs, remote_send, remote_send_raw; and
    the central system's answers: cs_boot, cs_idtag, cs_idtags, cs_idtag_default,
    cs_transaction_id, cs_reply, cs_reply_clear, cs_replies."""

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

    # -- what the central system answers -------------------------------------------------

    def _policy(self, change: Callable[[CentralSystemSim], _T]) -> _T:
        """Run ``change(sim)`` on the loop thread; its ValueError is a one-line error."""
        sim = self._cmd.require_central_system().sim
        try:
            return self._cmd.in_loop(lambda: change(sim))
        except ValueError as exc:
            raise ConsoleError(str(exc)) from None

    def action_choices(self) -> Choices:
        return Choices.from_values(list(CP_TO_CS_ACTIONS))

    def boot_choices(self) -> Choices:
        return Choices.from_values([f"status={s}" for s in REGISTRATION_STATUSES] + ["interval="])

    def id_tag_status_choices(self) -> Choices:
        return Choices.from_values(list(ID_TAG_STATUSES))

    def error_code_choices(self) -> Choices:
        return Choices.from_values(list(ERROR_CODE_NAMES))

    _cs_boot = OneLineParser(
        description="Set the BootNotification answer: status=Accepted|Pending|Rejected and "
        "interval=SECONDS, for one charge point (--remote-id) or for all. 1.2 and 1.5 say "
        "Rejected for Pending."
    )
    _cs_boot.add_argument("fields", nargs="*", metavar="FIELD=VALUE", choices_provider=boot_choices)
    _cs_boot.add_argument(
        "--remote-id", choices_provider=connected_choices, help="only for this charge point"
    )
    _cs_boot.add_argument(
        "--clear", action="store_true", help="drop the charge point's own answer (or all)"
    )

    @with_argparser(_cs_boot)
    def do_cs_boot(self, args: argparse.Namespace) -> None:
        """Set how the central system answers BootNotification (status, interval)."""
        fields = _fields(args.fields, ("status", "interval"), "cs_boot")
        if args.clear:
            if fields:
                raise ConsoleError("cs_boot --clear takes no FIELD=VALUE")
            self._policy(lambda sim: sim.clear_boot(args.remote_id))
            self._cmd.say(f"boot answer of {args.remote_id or 'every charge point'} cleared")
            return
        interval = None
        if "interval" in fields:
            interval = _integer(fields["interval"], "interval")
        status = fields.get("status")

        def change(sim: CentralSystemSim) -> tuple[str, int]:
            sim.set_boot(status, interval, args.remote_id)
            if args.remote_id is None:
                return sim.registration_status, sim.heartbeat_interval
            return sim.boot_reply(args.remote_id)

        now_status, now_interval = self._policy(change)
        who = args.remote_id or "every charge point"
        self._cmd.say(f"BootNotification of {who}: {now_status}, interval {now_interval} s")

    _cs_idtag = OneLineParser(
        description="Answer STATUS for id tag TAG (in Authorize, Start- and StopTransaction)."
    )
    _cs_idtag.add_argument("tag", metavar="TAG")
    _cs_idtag.add_argument("status", metavar="STATUS", choices_provider=id_tag_status_choices)

    @with_argparser(_cs_idtag)
    def do_cs_idtag(self, args: argparse.Namespace) -> None:
        """Set the idTagInfo status of one id tag."""
        self._policy(lambda sim: sim.set_id_tag_status(args.tag, args.status))
        self._cmd.say(f"id tag {args.tag}: {args.status}")

    _cs_idtags = OneLineParser(
        description='Read id tags from FILE: JSON {"TAG1": "Accepted", ...} or CSV lines '
        "tag,status. A bad file changes nothing."
    )
    _cs_idtags.add_argument("file", metavar="FILE", completer=Cmd.path_complete)

    @with_argparser(_cs_idtags)
    def do_cs_idtags(self, args: argparse.Namespace) -> None:
        """Read id tags and their status from a JSON or CSV file."""
        self._cmd.require_central_system()
        try:
            with open(args.file, encoding="utf-8-sig") as file:
                text = file.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConsoleError(
                f"cannot read {args.file}: {getattr(exc, 'strerror', None) or exc}"
            ) from None
        count = self._policy(lambda sim: sim.load_id_tags(text, args.file))
        self._cmd.say(f"{count} id tags read from {args.file}")

    _cs_idtag_default = OneLineParser(description="Answer STATUS for id tags not listed.")
    _cs_idtag_default.add_argument(
        "status", metavar="STATUS", choices_provider=id_tag_status_choices
    )

    @with_argparser(_cs_idtag_default)
    def do_cs_idtag_default(self, args: argparse.Namespace) -> None:
        """Set the status of id tags not listed (Accepted unless told)."""
        self._policy(lambda sim: sim.set_default_id_tag_status(args.status))
        self._cmd.say(f"unlisted id tags: {args.status}")

    _cs_transaction_id = OneLineParser(
        description="Number the next transaction N (start=N or N), then on up."
    )
    _cs_transaction_id.add_argument("start", metavar="start=N")

    @with_argparser(_cs_transaction_id)
    def do_cs_transaction_id(self, args: argparse.Namespace) -> None:
        """Set the id of the next transaction the central system starts."""
        text = args.start.removeprefix("start=")
        start_at = _integer(text, "start")
        self._policy(lambda sim: sim.set_next_transaction_id(start_at))
        self._cmd.say(f"next transaction id: {start_at}")

    _cs_reply = OneLineParser(
        description="Answer ACTION differently: JSON fields merged over the normal reply "
        "(--replace: the whole reply), --delay SECONDS before answering, or --error CODE "
        "[DESCRIPTION] as a CALLERROR; for one charge point (--remote-id) or for all. A reply "
        "is validated like any other: with validation_out=strict an invalid one becomes an "
        "InternalError (set cs validation_out=off to send it as it is)."
    )
    _cs_reply.add_argument("action", metavar="ACTION", choices_provider=action_choices)
    _cs_reply.add_argument("payload", nargs="?", metavar="JSON", help="fields of the reply")
    _cs_reply.add_argument("--replace", action="store_true", help="JSON is the whole reply")
    _cs_reply.add_argument(
        "--delay", type=parsers.seconds, default=0.0, metavar="SECONDS", help="answer later"
    )
    _cs_reply.add_argument(
        "--error",
        nargs="+",
        metavar=("CODE", "DESCRIPTION"),
        choices_provider=error_code_choices,
        help="answer with this CALLERROR",
    )
    _cs_reply.add_argument(
        "--remote-id", choices_provider=connected_choices, help="only for this charge point"
    )

    @with_argparser(_cs_reply)
    def do_cs_reply(self, args: argparse.Namespace) -> None:
        """Override the central system's reply to an action (payload, delay or CALLERROR)."""
        payload = None
        if args.payload is not None:
            try:
                payload = json.loads(args.payload)
            except json.JSONDecodeError as exc:
                raise ConsoleError(f"cs_reply: JSON is not valid: {exc}") from None
            if not isinstance(payload, dict):
                raise ConsoleError("cs_reply: JSON must be an object of reply fields")
        code, description = None, ""
        if args.error:
            if len(args.error) > 2:
                raise ConsoleError("cs_reply: --error takes CODE and one DESCRIPTION (quote it)")
            code = args.error[0]
            description = args.error[1] if len(args.error) == 2 else ""
        if payload is None and code is None and not args.delay:
            raise ConsoleError("cs_reply: give JSON, --delay or --error (cs_reply_clear undoes)")
        override = self._policy(
            lambda sim: sim.set_reply(
                args.action,
                payload,
                replace=args.replace,
                delay=args.delay,
                error_code=code,
                error_description=description,
                cp_id=args.remote_id,
            )
        )
        self._cmd.say(f"reply {override.describe()}")

    _cs_reply_clear = OneLineParser(
        description="Drop the reply overrides of ACTION (or all), of one charge point "
        "(--remote-id) or of every one."
    )
    _cs_reply_clear.add_argument(
        "action", nargs="?", metavar="ACTION", choices_provider=action_choices
    )
    _cs_reply_clear.add_argument(
        "--remote-id", choices_provider=connected_choices, help="only this charge point's"
    )

    @with_argparser(_cs_reply_clear)
    def do_cs_reply_clear(self, args: argparse.Namespace) -> None:
        """Remove reply overrides set with cs_reply."""
        if args.action is not None:
            self._policy(lambda sim: check_action(args.action))
        count = self._policy(lambda sim: sim.clear_replies(args.action, args.remote_id))
        self._cmd.say(f"{count} reply override{'' if count == 1 else 's'} cleared")

    _cs_replies = OneLineParser(
        description="List what the central system answers: boot, id tags, transaction ids, "
        "reply overrides."
    )

    @with_argparser(_cs_replies)
    def do_cs_replies(self, _: argparse.Namespace) -> None:
        """List the central system's answers and reply overrides."""
        for line in self._policy(lambda sim: sim.policies()):
            self._cmd.say(line)

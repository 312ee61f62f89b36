"""``set cs KEY=VALUE`` and ``set cp KEY=VALUE``: link settings, changed while links run.

cmd2's own ``set`` changes the console's settables (debug, echo, ...); the console's ``set``
takes ``cs`` or ``cp`` as its first word for link settings and hands every other form to
cmd2's. A link setting applies to the side's defaults (the central system's options, used by
charge points that connect later) and to its links now, or to one link with ``--remote-id`` /
``--id``. Links are touched on the loop thread: their timers and tasks live there.

Some settings belong to one transport: ``websocket_ping_interval`` to WebSocket links,
``print_xml``, ``print_headers`` and ``strict`` to SOAP ones. Where nothing of that transport
runs, the setting is a one-line error; elsewhere it changes what it applies to. A SOAP service
checks the requests of all its charge points, so what the central system's SOAP service does
(``strict``, the printing, the validation of requests) is set for the whole central system.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cmd2 import Completions

from ocpptk.console.arguments import take_options
from ocpptk.console.completion import items
from ocpptk.console.errors import ConsoleError
from ocpptk.console.fields import FieldError, parse_assignment
from ocpptk.console.tokens import Token
from ocpptk.rpc.validation import ValidationMode
from ocpptk.soap.session import SoapResponder
from ocpptk.transport.link import Link, OcppLink
from ocpptk.transport.log import FrameLog
from ocpptk.transport.options import LinkOptions
from ocpptk.transport.soap import SoapLink, SoapOptions

if TYPE_CHECKING:
    from ocpptk.console.app import OcppConsole

__all__ = ["SETTINGS", "Setting", "complete", "run_set"]


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number of seconds") from None
    if not 0 <= value < float("inf"):
        raise ValueError(f"{text!r} is not a number of seconds >= 0")
    return value


def _positive_seconds(text: str) -> float:
    value = _seconds(text)
    if value == 0:
        raise ValueError("must be more than 0 seconds")
    return value


def _boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "on", "yes", "1"):
        return True
    if lowered in ("false", "off", "no", "0"):
        return False
    raise ValueError(f"{text!r} is not true or false")


@dataclass(frozen=True)
class Target:
    """What one ``set`` changes: defaults (None with a single link), links, the frame log.

    ``websocket`` and ``soap`` say which transports it has (or may get links of);
    ``responders`` are the SOAP services whose checks of incoming requests it sets; ``what``
    says what it is, for the error of a setting of the other transport.
    """

    label: str
    options: LinkOptions | None
    links: list[Link]
    log: FrameLog | None
    printer: Callable[[str], None]
    websocket: bool = True
    soap: bool = False
    responders: tuple[SoapResponder, ...] = ()
    what: str = ""
    whole: bool = False  # the central system itself (its defaults and every link)

    def soap_options(self) -> list[SoapOptions]:
        """The SOAP options the target's SOAP messages read (one object each)."""
        found: list[SoapOptions] = []
        if isinstance(self.options, SoapOptions):
            found.append(self.options)
        for link in self.links:
            if isinstance(link, SoapLink) and not any(link.options is o for o in found):
                found.append(link.options)
        return found

    def source(self) -> LinkOptions | Link:
        """Where the current values are read."""
        if self.options is not None:
            return self.options
        return self.links[0]


def _websocket_only(target: Target) -> str | None:
    return None if target.websocket else f"SOAP has no WebSocket pings ({target.what})"


def _soap_only(name: str) -> Callable[[Target], str | None]:
    def applies(target: Target) -> str | None:
        return None if target.soap else f"{name} is for SOAP messages ({target.what})"

    return applies


def _anywhere(_: Target) -> str | None:
    return None


@dataclass(frozen=True)
class Setting:
    name: str
    description: str
    parse: Callable[[str], Any]
    apply: Callable[[Target, Any], None]
    show: Callable[[Target], str]
    choices: tuple[str, ...] = ()
    per_link: bool = True  # False: the central system's whole, never one link (--remote-id)
    applies: Callable[[Target], str | None] = _anywhere  # why not, or None


def _set_ping(target: Target, value: float) -> None:
    if target.options is not None:
        target.options.ping_interval = value
    for link in target.links:
        if isinstance(link, OcppLink):
            link.ping_interval = value


def _set_timeout(target: Target, value: float) -> None:
    if target.options is not None:
        target.options.response_timeout = value
    for link in target.links:
        link.response_timeout = value


def _set_validation(incoming: bool, outgoing: bool) -> Callable[[Target, ValidationMode], None]:
    def apply(target: Target, mode: ValidationMode) -> None:
        holders: list[Any] = [link.connection for link in target.links]
        holders.extend(target.responders)
        if target.options is not None:
            holders.append(target.options)
        for holder in holders:
            if incoming:
                holder.incoming = mode
            if outgoing:
                holder.outgoing = mode

    return apply


def _set_print(target: Target, value: bool) -> None:
    if target.log is not None:
        target.log.printer = target.printer if value else None


def _set_soap_flag(name: str) -> Callable[[Target, bool], None]:
    def apply(target: Target, value: bool) -> None:
        for options in target.soap_options():
            setattr(options, name, value)

    return apply


def _set_strict(target: Target, value: bool) -> None:
    _set_soap_flag("strict")(target, value)
    for responder in target.responders:
        responder.strict = value
    for link in target.links:
        if isinstance(link, SoapLink):
            link.connection.strict = value


def _ping_of(target: Target) -> str:
    source = target.source()
    if isinstance(source, LinkOptions | OcppLink):
        return f"{source.ping_interval:g}"
    return "none"


def _timeout_of(target: Target) -> str:
    return f"{target.source().response_timeout:g}"


def _mode_of(incoming: bool) -> Callable[[Target], str]:
    def show(target: Target) -> str:
        source = target.source()
        holder: Any = source if isinstance(source, LinkOptions) else source.connection
        return str((holder.incoming if incoming else holder.outgoing).value)

    return show


def _both_modes(target: Target) -> str:
    incoming, outgoing = _mode_of(True)(target), _mode_of(False)(target)
    return incoming if incoming == outgoing else f"in={incoming} out={outgoing}"


def _print_of(target: Target) -> str:
    return "true" if target.log is not None and target.log.printer is not None else "false"


def _soap_flag_of(name: str) -> Callable[[Target], str]:
    def show(target: Target) -> str:
        found = target.soap_options()
        return "true" if found and getattr(found[0], name) else "false"

    return show


_MODES = tuple(mode.value for mode in ValidationMode)
_BOOLEAN = ("true", "false")

SETTINGS: dict[str, Setting] = {
    setting.name: setting
    for setting in (
        Setting(
            "websocket_ping_interval",
            "seconds between WebSocket pings; 0 turns them off",
            _seconds,
            _set_ping,
            _ping_of,
            applies=_websocket_only,
        ),
        Setting(
            "response_timeout",
            "seconds a CALL waits for its answer",
            _positive_seconds,
            _set_timeout,
            _timeout_of,
        ),
        Setting(
            "validation",
            "payload validation, both directions",
            ValidationMode.parse,
            _set_validation(True, True),
            _both_modes,
            _MODES,
        ),
        Setting(
            "validation_in",
            "validation of what the peer sends",
            ValidationMode.parse,
            _set_validation(True, False),
            _mode_of(True),
            _MODES,
        ),
        Setting(
            "validation_out",
            "validation of what we send",
            ValidationMode.parse,
            _set_validation(False, True),
            _mode_of(False),
            _MODES,
        ),
        Setting(
            "print_frames",
            "print frames, envelopes and link events (a --log file keeps getting them)",
            _boolean,
            _set_print,
            _print_of,
            _BOOLEAN,
            per_link=False,
        ),
        Setting(
            "print_xml",
            "print each SOAP envelope under its line",
            _boolean,
            _set_soap_flag("print_xml"),
            _soap_flag_of("print_xml"),
            _BOOLEAN,
            per_link=False,
            applies=_soap_only("print_xml"),
        ),
        Setting(
            "print_headers",
            "print the HTTP headers of each SOAP message",
            _boolean,
            _set_soap_flag("print_headers"),
            _soap_flag_of("print_headers"),
            _BOOLEAN,
            per_link=False,
            applies=_soap_only("print_headers"),
        ),
        Setting(
            "strict",
            "refuse SOAP 1.1, a missing wsa:MessageID, a wsa:Action not matching the body",
            _boolean,
            _set_strict,
            _soap_flag_of("strict"),
            _BOOLEAN,
            per_link=False,
            applies=_soap_only("strict"),
        ),
    )
}

_SHOWN = (
    "websocket_ping_interval",
    "response_timeout",
    "validation_in",
    "validation_out",
    "print_frames",
    "print_xml",
    "print_headers",
    "strict",
)


def _transports(websocket: bool, soap: bool) -> str:
    if websocket and soap:
        return "WebSocket and SOAP"
    return "WebSocket only" if websocket else "SOAP only"


def _targets(app: OcppConsole, side: str, which: str | None) -> list[Target]:
    """Every part ``set`` changes."""
    if side == "cs":
        cs = app.require_central_system()
        log = cs.options.log
        websocket, soap = cs.websocket_server is not None, cs.soap_server is not None
        if which is None:
            return [
                Target(
                    "central system",
                    cs.options,
                    [cs.links[cp_id] for cp_id in cs.charge_points],
                    log,
                    app.emit,
                    websocket=websocket,
                    soap=soap,
                    responders=(cs.soap_server.responder,) if cs.soap_server else (),
                    what=f"the central system serves {_transports(websocket, soap)}",
                    whole=True,
                )
            ]
        link = cs.link(which)
        on_soap = isinstance(link, SoapLink)
        return [
            Target(
                f"central system link to {link.charge_point_id}",
                None,
                [link],
                log,
                app.emit,
                websocket=not on_soap,
                soap=on_soap,
                what=f"{link.charge_point_id} is on {'SOAP' if on_soap else 'WebSocket'}",
            )
        ]
    cps = (
        [app.charge_point(which)]
        if which is not None
        else [app.charge_points[cp_id] for cp_id in app.own_ids()]
    )
    if not cps:
        app.charge_point(None)  # raises: no charge point is running
    out = []
    for cp in cps:
        links = [cp.link] if cp.link is not None and cp.connected else []
        on_soap = cp.transport == "soap"
        out.append(
            Target(
                f"charge point {cp.charge_point_id}",
                cp.options,
                links,
                cp.options.log,
                app.emit,
                websocket=not on_soap,
                soap=on_soap,
                responders=(cp.soap_server.responder,) if cp.soap_server else (),
                what=f"charge point {cp.charge_point_id} is on "
                f"{'SOAP' if on_soap else 'WebSocket'}",
            )
        )
    return out


def run_set(app: OcppConsole, side: str, words: Sequence[Token]) -> None:
    """``set cs|cp [KEY=VALUE ...] [--remote-id|--id CP]``: change, or show with no KEY."""
    option = "--remote-id" if side == "cs" else "--id"
    options, rest = take_options(words, {option: "id"})
    which = options.get("id")
    changes: list[tuple[Setting, Any]] = []
    for word in rest:
        try:
            assignment = parse_assignment(word.text)
        except FieldError as exc:
            raise ConsoleError(f"{exc}; keys: {', '.join(SETTINGS)}") from None
        setting = SETTINGS.get(assignment.name)
        if setting is None:
            raise ConsoleError(
                f"{assignment.name} is not a setting of set {side}; keys: {', '.join(SETTINGS)}"
            )
        if side == "cs" and which is not None and not setting.per_link:
            raise ConsoleError(f"{setting.name} applies to the whole cs; drop {option}")
        try:
            changes.append((setting, setting.parse(assignment.text)))
        except ValueError as exc:
            raise ConsoleError(f"{setting.name}: {exc}") from None

    def act() -> tuple[list[str], list[str]]:
        try:
            targets = _targets(app, side, which)
        except LookupError as exc:  # UnknownChargePoint
            raise ConsoleError(str(exc)) from None
        for setting, _ in changes:  # refuse a setting that applies to nothing, changing nothing
            reasons = [setting.applies(target) for target in targets]
            if all(reasons):
                raise ConsoleError(str(reasons[0]))
        lines, warnings = [], []
        for target in targets:
            names = []
            for setting, value in changes:
                if setting.applies(target) is None:
                    setting.apply(target, value)
                    names.append(setting.name)
                    if _shared_service(target, setting):
                        warnings.append(
                            f"SOAP requests to the central system are checked by its service "
                            f"for every charge point: set cs {setting.name}=... without "
                            f"{option} changes that"
                        )
            if changes and not names:
                reason = next(filter(None, (s.applies(target) for s, _ in changes)), "")
                lines.append(f"{target.label}: unchanged: {reason}")
                continue
            lines.append(_describe(target, names))
        return lines, warnings

    lines, warnings = app.in_loop(act)
    for line in lines:
        app.say(line)
    for warning in warnings:
        app.warn(warning)


def _shared_service(target: Target, setting: Setting) -> bool:
    """A validation of incoming requests set on one SOAP link of the central system."""
    return (
        setting.name in ("validation", "validation_in")
        and target.options is None
        and any(isinstance(link, SoapLink) for link in target.links)
    )


def _describe(target: Target, names: list[str]) -> str:
    shown = names or [name for name in _SHOWN if SETTINGS[name].applies(target) is None]
    values = " ".join(f"{name}={SETTINGS[name].show(target)}" for name in shown)
    links = [link.charge_point_id for link in target.links]
    scope = ""
    if target.whole:
        scope = f" (new links and {len(links)} connected{': ' + ', '.join(links) if links else ''})"
    return f"{target.label}{scope}: {values}"


def complete(app: OcppConsole, side: str, text: str, words: list[str]) -> Completions:
    option = "--remote-id" if side == "cs" else "--id"
    if words[-1] == option:
        return items(text, app.connected_ids() if side == "cs" else app.own_ids())
    if text.startswith("-"):
        return items(text, [option])
    if "=" in text:
        name = text.partition("=")[0]
        setting = SETTINGS.get(name)
        return items(text, [f"{name}={choice}" for choice in setting.choices] if setting else [])
    used = {word.partition("=")[0] for word in words[2:]}
    return items(
        text,
        [(f"{s.name}=", s.description) for s in SETTINGS.values() if s.name not in used],
        finalize=False,
    )

"""``set cs KEY=VALUE`` and ``set cp KEY=VALUE``: link settings, changed while links run.

cmd2's own ``set`` changes the console's settables (debug, echo, ...); the console's ``set``
takes ``cs`` or ``cp`` as its first word for link settings and hands every other form to
cmd2's. A link setting applies to the side's defaults (the central system's options, used by
charge points that connect later) and to its links now, or to one link with ``--remote-id`` /
``--id``. Links are touched on the loop thread: their timers and tasks live there.
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
from ocpptk.transport.link import OcppLink
from ocpptk.transport.log import FrameLog
from ocpptk.transport.websocket import LinkOptions

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
    """What one ``set`` changes: defaults (None with a single link), links, the frame log."""

    options: LinkOptions | None
    links: list[OcppLink]
    log: FrameLog | None
    printer: Callable[[str], None]


@dataclass(frozen=True)
class Setting:
    name: str
    description: str
    parse: Callable[[str], Any]
    apply: Callable[[Target, Any], None]
    show: Callable[[LinkOptions | OcppLink, FrameLog | None], str]
    choices: tuple[str, ...] = ()
    per_link: bool = True


def _set_ping(target: Target, value: float) -> None:
    if target.options is not None:
        target.options.ping_interval = value
    for link in target.links:
        link.ping_interval = value


def _set_timeout(target: Target, value: float) -> None:
    if target.options is not None:
        target.options.response_timeout = value
    for link in target.links:
        link.response_timeout = value


def _set_validation(incoming: bool, outgoing: bool) -> Callable[[Target, ValidationMode], None]:
    def apply(target: Target, mode: ValidationMode) -> None:
        holders: list[Any] = [link.connection for link in target.links]
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


def _ping_of(source: LinkOptions | OcppLink, _: FrameLog | None) -> str:
    return f"{source.ping_interval:g}"


def _timeout_of(source: LinkOptions | OcppLink, _: FrameLog | None) -> str:
    return f"{source.response_timeout:g}"


def _mode_of(incoming: bool) -> Callable[[LinkOptions | OcppLink, FrameLog | None], str]:
    def show(source: LinkOptions | OcppLink, _: FrameLog | None) -> str:
        holder: Any = source.connection if isinstance(source, OcppLink) else source
        return str((holder.incoming if incoming else holder.outgoing).value)

    return show


def _both_modes(source: LinkOptions | OcppLink, log: FrameLog | None) -> str:
    incoming, outgoing = _mode_of(True)(source, log), _mode_of(False)(source, log)
    return incoming if incoming == outgoing else f"in={incoming} out={outgoing}"


def _print_of(_: LinkOptions | OcppLink, log: FrameLog | None) -> str:
    return "true" if log is not None and log.printer is not None else "false"


_MODES = tuple(mode.value for mode in ValidationMode)

SETTINGS: dict[str, Setting] = {
    setting.name: setting
    for setting in (
        Setting(
            "websocket_ping_interval",
            "seconds between WebSocket pings; 0 turns them off",
            _seconds,
            _set_ping,
            _ping_of,
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
            "print frames and link events (a --log file keeps getting them)",
            _boolean,
            _set_print,
            _print_of,
            ("true", "false"),
            per_link=False,
        ),
    )
}

_SHOWN = ("websocket_ping_interval", "response_timeout", "validation_in", "validation_out")


def _targets(app: OcppConsole, side: str, which: str | None) -> list[tuple[str, Target]]:
    """(label, target) for every part ``set`` changes."""
    if side == "cs":
        cs = app.require_central_system()
        log = cs.options.log
        if which is None:
            links = [cs.server.links[cp_id] for cp_id in cs.charge_points]
            return [("central system", Target(cs.options, links, log, app.emit))]
        link = cs.link(which)
        return [
            (f"central system link to {link.charge_point_id}", Target(None, [link], log, app.emit))
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
        out.append(
            (
                f"charge point {cp.charge_point_id}",
                Target(cp.options, links, cp.options.log, app.emit),
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
        if which is not None and not setting.per_link:
            raise ConsoleError(f"{setting.name} applies to the whole {side}; drop {option}")
        try:
            changes.append((setting, setting.parse(assignment.text)))
        except ValueError as exc:
            raise ConsoleError(f"{setting.name}: {exc}") from None

    def act() -> list[str]:
        try:
            targets = _targets(app, side, which)
        except LookupError as exc:  # UnknownChargePoint
            raise ConsoleError(str(exc)) from None
        lines = []
        for label, target in targets:
            for setting, value in changes:
                setting.apply(target, value)
            lines.append(_describe(label, target, [s.name for s, _ in changes]))
        return lines

    for line in app.in_loop(act):
        app.say(line)


def _describe(label: str, target: Target, names: list[str]) -> str:
    shown = names or [*_SHOWN, "print_frames"]
    source: LinkOptions | OcppLink = target.options or target.links[0]
    values = " ".join(f"{name}={SETTINGS[name].show(source, target.log)}" for name in shown)
    links = [link.charge_point_id for link in target.links]
    scope = ""
    if target.options is not None and label == "central system":
        scope = f" (new links and {len(links)} connected{': ' + ', '.join(links) if links else ''})"
    return f"{label}{scope}: {values}"


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

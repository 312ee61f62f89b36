"""One console command per OCPP action, generated from the message models of 1.2, 1.5 and 1.6.

A charge point gets a command per action it may send, named after it in lower case
(``bootnotification``, ``heartbeat``, ``datatransfer``); the central system gets ``remote_`` and
the same (``remote_reset``, ``remote_datatransfer``). The commands are the union of the versions'
actions; each one speaks the version of the link it is sent on (the charge point's ``-p``, the
version a charge point connected with), and an action that version lacks is a one-line error
naming it. Each command builds its payload with the transport's ``request`` (the version's
example, then the simulator's values, then the user's ``field=value`` words), sends it, waits
for the answer and prints it. Help and completion come from the models too, so a new action
needs no console code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from cmd2 import CommandSet, Completions, Statement

from ocpptk.console.arguments import take_options, timeout_option
from ocpptk.console.completion import complete_words, items
from ocpptk.console.errors import ConsoleError
from ocpptk.console.exchange import exchange
from ocpptk.console.fields import (
    FieldError,
    check_names,
    coerce,
    describe_type,
    field_names,
    parse_assignments,
    payload_of,
    value_choices,
)
from ocpptk.console.parsers import SUPPORTED_VERSIONS
from ocpptk.console.tokens import split
from ocpptk.spec.catalog import Role, Version, actions
from ocpptk.spec.model import Action, Array, DataType, Object

if TYPE_CHECKING:
    from ocpptk.console.app import OcppConsole
    from ocpptk.transport.charge_point import ChargePoint

__all__ = [
    "ActionCommands",
    "CentralSystemActions",
    "ChargePointActions",
    "command_name",
    "send_from",
    "versions_of",
]

VERSIONS = SUPPORTED_VERSIONS  # newest first: help describes an action as its newest version does


def versions_of(action: str) -> list[Version]:
    """The versions that have ``action``, newest first."""
    return [version for version in VERSIONS if action in actions(version)]


def _missing(action: str, version: Version, who: str) -> ConsoleError:
    having = [v.value for v in reversed(versions_of(action))]
    names = " and ".join(having) if len(having) < 3 else ", ".join(having)
    verb = "has" if len(having) == 1 else "have"
    return ConsoleError(
        f"{who} speaks OCPP {version.value}, which has no {action} (OCPP {names} {verb} it)"
    )


# Bare words (no ``=``) that stand for fields, in order: ``authorize TAG``.
POSITIONAL: dict[str, tuple[str, ...]] = {"Authorize": ("idTag",)}


def _positional(action: str, texts: list[str]) -> list[str]:
    """``texts`` with its bare words turned into ``field=word`` where ``action`` allows."""
    names = iter(POSITIONAL.get(action, ()))
    found = []
    for text in texts:
        if "=" not in text:
            name = next(names, None)
            if name is not None:
                text = f"{name}={text}"
        found.append(text)
    return found


def command_name(role: Role, action: str) -> str:
    """``bootnotification`` for a charge point, ``remote_reset`` for the central system."""
    prefix = "remote_" if role is Role.CENTRAL_SYSTEM else ""
    return prefix + action.lower()


def send_from(
    app: OcppConsole,
    cp: ChargePoint,
    action: str,
    fields: dict[str, Any],
    timeout: float | None = None,
) -> None:
    """Send ``action`` from charge point ``cp`` (the payload ``cp.request`` builds from
    ``fields``), wait for the answer and print it."""

    async def call() -> dict[str, Any]:
        return await cp.call(action, cp.request(action, fields), timeout=timeout)

    exchange(app, action, call(), link=cp.link, timeout=timeout or cp.options.response_timeout)


class ActionCommands(CommandSet["OcppConsole"]):
    """What the generated commands of one role share; subclasses say how to reach the peer."""

    ROLE: ClassVar[Role]
    TARGET_OPTION: ClassVar[str]  # the option naming the charge point: --id or --remote-id
    PEER: ClassVar[str]  # who receives the CALLs, for help texts

    def run_action(self, action: str, statement: Statement) -> None:
        """Parse ``field=value`` words and options, send ``action``, print the answer."""
        command = command_name(self.ROLE, action)
        options, words = take_options(
            split(statement.args), {self.TARGET_OPTION: "target", "--timeout": "timeout"}
        )
        timeout = timeout_option(options)
        target = options.get("target")
        version, who = self.version_of(target)
        if action not in actions(version):
            raise _missing(action, version, who)
        try:
            assignments = parse_assignments(_positional(action, [word.text for word in words]))
            warnings = check_names(version, action, assignments)
        except FieldError as exc:
            raise ConsoleError(str(exc)) from None
        for warning in warnings:
            self._cmd.warn(f"{command}: {warning}")
        fields = payload_of(coerce(version, action, assignments))
        self.send(action, fields, target, timeout)

    def version_of(self, target: str | None) -> tuple[Version, str]:
        """The version spoken with ``target`` (None: the only one) and who that is; raises
        ConsoleError when there is no such target."""
        raise NotImplementedError

    def send(
        self, action: str, fields: dict[str, Any], target: str | None, timeout: float | None
    ) -> None:
        raise NotImplementedError

    def target_ids(self) -> list[str]:
        raise NotImplementedError

    def completion_version(self, action: str, words: list[str]) -> Version:
        """The version to complete ``action``'s fields in: the target's (named in ``words``,
        or the only one) when it has the action, else the newest version that has it."""
        target = None
        option = self.TARGET_OPTION
        for index, word in enumerate(words):
            if word == option and index + 1 < len(words):
                target = words[index + 1]
            elif word.startswith(option + "="):
                target = word.partition("=")[2]
        try:
            version, _ = self.version_of(target)
        except ConsoleError:
            version = VERSIONS[0]
        return version if action in actions(version) else versions_of(action)[0]

    def complete_fields(
        self, action: str, text: str, line: str, begidx: int, endidx: int
    ) -> Completions:
        """Field names, then enumeration values after ``name=``, ids after the target option."""
        words = complete_words(line, begidx)
        if words is None:
            return Completions()
        previous = words[-1] if len(words) > 1 else ""
        if previous == self.TARGET_OPTION:
            return items(text, self.target_ids())
        if previous == "--timeout":
            return Completions()
        if text.startswith("-"):
            return items(text, [self.TARGET_OPTION, "--timeout"])
        version = self.completion_version(action, words)
        if "=" in text:
            name = text.partition("=")[0]
            return items(
                text, [f"{name}={value}" for value in value_choices(version, action, name)]
            )
        used = {word.partition("=")[0] for word in words[1:]}
        return items(
            text,
            [
                (f"{name}=", describe_type(data_type))
                for name, data_type in field_names(version, action)
                if name not in used
            ],
            finalize=False,
        )


class ChargePointActions(ActionCommands):
    """The CALLs a charge point sends to the central system."""

    DEFAULT_CATEGORY = "Charge point: OCPP calls to the central system"
    ROLE = Role.CHARGE_POINT
    TARGET_OPTION = "--id"
    PEER = "the central system"

    def version_of(self, target: str | None) -> tuple[Version, str]:
        cp = self._cmd.charge_point(target)
        return cp.version, f"charge point {cp.charge_point_id}"

    def send(
        self, action: str, fields: dict[str, Any], target: str | None, timeout: float | None
    ) -> None:
        send_from(self._cmd, self._cmd.charge_point(target), action, fields, timeout)

    def target_ids(self) -> list[str]:
        return self._cmd.own_ids()


class CentralSystemActions(ActionCommands):
    """The CALLs the central system sends to a charge point."""

    DEFAULT_CATEGORY = "Central system: OCPP calls to a charge point"
    ROLE = Role.CENTRAL_SYSTEM
    TARGET_OPTION = "--remote-id"
    PEER = "a charge point"

    def version_of(self, target: str | None) -> tuple[Version, str]:
        link = self._cmd.central_link(target)
        return link.connection.version, f"charge point {link.charge_point_id}"

    def send(
        self, action: str, fields: dict[str, Any], target: str | None, timeout: float | None
    ) -> None:
        cs = self._cmd.require_central_system()
        link = self._cmd.central_link(target)
        peer = link.charge_point_id

        async def call() -> dict[str, Any]:
            payload = cs.request(peer, action, fields)
            return await link.call(action, payload, timeout=timeout)

        exchange(
            self._cmd,
            action,
            call(),
            link=link,
            peer=peer,
            timeout=timeout or link.response_timeout,
        )

    def target_ids(self) -> list[str]:
        return self._cmd.connected_ids()


def _fields(obj: Object, prefix: str = "") -> Iterator[tuple[str, DataType, bool]]:
    for field in obj.fields:
        yield prefix + field.name, field.type, field.required
        if isinstance(field.type, Object):
            yield from _fields(field.type, f"{prefix}{field.name}.")


def _example(act: Action) -> str:
    words = []
    for field in act.request.fields:
        value = field.example
        if isinstance(value, bool):
            words.append(f"{field.name}={'true' if value else 'false'}")
        elif isinstance(value, int | float) or (
            isinstance(value, str) and " " not in value and '"' not in value
        ):
            words.append(f"{field.name}={value}")
        if len(words) == 2:
            break
    return " ".join(words)


def _field_lines(act: Action) -> list[str]:
    fields = list(_fields(act.request))
    if not fields:
        return [f"  {act.name} has no fields."]
    width = max(len(name) for name, _, _ in fields) + 2
    lines = []
    for name, data_type, required in fields:
        mark = "*" if required else " "
        suffix = "  (give the whole list as JSON)" if isinstance(data_type, Array) else ""
        lines.append(f"  {name + mark:<{width}}{describe_type(data_type)}{suffix}")
    return lines


def _doc(cls: type[ActionCommands], name: str) -> str:
    command = command_name(cls.ROLE, name)
    having = versions_of(name)
    act = actions(having[0])[name]
    summary = act.doc or f"The {act.name} operation."
    names = ", ".join(v.value for v in reversed(having))
    lacking = [v.value for v in reversed(VERSIONS) if v not in having]
    where = f"In OCPP {names}" + (f" (not in {', '.join(lacking)})" if lacking else "") + "."
    lines = [
        f"{summary} Sends {act.name} to {cls.PEER} and prints the answer.",
        "",
        f"Usage: {command} [FIELD=VALUE ...] [{cls.TARGET_OPTION} CP] [--timeout SECONDS]",
        "",
        f"{where} The payload is of the version the link speaks.",
        f"Fields of {act.name} in OCPP {having[0].value} (* required; those not given keep "
        "the simulator's values):",
        *_field_lines(act),
    ]
    shown = lines[-len(_field_lines(act)) :]
    for version in having[1:]:
        older = _field_lines(actions(version)[name])
        if older == shown:
            lines.append(f"The same in OCPP {version.value}.")
        else:
            lines += [f"Fields in OCPP {version.value}:", *older]
            shown = older
    lines.append("")
    example = _example(act)
    if example:
        lines.append(f"Example: {command} {example}")
    lines.append(
        f"{cls.TARGET_OPTION} picks the charge point when there are several; "
        "'help fields' tells how values are read."
    )
    return "\n".join(lines)


def _make_command(cls: type[ActionCommands], name: str) -> None:
    command = command_name(cls.ROLE, name)
    action_name = name

    def do_action(self: ActionCommands, statement: Statement) -> None:
        self.run_action(action_name, statement)

    def complete_action(
        self: ActionCommands, text: str, line: str, begidx: int, endidx: int
    ) -> Completions:
        return self.complete_fields(action_name, text, line, begidx, endidx)

    functions: list[tuple[str, Callable[..., Any]]] = [
        (f"do_{command}", do_action),
        (f"complete_{command}", complete_action),
    ]
    for function_name, function in functions:
        function.__name__ = function_name
        function.__qualname__ = f"{cls.__name__}.{function_name}"
        setattr(cls, function_name, function)
    do_action.__doc__ = _doc(cls, name)


def _union() -> dict[str, list[Action]]:
    """Every action name of the versions, the newest first, with its definitions."""
    found: dict[str, list[Action]] = {}
    for version in VERSIONS:
        for act in actions(version).values():
            found.setdefault(act.name, []).append(act)
    return found


for _cls in (ChargePointActions, CentralSystemActions):
    for _name, _definitions in _union().items():
        if any(_cls.ROLE.may_send(definition) for definition in _definitions):
            _make_command(_cls, _name)

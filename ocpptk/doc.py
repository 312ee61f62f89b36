"""``ocpptk doc``: an example of every request and response of an OCPP version, as on the wire.

Each action's example request and response come from the message model
(:func:`ocpptk.spec.examples.example_payload`; ``--full`` adds the optional fields) and are
printed as they travel:

* OCPP-J: a CALL and its CALLRESULT (OCPP-J 1.6 section 4.2), built as
  :class:`~ocpptk.rpc.frames.Call` / :class:`~ocpptk.rpc.frames.CallResult` and laid out over
  several lines (the wire carries the same JSON on one line);
* SOAP: the request envelope, with its ``chargeBoxIdentity`` and WS-Addressing headers, and
  the response envelope, made by the same cores the SOAP transport uses
  (:class:`~ocpptk.soap.session.SoapCaller` writes the request, a
  :class:`~ocpptk.soap.session.SoapResponder` reads it and writes the answer), with the HTTP
  ``Content-Type`` of each.

Both are checked on the way: the payloads against the version's JSON schema, the SOAP bodies
against the WSDL's XML schema; a failure is reported (exit 1), never printed as an example.

The output is the same on every run: times come from the model's examples, unique ids are
``example-NN`` (NN: the action's place in the version's list) and MessageIDs
``urn:uuid:00000000-0000-4000-8000-000000NN000K`` (K: 1 request and 2 response of the charge
point's call, 3 and 4 of the central system's), the charge point is ``CP001``, the central
system's service is at ``http://127.0.0.1:9000/`` and the charge point's at
``http://127.0.0.1:9001/``.

Defaults: OCPP 1.6; JSON for 1.6 (OCPP-J is how 1.6 is run), JSON and SOAP for 1.2 and 1.5
(SOAP is how they are run in the field; their OCPP-J variant uses the subprotocols
``ocpp1.2`` / ``ocpp1.5``). ``--json`` or ``--soap`` picks one; both flags give both.

Exit codes: 0 printed; 1 an example failed its own checks (a bug in the model); 2 a bad
command line (an unknown version or action is one line naming the valid choices).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from ocpptk.rpc.connection import LocalValidationError
from ocpptk.rpc.errors import OcppError
from ocpptk.rpc.frames import Call, CallResult, Frame, dumps
from ocpptk.rpc.validation import Validators
from ocpptk.soap.session import Reply, Request, SoapCaller, SoapResponder
from ocpptk.spec import wsdl_gen
from ocpptk.spec.catalog import Role, Version, actions
from ocpptk.spec.examples import example_payload
from ocpptk.spec.model import Action, Direction
from ocpptk.spec.schemas import load_schema
from ocpptk.transport.soap_log import pretty_xml

__all__ = [
    "CENTRAL_SYSTEM_URL",
    "CHARGE_POINT_ID",
    "CHARGE_POINT_URL",
    "VERSIONS",
    "DocError",
    "SoapExchange",
    "default_formats",
    "describe_direction",
    "describe_service",
    "find_action",
    "format_frame",
    "json_frames",
    "list_actions",
    "main",
    "message_id",
    "render",
    "senders",
    "soap_exchange",
    "unique_id",
]

VERSIONS = (Version.V12, Version.V15, Version.V16)
CHARGE_POINT_ID = "CP001"
CENTRAL_SYSTEM_URL = "http://127.0.0.1:9000/"
CHARGE_POINT_URL = "http://127.0.0.1:9001/"

JSON = "json"
SOAP = "soap"

_DIRECTIONS = {
    Direction.CP_TO_CS: "charge point -> central system",
    Direction.CS_TO_CP: "central system -> charge point",
    Direction.BOTH: "both directions",
}
_WHO = {Role.CHARGE_POINT: "the charge point", Role.CENTRAL_SYSTEM: "the central system"}


class DocError(Exception):
    """An example failed its own checks: the model, a schema or the codec disagree."""


# -- what an action is ---------------------------------------------------------------------


def describe_direction(act: Action) -> str:
    """``charge point -> central system``, ``central system -> charge point`` or ``both
    directions``: who sends the request."""
    return _DIRECTIONS[act.direction]


def senders(act: Action) -> tuple[Role, ...]:
    """Who may send the request of ``act``: the charge point first when both may."""
    return tuple(role for role in (Role.CHARGE_POINT, Role.CENTRAL_SYSTEM) if role.may_send(act))


def describe_service(act: Action) -> str:
    """The SOAP service that has the operation: the one the receiver of the request serves."""
    return " and ".join(wsdl_gen.service_name(sender.peer) for sender in senders(act))


def _number(version: Version, act: Action) -> int:
    return list(actions(version)).index(act.name) + 1


def unique_id(version: Version, act: Action) -> str:
    """The OCPP-J unique id of the example: ``example-02`` for the 2nd action of the version."""
    return f"example-{_number(version, act):02d}"


def message_id(version: Version, act: Action, sender: Role, request: bool) -> str:
    """The WS-Addressing MessageID of an example envelope, a UUID as peers send, but fixed:
    ``...-000000020001`` is the charge point's request of the 2nd action, ``...0002`` its
    response; ``0003`` and ``0004`` are a request of the central system and its response."""
    serial = (0 if sender is Role.CHARGE_POINT else 2) + (1 if request else 2)
    return f"urn:uuid:00000000-0000-4000-8000-{_number(version, act):08d}{serial:04d}"


def find_action(version: Version, name: str) -> Action | None:
    """The action of ``version`` called ``name``, in any case (``bootnotification``)."""
    wanted = name.strip().lower()
    for act in actions(version).values():
        if act.name.lower() == wanted:
            return act
    return None


def default_formats(version: Version) -> tuple[str, ...]:
    """JSON for 1.6; JSON and SOAP for 1.2 and 1.5."""
    return (JSON,) if version is Version.V16 else (JSON, SOAP)


# -- the examples --------------------------------------------------------------------------


def _payloads(version: Version, act: Action, full: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        example_payload(version, act.name, True, include_optional=full),
        example_payload(version, act.name, False, include_optional=full),
    )


def json_frames(
    version: Version, act: Action, *, full: bool = False, validators: Validators | None = None
) -> tuple[Call, CallResult]:
    """The CALL and CALLRESULT of ``act``; with ``validators``, both payloads checked."""
    request, response = _payloads(version, act, full)
    if validators is not None:
        for payload, is_request in ((request, True), (response, False)):
            error = validators.check(version, act.name, is_request, payload)
            if error is not None:
                raise DocError(f"the example of {act.name} is invalid: {error.description}")
    frame_id = unique_id(version, act)
    return Call(frame_id, act.name, request), CallResult(frame_id, response)


def format_frame(frame: Frame) -> str:
    """The frame's JSON with the payload laid out one field a line: still one JSON value."""
    elements = json.loads(dumps(frame))
    payload = elements.pop()
    head = json.dumps(elements, ensure_ascii=False)[:-1]
    body = json.dumps(payload, indent=2, ensure_ascii=False)
    return f"{head}, {body}]"


@dataclass(frozen=True)
class SoapExchange:
    """One request envelope POSTed by ``sender`` to ``url``, and the envelope that answers it."""

    sender: Role
    url: str
    request: Request
    reply: Reply

    @property
    def service(self) -> Role:
        """The role that serves the operation."""
        return self.sender.peer


def soap_exchange(
    version: Version,
    act: Action,
    sender: Role,
    *,
    full: bool = False,
    validators: Validators | None = None,
) -> SoapExchange:
    """``sender``'s request of ``act`` and the answer, written and read by the SOAP cores."""
    request_payload, response_payload = _payloads(version, act, full)
    service = sender.peer
    url = CENTRAL_SYSTEM_URL if service is Role.CENTRAL_SYSTEM else CHARGE_POINT_URL
    request_id = message_id(version, act, sender, True)
    response_id = message_id(version, act, sender, False)
    caller = SoapCaller(
        sender,
        version,
        CHARGE_POINT_ID,
        validators=validators,
        peer_url=url,
        # As ocpptk's charge point does: its own service's address, for the callbacks. Our
        # central system sends no wsa:From (the charge point has no use for it).
        from_address=CHARGE_POINT_URL if sender is Role.CHARGE_POINT else None,
        id_generator=lambda: request_id,
    )
    try:
        caller.send_call(act.name, request_payload)
    except LocalValidationError as exc:
        raise DocError(f"the example request of {act.name} is invalid: {exc}") from None
    (request,) = caller.data_to_send()
    responder = SoapResponder(
        service, [version], validators=validators, id_generator=lambda: response_id
    )
    inbound = responder.receive_request(request.body, request.content_type)
    if inbound.message is None:
        reason = inbound.reply.fault.reason if inbound.reply and inbound.reply.fault else "?"
        raise DocError(f"the example request of {act.name} was refused: {reason}")
    reply = responder.answer(inbound.message, response_payload, inbound)
    if reply.fault is not None:
        raise DocError(f"the example response of {act.name} was refused: {reply.fault.reason}")
    return SoapExchange(sender, url, request, reply)


# -- the text ------------------------------------------------------------------------------


def _plain(text: str) -> str:
    return text.replace("``", "`")


def _heading(act: Action) -> str:
    return f"== {act.name}: {describe_direction(act)}, {describe_service(act)} =="


def _json_block(version: Version, act: Action, full: bool, validators: Validators) -> list[str]:
    call, result = json_frames(version, act, full=full, validators=validators)
    if act.direction is Direction.BOTH:
        asker, answerer = "either side", "the other side"
    else:
        asker = _WHO[senders(act)[0]]
        answerer = _WHO[senders(act)[0].peer]
    return [
        f"OCPP-J ({version.subprotocol}) CALL, from {asker}:",
        format_frame(call),
        "",
        f"CALLRESULT, from {answerer}:",
        format_frame(result),
        "",
    ]


def _soap_block(version: Version, act: Action, full: bool, validators: Validators) -> list[str]:
    lines: list[str] = []
    for sender in senders(act):
        exchange = soap_exchange(version, act, sender, full=full, validators=validators)
        service = wsdl_gen.service_name(exchange.service)
        namespace = wsdl_gen.target_namespace(version, exchange.service)
        lines += [
            f"SOAP request to the {service} ({namespace}), from {_WHO[sender]}:",
            f"POST {exchange.url}",
            f"Content-Type: {exchange.request.content_type}",
            pretty_xml(exchange.request.body),
            "",
            f"SOAP response, from {_WHO[exchange.service]}:",
            f"HTTP {exchange.reply.status}",
            f"Content-Type: {exchange.reply.content_type}",
            pretty_xml(exchange.reply.body),
            "",
        ]
    return lines


def render(
    version: Version,
    selected: Sequence[Action] | None = None,
    formats: Sequence[str] | None = None,
    *,
    full: bool = False,
) -> str:
    """The examples of ``selected`` (default: every action of ``version``) as ``ocpptk doc``
    prints them; ``formats`` holds ``"json"`` and/or ``"soap"`` (default: the version's)."""
    chosen = tuple(formats) if formats else default_formats(version)
    everything = selected is None
    todo = list(actions(version).values()) if selected is None else list(selected)
    validators = Validators(load_schema)
    lines: list[str] = []
    if everything:
        kinds = " and ".join(
            f"OCPP-J frames ({version.subprotocol})" if kind == JSON else "SOAP 1.2 envelopes"
            for kind in chosen
        )
        fill = "with their optional fields" if full else "required fields only (--full: all)"
        lines += [
            f"OCPP {version.value}: {len(todo)} actions, as {kinds}; {fill}.",
            f"Ids, times and addresses are fixed examples; the charge point is {CHARGE_POINT_ID}.",
            "",
        ]
    for act in todo:
        lines += [_heading(act), _plain(act.doc), ""]
        if JSON in chosen:
            lines += _json_block(version, act, full, validators)
        if SOAP in chosen:
            lines += _soap_block(version, act, full, validators)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def list_actions(version: Version) -> str:
    """One line per action: name, who sends the request, the service; the 1.6 feature profile."""
    found = list(actions(version).values())
    profiles = version is Version.V16
    rows = [
        (act.name, describe_direction(act))
        + ((act.profile,) if profiles else ())
        + (describe_service(act),)
        for act in found
    ]
    columns = "name, direction, " + ("feature profile, " if profiles else "") + "service"
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]) - 1)]
    lines = [f"OCPP {version.value}: {len(found)} actions ({columns})"]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines) + "\n"


# -- the command ---------------------------------------------------------------------------

_PROG = "ocpptk doc"


class _Parser(argparse.ArgumentParser):
    """Errors in one line, with a hint, as the rest of ocpptk's command line."""

    def error(self, message: str) -> NoReturn:
        _fail(f"{message} (see '{_PROG} --help')")


def _fail(message: str) -> NoReturn:
    sys.stderr.write(f"Error: {_PROG}: {message}\n")
    sys.stderr.flush()
    raise SystemExit(2)


def _parser() -> _Parser:
    parser = _Parser(
        prog=_PROG,
        description="Print an example of every request and response of an OCPP version (or "
        "of one action), as OCPP-J frames and/or SOAP envelopes, built from the message model "
        "and the WSDL by ocpptk's own codecs. The output is the same on every run.",
        epilog="Defaults: OCPP 1.6, as OCPP-J frames; for 1.2 and 1.5 both OCPP-J frames and "
        "SOAP envelopes (SOAP is how they run in the field). Exit codes: 0 printed, 1 an "
        "example failed its checks, 2 a bad command line.",
    )
    parser.add_argument(
        "action",
        nargs="?",
        metavar="ACTION",
        help="one action, in any case (BootNotification, bootnotification); default: all",
    )
    parser.add_argument(
        "--version",
        default=Version.V16.value,
        metavar="VERSION",
        help="the OCPP version: 1.2, 1.5 or 1.6 (also ocpp1.5, 15) (default %(default)s)",
    )
    parser.add_argument(
        "--json", action="store_true", help="OCPP-J: the CALL and CALLRESULT frames"
    )
    parser.add_argument(
        "--soap",
        action="store_true",
        help="SOAP 1.2: the request and response envelopes, with their HTTP Content-Type",
    )
    parser.add_argument(
        "--full", action="store_true", help="fill in the optional fields too (default: required)"
    )
    parser.add_argument(
        "--list",
        action="store_true",
        help="list the version's actions with who sends them and their service, then exit",
    )
    return parser


def _version(text: str) -> Version:
    choices = ", ".join(version.value for version in VERSIONS)
    try:
        version = Version.parse(text)
    except ValueError:
        _fail(f"unknown OCPP version {text!r} (choose from {choices})")
    if version not in VERSIONS:
        _fail(f"OCPP {version.value} has no actions in ocpptk (choose from {choices})")
    return version


def _action(version: Version, name: str) -> Action:
    found = find_action(version, name)
    if found is not None:
        return found
    elsewhere = [
        other.value for other in VERSIONS if other is not version and find_action(other, name)
    ]
    hint = f"; it is an action of OCPP {', '.join(elsewhere)}" if elsewhere else ""
    choices = ", ".join(actions(version))
    _fail(f"OCPP {version.value} has no action {name!r}{hint} (choose from {choices})")


def main(argv: Sequence[str] | None = None) -> int:
    """``ocpptk doc [ACTION] [--version V] [--json] [--soap] [--full] [--list]``; the exit code."""
    try:
        args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
        version = _version(args.version)
        if args.list:
            if args.action is not None:
                _fail("--list lists every action: give no ACTION with it")
            text = list_actions(version)
        else:
            selected = None if args.action is None else [_action(version, args.action)]
            formats = [kind for kind, wanted in ((JSON, args.json), (SOAP, args.soap)) if wanted]
            text = render(version, selected, formats, full=args.full)
    except SystemExit as exc:  # --help, or a bad command line (already reported)
        return exc.code if isinstance(exc.code, int) else 0
    except (DocError, OcppError) as exc:
        sys.stderr.write(f"Error: {_PROG}: {exc}\n")
        return 1
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # `ocpptk doc | head`: the reader has all it wants
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit
    return 0

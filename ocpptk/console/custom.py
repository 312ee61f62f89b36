"""``send`` and ``send_raw``: messages the schemas would refuse, sent on purpose.

``send ACTION [JSON]`` sends a CALL in a well-formed frame (over SOAP: the operation's body in a
valid envelope) with validation off for it, and waits for the answer like an action command.

``send_raw TEXT`` sends any text. Over WebSocket it is one frame; when the text is a CALL with a
unique id, the command waits for the frame answering that id (the link does not know the id, so
it reports the answer as unexpected) and prints it. Over SOAP the text is POSTed as the body of
an HTTP request to the peer's endpoint, in turn with the link's other requests, and the command
prints what the answer carries: a payload, a Fault, or an HTTP error.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from ocpptk.console.arguments import Options, leading_options, trailing_options
from ocpptk.console.errors import ConsoleError
from ocpptk.console.tokens import Token, split, unquote
from ocpptk.rpc.errors import CallTimeout, LinkClosed, LocalProtocolError, OcppError
from ocpptk.rpc.events import Event, UnexpectedMessage
from ocpptk.rpc.frames import CallError, CallResult, Frame
from ocpptk.soap.session import HttpStatusError
from ocpptk.transport.link import Link, OcppLink
from ocpptk.transport.soap import SoapLink

if TYPE_CHECKING:
    from ocpptk.console.app import OcppConsole

__all__ = [
    "parse_raw",
    "parse_send",
    "past_options",
    "raw_answer_line",
    "send_raw_and_wait",
    "send_raw_command",
    "soap_raw_answer_line",
]


def _text(args: str, tokens: list[Token]) -> str:
    return args[tokens[0].start : tokens[-1].end] if tokens else ""


def parse_send(args: str, names: dict[str, str]) -> tuple[Options, str, Any]:
    """``[options] ACTION [JSON] [options]`` -> (options, action, payload); {} without JSON."""
    options, rest = leading_options(split(args), names)
    rest = trailing_options(rest, names, options)
    if not rest:
        raise ConsoleError("say which action to send, then its payload as JSON (default {})")
    action = unquote(rest[0].text)
    if not action:
        raise ConsoleError("the action name is empty")
    text = _text(args, rest[1:])
    if len(rest) == 2 and text[:1] == "'":
        text = unquote(text)
    if not text:
        return options, action, {}
    try:
        payload = json.loads(text)
    except ValueError as exc:
        raise ConsoleError(f"the payload is not JSON: {exc}") from None
    return options, action, payload


def parse_raw(args: str, names: dict[str, str]) -> tuple[Options, str]:
    """``[options] [--] TEXT`` -> (options, text). One quoted word loses its quotes.

    With a ``--file`` option (when ``names`` has one) the text is the file's, and TEXT must
    be absent."""
    options, rest = leading_options(split(args), names)
    text = _text(args, rest)
    path = options.get("file")
    if path is not None:
        if text:
            raise ConsoleError("give TEXT or --file FILE, not both")
        try:
            with open(path, encoding="utf-8") as source:
                return options, source.read()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else str(exc)
            raise ConsoleError(f"cannot read {path}: {reason}") from None
    if not text:
        raise ConsoleError("say what to send: any text, as one frame (or the body, over SOAP)")
    if len(rest) == 1:
        word = rest[0].text
        if word[:1] == '"' and word[-1:] == '"' and len(word) >= 2:
            try:
                decoded = json.loads(word)
            except ValueError:
                decoded = unquote(word)
            text = decoded if isinstance(decoded, str) else unquote(word)
        else:
            text = unquote(word)
    return options, text


def past_options(words: list[str], names: Collection[str]) -> bool:
    """True once the words (the command first) hold TEXT: options may no longer come."""
    index = 1
    while index < len(words):
        word = words[index]
        if word == "--":
            return True
        if word in names:
            index += 2
            continue
        if word.partition("=")[0] in names:
            index += 1
            continue
        return True
    return False


def call_id(text: str) -> str | None:
    """The unique id of ``text`` if it is a CALL frame, so its answer can be awaited."""
    try:
        frame = json.loads(text)
    except ValueError:
        return None
    if isinstance(frame, list) and len(frame) >= 2 and frame[0] == 2 and isinstance(frame[1], str):
        return frame[1]
    return None


async def send_raw_and_wait(link: OcppLink, text: str, timeout: float) -> Frame | None:
    """Send ``text``; if it is a CALL, the frame answering it (None if none came in time)."""
    unique_id = call_id(text)
    answer: asyncio.Future[Frame] = asyncio.get_running_loop().create_future()

    def listen(event: Event) -> None:
        if (
            isinstance(event, UnexpectedMessage)
            and event.frame.unique_id == unique_id
            and not answer.done()
        ):
            answer.set_result(event.frame)

    link.event_listeners.append(listen)
    try:
        link.send_raw(text)
        if unique_id is None:
            return None
        try:
            return await asyncio.wait_for(answer, timeout)
        except TimeoutError:
            return None
    finally:
        link.event_listeners.remove(listen)


def raw_answer_line(frame: Frame, peer: str | None = None) -> str:
    source = f" from {peer}" if peer else ""
    if isinstance(frame, CallResult):
        payload = json.dumps(frame.payload, ensure_ascii=False)
        return f"answer{source} to raw CALL {frame.unique_id}: CALLRESULT {payload}"
    if isinstance(frame, CallError):
        details = json.dumps(frame.error_details or {}, ensure_ascii=False)
        return (
            f"answer{source} to raw CALL {frame.unique_id}: CALLERROR {frame.error_code}: "
            f"{frame.error_description} {details}"
        )
    return f"answer{source}: {frame!r}"


async def soap_raw(link: SoapLink, text: str) -> dict[str, Any]:
    """POST ``text`` as the body; the answer's payload (the link's timeout applies)."""
    return await link.send_raw(text)


def soap_raw_answer_line(
    outcome: dict[str, Any] | OcppError | HttpStatusError, peer: str | None = None
) -> str:
    source = f" from {peer}" if peer else ""
    if isinstance(outcome, OcppError):
        details = f" {json.dumps(outcome.details, ensure_ascii=False)}" if outcome.details else ""
        if outcome.received_code is None:
            return f"answer{source} to the raw message is unreadable: {outcome.description}"
        return f"answer{source} to the raw message: Fault {outcome.received_code}: " + (
            f"{outcome.description}{details}"
        )
    if isinstance(outcome, HttpStatusError):
        return f"answer{source} to the raw message: {outcome}"
    return f"answer{source} to the raw message: {json.dumps(outcome, ensure_ascii=False)}"


def send_raw_command(app: OcppConsole, link: Link, text: str, peer: str | None = None) -> None:
    """What ``send_raw`` and ``remote_send_raw`` do, on a link of either transport."""
    timeout = link.response_timeout
    if isinstance(link, SoapLink):
        outcome: dict[str, Any] | OcppError | HttpStatusError
        try:
            outcome = app.run(soap_raw(link, text))
        except (OcppError, HttpStatusError) as exc:
            outcome = exc
        except CallTimeout:
            raise ConsoleError(f"no answer to the raw message within {timeout:g} s") from None
        except LinkClosed:
            raise ConsoleError("the link closed before the answer to the raw message") from None
        except (ConnectionError, LocalProtocolError) as exc:
            raise ConsoleError(str(exc)) from None
        app.say(soap_raw_answer_line(outcome, peer))
        return
    if not isinstance(link, OcppLink):  # pragma: no cover - every link is one or the other
        raise ConsoleError(f"send_raw cannot send on a {type(link).__name__}")
    try:
        answer = app.run(send_raw_and_wait(link, text, timeout))
    except LocalProtocolError as exc:
        raise ConsoleError(str(exc)) from None
    if answer is not None:
        app.say(raw_answer_line(answer, peer))

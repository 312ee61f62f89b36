"""``send`` and ``send_raw``: frames the schemas would refuse, sent on purpose.

``send ACTION [JSON]`` sends a CALL in a well-formed frame with validation off for it, and waits
for the answer like an action command. ``send_raw TEXT`` puts any text on the wire as one frame;
when the text is a CALL with a unique id, the command waits for the frame answering that id
(the link does not know the id, so it reports the answer as unexpected) and prints it.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from ocpptk.console.arguments import Options, leading_options, trailing_options
from ocpptk.console.errors import ConsoleError
from ocpptk.console.tokens import Token, split, unquote
from ocpptk.rpc.events import Event, UnexpectedMessage
from ocpptk.rpc.frames import CallError, CallResult, Frame
from ocpptk.transport.link import OcppLink

__all__ = ["parse_raw", "parse_send", "raw_answer_line", "send_raw_and_wait"]


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
    """``[options] [--] TEXT`` -> (options, text). One quoted word loses its quotes."""
    options, rest = leading_options(split(args), names)
    text = _text(args, rest)
    if not text:
        raise ConsoleError("say what to send: any text, as one frame")
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

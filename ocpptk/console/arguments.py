"""Options among the words of the commands that parse their own arguments.

Action commands, ``send`` and ``send_raw`` take payload text that argparse would mangle, so they
split lines with ``tokens.split`` and pick their few options (``--id CP``, ``--timeout S``) out
here. An option is ``--name VALUE`` or ``--name=VALUE``; ``--`` ends the options.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from ocpptk.console.errors import ConsoleError
from ocpptk.console.tokens import Token, unquote

__all__ = ["Options", "leading_options", "take_options", "timeout_option", "trailing_options"]

Options = dict[str, str]


def _match(token: Token, names: Mapping[str, str]) -> tuple[str, str | None] | None:
    """(option name, inline value) if ``token`` is one of ``names``."""
    name, equals, inline = token.text.partition("=")
    if name in names:
        return name, inline if equals else None
    return None


def _store(options: Options, names: Mapping[str, str], name: str, value: str) -> None:
    key = names[name]
    if key in options:
        raise ConsoleError(f"{name} is given twice")
    options[key] = unquote(value)


def _take(
    options: Options,
    names: Mapping[str, str],
    tokens: Sequence[Token],
    index: int,
    found: tuple[str, str | None],
) -> int:
    """Store the option ``found`` at ``tokens[index]``, its value inline or the next token's;
    returns the index of the last token it used."""
    name, value = found
    if value is None:
        if index + 1 >= len(tokens):
            raise ConsoleError(f"{name} needs a value")
        index += 1
        value = tokens[index].text
    _store(options, names, name, value)
    return index


def take_options(tokens: Sequence[Token], names: Mapping[str, str]) -> tuple[Options, list[Token]]:
    """Options anywhere among ``tokens``; any other word starting with ``-`` is an error."""
    options: Options = {}
    rest: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.text == "--":
            rest.extend(tokens[index + 1 :])
            break
        found = _match(token, names)
        if found is not None:
            index = _take(options, names, tokens, index, found)
        elif token.text.startswith("-"):
            known = ", ".join(names)
            raise ConsoleError(f"unknown option {token.text!r} (options: {known})")
        else:
            rest.append(token)
        index += 1
    return options, rest


def leading_options(
    tokens: Sequence[Token], names: Mapping[str, str]
) -> tuple[Options, list[Token]]:
    """Options before the first other word; the rest is left as it is."""
    options: Options = {}
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.text == "--":
            index += 1
            break
        found = _match(token, names)
        if found is None:
            break
        index = _take(options, names, tokens, index, found)
        index += 1
    return options, list(tokens[index:])


def trailing_options(
    tokens: Sequence[Token], names: Mapping[str, str], options: Options, keep: int = 1
) -> list[Token]:
    """Options at the end of ``tokens`` (added to ``options``); at least ``keep`` words stay."""
    rest = list(tokens)
    while len(rest) > keep:
        last = _match(rest[-1], names)
        if last is not None and last[1] is not None:
            _store(options, names, last[0], last[1])
            rest.pop()
            continue
        if len(rest) > keep + 1:
            before = _match(rest[-2], names)
            if before is not None and before[1] is None:
                _store(options, names, before[0], rest[-1].text)
                del rest[-2:]
                continue
        break
    return rest


def timeout_option(options: Options) -> float | None:
    """The ``--timeout`` value in seconds, if given."""
    text = options.get("timeout")
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ConsoleError(f"--timeout {text!r} is not a number of seconds") from None
    if not value > 0 or math.isinf(value):
        raise ConsoleError(f"--timeout {text!r} must be more than 0 seconds")
    return value

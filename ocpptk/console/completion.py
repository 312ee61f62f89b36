"""Small helpers for the completers of the commands that parse their own arguments."""

from __future__ import annotations

from collections.abc import Iterable

from cmd2 import Cmd, CompletionItem, Completions

from ocpptk.console.custom import past_options
from ocpptk.console.parsers import SUPPORTED_VERSIONS
from ocpptk.console.tokens import UnclosedQuote, split
from ocpptk.spec.catalog import Role, actions
from ocpptk.spec.model import Action

__all__ = ["complete_raw", "complete_send", "complete_words", "items"]


def complete_words(line: str, begidx: int) -> list[str] | None:
    """The words before the one being completed (the command first); None inside a quote."""
    try:
        return [token.text for token in split(line[:begidx])]
    except UnclosedQuote:
        return None


def items(
    text: str,
    candidates: Iterable[str | tuple[str, str]],
    *,
    finalize: bool = True,
) -> Completions:
    """The candidates starting with ``text``; a tuple is (candidate, what it is).

    ``finalize=False`` keeps cmd2 from adding a space after a single match (for ``name=``).
    """
    found: list[CompletionItem] = []
    for candidate in candidates:
        value, meta = candidate if isinstance(candidate, tuple) else (candidate, "")
        if value.startswith(text):
            found.append(CompletionItem(value, display_meta=meta))
    return Completions(items=found, allow_finalization=finalize)


def complete_send(
    text: str, line: str, begidx: int, option: str, ids: list[str], role: Role
) -> Completions:
    """send / remote_send: the action names the role may send first, then any action."""
    words = complete_words(line, begidx)
    if words is None:
        return Completions()
    if words[-1] == option:
        return items(text, ids)
    if text.startswith("-"):
        return items(text, [option, "--timeout"])
    index, positional = 1, 0
    while index < len(words):
        if words[index] in (option, "--timeout"):
            index += 2
            continue
        positional += 0 if words[index].startswith("-") else 1
        index += 1
    if positional == 0:
        found: dict[str, Action] = {}
        for version in SUPPORTED_VERSIONS:  # every version's actions, named once
            for act in actions(version).values():
                found.setdefault(act.name, act)
        known = found.values()
        return items(
            text,
            [(a.name, "") for a in known if role.may_send(a)]
            + [(a.name, "not ours to send") for a in known if not role.may_send(a)],
        )
    return Completions()


def complete_raw(
    app: Cmd, text: str, line: str, begidx: int, endidx: int, option: str, ids: list[str]
) -> Completions:
    """send_raw / remote_send_raw: the ids after ``option``, a path after ``--file``, and the
    options themselves until TEXT begins."""
    words = complete_words(line, begidx)
    names = {option, "--file"}
    if words and words[-1] == option:
        return items(text, ids)
    if words and words[-1] == "--file":
        return app.path_complete(text, line, begidx, endidx)
    if words is not None and text.startswith("-") and not past_options(words, names):
        return items(text, sorted(names))
    return Completions()

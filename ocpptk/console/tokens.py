"""Splitting command lines into words so that JSON and quoted text survive.

cmd2 splits with ``shlex`` in non-POSIX mode, where a quote opens a quoted word only at the start
of a word: ``vendor="ACME Corp"`` becomes two words, and a ``>`` or ``|`` inside a value becomes
a redirection. Payload values are full of quotes, so the console splits lines itself:

* words are separated by whitespace outside quotes; a quote may open anywhere in a word
  (``vendor="ACME Corp"`` is one word) and the quotes stay in the word;
* inside double quotes a backslash escapes the next character, as in JSON (``"a \\" b"``);
  single quotes have no escapes;
* ``|`` and ``>`` outside quotes are words of their own (cmd2's pipes and redirections).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cmd2 import constants
from cmd2.exceptions import Cmd2ShlexError
from cmd2.parsing import StatementParser

__all__ = [
    "OcppStatementParser",
    "Token",
    "UnclosedQuote",
    "split",
    "split_punctuation",
    "unquote",
]

QUOTES = "\"'"


class UnclosedQuote(ValueError):
    """A quote opened and never closed."""


@dataclass(frozen=True, slots=True)
class Token:
    """A word of a line and where it is: ``line[start:end] == text``."""

    text: str
    start: int
    end: int


def split(line: str) -> list[Token]:
    """The words of ``line``, quotes kept; raises UnclosedQuote."""
    tokens: list[Token] = []
    index, length = 0, len(line)
    while index < length:
        if line[index].isspace():
            index += 1
            continue
        start, quote = index, ""
        while index < length:
            char = line[index]
            if quote:
                if char == "\\" and quote == '"' and index + 1 < length:
                    index += 2
                    continue
                if char == quote:
                    quote = ""
            elif char in QUOTES:
                quote = char
            elif char.isspace():
                break
            index += 1
        if quote:
            raise UnclosedQuote(f"no closing {quote} after {line[start:]!r}")
        tokens.append(Token(line[start:index], start, index))
    return tokens


def split_punctuation(word: str, punctuation: Iterable[str]) -> list[str]:
    """``word`` cut around runs of ``punctuation`` characters that are outside quotes."""
    marks = set("".join(punctuation))
    if not marks:
        return [word]
    parts: list[str] = []
    current, quote, index = "", "", 0
    in_marks = False
    while index < len(word):
        char = word[index]
        if quote:
            current += char
            if char == "\\" and quote == '"' and index + 1 < len(word):
                current += word[index + 1]
                index += 2
                continue
            if char == quote:
                quote = ""
        elif char in marks:
            if current and not in_marks:
                parts.append(current)
                current = ""
            current += char
            in_marks = True
            index += 1
            continue
        else:
            if in_marks:
                parts.append(current)
                current = ""
            if char in QUOTES:
                quote = char
            current += char
        in_marks = False
        index += 1
    if current:
        parts.append(current)
    return parts


def unquote(word: str) -> str:
    """``word`` without the quotes around the whole of it, if it has such quotes."""
    if len(word) >= 2 and word[0] in QUOTES and word[-1] == word[0]:
        inner = word[1:-1]
        if word[0] == '"':
            return inner.replace('\\"', '"').replace("\\\\", "\\")
        return inner
    return word


class OcppStatementParser(StatementParser):
    """cmd2's statement parser with the console's word splitting (see the module docstring).

    Everything else (aliases, shortcuts, comments, redirection) is cmd2's.
    """

    def tokenize(self, line: str) -> list[str]:
        line = self._expand(line)
        if line.lstrip().startswith(constants.COMMENT_CHAR):
            return []
        try:
            words = [token.text for token in split(line)]
        except UnclosedQuote as exc:
            raise Cmd2ShlexError(str(exc)) from None
        punctuation = (*self.terminators, *constants.REDIRECTION_CHARS)
        return [part for word in words for part in split_punctuation(word, punctuation)]

from __future__ import annotations

import pytest

from ocpptk.console.arguments import (
    leading_options,
    take_options,
    timeout_option,
    trailing_options,
)
from ocpptk.console.errors import ConsoleError
from ocpptk.console.tokens import split

NAMES = {"--id": "id", "--timeout": "timeout"}


def texts(tokens: list) -> list[str]:  # type: ignore[type-arg]
    return [token.text for token in tokens]


def test_take_options_anywhere() -> None:
    options, rest = take_options(split("a=1 --id CP1 b=2 --timeout=5"), NAMES)
    assert options == {"id": "CP1", "timeout": "5"}
    assert texts(rest) == ["a=1", "b=2"]


def test_take_options_errors() -> None:
    with pytest.raises(ConsoleError, match="needs a value"):
        take_options(split("a=1 --id"), NAMES)
    with pytest.raises(ConsoleError, match="unknown option '--remote-id'"):
        take_options(split("--remote-id X"), NAMES)
    with pytest.raises(ConsoleError, match="given twice"):
        take_options(split("--id A --id B"), NAMES)


def test_double_dash_ends_options() -> None:
    options, rest = take_options(split("--id A -- --id"), NAMES)
    assert options == {"id": "A"}
    assert texts(rest) == ["--id"]


def test_leading_then_trailing() -> None:
    options, rest = leading_options(split("--id CP1 FooBar {} --timeout 3"), NAMES)
    rest = trailing_options(rest, NAMES, options)
    assert options == {"id": "CP1", "timeout": "3"}
    assert texts(rest) == ["FooBar", "{}"]


def test_trailing_keeps_the_action() -> None:
    options: dict[str, str] = {}
    rest = trailing_options(split("--id"), NAMES, options)
    assert texts(rest) == ["--id"]
    assert options == {}


def test_timeout_option() -> None:
    assert timeout_option({}) is None
    assert timeout_option({"timeout": "2.5"}) == 2.5
    for bad in ("0", "-1", "x", "inf"):
        with pytest.raises(ConsoleError):
            timeout_option({"timeout": bad})

from __future__ import annotations

import pytest
from cmd2.exceptions import Cmd2ShlexError

from ocpptk.console.tokens import (
    OcppStatementParser,
    UnclosedQuote,
    split,
    split_punctuation,
    unquote,
)


def words(line: str) -> list[str]:
    return [token.text for token in split(line)]


def test_split_keeps_quotes_and_spaces_inside_them() -> None:
    assert words('boot chargePointVendor="ACME Corp"  x=1') == [
        "boot",
        'chargePointVendor="ACME Corp"',
        "x=1",
    ]


def test_split_single_quotes_group_json() -> None:
    line = """metervalues meterValue='[{"timestamp": "t", "sampledValue": [{"value": "1"}]}]'"""
    assert words(line)[1].startswith("meterValue='[{")
    assert len(words(line)) == 2


def test_split_backslash_escapes_inside_double_quotes_only() -> None:
    assert words(r'a="x \" y" b') == [r'a="x \" y"', "b"]
    assert words(r"a='x \' b") == [r"a='x \'", "b"]


def test_split_positions() -> None:
    tokens = split("  send  FooBar {} ")
    assert [(t.start, t.end) for t in tokens] == [(2, 6), (8, 14), (15, 17)]


def test_split_unclosed_quote() -> None:
    with pytest.raises(UnclosedQuote):
        split('a="open')


def test_punctuation_outside_quotes_only() -> None:
    assert split_punctuation('a>b"c>d"|e>>f', "|>") == ["a", ">", 'b"c>d"', "|", "e", ">>", "f"]
    assert split_punctuation("plain", "|>") == ["plain"]


def test_unquote() -> None:
    assert unquote("'a b'") == "a b"
    assert unquote('"a \\" b"') == 'a " b'
    assert unquote("a'b'") == "a'b'"
    assert unquote("'") == "'"


def test_statement_parser_keeps_values_and_redirects_outside_quotes() -> None:
    parser = OcppStatementParser(terminators=())
    statement = parser.parse('datatransfer data="a > b | c" vendorId=X > out.txt')
    assert statement.command == "datatransfer"
    assert statement.args == 'data="a > b | c" vendorId=X'
    assert statement.redirector == ">"
    assert statement.redirect_to == "out.txt"


def test_statement_parser_semicolons_are_text() -> None:
    parser = OcppStatementParser(terminators=())
    statement = parser.parse("send_raw a;b")
    assert statement.args == "a;b"


def test_statement_parser_comment_and_unclosed_quote() -> None:
    parser = OcppStatementParser(terminators=())
    assert parser.parse("# a comment").command == ""
    with pytest.raises(Cmd2ShlexError):
        parser.parse('heartbeat x="open')

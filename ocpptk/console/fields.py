"""``field=value`` words: how the console's action commands take payload fields.

Rules, as the help of every action command states them:

* ``name=value``: the value is JSON if it reads as JSON (``connectorId=1``,
  ``idTagInfo={"status": "Accepted"}``), else the text itself (``chargePointVendor=ACME``);
  ``name=`` alone is the empty string.
* Quotes group words: ``'...'`` are removed before the JSON reading (``meterValue='[{...}]'``,
  ``vendor='ACME Corp'``); ``"..."`` are JSON string quotes (``idTag="12345"`` is a string).
* Where the message model says a field is a string, a bare value that reads as a JSON number,
  boolean or null is taken as the text typed (``idTag=12345`` sends ``"12345"``).
* Dotted names reach into objects (``idTagInfo.status=Blocked``) and change only that field.
  Arrays are given whole, as JSON.

Unknown field names are only warned about: the payload is still built, and the schema check
refuses it (or not, with validation off) exactly as it would refuse it from a peer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from ocpptk.spec.catalog import Version
from ocpptk.spec.examples import field_paths
from ocpptk.spec.model import Array, Boolean, DataType, Enum, Integer, Number, Object, String

__all__ = [
    "Assignment",
    "FieldError",
    "check_names",
    "coerce",
    "describe_type",
    "field_names",
    "parse_assignment",
    "parse_assignments",
    "payload_of",
    "value_choices",
]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\Z")


class FieldError(ValueError):
    """A ``field=value`` word that cannot be read; the message names the word and why."""


@dataclass(frozen=True, slots=True)
class Assignment:
    """One ``name=value`` word, read.

    ``text`` is the value as typed, less grouping single quotes; ``explicit`` is True when the
    value was a JSON string in double quotes, which ``coerce`` never touches.
    """

    name: str
    value: Any
    text: str
    explicit: bool = False


def _closing_double_quote(text: str) -> int:
    index = 1
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == '"':
            return index
        index += 1
    return -1


def _json_or_text(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_assignment(word: str) -> Assignment:
    """Read one ``name=value`` word; raises FieldError naming the word."""
    name, equals, raw = word.partition("=")
    if not equals:
        raise FieldError(f"{word!r} is not field=value (for example chargePointVendor=ACME)")
    if not name:
        raise FieldError(f"{word!r}: the field name before '=' is missing")
    if not _NAME.match(name):
        raise FieldError(
            f"{word!r}: {name!r} is not a field name "
            "(letters, digits and _, with dots between nested names)"
        )
    if raw.startswith("'"):
        end = raw.find("'", 1)
        if end != len(raw) - 1:
            raise FieldError(f"{word!r}: text after the closing quote of the value")
        inner = raw[1:-1]
        return Assignment(name, _json_or_text(inner) if inner else "", inner)
    if raw.startswith('"'):
        end = _closing_double_quote(raw)
        if end != len(raw) - 1:
            raise FieldError(f"{word!r}: text after the closing quote of the value")
        try:
            value = json.loads(raw)
        except ValueError as exc:
            raise FieldError(f"{word!r}: the quoted value is not a JSON string ({exc})") from None
        return Assignment(name, value, raw, explicit=True)
    return Assignment(name, _json_or_text(raw) if raw else "", raw)


def parse_assignments(words: Iterable[str]) -> list[Assignment]:
    """Read every word; a field named twice is an error (which one would win is a guess)."""
    seen: set[str] = set()
    out: list[Assignment] = []
    for word in words:
        assignment = parse_assignment(word)
        if assignment.name in seen:
            raise FieldError(f"{word!r}: field {assignment.name} is given twice")
        seen.add(assignment.name)
        out.append(assignment)
    return out


@cache
def _types(version: Version, action: str, request: bool) -> dict[str, DataType]:
    return dict(field_paths(version, action, request))


def _through_array(types: Mapping[str, DataType], name: str) -> str | None:
    """The prefix of ``name`` that is an array, if ``name`` goes through one."""
    parts = name.split(".")
    for end in range(1, len(parts)):
        prefix = ".".join(parts[:end])
        if isinstance(types.get(prefix), Array):
            return prefix
    return None


def check_names(
    version: Version, action: str, assignments: Iterable[Assignment], request: bool = True
) -> list[str]:
    """Warnings for names the message does not have; FieldError for a path through an array.

    ``action`` must be a known action of ``version``.
    """
    types = _types(version, action, request)
    warnings: list[str] = []
    for assignment in assignments:
        name = assignment.name
        array = _through_array(types, name)
        if array is not None:
            raise FieldError(
                f"{name}: {array} is a list; give it whole as JSON, for example {array}='[{{...}}]'"
            )
        if name not in types:
            parent, _, leaf = name.rpartition(".")
            where, missing = (f"{parent} in {action}", leaf) if parent in types else (action, name)
            known = _suggest(name, types)
            hint = f" (did you mean {known}?)" if known else ""
            warnings.append(
                f"{where} has no field {missing!r}{hint}; "
                "it goes in the payload anyway, for the schema check to judge"
            )
    return warnings


def _suggest(name: str, types: Mapping[str, DataType]) -> str | None:
    lowered = name.lower()
    for candidate in types:
        if candidate.lower() == lowered:
            return candidate
    return None


def coerce(
    version: Version, action: str, assignments: Iterable[Assignment], request: bool = True
) -> list[Assignment]:
    """Bare numbers, booleans and nulls given to string fields become the text typed."""
    types = _types(version, action, request)
    out: list[Assignment] = []
    for assignment in assignments:
        data_type = types.get(assignment.name)
        scalar = assignment.value is None or isinstance(assignment.value, bool | int | float)
        if isinstance(data_type, String | Enum) and scalar and not assignment.explicit:
            assignment = Assignment(assignment.name, assignment.text, assignment.text)
        out.append(assignment)
    return out


def payload_of(assignments: Iterable[Assignment]) -> dict[str, Any]:
    """The fields as ``build_payload`` takes them: dotted name -> value."""
    return {a.name: a.value for a in assignments}


def field_names(version: Version, action: str, request: bool = True) -> list[tuple[str, DataType]]:
    """The names ``field=value`` can set: every field reachable through objects, not arrays."""
    types = _types(version, action, request)
    return [(name, t) for name, t in types.items() if _through_array(types, name) is None]


def value_choices(version: Version, action: str, name: str, request: bool = True) -> list[str]:
    """The values worth offering after ``name=``: an enumeration's, or true/false."""
    data_type = _types(version, action, request).get(name)
    if isinstance(data_type, Enum):
        return list(data_type.values)
    if isinstance(data_type, Boolean):
        return ["true", "false"]
    return []


def describe_type(data_type: DataType) -> str:
    """A short name for a field's type, for help and completion menus."""
    if isinstance(data_type, Array):
        return f"list of {describe_type(data_type.items)}"
    if isinstance(data_type, Enum | Object):
        return data_type.name
    if isinstance(data_type, String):
        if data_type.name:
            return data_type.name
        if data_type.format == "date-time":
            return "dateTime"
        return "string" if data_type.max_length is None else f"string({data_type.max_length})"
    if isinstance(data_type, Integer):
        return data_type.name or "integer"
    if isinstance(data_type, Number):
        return data_type.name or "decimal"
    return data_type.name or "boolean"

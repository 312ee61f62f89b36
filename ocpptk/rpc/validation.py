"""Payload validation: validators built once per (version, action, direction).

The backend (fastjsonschema, which compiles a schema to Python code) is chosen here and only
here. A failed schema keyword becomes an OCPP-J error through ``KEYWORD_ERRORS``. ``multipleOf``
is checked apart from the backend, with decimal arithmetic, so that 0.3 is a multiple of 0.1
although the float 0.3 / 0.1 is not a whole number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

import fastjsonschema

from ocpptk.rpc.errors import (
    FormatViolation,
    OccurrenceConstraintViolation,
    OcppError,
    PropertyConstraintViolation,
    TypeConstraintViolation,
)
from ocpptk.spec.catalog import Version

__all__ = [
    "KEYWORD_ERRORS",
    "SchemaSource",
    "ValidationMode",
    "Validators",
]

# Which OCPP-J error a failed JSON-schema keyword stands for (OCPP-J 1.6 4.2.3):
# a wrong data type or a string longer than its CiString type -> TypeConstraintViolation;
# a value outside the allowed ones -> PropertyConstraintViolation; a field missing or repeated
# beyond its cardinality -> OccurrenceConstraintViolation; a property the PDU does not have ->
# FormatViolation (1.6 FormationViolation).
KEYWORD_ERRORS: dict[str, type[OcppError]] = {
    "type": TypeConstraintViolation,
    "format": TypeConstraintViolation,
    "maxLength": TypeConstraintViolation,
    "minLength": TypeConstraintViolation,
    "enum": PropertyConstraintViolation,
    "const": PropertyConstraintViolation,
    "minimum": PropertyConstraintViolation,
    "maximum": PropertyConstraintViolation,
    "exclusiveMinimum": PropertyConstraintViolation,
    "exclusiveMaximum": PropertyConstraintViolation,
    "multipleOf": PropertyConstraintViolation,
    "pattern": PropertyConstraintViolation,
    "required": OccurrenceConstraintViolation,
    "minItems": OccurrenceConstraintViolation,
    "maxItems": OccurrenceConstraintViolation,
    "uniqueItems": OccurrenceConstraintViolation,
    "additionalProperties": FormatViolation,
}

# (version, action, is_request) -> the schema, or None if there is none
SchemaSource = Callable[[Version, str, bool], Mapping[str, Any] | None]


class ValidationMode(Enum):
    """What to do with a payload that fails its schema."""

    STRICT = "strict"  # refuse it: answer or raise the matching OCPP-J error
    WARN = "warn"  # report it and let it through
    OFF = "off"  # do not check at all

    @classmethod
    def parse(cls, text: str | bool) -> ValidationMode:
        if isinstance(text, bool):
            return cls.STRICT if text else cls.OFF
        aliases = {"on": "strict", "true": "strict", "false": "off", "none": "off"}
        cleaned = text.strip().lower()
        try:
            return cls(aliases.get(cleaned, cleaned))
        except ValueError:
            raise ValueError(f"validation mode must be strict, warn or off, not {text!r}") from None


_Path = tuple[str, ...]  # property names, "*" for every item of an array


@dataclass(frozen=True)
class _Compiled:
    check: Callable[[Any], Any]
    multiples: tuple[tuple[_Path, Decimal], ...]


class Validators:
    """Compiled validators for every (version, action, direction), each built on first use."""

    def __init__(self, source: SchemaSource) -> None:
        self._source = source
        self._compiled: dict[tuple[Version, str, bool], _Compiled | None] = {}

    def has_schema(self, version: Version, action: str, request: bool) -> bool:
        return self._get(version, action, request) is not None

    def check(self, version: Version, action: str, request: bool, payload: Any) -> OcppError | None:
        """The error ``payload`` deserves, or None if it is valid (or there is no schema)."""
        compiled = self._get(version, action, request)
        if compiled is None:
            return None
        try:
            compiled.check(payload)
        except fastjsonschema.JsonSchemaValueException as exc:
            error_class = KEYWORD_ERRORS.get(exc.rule or "", FormatViolation)
            parent = list(exc.path[1:]) if exc.path else []
            where, text = _explain(exc, parent)
            return error_class(
                f"{_what(action, request)}: {text}", {"path": where, "keyword": exc.rule}
            )
        for path, step in compiled.multiples:
            for location, value in _walk(payload, path, ()):
                if not _is_multiple(value, step):
                    dotted = _dotted(location)
                    return PropertyConstraintViolation(
                        f"{_what(action, request)}: {dotted} must be a multiple of {step}",
                        {"path": dotted, "keyword": "multipleOf"},
                    )
        return None

    def _get(self, version: Version, action: str, request: bool) -> _Compiled | None:
        key = (version, action, request)
        if key not in self._compiled:
            schema = self._source(version, action, request)
            self._compiled[key] = None if schema is None else _compile(schema)
        return self._compiled[key]


def _compile(schema: Mapping[str, Any]) -> _Compiled:
    multiples: list[tuple[_Path, Decimal]] = []
    stripped = _strip_multiples(schema, (), multiples)
    return _Compiled(fastjsonschema.compile(stripped), tuple(multiples))


def _strip_multiples(node: Any, path: _Path, found: list[tuple[_Path, Decimal]]) -> Any:
    """A copy of the schema without ``multipleOf``; each one found is recorded with its path."""
    if not isinstance(node, Mapping):
        return node
    copy = {key: value for key, value in node.items() if key != "multipleOf"}
    if "multipleOf" in node:
        found.append((path, Decimal(str(node["multipleOf"]))))
    if isinstance(node.get("properties"), Mapping):
        copy["properties"] = {
            name: _strip_multiples(sub, (*path, name), found)
            for name, sub in node["properties"].items()
        }
    if isinstance(node.get("items"), Mapping):
        copy["items"] = _strip_multiples(node["items"], (*path, "*"), found)
    return copy


def _walk(value: Any, path: _Path, where: _Path) -> Iterator[tuple[_Path, Any]]:
    if not path:
        yield where, value
    elif path[0] == "*":
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield from _walk(item, path[1:], (*where, str(index)))
    elif isinstance(value, dict) and path[0] in value:
        yield from _walk(value[path[0]], path[1:], (*where, path[0]))


def _is_multiple(value: Any, step: Decimal) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return True  # the type check reports non-numbers
    try:
        return Decimal(str(value)) % step == 0
    except InvalidOperation:
        return False


def _dotted(path: list[str] | tuple[str, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if part.isdigit() else (f".{part}" if text else part)
    return text or "payload"


def _explain(exc: fastjsonschema.JsonSchemaValueException, parent: list[str]) -> tuple[str, str]:
    """(dotted path, message) naming the field itself, as a person would say it."""
    definition = exc.definition if isinstance(exc.definition, Mapping) else {}
    value = exc.value
    if exc.rule == "required" and isinstance(value, Mapping):
        missing = [name for name in definition.get("required", ()) if name not in value]
        if missing:
            where = _dotted([*parent, missing[0]])
            also = f" (also missing: {', '.join(missing[1:])})" if missing[1:] else ""
            return where, f"{where} is required{also}"
    if exc.rule == "additionalProperties" and isinstance(value, Mapping):
        extra = sorted(set(value) - set(definition.get("properties", {})))
        if extra:
            where = _dotted([*parent, extra[0]])
            return where, f"{where} is not a field of {_dotted(parent)}"
    where = _dotted(parent)
    message: str = exc.message
    name: str = exc.name or ""
    return where, where + (message[len(name) :] if message.startswith(name) else f": {message}")


def _what(action: str, request: bool) -> str:
    return f"{action}{'' if request else 'Response'}"

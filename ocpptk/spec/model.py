"""One message model per OCPP version, written as data.

Every message of a version is described once with these types; the JSON schemas in
``schemas/`` are generated from it (``python -m ocpptk.spec.generate``) and so is the WSDL
of the SOAP versions. Named types (``name=``) are the types of the OCPP specification
(``CiString20Type``, ``RegistrationStatus``, ``IdTagInfo``): JSON schema inlines them, XML schema
declares them once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum as _Enum
from typing import Any

__all__ = [
    "Action",
    "Array",
    "Boolean",
    "DataType",
    "Direction",
    "Enum",
    "Field",
    "Integer",
    "Number",
    "Object",
    "String",
]


class Direction(_Enum):
    """Who may send the request of an action."""

    CP_TO_CS = "cp->cs"
    CS_TO_CP = "cs->cp"
    BOTH = "both"


@dataclass(frozen=True)
class String:
    """A string, optionally bounded: ``String(20, name="CiString20Type")``."""

    max_length: int | None = None
    format: str | None = None  # "date-time" or "uri", as the OCA schemas spell them
    name: str | None = None


@dataclass(frozen=True)
class Enum:
    """A string restricted to a list of values, named after its OCPP enumeration type."""

    name: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Integer:
    name: str | None = None


@dataclass(frozen=True)
class Number:
    """A decimal number; ``multiple_of`` is checked exactly (0.3 is a multiple of 0.1)."""

    multiple_of: float | None = None
    name: str | None = None


@dataclass(frozen=True)
class Boolean:
    name: str | None = None


@dataclass(frozen=True)
class Array:
    items: DataType
    min_items: int | None = None
    max_items: int | None = None


@dataclass(frozen=True)
class Field:
    """A property of an object. ``example`` is a valid value used for default payloads."""

    name: str
    type: DataType
    required: bool = False
    example: Any = None


@dataclass(frozen=True)
class Object:
    name: str
    fields: tuple[Field, ...] = ()
    closed: bool = True  # additionalProperties: false

    def field(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(name)


DataType = String | Enum | Integer | Number | Boolean | Array | Object


@dataclass(frozen=True)
class Action:
    """An OCPP action: its name, who sends the request, and both payloads."""

    name: str
    direction: Direction
    request: Object
    response: Object
    profile: str = "Core"  # the 1.6 feature profile, for grouping and docs
    doc: str = field(default="", compare=False)

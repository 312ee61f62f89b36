"""One message model per OCPP version, written as data.

Every message of a version is described once with these types; the JSON schemas in
``schemas/`` are generated from it (``python -m ocpptk.spec.generate``) and so is the WSDL
of the SOAP versions. Named types (``name=``) are the types of the OCPP specification
(``CiString20Type``, ``RegistrationStatus``, ``IdTagInfo``): JSON schema inlines them, XML schema
declares them once.

The model is the JSON view of a message. Where the XML of the SOAP versions says something JSON
cannot (attributes, text content, element names that differ from the JSON property) or where the
OCA's WSDL and JSON schemas of one version disagree (element order, enumeration order, minOccurs),
the difference is written on the type with an ``xml_`` keyword. Those keywords never change a JSON
schema; the XML generators (``ocpptk.spec.xsd_gen``, ``wsdl_gen``) are their only readers:

- ``Field.xml_name``: the element (or attribute) name when it is not the JSON property name;
- ``Field.xml_node``: ``"element"`` (default), ``"attribute"``, or ``"text"`` for the text content
  of an element whose other fields are attributes (XML schema ``simpleContent``);
- ``Field.xml_min_occurs``: ``minOccurs`` when it is not what ``required`` (and an array's
  ``min_items``) imply;
- ``Field.xml_type``: the type in XML when the WSDL uses another one than the JSON schema;
- ``Object.xml_order``: the order of the ``xs:sequence`` when it is not the JSON property order;
- ``Object.xml_anonymous``: the complex type is declared inline, without a name;
- ``Enum.xml_values``: the enumeration as the WSDL lists it, when it differs from the JSON schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum as _Enum
from typing import Any, Literal

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
    "XmlNode",
]

XmlNode = Literal["element", "attribute", "text"]


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
    xml_values: tuple[str, ...] | None = field(default=None, kw_only=True)


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
    xml_name: str | None = field(default=None, kw_only=True)
    xml_node: XmlNode = field(default="element", kw_only=True)
    xml_min_occurs: int | None = field(default=None, kw_only=True)
    xml_type: DataType | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class Object:
    name: str
    fields: tuple[Field, ...] = ()
    closed: bool = True  # additionalProperties: false
    xml_order: tuple[str, ...] | None = field(default=None, kw_only=True)
    xml_anonymous: bool = field(default=False, kw_only=True)

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

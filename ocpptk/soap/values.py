"""Payloads between our JSON form and the values zeep reads and writes, guided by the model.

The JSON form is the one the JSON schemas of ``schemas/<version>/`` describe (see
``ocpptk.spec.v15`` for 1.2 and 1.5); the XML form is the WSDL's. The model says how one reads
as the other (``ocpptk.spec.xsd_gen``): an element's name (``xml_name``), a field that is an
attribute or the text content of its element (the 1.5 ``<value unit="Wh">1250</value>`` is
``{"value": "1250", "unit": "Wh"}``; zeep calls the text ``_value_1``). zeep knows the element
order, so 1.6's XML order, which is not the JSON one, comes out right.

Values: ``xs:dateTime`` is read as a datetime and written back as an ISO 8601 string in UTC with
a ``Z`` (a time without a zone is taken as UTC); ``xs:decimal`` is a JSON number (a float; an
``int`` or ``float`` is written with :class:`~decimal.Decimal` so it never reads ``1e-05``);
``xs:int`` an int, ``xs:boolean`` a bool; a repeated element is a list; an optional element that
is absent is left out, a required list that is absent is ``[]`` (1.6 ``MeterValues.meterValue``
is required in JSON but ``minOccurs="0"`` in the WSDL).

``ENUM_SPELLINGS``: a value whose spelling differs between the JSON schema and the WSDL. 1.6's
JSON ``UnitOfMeasure`` has the OCA's typo ``Celcius`` (and in StopTransaction's copy, only the
typo); the WSDL has ``Celsius`` only. A value is respelled only where it is not in the target
enumeration.

For payloads the model does not describe (a custom operation, a payload sent unvalidated to
provoke a peer), :func:`build_element` and :func:`read_element` map dicts to elements and back
without zeep, following the model where it knows a field.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from lxml import etree

from ocpptk.spec.model import Array, Boolean, DataType, Enum, Integer, Number, Object, String
from ocpptk.spec.xsd_gen import enum_values, xml_field_type, xml_name

__all__ = [
    "ENUM_SPELLINGS",
    "TEXT_KEY",
    "build_element",
    "format_datetime",
    "from_zeep",
    "read_element",
    "to_zeep",
]

TEXT_KEY = "_value_1"  # how zeep names the text content of an element with attributes

# (JSON spelling, XML spelling)
ENUM_SPELLINGS: tuple[tuple[str, str], ...] = (("Celcius", "Celsius"),)
_TO_XML = dict(ENUM_SPELLINGS)
_TO_JSON = {xml: json for json, xml in ENUM_SPELLINGS}


def format_datetime(value: datetime) -> str:
    """``2026-01-01T00:00:00Z``; milliseconds or microseconds only when there are some."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    if value.microsecond == 0:
        spec = "seconds"
    elif value.microsecond % 1000 == 0:
        spec = "milliseconds"
    else:
        spec = "microseconds"
    return value.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def _respell(
    data_type: DataType,
    value: Any,
    allowed: Callable[[Enum], tuple[str, ...]],
    spellings: dict[str, str],
) -> bool:
    """True if ``value`` is not in the enumeration but has another spelling."""
    return (
        isinstance(data_type, Enum)
        and isinstance(value, str)
        and value not in allowed(data_type)
        and value in spellings
    )


# -- JSON -> zeep ------------------------------------------------------------------------------


def to_zeep(obj: Object, payload: dict[str, Any]) -> dict[str, Any]:
    """zeep's keyword arguments for ``payload``: XML names, ``_value_1`` for text content.

    Keys the model does not know are passed on as they are (zeep refuses them).
    """
    out: dict[str, Any] = {}
    for key, value in payload.items():
        try:
            f = obj.field(key)
        except KeyError:
            out[key] = value
            continue
        name = TEXT_KEY if f.xml_node == "text" else xml_name(f)
        out[name] = _to_xml_value(xml_field_type(f), value)
    return out


def _to_xml_value(data_type: DataType, value: Any) -> Any:
    if isinstance(data_type, Array):
        items = value if isinstance(value, list) else [value]
        return [_to_xml_value(data_type.items, item) for item in items]
    if isinstance(data_type, Object):
        return to_zeep(data_type, value) if isinstance(value, dict) else value
    if isinstance(data_type, Number) and isinstance(value, int | float):
        return value if isinstance(value, bool) else Decimal(str(value))
    if _respell(data_type, value, enum_values, _TO_XML):
        return _TO_XML[value]
    return value


# -- zeep -> JSON ------------------------------------------------------------------------------


def from_zeep(obj: Object, value: Any) -> dict[str, Any]:
    """Our JSON payload from what zeep parsed (a CompoundValue, a dict, or None if empty)."""
    out: dict[str, Any] = {}
    if value is None:
        value = {}
    for f in obj.fields:
        name = TEXT_KEY if f.xml_node == "text" else xml_name(f)
        item = _get(value, name)
        if isinstance(f.type, Array):
            items = [] if item is None else item if isinstance(item, list) else [item]
            if items or f.required:
                out[f.name] = [_to_json_value(f.type.items, one) for one in items]
            continue
        if item is None:
            continue
        out[f.name] = _to_json_value(f.type, item)
    return out


def _get(value: Any, name: str) -> Any:
    if isinstance(value, dict):
        return value.get(name)
    try:
        return value[name]
    except (KeyError, TypeError, AttributeError):
        return getattr(value, name, None)


def _to_json_value(data_type: DataType, value: Any) -> Any:
    if isinstance(data_type, Object):
        return from_zeep(data_type, value)
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, Decimal):
        return int(value) if isinstance(data_type, Integer) else float(value)
    if _respell(data_type, value, lambda enum: enum.values, _TO_JSON):
        return _TO_JSON[value]
    return value


# -- Without zeep: any dict <-> elements -------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(Decimal(str(value)), "f")
    return str(value)


def build_element(
    parent: etree._Element, tag: str, value: Any, obj: DataType | None = None
) -> None:
    """Append ``value`` to ``parent`` as element(s) ``{ns}tag``: a dict's keys in its order, a
    list as repeated elements, anything else as text. Where ``obj`` (the model's type) knows a
    key, its XML name and node kind (attribute, text) are used."""
    namespace = etree.QName(tag).namespace
    if isinstance(obj, Array):
        obj = obj.items
    if isinstance(value, list):
        for item in value:
            build_element(parent, tag, item, obj)
        return
    node = etree.SubElement(parent, tag)
    if not isinstance(value, dict):
        if value is not None:
            node.text = _text(value)
        return
    for key, item in value.items():
        f = None
        if isinstance(obj, Object):
            try:
                f = obj.field(key)
            except KeyError:
                f = None
        if f is not None and f.xml_node == "attribute":
            node.set(xml_name(f), _text(item))
        elif f is not None and f.xml_node == "text":
            node.text = _text(item)
        else:
            name = xml_name(f) if f is not None else key
            child_type = xml_field_type(f) if f is not None else None
            build_element(node, f"{{{namespace}}}{name}" if namespace else name, item, child_type)


def read_element(node: etree._Element, obj: DataType | None = None) -> Any:
    """The dict (or text) of an element, for bodies zeep cannot read: child elements by local
    name (repeated ones as a list), attributes by name, text under ``value`` when the element
    also has attributes. Where ``obj`` knows a field, its JSON name is used."""
    if isinstance(obj, Array):
        obj = obj.items
    by_xml: dict[str, Any] = {}
    if isinstance(obj, Object):
        by_xml = {(TEXT_KEY if f.xml_node == "text" else xml_name(f)): f for f in obj.fields}
    children = [child for child in node if isinstance(child.tag, str)]
    if not children and not node.attrib:
        return _scalar(node.text or "", obj)
    out: dict[str, Any] = {}
    for name, text in node.attrib.items():
        f = by_xml.get(str(name))
        out[f.name if f else str(name)] = text
    if not children:
        f = by_xml.get(TEXT_KEY)
        out[f.name if f else "value"] = node.text or ""
        return out
    for child in children:
        local = str(etree.QName(child).localname)
        f = by_xml.get(local)
        key = f.name if f else local
        item = read_element(child, xml_field_type(f) if f else None)
        repeated = f is not None and isinstance(f.type, Array)
        if key in out:
            if not isinstance(out[key], list):
                out[key] = [out[key]]
            out[key].append(item)
        else:
            out[key] = [item] if repeated else item
    return out


def _scalar(text: str, data_type: DataType | None) -> Any:
    stripped = text.strip()
    try:
        if isinstance(data_type, Integer):
            return int(stripped)
        if isinstance(data_type, Number):
            return float(Decimal(stripped))
        if isinstance(data_type, Boolean) and stripped in ("true", "false", "1", "0"):
            return stripped in ("true", "1")
    except (ValueError, ArithmeticError):
        return text
    if isinstance(data_type, Object) and not stripped:
        return {}
    if isinstance(data_type, String | Enum):
        return text
    return text

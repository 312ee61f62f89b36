"""Turn the message model into XML Schema, for the ``<wsdl:types>`` of the SOAP versions.

The model is written as JSON sees a message; this module reads it as XML does:

- every field is an element of an ``xs:sequence`` unless ``xml_node`` makes it an attribute or
  the text content (``xs:simpleContent``) of its element;
- ``minOccurs`` is 1 for a required field and 0 otherwise, an array's ``min_items`` when it has
  one, or ``xml_min_occurs`` when the WSDL says something else; ``maxOccurs`` is ``unbounded``
  for an array (its ``max_items`` if bounded) and 1 otherwise;
- types: ``Integer`` is ``xs:int``, ``Boolean`` ``xs:boolean``, ``Number`` ``xs:decimal``
  (``multiple_of`` 0.1 is ``fractionDigits`` 1), a ``String`` with ``format`` ``date-time`` or
  ``uri`` is ``xs:dateTime`` or ``xs:anyURI``, any other unnamed string ``xs:string``;
- named types become one ``xs:simpleType`` or ``xs:complexType`` each; a name must mean one
  thing within a schema (:class:`SchemaBuilder` raises if it does not).

The output is a tree of :class:`Node`, rendered by :func:`render`; the WSDL generator wraps it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from ocpptk.spec.model import (
    Array,
    Boolean,
    DataType,
    Enum,
    Field,
    Integer,
    Number,
    Object,
    String,
)

__all__ = [
    "XS",
    "Node",
    "SchemaBuilder",
    "attributes",
    "element_fields",
    "enum_values",
    "max_occurs",
    "min_occurs",
    "render",
    "text_field",
    "xml_field_type",
    "xml_name",
]

XS = "http://www.w3.org/2001/XMLSchema"


@dataclass
class Node:
    """An XML element as the generators build it: prefixed tag, ordered attributes, children."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)
    text: str | None = None

    def add(self, tag: str, /, **attrs: str) -> Node:
        """Append a child ``tag`` with ``attrs`` (in the order given) and return it."""
        child = Node(tag, dict(attrs))
        self.children.append(child)
        return child


def render(node: Node, indent: str = "  ", level: int = 0) -> str:
    """Serialise ``node`` with one element per line; the text is stable for a drift check.

    The root element (``level`` 0) gets one attribute per line: it carries the namespaces.
    """
    pad = indent * level
    separator = f"\n{pad}{indent}{indent}" if level == 0 and len(node.attrs) > 1 else " "
    attrs = "".join(f"{separator}{name}={quoteattr(value)}" for name, value in node.attrs.items())
    if node.text is not None:
        return f"{pad}<{node.tag}{attrs}>{escape(node.text)}</{node.tag}>\n"
    if not node.children:
        return f"{pad}<{node.tag}{attrs}/>\n"
    inner = "".join(render(child, indent, level + 1) for child in node.children)
    return f"{pad}<{node.tag}{attrs}>\n{inner}{pad}</{node.tag}>\n"


# -- How a field reads in XML ------------------------------------------------------------------


def xml_name(f: Field) -> str:
    """The element or attribute name of ``f``."""
    return f.xml_name or f.name


def xml_field_type(f: Field) -> DataType:
    """The type of ``f`` in XML: ``xml_type`` where the model gives one, else its JSON type."""
    return f.xml_type if f.xml_type is not None else f.type


def min_occurs(f: Field) -> int:
    """``minOccurs`` of the element ``f`` (see the module docstring for the rule)."""
    if f.xml_min_occurs is not None:
        return f.xml_min_occurs
    data_type = xml_field_type(f)
    if isinstance(data_type, Array) and data_type.min_items is not None:
        return data_type.min_items
    return 1 if f.required else 0


def max_occurs(f: Field) -> int | None:
    """``maxOccurs`` of the element ``f``; None means ``unbounded``."""
    data_type = xml_field_type(f)
    if isinstance(data_type, Array):
        return data_type.max_items
    return 1


def _fields(obj: Object, node: str) -> list[Field]:
    return [f for f in obj.fields if f.xml_node == node]


def element_fields(obj: Object) -> list[Field]:
    """The fields of ``obj`` that are child elements, in the order of the ``xs:sequence``."""
    elements = _fields(obj, "element")
    if obj.xml_order is None:
        return elements
    by_name = {f.name: f for f in elements}
    if sorted(obj.xml_order) != sorted(by_name):
        raise ValueError(f"{obj.name}.xml_order {obj.xml_order} does not list its elements")
    return [by_name[name] for name in obj.xml_order]


def attributes(obj: Object) -> list[Field]:
    """The fields of ``obj`` that are XML attributes, in model order."""
    return _fields(obj, "attribute")


def text_field(obj: Object) -> Field | None:
    """The field that is the text content of ``obj``'s element, if it has one."""
    texts = _fields(obj, "text")
    if len(texts) > 1:
        raise ValueError(f"{obj.name} has more than one text field")
    return texts[0] if texts else None


def enum_values(enum: Enum) -> tuple[str, ...]:
    """The enumeration in XML: the WSDL's list where the model gives one, else the JSON one."""
    return enum.values if enum.xml_values is None else enum.xml_values


def _fraction_digits(multiple_of: float) -> int:
    step = Decimal(str(multiple_of))
    exponent = step.normalize().as_tuple().exponent
    if not isinstance(exponent, int) or step != Decimal(1).scaleb(exponent) or exponent > 0:
        raise ValueError(f"multipleOf {multiple_of} has no fractionDigits equivalent")
    return -exponent


# -- The schema --------------------------------------------------------------------------------


class SchemaBuilder:
    """Collects the named types reachable from some top-level objects into one ``xs:schema``.

    Types come out in the order they are first reached (depth first, a type before the types it
    uses), then the global elements in the order they were added.
    """

    def __init__(self, target_namespace: str, prefix: str = "s", tns: str = "tns") -> None:
        self.target_namespace = target_namespace
        self.s = prefix
        self.tns = tns
        self._types: dict[str, tuple[DataType, Node]] = {}
        self._elements: list[Node] = []

    def element(self, name: str, data_type: DataType) -> None:
        """Declare a global element ``name`` of ``data_type`` (a request, a header)."""
        self._elements.append(
            Node(f"{self.s}:element", {"name": name, "type": self.ref(data_type)})
        )

    def ref(self, data_type: DataType) -> str:
        """The QName that refers to ``data_type``, declaring it first if it is named."""
        builtin = self._builtin(data_type)
        if builtin is not None:
            return builtin
        name = getattr(data_type, "name", None)
        if not isinstance(name, str):
            raise ValueError(f"{data_type!r} needs a name to be an XML schema type")
        known = self._types.get(name)
        if known is not None:
            if known[0] != data_type and self._definition(known[0]) != self._definition(data_type):
                raise ValueError(f"XML type {name} has two different definitions")
            return f"{self.tns}:{name}"
        self._types[name] = (data_type, Node("placeholder"))  # reserve the place: recursion
        self._types[name] = (data_type, self._definition(data_type))
        return f"{self.tns}:{name}"

    def _builtin(self, data_type: DataType) -> str | None:
        s = self.s
        if isinstance(data_type, String) and data_type.name is None:
            if data_type.max_length is not None:
                raise ValueError("an XML string with a maxLength needs a type name")
            formats = {None: "string", "date-time": "dateTime", "uri": "anyURI"}
            return f"{s}:{formats[data_type.format]}"
        if isinstance(data_type, Integer) and data_type.name is None:
            return f"{s}:int"
        if isinstance(data_type, Boolean) and data_type.name is None:
            return f"{s}:boolean"
        if isinstance(data_type, Number) and data_type.name is None:
            if data_type.multiple_of is not None:
                raise ValueError("an XML decimal with fractionDigits needs a type name")
            return f"{s}:decimal"
        if isinstance(data_type, Array):
            raise ValueError("an array is a repeated element, not a type")
        return None

    def _definition(self, data_type: DataType) -> Node:
        if isinstance(data_type, Object):
            return self._complex_type(data_type)
        return self._simple_type(data_type)

    def _simple_type(self, data_type: DataType) -> Node:
        s = self.s
        node = Node(f"{s}:simpleType", {"name": str(getattr(data_type, "name", ""))})
        if isinstance(data_type, Enum):
            restriction = node.add(f"{s}:restriction", base=f"{s}:string")
            for value in enum_values(data_type):
                restriction.add(f"{s}:enumeration", value=value)
        elif isinstance(data_type, String):
            if data_type.format is not None:
                raise ValueError(f"named string {data_type.name} cannot have a format in XML")
            restriction = node.add(f"{s}:restriction", base=f"{s}:string")
            if data_type.max_length is not None:
                restriction.add(f"{s}:maxLength", value=str(data_type.max_length))
        elif isinstance(data_type, Number):
            restriction = node.add(f"{s}:restriction", base=f"{s}:decimal")
            if data_type.multiple_of is not None:
                digits = _fraction_digits(data_type.multiple_of)
                restriction.add(f"{s}:fractionDigits", value=str(digits))
        elif isinstance(data_type, Integer):
            node.add(f"{s}:restriction", base=f"{s}:int")
        elif isinstance(data_type, Boolean):
            node.add(f"{s}:restriction", base=f"{s}:boolean")
        else:  # pragma: no cover - Array and Object never get here
            raise TypeError(data_type)
        return node

    def _complex_type(self, obj: Object) -> Node:
        s = self.s
        node = Node(f"{s}:complexType", {} if obj.xml_anonymous else {"name": obj.name})
        text = text_field(obj)
        elements = element_fields(obj)
        if text is not None:
            if elements:
                raise ValueError(f"{obj.name} has text content and child elements")
            content = node.add(f"{s}:simpleContent")
            holder = content.add(f"{s}:extension", base=self._simple_ref(text))
        else:
            if elements:
                sequence = node.add(f"{s}:sequence")
                for f in elements:
                    sequence.children.append(self._element(f))
            holder = node
        for f in attributes(obj):
            holder.add(
                f"{s}:attribute",
                name=xml_name(f),
                type=self._simple_ref(f),
                use="required" if f.required else "optional",
            )
        return node

    def _simple_ref(self, f: Field) -> str:
        data_type = xml_field_type(f)
        if isinstance(data_type, Object | Array):
            raise ValueError(f"{f.name} is an attribute or text, so its type must be simple")
        return self.ref(data_type)

    def _element(self, f: Field) -> Node:
        data_type = xml_field_type(f)
        item = data_type.items if isinstance(data_type, Array) else data_type
        upper = max_occurs(f)
        node = Node(f"{self.s}:element", {"name": xml_name(f)})
        if isinstance(item, Object) and item.xml_anonymous:
            node.children.append(self._complex_type(item))
        else:
            node.attrs["type"] = self.ref(item)
        node.attrs["minOccurs"] = str(min_occurs(f))
        node.attrs["maxOccurs"] = "unbounded" if upper is None else str(upper)
        return node

    def schema(self) -> Node:
        """The ``xs:schema`` node with every type and element declared so far."""
        node = Node(
            f"{self.s}:schema",
            {"targetNamespace": self.target_namespace, "elementFormDefault": "qualified"},
        )
        node.children.extend(definition for _, definition in self._types.values())
        node.children.extend(self._elements)
        return node

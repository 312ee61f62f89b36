"""Turn the message model into OCPP-J JSON schemas (draft-04, as the OCA 1.6 schemas are).

Named types are inlined, as in the OCA files, so each schema stands alone and needs no ``$ref``
resolution. Keys come out in a fixed order (properties and ``required`` in model order) so that
the generated files are stable and a drift check can compare them byte for byte.
"""

from __future__ import annotations

from typing import Any

from ocpptk.spec.catalog import Version
from ocpptk.spec.model import (
    Action,
    Array,
    Boolean,
    DataType,
    Enum,
    Integer,
    Number,
    Object,
    String,
)

__all__ = ["DRAFT_04", "action_schema", "schema_id", "schema_name", "type_schema"]

DRAFT_04 = "http://json-schema.org/draft-04/schema#"


def schema_name(act: Action, request: bool) -> str:
    """The file stem OCA uses: ``BootNotification`` for the request, ``...Response`` otherwise."""
    return act.name if request else act.name + "Response"


def schema_id(version: Version, act: Action, request: bool) -> str:
    """Our own id, so nobody mistakes a generated schema for an OCA original."""
    return f"urn:ocpptk:{version.value}:{act.name}{'Request' if request else 'Response'}"


def type_schema(data_type: DataType) -> dict[str, Any]:
    """The schema of one value of ``data_type``, nested objects and arrays inlined."""
    if isinstance(data_type, Enum):
        # OCA also writes "additionalProperties": false here; on a string it means nothing.
        return {"type": "string", "enum": list(data_type.values)}
    if isinstance(data_type, String):
        out: dict[str, Any] = {"type": "string"}
        if data_type.max_length is not None:
            out["maxLength"] = data_type.max_length
        if data_type.format is not None:
            out["format"] = data_type.format
        return out
    if isinstance(data_type, Integer):
        return {"type": "integer"}
    if isinstance(data_type, Number):
        out = {"type": "number"}
        if data_type.multiple_of is not None:
            out["multipleOf"] = data_type.multiple_of
        return out
    if isinstance(data_type, Boolean):
        return {"type": "boolean"}
    if isinstance(data_type, Array):
        out = {"type": "array", "items": type_schema(data_type.items)}
        if data_type.min_items is not None:
            out["minItems"] = data_type.min_items
        if data_type.max_items is not None:
            out["maxItems"] = data_type.max_items
        return out
    return _object_schema(data_type)


def _object_schema(obj: Object) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "object",
        "properties": {f.name: type_schema(f.type) for f in obj.fields},
    }
    if obj.closed:
        out["additionalProperties"] = False
    required = [f.name for f in obj.fields if f.required]
    if required:  # draft-04 forbids an empty "required"
        out["required"] = required
    return out


def action_schema(version: Version, act: Action, request: bool) -> dict[str, Any]:
    """The complete schema document of the request (or response) payload of ``act``."""
    payload = act.request if request else act.response
    return {
        "$schema": DRAFT_04,
        "id": schema_id(version, act, request),
        "title": payload.name,
        **_object_schema(payload),
    }

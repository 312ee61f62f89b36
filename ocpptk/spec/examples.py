"""Default payloads and field lists, read from the message model.

The console and the simulators start from ``example_payload`` and change what they need, so
every required field in the model carries a valid example; the payloads are checked against the
OCA schemas in the tests. ``field_paths`` feeds the console's completion of ``key=value`` edits.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from ocpptk.spec import catalog
from ocpptk.spec.catalog import Version
from ocpptk.spec.model import Action, Array, DataType, Object

__all__ = ["example_payload", "example_value", "field_paths"]


class _Missing:
    """Marks "no example": None cannot, since it is never a valid OCPP-J value anyway."""


_MISSING = _Missing()


def _lookup(version: Version, action_name: str) -> Action:
    found = catalog.action(version, action_name)
    if found is None:
        raise KeyError(f"OCPP {version.value} has no action {action_name!r}")
    return found


def _plain(value: Any) -> Any:
    """Tuples in the model (kept hashable) become the lists JSON has."""
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _value(data_type: DataType, example: Any, include_optional: bool) -> Any:
    if example is not None:
        return _plain(example)
    if isinstance(data_type, Object):
        return _object(data_type, include_optional)
    if isinstance(data_type, Array):
        item = _value(data_type.items, None, include_optional)
        return _MISSING if item is _MISSING else [item]
    return _MISSING


def _object(obj: Object, include_optional: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in obj.fields:
        if not (f.required or include_optional):
            continue
        value = _value(f.type, f.example, include_optional)
        if value is _MISSING:
            if f.required:
                raise ValueError(f"{obj.name}.{f.name} is required but has no example")
            continue
        out[f.name] = value
    return out


def example_value(data_type: DataType, include_optional: bool = False) -> Any:
    """A valid value of an object or array type; None for a scalar, which needs a Field example."""
    value = _value(data_type, None, include_optional)
    return None if value is _MISSING else value


@cache
def _payload(version: Version, action_name: str, request: bool, include_optional: bool) -> Any:
    act = _lookup(version, action_name)
    return _object(act.request if request else act.response, include_optional)


def example_payload(
    version: Version, action_name: str, request: bool = True, *, include_optional: bool = False
) -> dict[str, Any]:
    """A valid payload of the required fields' examples; arrays get one element.

    With ``include_optional`` the optional fields that have an example (and optional objects)
    are filled in too. The result is a fresh copy: callers may change it. Raises KeyError for an
    action the version does not have.
    """
    payload: dict[str, Any] = copy.deepcopy(
        _payload(version, action_name, request, include_optional)
    )
    return payload


def _walk(obj: Object, prefix: str, out: list[tuple[str, DataType]]) -> None:
    for f in obj.fields:
        path = prefix + f.name
        out.append((path, f.type))
        inner: DataType = f.type
        while isinstance(inner, Array):
            inner = inner.items
        if isinstance(inner, Object):
            _walk(inner, path + ".", out)


@cache
def _paths(version: Version, action_name: str, request: bool) -> tuple[tuple[str, DataType], ...]:
    act = _lookup(version, action_name)
    out: list[tuple[str, DataType]] = []
    _walk(act.request if request else act.response, "", out)
    return tuple(out)


def field_paths(version: Version, action: str, request: bool = True) -> list[tuple[str, DataType]]:
    """Every field as (dotted path, type), depth first in model order, for completion.

    Objects and arrays are listed themselves and then their fields; an array's elements add no
    index to the path (``meterValue.sampledValue.measurand``).
    """
    return list(_paths(version, action, request))

"""Building request payloads in layers: the model's example, a simulator's defaults, the user's.

Each layer replaces the top-level fields it names. A dotted name (``idTagInfo.status``) reaches
inside an object and replaces only that field, so the rest of the object stays as it was.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from ocpptk.spec.catalog import Version, action
from ocpptk.spec.examples import example_payload

__all__ = ["apply_fields", "build_payload"]


def apply_fields(payload: dict[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
    """``payload`` with ``fields`` applied (a new dict; neither argument is changed)."""
    result = copy.deepcopy(payload)
    for name, value in fields.items():
        *parents, leaf = name.split(".")
        target = result
        for part in parents:
            inner = target.get(part)
            if not isinstance(inner, dict):
                inner = target[part] = {}
            target = inner
        target[leaf] = copy.deepcopy(value)
    return result


def build_payload(
    version: Version,
    action_name: str,
    *layers: Mapping[str, Any] | None,
    request: bool = True,
) -> dict[str, Any]:
    """The example payload of ``action_name`` with each layer applied in turn.

    An action the version does not define starts from an empty payload (for custom messages).
    """
    base = example_payload(version, action_name, request) if action(version, action_name) else {}
    for layer in layers:
        if layer:
            base = apply_fields(base, layer)
    return base

"""OCPP versions, roles and the actions each version defines."""

from __future__ import annotations

import importlib
from enum import Enum
from functools import cache

from ocpptk.spec.model import Action, Direction

__all__ = ["Direction", "Role", "Version", "action", "actions"]


class Version(Enum):
    """An OCPP version; the value is how the specification writes it."""

    V12 = "1.2"
    V15 = "1.5"
    V16 = "1.6"
    V201 = "2.0.1"

    @property
    def subprotocol(self) -> str:
        """The WebSocket subprotocol of OCPP-J for this version (``ocpp1.6``, ``ocpp2.0.1``)."""
        return "ocpp" + self.value

    @classmethod
    def from_subprotocol(cls, name: str) -> Version:
        for version in cls:
            if version.subprotocol == name:
                return version
        raise ValueError(f"unknown OCPP subprotocol {name!r}")

    @classmethod
    def parse(cls, text: str) -> Version:
        """Accept ``1.6``, ``ocpp1.6``, ``16`` or ``V16``."""
        cleaned = text.strip().lower().removeprefix("ocpp").removeprefix("v")
        for version in cls:
            if cleaned in (version.value, version.value.replace(".", "")):
                return version
        raise ValueError(f"unknown OCPP version {text!r}")


class Role(Enum):
    """Which end of the link we are."""

    CHARGE_POINT = "cp"
    CENTRAL_SYSTEM = "cs"

    @property
    def peer(self) -> Role:
        return Role.CENTRAL_SYSTEM if self is Role.CHARGE_POINT else Role.CHARGE_POINT

    def may_send(self, act: Action) -> bool:
        """True if this role may send the request of ``act``."""
        if act.direction is Direction.BOTH:
            return True
        if self is Role.CHARGE_POINT:
            return act.direction is Direction.CP_TO_CS
        return act.direction is Direction.CS_TO_CP


_MODEL_MODULES = {
    Version.V12: "ocpptk.spec.v12",
    Version.V15: "ocpptk.spec.v15",
    Version.V16: "ocpptk.spec.v16",
}


@cache
def actions(version: Version) -> dict[str, Action]:
    """Every action of ``version`` by name, in the order the model lists them."""
    module_name = _MODEL_MODULES.get(version)
    if module_name is None:
        return {}
    module = importlib.import_module(module_name)
    return {act.name: act for act in module.ACTIONS}


def action(version: Version, name: str) -> Action | None:
    """The action called ``name`` in ``version``, or None if the version has no such action."""
    return actions(version).get(name)

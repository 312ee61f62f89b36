"""ocpptk: simulate either end of an OCPP link, over OCPP-J (WebSocket) or SOAP."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["CentralSystem", "ChargePoint", "__version__"]

if TYPE_CHECKING:
    from ocpptk.transport.central_system import CentralSystem
    from ocpptk.transport.charge_point import ChargePoint


def __getattr__(name: str) -> Any:
    # Imported on first use, so that `import ocpptk.rpc` stays free of the I/O layers.
    if name == "CentralSystem":
        from ocpptk.transport.central_system import CentralSystem

        return CentralSystem
    if name == "ChargePoint":
        from ocpptk.transport.charge_point import ChargePoint

        return ChargePoint
    raise AttributeError(f"module 'ocpptk' has no attribute {name!r}")

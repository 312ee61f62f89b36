"""DataTransfer (OCPP 1.6 sections 4.3 and 5.6): vendor-specific messages, answered per vendor.

Both ends answer a DataTransfer the same way, so both simulators hold a ``VendorRegistry``.
A vendor nobody registered gets ``UnknownVendorId`` (the answer the specification gives for it);
a vendor registered without a handler gets ``Accepted``; a handler decides everything else.
``data`` is free-form and passed through untouched.
"""

from __future__ import annotations

from collections.abc import Callable

from ocpptk.rpc.errors import InternalError
from ocpptk.sim.dispatch import Payload

__all__ = ["DataTransferHandler", "VendorRegistry"]

# (messageId, data) -> (status, data): status is Accepted, Rejected or UnknownMessageId;
# data None leaves the field out of the reply.
DataTransferHandler = Callable[[str | None, str | None], tuple[str, str | None]]


class VendorRegistry:
    """The vendors a simulator knows, each with an optional handler. Vendor ids compare
    case-insensitively: ``vendorId`` is a CiString255Type."""

    def __init__(self) -> None:
        self._vendors: dict[str, DataTransferHandler | None] = {}

    def register(self, vendor_id: str, handler: DataTransferHandler | None = None) -> None:
        """Know ``vendor_id``: without a handler every message of it is ``Accepted``."""
        self._vendors[vendor_id.casefold()] = handler

    def unregister(self, vendor_id: str) -> None:
        self._vendors.pop(vendor_id.casefold(), None)

    def __contains__(self, vendor_id: object) -> bool:
        return isinstance(vendor_id, str) and vendor_id.casefold() in self._vendors

    def answer(self, request: Payload) -> Payload:
        """The DataTransfer.conf payload for a DataTransfer.req payload."""
        vendor_id = request["vendorId"]
        if vendor_id not in self:
            return {"status": "UnknownVendorId"}
        handler = self._vendors[vendor_id.casefold()]
        if handler is None:
            return {"status": "Accepted"}
        try:
            status, data = handler(request.get("messageId"), request.get("data"))
        except Exception as exc:  # the handler's own bug, not the peer's payload
            raise InternalError(f"DataTransfer handler for {vendor_id!r} failed: {exc}") from exc
        return {"status": status} if data is None else {"status": status, "data": data}

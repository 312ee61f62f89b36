"""A central system built on the PyPI ``ocpp`` package (mobilityhouse), recording what it receives.

``TheirCentralSystem`` is an ``ocpp.v16.ChargePoint`` subclass (their name for the central
system's view of one charge point) with an ``@on`` handler for every CP -> CS action, as their
README builds one; it numbers transactions itself. ``their_server`` serves it with plain
``websockets`` on 127.0.0.1:0 with subprotocol ocpp1.6; their schema validation stays on.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from ocpp.routing import on
from ocpp.v16 import ChargePoint as TheirChargePointView
from ocpp.v16 import call, call_result, datatypes
from ocpp.v16.enums import (
    Action,
    AuthorizationStatus,
    ConfigurationStatus,
    DataTransferStatus,
    RegistrationStatus,
)
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from tests.conftest import PATIENCE
from tests.interop.conftest import TheirLog, plain, timestamp

ACCEPTED = datatypes.IdTagInfo(status=AuthorizationStatus.accepted)


class TheirCentralSystem(TheirChargePointView):
    """A central system as their README builds one: a handler per CP -> CS action.

    ``first_transaction_id`` is the id of the first transaction it starts (then counting up),
    ``interval`` the heartbeat interval its BootNotification answer gives.
    """

    def __init__(
        self, *args: Any, first_transaction_id: int = 1001, interval: int = 120, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.transaction_ids = itertools.count(first_transaction_id)
        self.interval = interval

    def _got(self, action: str, payload: dict[str, Any]) -> None:
        self.received.append((action, plain(payload)))

    @on(Action.authorize)
    def on_authorize(self, **payload: Any) -> call_result.Authorize:
        self._got("Authorize", payload)
        return call_result.Authorize(id_tag_info=ACCEPTED)

    @on(Action.boot_notification)
    def on_boot_notification(self, **payload: Any) -> call_result.BootNotification:
        self._got("BootNotification", payload)
        return call_result.BootNotification(
            current_time=timestamp(), interval=self.interval, status=RegistrationStatus.accepted
        )

    @on(Action.data_transfer)
    def on_data_transfer(self, **payload: Any) -> call_result.DataTransfer:
        self._got("DataTransfer", payload)
        return call_result.DataTransfer(status=DataTransferStatus.accepted, data="theirs")

    @on(Action.diagnostics_status_notification)
    def on_diagnostics(self, **payload: Any) -> call_result.DiagnosticsStatusNotification:
        self._got("DiagnosticsStatusNotification", payload)
        return call_result.DiagnosticsStatusNotification()

    @on(Action.firmware_status_notification)
    def on_firmware(self, **payload: Any) -> call_result.FirmwareStatusNotification:
        self._got("FirmwareStatusNotification", payload)
        return call_result.FirmwareStatusNotification()

    @on(Action.heartbeat)
    async def on_heartbeat(self, **payload: Any) -> call_result.Heartbeat:  # async works too
        self._got("Heartbeat", payload)
        return call_result.Heartbeat(current_time=timestamp())

    @on(Action.meter_values)
    def on_meter_values(self, **payload: Any) -> call_result.MeterValues:
        self._got("MeterValues", payload)
        return call_result.MeterValues()

    @on(Action.start_transaction)
    def on_start_transaction(self, **payload: Any) -> call_result.StartTransaction:
        self._got("StartTransaction", payload)
        return call_result.StartTransaction(
            transaction_id=next(self.transaction_ids), id_tag_info=ACCEPTED
        )

    @on(Action.status_notification)
    def on_status_notification(self, **payload: Any) -> call_result.StatusNotification:
        self._got("StatusNotification", payload)
        return call_result.StatusNotification()

    @on(Action.stop_transaction)
    def on_stop_transaction(self, **payload: Any) -> call_result.StopTransaction:
        self._got("StopTransaction", payload)
        return call_result.StopTransaction(id_tag_info=ACCEPTED)

    def got(self, action: str) -> list[dict[str, Any]]:
        """The payloads of ``action`` they received, in order (snake_case, plain values)."""
        return [payload for name, payload in self.received if name == action]

    def statuses(self, connector_id: int) -> list[str]:
        """The statuses they heard of ``connector_id``, in order."""
        return [
            p["status"] for p in self.got("StatusNotification") if p["connector_id"] == connector_id
        ]

    async def change(self, key: str, value: str) -> None:
        """ChangeConfiguration, which must be accepted."""
        result = await self.call(call.ChangeConfiguration(key=key, value=value), suppress=False)
        assert result.status == ConfigurationStatus.accepted


@dataclass
class TheirServer:
    """Where their central system listens, and what connected to it."""

    port: int
    paths: list[str] = field(default_factory=list)
    arrived: asyncio.Queue[TheirCentralSystem] = field(default_factory=asyncio.Queue)

    async def connected(self) -> TheirCentralSystem:
        """Their view of the next charge point that connected."""
        return await asyncio.wait_for(self.arrived.get(), PATIENCE)


@contextlib.asynccontextmanager
async def their_server(their_log: TheirLog, **options: Any) -> AsyncIterator[TheirServer]:
    """Serve a ``TheirCentralSystem(**options)`` per connection, logging to ``their_log``."""
    paths: list[str] = []
    arrived: asyncio.Queue[TheirCentralSystem] = asyncio.Queue()

    async def serve_one(websocket: ServerConnection) -> None:
        assert websocket.request is not None
        paths.append(websocket.request.path)
        charge_point_id = websocket.request.path.rsplit("/", 1)[-1]
        theirs = TheirCentralSystem(
            charge_point_id,
            websocket,
            response_timeout=PATIENCE,
            logger=their_log.logger,
            **options,
        )
        arrived.put_nowait(theirs)
        with contextlib.suppress(ConnectionClosed):
            await theirs.start()

    subprotocols: Any = ["ocpp1.6"]
    async with serve(serve_one, "127.0.0.1", 0, subprotocols=subprotocols) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        yield TheirServer(port, paths, arrived)

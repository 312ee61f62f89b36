"""A charge point's connectors and transactions, and the connector status machine as a table.

OCPP 1.6 section 4.9 (StatusNotification) lists the connector states (``ChargePointStatus``)
and which transitions between them are allowed. ``TRANSITIONS`` holds the ones the simulator
drives today, as data: (state, event) -> new state. An event with no entry for the current state
raises ``IllegalTransition`` and leaves the state unchanged. Plugging a cable, suspending and
resuming charging (Preparing, SuspendedEV, SuspendedEVSE, Finishing) come with the events that
cause them; adding them means adding rows here, not code.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

__all__ = [
    "TRANSITIONS",
    "Connector",
    "ConnectorEvent",
    "ConnectorStatus",
    "IllegalTransition",
    "Reservation",
    "Transaction",
]

logger = logging.getLogger(__name__)


class ConnectorStatus(Enum):
    """``ChargePointStatus`` of OCPP 1.6 section 7.7; the value is the wire spelling."""

    AVAILABLE = "Available"
    PREPARING = "Preparing"
    CHARGING = "Charging"
    SUSPENDED_EVSE = "SuspendedEVSE"
    SUSPENDED_EV = "SuspendedEV"
    FINISHING = "Finishing"
    RESERVED = "Reserved"
    UNAVAILABLE = "Unavailable"
    FAULTED = "Faulted"


class ConnectorEvent(Enum):
    """What happens to a connector."""

    RESERVE = "reserve"  # ReserveNow accepted
    RESERVATION_ENDED = "reservation ended"  # cancelled or expired
    TRANSACTION_STARTED = "transaction started"  # StartTransaction.conf with idTag Accepted
    TRANSACTION_STOPPED = "transaction stopped"  # StopTransaction.conf (no cable model yet)
    MAKE_INOPERATIVE = "make inoperative"  # ChangeAvailability Inoperative
    MAKE_OPERATIVE = "make operative"  # ChangeAvailability Operative
    FAULT = "fault"
    FAULT_CLEARED = "fault cleared"


_S = ConnectorStatus
_E = ConnectorEvent

TRANSITIONS: dict[tuple[ConnectorStatus, ConnectorEvent], ConnectorStatus] = {
    (_S.AVAILABLE, _E.RESERVE): _S.RESERVED,
    (_S.RESERVED, _E.RESERVATION_ENDED): _S.AVAILABLE,
    (_S.AVAILABLE, _E.TRANSACTION_STARTED): _S.CHARGING,
    (_S.PREPARING, _E.TRANSACTION_STARTED): _S.CHARGING,
    (_S.RESERVED, _E.TRANSACTION_STARTED): _S.CHARGING,
    (_S.CHARGING, _E.TRANSACTION_STOPPED): _S.AVAILABLE,
    (_S.SUSPENDED_EV, _E.TRANSACTION_STOPPED): _S.AVAILABLE,
    (_S.SUSPENDED_EVSE, _E.TRANSACTION_STOPPED): _S.AVAILABLE,
    (_S.AVAILABLE, _E.MAKE_INOPERATIVE): _S.UNAVAILABLE,
    (_S.RESERVED, _E.MAKE_INOPERATIVE): _S.UNAVAILABLE,
    (_S.FAULTED, _E.MAKE_INOPERATIVE): _S.UNAVAILABLE,
    (_S.UNAVAILABLE, _E.MAKE_OPERATIVE): _S.AVAILABLE,
    (_S.FAULTED, _E.FAULT_CLEARED): _S.AVAILABLE,
    **{(state, _E.FAULT): _S.FAULTED for state in ConnectorStatus if state is not _S.FAULTED},
}


class IllegalTransition(Exception):
    """An event the connector's current state does not allow (see ``TRANSITIONS``)."""


@dataclass
class Transaction:
    """A transaction on a charge point; ``transaction_id`` is None until the CS assigns one."""

    connector_id: int
    id_tag: str
    meter_start: int
    started_at: datetime
    transaction_id: int | None = None
    reservation_id: int | None = None
    id_tag_status: str | None = None  # idTagInfo.status of StartTransaction.conf
    stop_reason: str | None = None  # set when a StopTransaction is queued
    meter_stop: int | None = None
    stopped_at: datetime | None = None


@dataclass
class Reservation:
    """A ReserveNow the charge point accepted (OCPP 1.6 section 5.13)."""

    reservation_id: int
    connector_id: int  # 0: any connector
    id_tag: str
    expiry: datetime
    parent_id_tag: str | None = None


@dataclass
class Connector:
    """One connector: its status, availability, energy meter and current transaction."""

    connector_id: int
    status: ConnectorStatus = ConnectorStatus.AVAILABLE
    error_code: str = "NoError"  # ChargePointErrorCode
    operative: bool = True
    scheduled_operative: bool | None = None  # ChangeAvailability waiting for the transaction
    meter_wh: int = 0  # Energy.Active.Import.Register
    transaction: Transaction | None = None
    reservation: Reservation | None = None
    history: list[tuple[ConnectorStatus, ConnectorEvent, ConnectorStatus]] = field(
        default_factory=list, repr=False
    )

    def can(self, event: ConnectorEvent) -> bool:
        return (self.status, event) in TRANSITIONS

    def fire(self, event: ConnectorEvent) -> ConnectorStatus:
        """Apply ``event``: the new status, or ``IllegalTransition`` with the status unchanged."""
        new = TRANSITIONS.get((self.status, event))
        if new is None:
            raise IllegalTransition(
                f"connector {self.connector_id}: {event.value!r} is not allowed "
                f"in {self.status.value}"
            )
        logger.debug(
            "connector %d: %s --%s--> %s",
            self.connector_id,
            self.status.value,
            event.value,
            new.value,
        )
        self.history.append((self.status, event, new))
        self.status = new
        return new

    @property
    def is_free(self) -> bool:
        """Operative, no transaction, not reserved, not faulted: a new transaction may start."""
        return (
            self.operative
            and self.transaction is None
            and self.status in (ConnectorStatus.AVAILABLE, ConnectorStatus.PREPARING)
        )

    def accepts(self, id_tag: str) -> bool:
        """True if a transaction for ``id_tag`` may start here (free, or reserved for it)."""
        if self.is_free:
            return True
        reservation = self.reservation
        return (
            self.operative
            and self.transaction is None
            and self.status is ConnectorStatus.RESERVED
            and reservation is not None
            and reservation.id_tag.casefold() == id_tag.casefold()
        )

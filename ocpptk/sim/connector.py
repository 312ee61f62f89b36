"""A charge point's connectors and transactions, and the connector status machine as a table.

OCPP 1.6 section 4.9 (StatusNotification) lists the connector states (``ChargePointStatus``)
and which transitions between them are allowed (its table names them A2, B3 and so on).
``TRANSITIONS`` holds them as data: (state, event) -> new state, one event per cause (a cable
plugged in, a transaction started, the EV or the charger suspending, a fault). An event with no
entry for the current state raises ``IllegalTransition`` naming both and leaves the state
unchanged; ``reachable`` lists where a state may go, for a console that sets a status by name.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

__all__ = [
    "TRANSITIONS",
    "Connector",
    "ConnectorEvent",
    "ConnectorStatus",
    "IllegalTransition",
    "Reservation",
    "Transaction",
    "reachable",
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

    PLUG_IN = "plug in"  # the driver connects the cable
    AUTHORIZED = "authorized"  # an idTag was accepted before the cable is in (Preparing)
    PREPARATION_ENDED = "preparation ended"  # unplugged, timed out or refused before a transaction
    TRANSACTION_STARTED = "transaction started"  # energy may flow
    SUSPEND_EV = "suspend EV"  # the EV takes no energy (full, or its own choice)
    SUSPEND_EVSE = "suspend EVSE"  # the charger offers no energy (a profile of 0, a pause)
    RESUME = "resume"  # energy flows again
    TRANSACTION_STOPPED = "transaction stopped"  # the transaction ended, the cable still in
    UNPLUG = "unplug"  # the cable is out: the connector is free (ends a transaction too)
    RESERVE = "reserve"  # ReserveNow accepted
    RESERVATION_ENDED = "reservation ended"  # cancelled, expired or used up
    MAKE_INOPERATIVE = "make inoperative"  # ChangeAvailability Inoperative
    MAKE_OPERATIVE = "make operative"  # ChangeAvailability Operative
    FAULT = "fault"
    FAULT_CLEARED = "fault cleared"


_S = ConnectorStatus
_E = ConnectorEvent
_BUSY = (_S.CHARGING, _S.SUSPENDED_EV, _S.SUSPENDED_EVSE)

# OCPP 1.6 section 4.9: the transitions its table allows, each caused by one event.
TRANSITIONS: dict[tuple[ConnectorStatus, ConnectorEvent], ConnectorStatus] = {
    (_S.AVAILABLE, _E.PLUG_IN): _S.PREPARING,  # A2
    (_S.AVAILABLE, _E.AUTHORIZED): _S.PREPARING,  # A2
    (_S.AVAILABLE, _E.TRANSACTION_STARTED): _S.CHARGING,  # A3: cable in, remote start
    (_S.AVAILABLE, _E.RESERVE): _S.RESERVED,  # A7
    (_S.AVAILABLE, _E.MAKE_INOPERATIVE): _S.UNAVAILABLE,  # A8
    (_S.PREPARING, _E.PREPARATION_ENDED): _S.AVAILABLE,  # B1
    (_S.PREPARING, _E.UNPLUG): _S.AVAILABLE,  # B1
    (_S.PREPARING, _E.TRANSACTION_STARTED): _S.CHARGING,  # B3
    (_S.PREPARING, _E.SUSPEND_EV): _S.SUSPENDED_EV,  # B4
    (_S.PREPARING, _E.SUSPEND_EVSE): _S.SUSPENDED_EVSE,  # B5
    (_S.RESERVED, _E.RESERVATION_ENDED): _S.AVAILABLE,  # G1
    (_S.RESERVED, _E.PLUG_IN): _S.PREPARING,  # G2: the reserved driver arrives
    (_S.RESERVED, _E.AUTHORIZED): _S.PREPARING,  # G2
    (_S.RESERVED, _E.MAKE_INOPERATIVE): _S.UNAVAILABLE,  # G8
    **{(state, _E.SUSPEND_EV): _S.SUSPENDED_EV for state in _BUSY if state is not _S.SUSPENDED_EV},
    **{
        (state, _E.SUSPEND_EVSE): _S.SUSPENDED_EVSE
        for state in _BUSY
        if state is not _S.SUSPENDED_EVSE
    },
    **{(state, _E.RESUME): _S.CHARGING for state in _BUSY if state is not _S.CHARGING},
    **{(state, _E.TRANSACTION_STOPPED): _S.FINISHING for state in _BUSY},  # C6, D6, E6
    **{(state, _E.UNPLUG): _S.AVAILABLE for state in _BUSY},  # C1, D1, E1
    (_S.FINISHING, _E.UNPLUG): _S.AVAILABLE,  # F1
    (_S.FINISHING, _E.AUTHORIZED): _S.PREPARING,  # F2: a new driver presents a tag
    (_S.FINISHING, _E.MAKE_INOPERATIVE): _S.UNAVAILABLE,  # F8
    **{(state, _E.MAKE_INOPERATIVE): _S.UNAVAILABLE for state in _BUSY},  # C8 .. E8: scheduled
    (_S.UNAVAILABLE, _E.MAKE_OPERATIVE): _S.AVAILABLE,  # H1
    (_S.FAULTED, _E.FAULT_CLEARED): _S.AVAILABLE,  # I1
    (_S.FAULTED, _E.MAKE_INOPERATIVE): _S.UNAVAILABLE,  # I8
    **{(state, _E.FAULT): _S.FAULTED for state in ConnectorStatus if state is not _S.FAULTED},
}


def reachable(status: ConnectorStatus) -> dict[ConnectorStatus, ConnectorEvent]:
    """The states ``status`` may go to, each with an event that leads there."""
    found: dict[ConnectorStatus, ConnectorEvent] = {}
    for (state, event), new in TRANSITIONS.items():
        if state is status:
            found.setdefault(new, event)
    return found


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
    ref: int = 0  # the charge point's own reference, known before the central system's id
    reservation_id: int | None = None
    id_tag_status: str | None = None  # idTagInfo.status of StartTransaction.conf
    stop_reason: str | None = None  # set when a StopTransaction is queued
    meter_stop: int | None = None
    stopped_at: datetime | None = None
    begin_reading: dict[str, Any] | None = field(default=None, repr=False)  # Transaction.Begin


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
    plugged: bool = False  # a cable is in
    reported: ConnectorStatus | None = None  # the status the central system last heard of
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
        """Operative, no transaction, not reserved, not faulted: a new transaction may start
        (in Finishing too: a new driver, or the same one again, before the cable is out)."""
        return (
            self.operative
            and self.transaction is None
            and self.status
            in (ConnectorStatus.AVAILABLE, ConnectorStatus.PREPARING, ConnectorStatus.FINISHING)
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

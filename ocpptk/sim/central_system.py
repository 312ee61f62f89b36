"""A simulated OCPP central system, sans I/O: one object serving any number of charge points,
each in its own version (1.2, 1.5 or 1.6).

The transport layer drives it with:

- ``connected(cp_id, version)`` / ``disconnected(cp_id)``: a charge point's link came up (in
  that OCPP version) or went down.
- ``handle_call(cp_id, action, payload)``: a CALL from a charge point; returns the CALLRESULT
  payload or raises an ``ocpptk.rpc.errors.OcppError`` to answer with a CALLERROR.
- ``on_result(cp_id, action, request, response)``: the CALLRESULT of a CALL we sent.
- ``default_request(cp_id, action)``: context-aware fields for a CALL the console sends.

It never reads the clock (``now`` is injected) and never sends anything itself. What it learns
is kept per charge point in a ``ChargePointState`` (``charge_points[cp_id]``), for a status view.
The handlers think in OCPP 1.6; what a charge point's version calls things differently comes
from its ``Dialect`` (``ocpptk.sim.dialect``). Transaction ids, id tag policies and vendors are
shared by all charge points, whatever their version.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ocpptk.rpc.errors import LocalProtocolError
from ocpptk.sim.charging import ProfileStore
from ocpptk.sim.clock import Clock, format_timestamp, parse_timestamp, utc_now
from ocpptk.sim.data_transfer import DataTransferHandler, VendorRegistry
from ocpptk.sim.dialect import DIALECTS, ENERGY, Dialect
from ocpptk.sim.dispatch import Payload, check_version, find_handler, payload_errors
from ocpptk.sim.replies import (
    ID_TAG_STATUSES,
    REGISTRATION_STATUSES,
    ReplyOverride,
    ReplyOverrides,
    check_status,
    parse_id_tags,
)
from ocpptk.spec.catalog import Role, Version

__all__ = [
    "BootInfo",
    "CentralSystemSim",
    "ChargePointState",
    "ConnectorState",
    "TransactionRecord",
]

logger = logging.getLogger(__name__)

_WH_PER_UNIT = {"Wh": 1, "kWh": 1000}


@dataclass
class BootInfo:
    """What a charge point said about itself in its last BootNotification."""

    vendor: str
    model: str
    serial_number: str | None = None
    firmware_version: str | None = None
    request: Payload = field(default_factory=dict, repr=False)


@dataclass
class ConnectorState:
    """A connector as the charge point last reported it."""

    connector_id: int
    status: str | None = None  # ChargePointStatus of the last StatusNotification, as sent
    error_code: str | None = None
    info: str | None = None
    vendor_error_code: str | None = None
    timestamp: datetime | None = None
    meter_wh: float | None = None  # last Energy.Active.Import.Register from MeterValues


@dataclass
class TransactionRecord:
    """A transaction this central system numbered."""

    transaction_id: int
    charge_point_id: str
    connector_id: int
    id_tag: str
    meter_start: int
    started_at: datetime
    reservation_id: int | None = None
    last_meter_wh: float | None = None
    meter_value_count: int = 0  # MeterValue entries received for it
    meter_stop: int | None = None
    stopped_at: datetime | None = None
    stop_reason: str | None = None
    stop_id_tag: str | None = None

    @property
    def energy_wh(self) -> float | None:
        """Energy charged so far (or in total, once stopped), from the meter readings."""
        reading = self.meter_stop if self.meter_stop is not None else self.last_meter_wh
        return None if reading is None else reading - self.meter_start


@dataclass
class ChargePointState:
    """Everything the central system knows about one charge point."""

    charge_point_id: str
    version: Version = Version.V16  # the OCPP version of its (last) link
    connected: bool = False
    connected_at: datetime | None = None
    disconnected_at: datetime | None = None
    last_seen: datetime | None = None  # last CALL received from it
    boot: BootInfo | None = None
    registration_status: str | None = None  # what we answered to its BootNotification
    last_heartbeat: datetime | None = None
    connectors: dict[int, ConnectorState] = field(default_factory=dict)
    open_transactions: dict[int, TransactionRecord] = field(default_factory=dict)
    closed_transactions: list[TransactionRecord] = field(default_factory=list)
    diagnostics_status: str | None = None
    firmware_status: str | None = None
    # learnt from the answers to our CALLs (on_result)
    configuration: dict[str, Payload] = field(default_factory=dict)  # key -> KeyValue
    unknown_keys: list[str] = field(default_factory=list)
    local_list_version: int | None = None
    reservations: dict[int, Payload] = field(default_factory=dict)  # accepted ReserveNow.req
    charging_profiles: ProfileStore = field(default_factory=ProfileStore)
    results: dict[str, tuple[Payload, Payload]] = field(default_factory=dict)  # last per action

    @property
    def speech(self) -> Dialect:
        """How its version calls things."""
        return DIALECTS[self.version]

    def connector(self, connector_id: int) -> ConnectorState:
        """The state of ``connector_id``, created on first mention."""
        return self.connectors.setdefault(connector_id, ConnectorState(connector_id))


class CentralSystemSim:
    """The behaviour of an OCPP central system, answering each charge point in its version.

    ``version`` is the version of a charge point whose version nobody told us (``connected``
    without one, or a CALL before ``connected``).

    Policies a test or console may change:

    - ``registration_status``: the answer to BootNotification (``Accepted``; or ``Pending``,
      ``Rejected``), with ``heartbeat_interval`` as its interval (``interval`` in 1.6,
      ``heartbeatInterval`` in 1.2 and 1.5, which have no Pending and answer ``Rejected``).
    - ``set_id_tag_status(id_tag, status)``: the idTagInfo status of a tag in Authorize,
      StartTransaction and StopTransaction; unlisted tags get ``default_id_tag_status``
      (``Accepted``).
    - ``set_boot(status, interval, cp_id=None)``: the same for one charge point (its own
      setting wins), or for all.
    - ``set_default_id_tag_status(status)``, ``load_id_tags(text)``: JSON or CSV id tag lists.
    - ``register_vendor(vendor_id, handler=None)``: DataTransfer answers ``UnknownVendorId``
      for vendors nobody registered, ``Accepted`` for a vendor registered without a handler,
      and whatever the handler returns otherwise.
    - ``set_reply(action, ...)`` / ``clear_replies(...)`` / ``replies``: reply overrides (a
      fixed payload, a delay, a CALLERROR) per charge point or for all
      (``ocpptk.sim.replies.ReplyOverride``); ``reply_delay(cp_id, action)`` is the delay the
      transport waits before sending the reply.

    Transaction ids start at 1 (``set_next_transaction_id``) and increase across all charge
    points.
    """

    def __init__(
        self,
        version: Version = Version.V16,
        now: Clock = utc_now,
        heartbeat_interval: int = 300,
        *,
        registration_status: str = "Accepted",
    ) -> None:
        check_status(registration_status, REGISTRATION_STATUSES, "registration status")
        self.version = check_version(version)
        self.now = now
        self.heartbeat_interval = heartbeat_interval
        self.registration_status = registration_status
        self.default_id_tag_status = "Accepted"
        self.charge_points: dict[str, ChargePointState] = {}
        self.vendors = VendorRegistry()
        self._id_tags: dict[str, str] = {}  # casefolded idTag -> AuthorizationStatus
        self._next_transaction_id = 1
        self._boot_status: dict[str, str] = {}  # per charge point, over registration_status
        self._boot_interval: dict[str, int] = {}  # per charge point, over heartbeat_interval
        self.replies = ReplyOverrides()

        # CP -> CS requests: action -> handler(state, payload) -> response payload
        self._handlers: dict[str, Callable[[ChargePointState, Payload], Payload]] = {
            "Authorize": self._authorize,
            "BootNotification": self._boot_notification,
            "DataTransfer": lambda cp, request: self.vendors.answer(request),
            "DiagnosticsStatusNotification": self._diagnostics_status_notification,
            "FirmwareStatusNotification": self._firmware_status_notification,
            "Heartbeat": self._heartbeat,
            "MeterValues": self._meter_values,
            "StartTransaction": self._start_transaction,
            "StatusNotification": self._status_notification,
            "StopTransaction": self._stop_transaction,
        }
        # CS -> CP results: action -> learn(state, request, response)
        self._results: dict[str, Callable[[ChargePointState, Payload, Payload], None]] = {
            "CancelReservation": self._reservation_cancelled,
            "ChangeConfiguration": self._configuration_changed,
            "ClearChargingProfile": self._profiles_cleared,
            "GetConfiguration": self._configuration_read,
            "GetLocalListVersion": self._local_list_version_read,
            "ReserveNow": self._reserved,
            "SendLocalList": self._local_list_sent,
            "SetChargingProfile": self._profile_set,
        }
        # CS -> CP requests sent with no arguments: action -> overriding fields
        self._defaults: dict[str, Callable[[ChargePointState], Payload | None]] = {
            "CancelReservation": lambda cp: (
                {"reservationId": max(cp.reservations)} if cp.reservations else None
            ),
            "GetCompositeSchedule": lambda cp: {"connectorId": self._busy_connector(cp)},
            "RemoteStartTransaction": lambda cp: {"connectorId": self._free_connector(cp)},
            "RemoteStopTransaction": lambda cp: (
                {"transactionId": max(cp.open_transactions)} if cp.open_transactions else None
            ),
            "ReserveNow": lambda cp: {
                "connectorId": self._free_connector(cp),
                "expiryDate": format_timestamp(self.now() + timedelta(hours=1)),
                "reservationId": max(cp.reservations, default=0) + 1,
            },
            "SendLocalList": lambda cp: {"listVersion": (cp.local_list_version or 0) + 1},
            "SetChargingProfile": self._default_charging_profile,
            "UnlockConnector": lambda cp: {"connectorId": self._busy_connector(cp)},
        }

    # ----------------------------------------------------------------- the transport's API

    def connected(self, cp_id: str, version: Version | None = None) -> None:
        """``cp_id``'s link is up, in OCPP ``version`` (None: ``self.version``, 1.6 unless
        told otherwise); its state is created on first sight. ``ValueError`` for a version the
        simulators do not speak."""
        checked = check_version(version or self.version)
        state = self._state(cp_id)
        state.version = checked
        state.connected, state.connected_at = True, self.now()

    def disconnected(self, cp_id: str) -> None:
        """``cp_id``'s link is down; what we know of it is kept."""
        state = self._state(cp_id)
        state.connected, state.disconnected_at = False, self.now()

    def handle_call(self, cp_id: str, action: str, payload: Payload) -> Payload:
        """The response payload to a CP -> CS CALL from ``cp_id``, in its version, or an
        ``OcppError`` for a CALLERROR: ``NotSupported`` for a CS -> CP action,
        ``NotImplementedError_`` for an action its version does not have."""
        known = self.charge_points.get(cp_id)
        speech = known.speech if known is not None else DIALECTS[self.version]
        handler = find_handler(self._handlers, action, Role.CENTRAL_SYSTEM, speech)
        state = self._state(cp_id)
        state.last_seen = self.now()
        override = self.replies.find(cp_id, action)
        if override is not None:
            error = override.error()
            if error is not None:
                raise error
        with payload_errors(action):
            reply = speech.fit(action, handler(state, payload), request=False)
        # after ``fit``: a deliberately odd override reaches outgoing validation as it is
        return reply if override is None else override.apply(reply)

    def on_result(self, cp_id: str, action: str, request: Payload, response: Payload) -> None:
        """Learn from the CALLRESULT of a CALL we sent to ``cp_id``. The last (request, response)
        of every action is kept in ``results``; GetConfiguration and ChangeConfiguration feed
        ``configuration``, GetLocalListVersion and SendLocalList ``local_list_version``,
        ReserveNow and CancelReservation ``reservations``, Set/ClearChargingProfile
        ``charging_profiles``."""
        state = self._state(cp_id)
        state.results[action] = (request, response)
        learn = self._results.get(action)
        if learn is not None:
            with payload_errors(action):
                learn(state, request, response)

    def default_request(self, cp_id: str, action: str) -> Payload | None:
        """Fields for the CS -> CP ``action`` (in ``cp_id``'s version) that depend on what we
        know of ``cp_id``, or None if nothing does: RemoteStopTransaction its open
        transaction, RemoteStartTransaction and ReserveNow an Available connector,
        GetCompositeSchedule and UnlockConnector the connector of its transaction (else 1),
        ReserveNow an expiry an hour from now and a new reservationId, CancelReservation the
        last reservation, SendLocalList the next list version, SetChargingProfile a whole
        TxProfile for the open transaction (else a TxDefaultProfile on connector 0) of 16 A.

        Merge contract: these are overrides, not a payload. The console builds the request as
        ``example_payload(version, action)``, then these fields, then the user's ``field=value``s
        (``ocpptk.spec.payloads.build_payload``): each layer replaces the top-level fields it
        names, so a nested object given here (``csChargingProfiles``) replaces the example's
        whole object. Nothing here changes state.
        ``LocalProtocolError`` for an action a central system does not send in that version.
        """
        state = self.charge_points.get(cp_id) or ChargePointState(cp_id, self.version)
        speech = state.speech
        if action not in speech.cs_to_cp:
            raise LocalProtocolError(
                f"a central system does not send {action} requests in OCPP {state.version.value}"
            )
        build = self._defaults.get(action)
        if build is None:
            return None
        fields = build(state)
        return None if fields is None else speech.fit(action, fields)

    # ----------------------------------------------------------------- policies and views

    def set_id_tag_status(self, id_tag: str, status: str) -> None:
        """Answer ``status`` (an AuthorizationStatus) for ``id_tag`` from now on."""
        check_status(status, ID_TAG_STATUSES, "id tag status")
        self._id_tags[id_tag.casefold()] = status

    def set_default_id_tag_status(self, status: str) -> None:
        """Answer ``status`` for every tag not listed."""
        self.default_id_tag_status = check_status(status, ID_TAG_STATUSES, "id tag status")

    def load_id_tags(self, text: str, source: str = "the file") -> int:
        """Add the tags of a JSON (``{"TAG1": "Accepted"}``) or CSV (``tag,status``) text; the
        number read. ValueError in one line for a bad text, and then no tag changes."""
        table = parse_id_tags(text, source)
        for tag, status in table.items():
            self._id_tags[tag.casefold()] = status
        return len(table)

    @property
    def id_tags(self) -> dict[str, str]:
        """The listed tags (casefolded) and their status."""
        return dict(self._id_tags)

    def set_boot(
        self, status: str | None = None, interval: int | None = None, cp_id: str | None = None
    ) -> None:
        """The BootNotification answer (a RegistrationStatus) and interval, for ``cp_id`` or,
        with None, for every charge point without its own; None leaves that part as it is."""
        if status is not None:
            check_status(status, REGISTRATION_STATUSES, "registration status")
        if interval is not None and interval < 0:
            raise ValueError(f"the interval cannot be negative ({interval})")
        if cp_id is None:
            self.registration_status = status or self.registration_status
            self.heartbeat_interval = self.heartbeat_interval if interval is None else interval
            return
        if status is not None:
            self._boot_status[cp_id] = status
        if interval is not None:
            self._boot_interval[cp_id] = interval

    def boot_reply(self, cp_id: str) -> tuple[str, int]:
        """The (1.6) RegistrationStatus and interval ``cp_id`` gets for a BootNotification."""
        return (
            self._boot_status.get(cp_id, self.registration_status),
            self._boot_interval.get(cp_id, self.heartbeat_interval),
        )

    def clear_boot(self, cp_id: str | None = None) -> None:
        """Forget ``cp_id``'s own boot answer (None: every charge point's)."""
        for table in (self._boot_status, self._boot_interval):
            if cp_id is None:
                table.clear()
            else:
                table.pop(cp_id, None)

    @property
    def next_transaction_id(self) -> int:
        return self._next_transaction_id

    def set_next_transaction_id(self, start_at: int) -> None:
        """Number the next transaction ``start_at`` (then on up), e.g. to match a backend."""
        if start_at < 1:
            raise ValueError(f"a transaction id must be positive ({start_at})")
        self._next_transaction_id = start_at

    def set_reply(
        self,
        action: str,
        payload: Payload | None = None,
        *,
        replace: bool = False,
        delay: float = 0.0,
        error_code: str | None = None,
        error_description: str = "",
        cp_id: str | None = None,
    ) -> ReplyOverride:
        """Answer ``action`` (for ``cp_id``, or for all) differently from now on: see
        ``ReplyOverride``. It replaces an earlier override of the same action and charge
        point. ValueError for an unknown action or error code."""
        override = ReplyOverride(
            action,
            cp_id,
            None if payload is None else dict(payload),
            replace,
            delay,
            error_code,
            error_description,
        )
        self.replies.set(override)
        return override

    def clear_replies(self, action: str | None = None, cp_id: str | None = None) -> int:
        """Remove overrides (of ``action``, for ``cp_id``; None: any); the number removed."""
        return self.replies.clear(action, cp_id)

    def reply_delay(self, cp_id: str, action: str) -> float:
        """Seconds the transport should wait before sending the reply to ``action``."""
        override = self.replies.find(cp_id, action)
        return 0.0 if override is None else override.delay

    def policies(self) -> list[str]:
        """The answers set, one line each (for ``cs_replies``)."""
        lines = [
            f"boot: {self.registration_status}, interval {self.heartbeat_interval} s",
            *(
                f"boot {cp_id}: {self.boot_reply(cp_id)[0]}, interval {self.boot_reply(cp_id)[1]} s"
                for cp_id in sorted({*self._boot_status, *self._boot_interval})
            ),
            f"id tags: {len(self._id_tags)} listed, others {self.default_id_tag_status}",
            f"next transaction id: {self._next_transaction_id}",
        ]
        lines.extend(f"reply {override.describe()}" for override in self.replies)
        return lines

    def id_tag_info(self, id_tag: str) -> Payload:
        """The IdTagInfo we answer for ``id_tag``."""
        return {"status": self._id_tags.get(id_tag.casefold(), self.default_id_tag_status)}

    def register_vendor(self, vendor_id: str, handler: DataTransferHandler | None = None) -> None:
        """Answer DataTransfer for ``vendor_id`` (Accepted without a handler)."""
        self.vendors.register(vendor_id, handler)

    def summary(self) -> str:
        """A line per charge point, then (indented) its connectors' states and a line per open
        transaction."""
        if not self.charge_points:
            return "no charge points"
        lines: list[str] = []
        for state in self.charge_points.values():
            lines.append(self._summary_line(state))
            whole = state.connectors.get(0)  # connector 0: the charge point itself
            if whole is not None:
                lines.append(f"  charge point: {_connector_state(whole)}")
            outlets = sorted(
                (c for c in state.connectors.values() if c.connector_id != 0),
                key=lambda c: c.connector_id,
            )
            if outlets:
                lines.append(
                    "  connectors: "
                    + ", ".join(f"{c.connector_id} {_connector_state(c)}" for c in outlets)
                )
            for tx in state.open_transactions.values():
                energy = "" if tx.energy_wh is None else f", {tx.energy_wh:g} Wh"
                lines.append(
                    f"  transaction {tx.transaction_id} on connector {tx.connector_id}, "
                    f"{tx.id_tag}, since {_when(tx.started_at)}{energy}"
                )
        return "\n".join(lines)

    def describe(self, cp_id: str) -> str:
        """A readable multi-line view of one charge point; KeyError if we never heard of it."""
        state = self.charge_points[cp_id]
        lines = [self._summary_line(state)]
        boot = state.boot
        if boot is not None:
            lines.append(
                f"  boot: {boot.vendor} {boot.model}, serial {boot.serial_number or '-'}, "
                f"firmware {boot.firmware_version or '-'}"
            )
        lines.append(
            f"  last heartbeat: {_when(state.last_heartbeat)}, "
            f"last message: {_when(state.last_seen)}"
        )
        for connector in sorted(state.connectors.values(), key=lambda c: c.connector_id):
            meter = "" if connector.meter_wh is None else f", meter {connector.meter_wh:g} Wh"
            lines.append(
                f"  connector {connector.connector_id}: {connector.status or '?'} "
                f"({connector.error_code or '?'}) since {_when(connector.timestamp)}{meter}"
            )
        for tx in state.open_transactions.values():
            energy = "" if tx.energy_wh is None else f", {tx.energy_wh:g} Wh so far"
            lines.append(
                f"  transaction {tx.transaction_id} open on connector {tx.connector_id} for "
                f"{tx.id_tag} since {_when(tx.started_at)}, meterStart {tx.meter_start}{energy}"
            )
        for tx in state.closed_transactions[-5:]:
            lines.append(
                f"  transaction {tx.transaction_id} closed {_when(tx.stopped_at)} "
                f"({tx.stop_reason or 'Local'}), {tx.energy_wh or 0:g} Wh"
            )
        if state.configuration:
            lines.append(f"  {len(state.configuration)} configuration keys known")
        return "\n".join(lines)

    def _summary_line(self, state: ChargePointState) -> str:
        link = "connected" if state.connected else "disconnected"
        model = f"{state.boot.vendor} {state.boot.model}" if state.boot else "not booted"
        return (
            f"{state.charge_point_id}: {link}, {state.registration_status or '-'}, {model}, "
            f"{_count(len([n for n in state.connectors if n != 0]), 'connector')}, "
            f"{len(state.open_transactions)} open / "
            f"{len(state.closed_transactions)} closed transactions, OCPP {state.version.value}"
        )

    # ----------------------------------------------------------------- helpers

    def _state(self, cp_id: str) -> ChargePointState:
        state = self.charge_points.get(cp_id)
        if state is None:
            state = self.charge_points[cp_id] = ChargePointState(cp_id, self.version)
        return state

    def _timestamp(self, payload: Payload) -> datetime:
        """The payload's ``timestamp``, or now if it has none."""
        text = payload.get("timestamp")
        return parse_timestamp(text) if text is not None else self.now()

    @staticmethod
    def _busy_connector(state: ChargePointState) -> int:
        """The connector of the newest open transaction, else 1."""
        if not state.open_transactions:
            return 1
        return state.open_transactions[max(state.open_transactions)].connector_id

    @staticmethod
    def _free_connector(state: ChargePointState) -> int:
        """The first connector (not 0) last reported Available, else 1."""
        return next(
            (
                n
                for n in sorted(state.connectors)
                if n > 0 and state.connectors[n].status == "Available"
            ),
            1,
        )

    def _default_charging_profile(self, state: ChargePointState) -> Payload:
        profile: Payload = {
            "chargingProfileId": 1,
            "stackLevel": 0,
            "chargingProfilePurpose": "TxDefaultProfile",
            "chargingProfileKind": "Relative",
            "chargingSchedule": {
                "chargingRateUnit": "A",
                "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16.0}],
            },
        }
        if not state.open_transactions:
            return {"connectorId": 0, "csChargingProfiles": profile}
        tx = state.open_transactions[max(state.open_transactions)]
        profile.update(chargingProfilePurpose="TxProfile", transactionId=tx.transaction_id)
        return {"connectorId": tx.connector_id, "csChargingProfiles": profile}

    # ----------------------------------------------------------------- CP -> CS handlers

    def _authorize(self, state: ChargePointState, request: Payload) -> Payload:
        """Section 4.1."""
        return {"idTagInfo": self.id_tag_info(request["idTag"])}

    def _boot_notification(self, state: ChargePointState, request: Payload) -> Payload:
        """Section 4.2: ``registration_status`` (as the version says it) with the current time
        and heartbeat interval (under the version's name)."""
        state.boot = BootInfo(
            vendor=request["chargePointVendor"],
            model=request["chargePointModel"],
            serial_number=request.get("chargePointSerialNumber")
            or request.get("chargeBoxSerialNumber"),
            firmware_version=request.get("firmwareVersion"),
            request=dict(request),
        )
        speech = state.speech
        status, interval = self.boot_reply(state.charge_point_id)
        state.registration_status = speech.word("RegistrationStatus", status)
        return {
            "status": state.registration_status,
            "currentTime": format_timestamp(self.now()),
            speech.boot_interval: interval,
        }

    def _diagnostics_status_notification(
        self, state: ChargePointState, request: Payload
    ) -> Payload:
        state.diagnostics_status = request["status"]
        return {}

    def _firmware_status_notification(self, state: ChargePointState, request: Payload) -> Payload:
        state.firmware_status = request["status"]
        return {}

    def _heartbeat(self, state: ChargePointState, request: Payload) -> Payload:
        """Section 4.6."""
        state.last_heartbeat = self.now()
        return {"currentTime": format_timestamp(state.last_heartbeat)}

    def _meter_values(self, state: ChargePointState, request: Payload) -> Payload:
        """Section 4.7: the last energy register reading, per connector and transaction (1.2
        names no transaction: its readings count for the connector only)."""
        speech = state.speech
        connector = state.connector(request["connectorId"])
        tx = state.open_transactions.get(request.get("transactionId", -1))
        readings = speech.readings(request)
        for meter_value in readings:
            reading = _energy_wh(speech.samples(meter_value))
            if reading is not None:
                connector.meter_wh = reading
                if tx is not None:
                    tx.last_meter_wh = reading
        if tx is not None:
            tx.meter_value_count += len(readings)
        return {}

    def _start_transaction(self, state: ChargePointState, request: Payload) -> Payload:
        """Section 4.8: a new transaction id, always (even for a refused idTag: the charge
        point then stops the transaction itself)."""
        transaction_id = self._next_transaction_id
        self._next_transaction_id += 1
        state.open_transactions[transaction_id] = TransactionRecord(
            transaction_id=transaction_id,
            charge_point_id=state.charge_point_id,
            connector_id=request["connectorId"],
            id_tag=request["idTag"],
            meter_start=request["meterStart"],
            started_at=parse_timestamp(request["timestamp"]),
            reservation_id=request.get("reservationId"),
        )
        state.reservations.pop(request.get("reservationId", -1), None)
        return {"idTagInfo": self.id_tag_info(request["idTag"]), "transactionId": transaction_id}

    def _status_notification(self, state: ChargePointState, request: Payload) -> Payload:
        """Section 4.9."""
        connector = state.connector(request["connectorId"])
        connector.status = request["status"]
        connector.error_code = request["errorCode"]
        connector.info = request.get("info")
        connector.vendor_error_code = request.get("vendorErrorCode")
        connector.timestamp = self._timestamp(request)
        return {}

    def _stop_transaction(self, state: ChargePointState, request: Payload) -> Payload:
        """Section 4.10: closes the transaction; idTagInfo only when an idTag was given."""
        stopped_at = parse_timestamp(request["timestamp"])
        tx = state.open_transactions.pop(request["transactionId"], None)
        if tx is None:
            logger.info(
                "%s: StopTransaction of unknown transaction %s",
                state.charge_point_id,
                request["transactionId"],
            )
        else:
            speech = state.speech
            for meter_value in speech.stop_readings(request):
                reading = _energy_wh(speech.samples(meter_value))
                if reading is not None:
                    tx.last_meter_wh = reading
            tx.meter_stop = request["meterStop"]
            tx.stopped_at = stopped_at
            tx.stop_reason = request.get("reason")
            tx.stop_id_tag = request.get("idTag")
            state.closed_transactions.append(tx)
            state.connector(tx.connector_id).meter_wh = float(request["meterStop"])
            state.charging_profiles.clear(
                {"connectorId": tx.connector_id, "chargingProfilePurpose": "TxProfile"}
            )
        if "idTag" in request:
            return {"idTagInfo": self.id_tag_info(request["idTag"])}
        return {}

    # ----------------------------------------------------------------- CS -> CP results

    def _configuration_read(
        self, state: ChargePointState, request: Payload, response: Payload
    ) -> None:
        for key_value in response.get("configurationKey") or []:
            state.configuration[key_value["key"]] = dict(key_value)
        state.unknown_keys = list(response.get("unknownKey") or [])

    def _configuration_changed(
        self, state: ChargePointState, request: Payload, response: Payload
    ) -> None:
        if response["status"] in ("Accepted", "RebootRequired"):
            known = state.configuration.setdefault(
                request["key"], {"key": request["key"], "readonly": False}
            )
            known["value"] = request["value"]

    def _local_list_version_read(
        self, state: ChargePointState, request: Payload, response: Payload
    ) -> None:
        state.local_list_version = response["listVersion"]

    def _local_list_sent(
        self, state: ChargePointState, request: Payload, response: Payload
    ) -> None:
        if response["status"] == "Accepted":
            state.local_list_version = request["listVersion"]

    def _reserved(self, state: ChargePointState, request: Payload, response: Payload) -> None:
        if response["status"] == "Accepted":
            state.reservations[request["reservationId"]] = dict(request)

    def _reservation_cancelled(
        self, state: ChargePointState, request: Payload, response: Payload
    ) -> None:
        if response["status"] == "Accepted":
            state.reservations.pop(request["reservationId"], None)

    def _profile_set(self, state: ChargePointState, request: Payload, response: Payload) -> None:
        if response["status"] == "Accepted":
            state.charging_profiles.install(request["connectorId"], request["csChargingProfiles"])

    def _profiles_cleared(
        self, state: ChargePointState, request: Payload, response: Payload
    ) -> None:
        if response["status"] == "Accepted":
            state.charging_profiles.clear(request)


def _energy_wh(samples: list[Payload]) -> float | None:
    """The Energy.Active.Import.Register reading of a MeterValue's samples in Wh, if it has one
    (section 7.31: a sampledValue without measurand is that register; without unit, Wh)."""
    reading = None
    for sampled in samples:
        unit = sampled.get("unit", "Wh")
        if (
            sampled.get("measurand", ENERGY) != ENERGY
            or sampled.get("format", "Raw") != "Raw"
            or sampled.get("phase") is not None
            or unit not in _WH_PER_UNIT
        ):
            continue
        try:
            reading = float(sampled["value"]) * _WH_PER_UNIT[unit]
        except ValueError:
            continue
    return reading


def _when(moment: datetime | None) -> str:
    return format_timestamp(moment) if moment is not None else "never"


def _connector_state(connector: ConnectorState) -> str:
    """``Charging``, or ``Faulted (GroundFailure)``."""
    error = "" if connector.error_code in (None, "NoError") else f" ({connector.error_code})"
    return f"{connector.status or '?'}{error}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"

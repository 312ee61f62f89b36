"""A simulated OCPP charge point (1.2, 1.5 or 1.6), sans I/O: feed it events, drain what it
wants to send.

The transport layer drives it with four calls and one drain:

- ``handle_call(action, payload)``: a CALL from the central system; returns the CALLRESULT
  payload or raises an ``ocpptk.rpc.errors.OcppError`` to answer with a CALLERROR.
- ``on_result(action, request, response)``: the CALLRESULT of a CALL this charge point sent.
- ``on_error(action, request, error)``: that CALL failed (CALLERROR or timeout).
- ``default_request(action)``: a complete, valid payload for a CALL the charge point may send,
  built from its state (the console's ``send StartTransaction`` with no arguments).
- ``outbox()``: the CALLs the charge point decided to send as a consequence of the above
  (TriggerMessage, RemoteStartTransaction, status changes), oldest first; draining empties it.

It never reads the clock (``now`` is injected) and never sends anything itself. It thinks in
OCPP 1.6 (connector states, the energy register, configuration keys, a local list); its
``Dialect`` (``ocpptk.sim.dialect``) says what its version calls things, and every payload it
builds or answers is cut to the fields that version has. A feature the version lacks (charging
profiles in 1.5, reservations in 1.2) is never offered: its actions do not exist there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime

from ocpptk.rpc.errors import LocalProtocolError, NotSupported, OcppError
from ocpptk.sim.charging import ProfileStore
from ocpptk.sim.clock import Clock, format_timestamp, parse_timestamp, utc_now
from ocpptk.sim.config import Configuration, default_keys
from ocpptk.sim.connector import (
    Connector,
    ConnectorEvent,
    ConnectorStatus,
    Reservation,
    Transaction,
)
from ocpptk.sim.data_transfer import DataTransferHandler, VendorRegistry
from ocpptk.sim.dialect import DIALECTS
from ocpptk.sim.dispatch import Payload, check_version, find_handler, payload_errors
from ocpptk.spec.catalog import Role, Version

__all__ = ["ChargePointSim"]

logger = logging.getLogger(__name__)

_RESET_TYPES = ("Hard", "Soft")
_AVAILABILITY = {"Operative": True, "Inoperative": False}
_UPDATE_TYPES = ("Full", "Differential")
_RATE_UNITS = {"A": "Current", "W": "Power"}  # ChargingRateUnit -> ChargingScheduleAllowed...


def _one_of(value: str, allowed: Mapping[str, object] | tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


class ChargePointSim:
    """The behaviour of one OCPP charge point with ``connectors`` connectors, in ``version``.

    State a console may show or a test may inspect is public: ``connectors`` (id -> Connector,
    with its status, meter and open transaction), ``configuration``, ``reservations``,
    ``local_list`` / ``local_list_version``, ``charging_profiles``, ``transactions`` (finished
    ones), ``registration_status`` and ``heartbeat_interval`` (from BootNotification.conf),
    ``reset_requested``, and in 1.5 ``local_list_hash`` (SendLocalList ``hash``).

    Every connector status change queues a StatusNotification in the outbox.
    """

    def __init__(
        self,
        charge_point_id: str,
        version: Version = Version.V16,
        now: Clock = utc_now,
        connectors: int = 1,
        *,
        vendor: str = "ocpptk",
        model: str = "Simulator",
        serial_number: str | None = None,
        firmware_version: str | None = None,
        id_tag: str = "TAG0001",
        config: Mapping[str, str] | None = None,
    ) -> None:
        """``vendor`` / ``model`` go into BootNotification (at most 20 characters each);
        ``id_tag`` is the tag default requests use; ``config`` overrides or adds
        configuration keys, readonly ones included (``{"SupportedFeatureProfiles": "Core"}``)."""
        if connectors < 1:
            raise ValueError("a charge point has at least one connector")
        self.charge_point_id = charge_point_id
        self.version = check_version(version)
        self.speech = DIALECTS[self.version]
        self.now = now
        self.vendor = vendor
        self.model = model
        self.serial_number = serial_number
        self.firmware_version = firmware_version
        self.id_tag = id_tag
        self.connectors: dict[int, Connector] = {n: Connector(n) for n in range(1, connectors + 1)}
        self.configuration = Configuration(default_keys(connectors, self.speech.profiles))
        self.configuration.update(config or {})
        self.vendors = VendorRegistry()

        self.registration_status: str | None = None  # RegistrationStatus of BootNotification.conf
        self.boot_retry_interval: int | None = None  # interval of a Pending/Rejected boot
        self.central_system_time: datetime | None = None  # currentTime of the last conf
        self.auth_cache: dict[str, Payload] = {}  # casefolded idTag -> idTagInfo (Authorize.conf)
        self.local_list: dict[str, Payload] = {}  # casefolded idTag -> AuthorizationData
        self.local_list_version = 0
        self.local_list_hash: str | None = None  # 1.5: the hash sent with the list, unchecked
        self.reservations: dict[int, Reservation] = {}
        self.charging_profiles = ProfileStore()
        self.transactions: list[Transaction] = []  # finished, oldest first
        self.reset_requested: str | None = None  # "Hard" / "Soft": acted upon in a later issue
        self.diagnostics_status = "Idle"
        self.firmware_status = "Idle"
        self.diagnostics_requests: list[Payload] = []
        self.firmware_updates: list[Payload] = []
        self._outbox: list[tuple[str, Payload]] = []

        # CS -> CP requests: action -> handler(payload) -> response payload
        self._handlers: dict[str, Callable[[Payload], Payload]] = {
            "CancelReservation": self._cancel_reservation,
            "ChangeAvailability": self._change_availability,
            "ChangeConfiguration": self._change_configuration,
            "ClearCache": self._clear_cache,
            "ClearChargingProfile": self._clear_charging_profile,
            "DataTransfer": self.vendors.answer,
            "GetCompositeSchedule": self._get_composite_schedule,
            "GetConfiguration": self._get_configuration,
            "GetDiagnostics": self._get_diagnostics,
            "GetLocalListVersion": self._get_local_list_version,
            "RemoteStartTransaction": self._remote_start_transaction,
            "RemoteStopTransaction": self._remote_stop_transaction,
            "ReserveNow": self._reserve_now,
            "Reset": self._reset,
            "SendLocalList": self._send_local_list,
            "SetChargingProfile": self._set_charging_profile,
            "TriggerMessage": self._trigger_message,
            "UnlockConnector": self._unlock_connector,
            "UpdateFirmware": self._update_firmware,
        }
        # CP -> CS results: action -> learn(request, response)
        self._results: dict[str, Callable[[Payload, Payload], None]] = {
            "Authorize": self._authorized,
            "BootNotification": self._booted,
            "Heartbeat": self._heartbeat_answered,
            "StartTransaction": self._transaction_started,
            "StopTransaction": self._transaction_stopped,
        }
        # CP -> CS requests with no arguments: action -> full payload
        self._defaults: dict[str, Callable[[], Payload]] = {
            "Authorize": lambda: {"idTag": self.id_tag},
            "BootNotification": self._boot_notification,
            "DataTransfer": lambda: {"vendorId": self.vendor},
            "DiagnosticsStatusNotification": self._diagnostics_status_notification,
            "FirmwareStatusNotification": self._firmware_status_notification,
            "Heartbeat": lambda: {},
            "MeterValues": lambda: self._meter_values(self._busy_connector(), "Sample.Periodic"),
            "StartTransaction": lambda: self._start_payload(
                self._free_connector(self.id_tag), self.id_tag
            ),
            "StatusNotification": lambda: self._status_notification(1),
            "StopTransaction": self._default_stop,
        }
        # TriggerMessage (section 5.17): requestedMessage -> payloads for connectorId (or None)
        self._triggers: dict[str, Callable[[int | None], list[Payload]]] = {
            "BootNotification": lambda _: [self._boot_notification()],
            "DiagnosticsStatusNotification": lambda _: [self._diagnostics_status_notification()],
            "FirmwareStatusNotification": lambda _: [self._firmware_status_notification()],
            "Heartbeat": lambda _: [{}],
            "MeterValues": lambda c: [self._meter_values(n, "Trigger") for n in self._targets(c)],
            "StatusNotification": lambda c: [
                self._status_notification(n) for n in self._targets(c)
            ],
        }

    # ----------------------------------------------------------------- the transport's API

    def handle_call(self, action: str, payload: Payload) -> Payload:
        """The response payload to a CS -> CP CALL, or an ``OcppError`` for a CALLERROR:
        ``NotSupported`` for a CP -> CS action, ``NotImplementedError_`` for one the version
        does not have. Reservations past their expiry date end first."""
        handler = find_handler(self._handlers, action, Role.CHARGE_POINT, self.speech)
        self.expire_reservations()
        with payload_errors(action):
            return self.speech.fit(action, handler(payload), request=False)

    def on_result(self, action: str, request: Payload, response: Payload) -> None:
        """Learn from the CALLRESULT of a CALL this charge point sent: BootNotification
        (registration, heartbeat interval), StartTransaction (the transaction id, then a
        StatusNotification Charging), StopTransaction (closes the transaction), Authorize."""
        learn = self._results.get(action)
        if learn is not None:
            with payload_errors(action):
                learn(request, response)

    def on_error(self, action: str, request: Payload, error: OcppError | None) -> None:
        """A CALL this charge point sent failed (``error`` None: no answer in time). A
        StartTransaction that was never answered frees its connector; a StopTransaction may
        be queued again."""
        logger.info("%s: %s failed: %r", self.charge_point_id, action, error)
        connector = self.connectors.get(request.get("connectorId", -1))
        if action == "StartTransaction" and connector is not None:
            tx = connector.transaction
            if tx is not None and tx.transaction_id is None:
                connector.transaction = None
        elif action == "StopTransaction":
            tx = self._open_transaction(request.get("transactionId"))
            if tx is not None:
                tx.stop_reason = None

    def default_request(self, action: str) -> Payload:
        """A complete, schema-valid payload for the CP -> CS ``action``, from the current state:
        StartTransaction on a free connector with the current meter, StopTransaction of the open
        transaction (transactionId 0 if there is none), MeterValues of the busy connector,
        StatusNotification of connector 1, BootNotification with vendor and model, and so on.
        Builds only; the state changes when ``on_result`` sees the answer.

        A console may merge the static example payload under it and the user's fields over it.
        ``LocalProtocolError`` for an action a charge point does not send in its version.
        """
        build = self._defaults.get(action)
        if build is None or action not in self.speech.cp_to_cs:
            raise LocalProtocolError(
                f"a charge point does not send {action} requests in OCPP {self.version.value}"
            )
        return self.speech.fit(action, build())

    def outbox(self) -> list[tuple[str, Payload]]:
        """Drain the CALLs to send, as (action, payload), oldest first. Send them after the
        CALLRESULT of the CALL that caused them, one at a time, and report each answer to
        ``on_result`` / ``on_error``."""
        drained, self._outbox = self._outbox, []
        return drained

    # ----------------------------------------------------------------- state helpers

    @property
    def heartbeat_interval(self) -> int:
        """Seconds between heartbeats: the HeartbeatInterval key, set by BootNotification.conf."""
        return self.configuration.integer("HeartbeatInterval", 300)

    def supports(self, profile: str) -> bool:
        """True if ``profile`` (``Reservation``, ``SmartCharging``, ...) is in
        SupportedFeatureProfiles."""
        return profile in self.configuration.items("SupportedFeatureProfiles")

    def register_vendor(self, vendor_id: str, handler: DataTransferHandler | None = None) -> None:
        """Answer DataTransfer for ``vendor_id`` (Accepted without a handler); any other vendor
        gets UnknownVendorId."""
        self.vendors.register(vendor_id, handler)

    def expire_reservations(self) -> list[int]:
        """End the reservations whose expiry date has passed; their ids."""
        now = self.now()
        expired = [r for r in self.reservations.values() if r.expiry <= now]
        for reservation in expired:
            self._end_reservation(reservation)
        return [r.reservation_id for r in expired]

    def open_transactions(self) -> list[Transaction]:
        return [c.transaction for c in self.connectors.values() if c.transaction is not None]

    def describe(self) -> str:
        """A readable multi-line view of the charge point's state."""
        lines = [
            f"{self.charge_point_id}: {self.vendor} {self.model}, OCPP {self.version.value}, "
            f"registration {self.registration_status or 'not booted'}, "
            f"heartbeat every {self.heartbeat_interval}s",
        ]
        for connector in self.connectors.values():
            tx = connector.transaction
            extra = "" if connector.operative else ", inoperative"
            if tx is not None:
                extra += f", transaction {tx.transaction_id or 'pending'} for {tx.id_tag}"
            if connector.reservation is not None:
                extra += f", reserved for {connector.reservation.id_tag}"
            lines.append(
                f"  connector {connector.connector_id}: {connector.status.value} "
                f"({connector.error_code}), meter {connector.meter_wh} Wh{extra}"
            )
        lines.append(
            f"  local list version {self.local_list_version} ({len(self.local_list)} tags), "
            f"{len(self.reservations)} reservations, {len(self.charging_profiles)} charging "
            f"profiles, {len(self.transactions)} finished transactions"
        )
        if self.reset_requested:
            lines.append(f"  {self.reset_requested} reset requested")
        return "\n".join(lines)

    def _queue(self, action: str, payload: Payload) -> None:
        payload = self.speech.fit(action, payload)
        logger.debug("%s: queued %s %s", self.charge_point_id, action, payload)
        self._outbox.append((action, payload))

    def _fire(self, connector: Connector, event: ConnectorEvent) -> None:
        """Apply ``event`` (IllegalTransition if not allowed) and report the new status."""
        connector.fire(event)
        self._queue("StatusNotification", self._status_notification(connector.connector_id))

    def _try_fire(self, connector: Connector, event: ConnectorEvent) -> None:
        """``_fire`` for what the CS told us: a transition the table lacks is logged, not raised."""
        if connector.can(event):
            self._fire(connector, event)
        else:
            logger.warning(
                "%s: connector %d stays %s on %r",
                self.charge_point_id,
                connector.connector_id,
                connector.status.value,
                event.value,
            )

    def _targets(self, connector_id: int | None) -> list[int]:
        """The connectors a request for ``connector_id`` covers: None or 0 means all."""
        if not connector_id:
            return list(self.connectors)
        return [connector_id] if connector_id in self.connectors else []

    def _connector_for(self, id_tag: str) -> int | None:
        """Where a transaction for ``id_tag`` would start: the connector reserved for it, else
        the first free one; None if there is none."""
        usable = [n for n, c in self.connectors.items() if c.accepts(id_tag)]
        reserved = [n for n in usable if self.connectors[n].reservation is not None]
        return next(iter(reserved + usable), None)

    def _free_connector(self, id_tag: str) -> int:
        """``_connector_for``, else connector 1."""
        found = self._connector_for(id_tag)
        return 1 if found is None else found

    def _busy_connector(self) -> int:
        """The first connector with a transaction, else 1."""
        return next((n for n, c in self.connectors.items() if c.transaction is not None), 1)

    def _open_transaction(self, transaction_id: object) -> Transaction | None:
        if transaction_id is None:
            return None
        return next(
            (tx for tx in self.open_transactions() if tx.transaction_id == transaction_id), None
        )

    def _end_reservation(self, reservation: Reservation) -> None:
        self.reservations.pop(reservation.reservation_id, None)
        connector = self.connectors.get(reservation.connector_id)
        if connector is not None and connector.reservation is reservation:
            connector.reservation = None
            self._try_fire(connector, ConnectorEvent.RESERVATION_ENDED)

    def _set_operative(self, connector: Connector, operative: bool) -> None:
        connector.operative = operative
        connector.scheduled_operative = None
        if not operative and connector.reservation is not None:  # cannot be honoured now
            self.reservations.pop(connector.reservation.reservation_id, None)
            connector.reservation = None
        event = ConnectorEvent.MAKE_OPERATIVE if operative else ConnectorEvent.MAKE_INOPERATIVE
        if connector.can(event):
            self._fire(connector, event)

    # ----------------------------------------------------------------- CP -> CS payloads

    def _boot_notification(self) -> Payload:
        payload: Payload = {"chargePointVendor": self.vendor, "chargePointModel": self.model}
        if self.serial_number is not None:
            payload["chargePointSerialNumber"] = self.serial_number
        if self.firmware_version is not None:
            payload["firmwareVersion"] = self.firmware_version
        return payload

    def _diagnostics_status_notification(self) -> Payload:
        return {"status": self.speech.word("DiagnosticsStatus", self.diagnostics_status)}

    def _firmware_status_notification(self) -> Payload:
        return {"status": self.speech.word("FirmwareStatus", self.firmware_status)}

    def _status_notification(self, connector_id: int) -> Payload:
        connector = self.connectors[connector_id]
        word = self.speech.word
        return {
            "connectorId": connector_id,
            "errorCode": word("ChargePointErrorCode", connector.error_code),
            "status": word("ChargePointStatus", connector.status.value),
            "timestamp": format_timestamp(self.now()),
        }

    def _meter_values(self, connector_id: int, context: str) -> Payload:
        connector = self.connectors[connector_id]
        payload: Payload = {"connectorId": connector_id}
        tx = connector.transaction
        if tx is not None and tx.transaction_id is not None:
            payload["transactionId"] = tx.transaction_id
        reading = self.speech.meter_reading(
            format_timestamp(self.now()), connector.meter_wh, context
        )
        payload[self.speech.meter_value] = [reading]
        return payload

    def _start_payload(self, connector_id: int, id_tag: str) -> Payload:
        connector = self.connectors[connector_id]
        payload: Payload = {
            "connectorId": connector_id,
            "idTag": id_tag,
            "meterStart": connector.meter_wh,
            "timestamp": format_timestamp(self.now()),
        }
        reservation = connector.reservation
        if reservation is not None and reservation.id_tag.casefold() == id_tag.casefold():
            payload["reservationId"] = reservation.reservation_id
        return payload

    def _stop_payload(self, tx: Transaction, reason: str) -> Payload:
        return {
            "transactionId": tx.transaction_id or 0,
            "idTag": tx.id_tag,
            "meterStop": self.connectors[tx.connector_id].meter_wh,
            "timestamp": format_timestamp(self.now()),
            "reason": reason,
        }

    def _default_stop(self) -> Payload:
        tx = next((t for t in self.open_transactions() if t.transaction_id is not None), None)
        if tx is not None:
            return self._stop_payload(tx, "Local")
        return {
            "transactionId": 0,
            "meterStop": self.connectors[1].meter_wh,
            "timestamp": format_timestamp(self.now()),
            "reason": "Local",
        }

    def _begin_transaction(self, connector: Connector, id_tag: str) -> None:
        """Open a transaction (id pending) and queue its StartTransaction."""
        payload = self._start_payload(connector.connector_id, id_tag)
        connector.transaction = Transaction(
            connector.connector_id,
            id_tag,
            payload["meterStart"],
            self.now(),
            reservation_id=payload.get("reservationId"),
        )
        if connector.reservation is not None and "reservationId" in payload:
            self.reservations.pop(connector.reservation.reservation_id, None)  # used up
            connector.reservation = None
        self._queue("StartTransaction", payload)

    def _queue_stop(self, tx: Transaction, reason: str) -> None:
        if tx.stop_reason is None:
            tx.stop_reason = reason
            self._queue("StopTransaction", self._stop_payload(tx, reason))

    # ----------------------------------------------------------------- CS -> CP handlers

    def _cancel_reservation(self, request: Payload) -> Payload:
        """Section 5.1: Accepted for a reservation we hold, else Rejected."""
        reservation = self.reservations.get(request["reservationId"])
        if reservation is None or not self.supports("Reservation"):
            return {"status": "Rejected"}
        self._end_reservation(reservation)
        return {"status": "Accepted"}

    def _change_availability(self, request: Payload) -> Payload:
        """Section 5.2: connector 0 means all; Scheduled while a transaction runs."""
        operative = _AVAILABILITY[_one_of(request["type"], _AVAILABILITY, "type")]
        connector_id = request["connectorId"]
        targets = self._targets(connector_id)
        if not targets:
            return {"status": "Rejected"}
        scheduled = False
        for connector in (self.connectors[n] for n in targets):
            if connector.transaction is not None and connector.operative != operative:
                connector.scheduled_operative = operative
                scheduled = True
            else:
                self._set_operative(connector, operative)
        return {"status": "Scheduled" if scheduled else "Accepted"}

    def _change_configuration(self, request: Payload) -> Payload:
        """Section 5.3: unknown key NotSupported, readonly or invalid value Rejected."""
        status = self.configuration.change(request["key"], request["value"])
        return {"status": self.speech.word("ConfigurationStatus", status)}

    def _clear_cache(self, request: Payload) -> Payload:
        self.auth_cache.clear()
        return {"status": "Accepted"}

    def _clear_charging_profile(self, request: Payload) -> Payload:
        """Section 5.5: Accepted if at least one profile matched, else Unknown."""
        if not self.supports("SmartCharging") or not self.charging_profiles.clear(request):
            return {"status": "Unknown"}
        return {"status": "Accepted"}

    def _get_composite_schedule(self, request: Payload) -> Payload:
        """Section 5.7, kept simple: the schedule of the one profile that governs the
        connector (see ``ProfileStore.effective``), its periods cut to ``duration``;
        Rejected without such a profile or if it is in another ``chargingRateUnit``."""
        connector_id, duration = request["connectorId"], request["duration"]
        stored = self.charging_profiles.effective(connector_id)
        if (
            not self.supports("SmartCharging")
            or (connector_id != 0 and connector_id not in self.connectors)
            or stored is None
        ):
            return {"status": "Rejected"}
        schedule = stored.profile["chargingSchedule"]
        unit = request.get("chargingRateUnit", schedule["chargingRateUnit"])
        if unit != schedule["chargingRateUnit"]:
            return {"status": "Rejected"}
        now = format_timestamp(self.now())
        composite: Payload = {
            "duration": duration,
            "startSchedule": now,
            "chargingRateUnit": unit,
            "chargingSchedulePeriod": [
                dict(period)
                for period in schedule["chargingSchedulePeriod"]
                if period["startPeriod"] < duration
            ],
        }
        if "minChargingRate" in schedule:
            composite["minChargingRate"] = schedule["minChargingRate"]
        return {
            "status": "Accepted",
            "connectorId": connector_id,
            "scheduleStart": now,
            "chargingSchedule": composite,
        }

    def _get_configuration(self, request: Payload) -> Payload:
        """Section 5.8: every key if none is asked for; unknown keys in unknownKey."""
        wanted = request.get("key") or []
        if wanted:
            found = [self.configuration.get(key) for key in wanted]
            known = [key for key in found if key is not None]
            unknown = [key for key in wanted if key not in self.configuration]
        else:
            known, unknown = list(self.configuration), []
        response: Payload = {}
        if known:
            response["configurationKey"] = [key.as_key_value() for key in known]
        if unknown:
            response["unknownKey"] = unknown
        return response

    def _get_diagnostics(self, request: Payload) -> Payload:
        """Section 5.9: the name of the file we would upload (the upload is future work)."""
        if not self.supports("FirmwareManagement"):
            raise NotSupported("the FirmwareManagement profile is not supported")
        self.diagnostics_requests.append(request)
        stamp = format_timestamp(self.now()).replace("-", "").replace(":", "")
        return {"fileName": f"diagnostics-{self.charge_point_id}-{stamp}.log"[-255:]}

    def _get_local_list_version(self, request: Payload) -> Payload:
        """Section 5.10: -1 without the profile, 0 for an empty list."""
        if not self.supports("LocalAuthListManagement"):
            return {"listVersion": -1}
        return {"listVersion": self.local_list_version if self.local_list else 0}

    def _remote_start_transaction(self, request: Payload) -> Payload:
        """Section 5.11: Accepted if the connector (with none given: the one reserved for idTag,
        else the first free one) can start a transaction for idTag; then a StartTransaction is
        queued. A chargingProfile
        must be a TxProfile (section 5.11) and is installed on that connector."""
        id_tag = request["idTag"]
        profile = request.get("chargingProfile")
        if profile is not None and profile["chargingProfilePurpose"] != "TxProfile":
            return {"status": "Rejected"}
        connector_id = request.get("connectorId")
        if connector_id is None:
            connector_id = self._connector_for(id_tag)
        connector = self.connectors.get(connector_id) if connector_id is not None else None
        if connector is None or not connector.accepts(id_tag):
            return {"status": "Rejected"}
        if profile is not None and self.supports("SmartCharging"):
            self.charging_profiles.install(connector.connector_id, profile)
        self._begin_transaction(connector, id_tag)
        return {"status": "Accepted"}

    def _remote_stop_transaction(self, request: Payload) -> Payload:
        """Section 5.12: Accepted for an open transaction (a StopTransaction is queued)."""
        tx = self._open_transaction(request["transactionId"])
        if tx is None:
            return {"status": "Rejected"}
        self._queue_stop(tx, "Remote")
        return {"status": "Accepted"}

    def _reserve_now(self, request: Payload) -> Payload:
        """Section 5.13: a reservation on an Available connector; the same reservationId
        replaces the old one; connector 0 only if ReserveConnectorZeroSupported."""
        if not self.supports("Reservation"):
            return {"status": "Rejected"}
        reservation = Reservation(
            reservation_id=request["reservationId"],
            connector_id=request["connectorId"],
            id_tag=request["idTag"],
            expiry=parse_timestamp(request["expiryDate"]),
            parent_id_tag=request.get("parentIdTag"),
        )
        if reservation.expiry <= self.now():
            return {"status": "Rejected"}
        old = self.reservations.get(reservation.reservation_id)
        if reservation.connector_id == 0:
            if not self.configuration.boolean("ReserveConnectorZeroSupported"):
                return {"status": "Rejected"}
        else:
            connector = self.connectors.get(reservation.connector_id)
            if connector is None:
                return {"status": "Rejected"}
            if old is not None and connector.reservation is old:  # an update in place
                connector.reservation = reservation
                self.reservations[reservation.reservation_id] = reservation
                return {"status": "Accepted"}
            status = self._reservable(connector)
            if status != "Accepted":
                return {"status": status}
        if old is not None:
            self._end_reservation(old)
        self.reservations[reservation.reservation_id] = reservation
        if reservation.connector_id != 0:
            connector = self.connectors[reservation.connector_id]
            connector.reservation = reservation
            self._fire(connector, ConnectorEvent.RESERVE)
        return {"status": "Accepted"}

    @staticmethod
    def _reservable(connector: Connector) -> str:
        """The ReservationStatus for reserving ``connector``."""
        if connector.status is ConnectorStatus.FAULTED:
            return "Faulted"
        if not connector.operative or connector.status is ConnectorStatus.UNAVAILABLE:
            return "Unavailable"
        if connector.transaction is not None or connector.status is not ConnectorStatus.AVAILABLE:
            return "Occupied"
        return "Accepted"

    def _reset(self, request: Payload) -> Payload:
        """Section 5.14: Accepted and recorded in ``reset_requested``; no reboot yet."""
        self.reset_requested = _one_of(request["type"], _RESET_TYPES, "type")
        return {"status": "Accepted"}

    def _send_local_list(self, request: Payload) -> Payload:
        """Section 5.15: Full replaces the list; Differential adds or updates entries with an
        idTagInfo and removes those without, and needs a version above the current one.
        A 1.5 ``hash`` of the resulting list is kept as sent and answered back once the list
        is taken; it is not checked (1.5 defines no form to compute it over)."""
        if not self.supports("LocalAuthListManagement"):
            return {"status": "NotSupported"}
        version = request["listVersion"]
        update = _one_of(request["updateType"], _UPDATE_TYPES, "updateType")
        entries = self.speech.local_list_entries(request)
        if len(entries) > self.configuration.integer("SendLocalListMaxLength", len(entries)):
            return {"status": "Failed"}
        if update == "Differential" and version <= self.local_list_version:
            return {"status": "VersionMismatch"}
        new = dict(self.local_list) if update == "Differential" else {}
        for entry in entries:
            if entry.get("idTagInfo") is None:
                new.pop(entry["idTag"].casefold(), None)
            else:
                new[entry["idTag"].casefold()] = dict(entry)
        if len(new) > self.configuration.integer("LocalAuthListMaxLength", len(new)):
            return {"status": "Failed"}
        self.local_list, self.local_list_version = new, version
        self.local_list_hash = request.get("hash")
        if self.local_list_hash is not None:
            return {"status": "Accepted", "hash": self.local_list_hash}
        return {"status": "Accepted"}

    def _set_charging_profile(self, request: Payload) -> Payload:
        """Section 5.16: install a profile after the checks of section 3.13 and the Smart
        Charging configuration keys; a TxProfile needs a transaction on its connector."""
        if not self.supports("SmartCharging"):
            return {"status": "NotSupported"}
        connector_id = request["connectorId"]
        profile = request["csChargingProfiles"]
        schedule = profile["chargingSchedule"]
        purpose = profile["chargingProfilePurpose"]
        config = self.configuration
        allowed = config.items("ChargingScheduleAllowedChargingRateUnit")
        ok = (
            (connector_id == 0 or connector_id in self.connectors)
            and (purpose != "ChargePointMaxProfile" or connector_id == 0)
            and 0 <= profile["stackLevel"] <= config.integer("ChargeProfileMaxStackLevel", 10)
            and _RATE_UNITS.get(schedule["chargingRateUnit"]) in allowed
            and len(schedule["chargingSchedulePeriod"])
            <= config.integer("ChargingScheduleMaxPeriods", 24)
        )
        if ok and purpose == "TxProfile":
            tx = self.connectors[connector_id].transaction if connector_id else None
            ok = tx is not None and profile.get("transactionId", tx.transaction_id) == (
                tx.transaction_id
            )
        replaced = len(self.charging_profiles.replaced_by(connector_id, profile))
        room = config.integer("MaxChargingProfilesInstalled", 10) - len(self.charging_profiles)
        if not ok or room + replaced < 1:
            return {"status": "Rejected"}
        self.charging_profiles.install(connector_id, profile)
        return {"status": "Accepted"}

    def _trigger_message(self, request: Payload) -> Payload:
        """Section 5.17: Accepted, and the requested message queued (for every connector when
        no connectorId or 0 is given, for StatusNotification and MeterValues)."""
        build = self._triggers.get(request["requestedMessage"])
        if not self.supports("RemoteTrigger") or build is None:
            return {"status": "NotImplemented"}
        connector_id = request.get("connectorId")
        if connector_id and connector_id not in self.connectors:
            return {"status": "Rejected"}
        for payload in build(connector_id):
            self._queue(request["requestedMessage"], payload)
        return {"status": "Accepted"}

    def _unlock_connector(self, request: Payload) -> Payload:
        """Section 5.18: a transaction on the connector is stopped first (reason UnlockCommand)."""
        connector = self.connectors.get(request["connectorId"])
        if connector is None:
            return {"status": self.speech.word("UnlockStatus", "NotSupported")}
        tx = connector.transaction
        if tx is not None and tx.transaction_id is not None:
            self._queue_stop(tx, "UnlockCommand")
        return {"status": self.speech.word("UnlockStatus", "Unlocked")}

    def _update_firmware(self, request: Payload) -> Payload:
        """Section 5.19: recorded in ``firmware_updates``; the download is future work."""
        if not self.supports("FirmwareManagement"):
            raise NotSupported("the FirmwareManagement profile is not supported")
        parse_timestamp(request["retrieveDate"])
        self.firmware_updates.append(request)
        return {}

    # ----------------------------------------------------------------- CS results

    def _authorized(self, request: Payload, response: Payload) -> None:
        id_tag = request.get("idTag")
        # A custom Authorize sent unvalidated may carry anything; only a tag can be cached.
        if isinstance(id_tag, str) and self.configuration.boolean("AuthorizationCacheEnabled"):
            self.auth_cache[id_tag.casefold()] = response["idTagInfo"]

    def _booted(self, request: Payload, response: Payload) -> None:
        """Section 4.2: Accepted makes interval the heartbeat interval; Pending and Rejected
        make it the time to wait before the next BootNotification. (1.2 may leave out the
        interval, ``heartbeatInterval`` there and in 1.5, and the time.)"""
        self.registration_status = response["status"]
        if "currentTime" in response:
            self.central_system_time = parse_timestamp(response["currentTime"])
        interval = response.get(self.speech.boot_interval)
        if response["status"] == "Accepted":
            self.boot_retry_interval = None
            if interval is not None and interval > 0:
                self.configuration.force("HeartbeatInterval", str(interval))
        else:
            self.boot_retry_interval = interval

    def _heartbeat_answered(self, request: Payload, response: Payload) -> None:
        self.central_system_time = parse_timestamp(response["currentTime"])

    def _transaction_started(self, request: Payload, response: Payload) -> None:
        """Section 4.8: the transaction gets its id and the connector goes Charging. If the
        CS did not accept the idTag and StopTransactionOnInvalidId is true, it is stopped."""
        connector = self.connectors.get(request["connectorId"])
        if connector is None:
            logger.warning(
                "%s: StartTransaction for unknown connector %s",
                self.charge_point_id,
                request["connectorId"],
            )
            return
        tx = connector.transaction
        if tx is None or tx.transaction_id is not None:  # sent by hand, not by RemoteStart
            tx = Transaction(
                connector.connector_id,
                request["idTag"],
                request["meterStart"],
                parse_timestamp(request["timestamp"]),
                reservation_id=request.get("reservationId"),
            )
            connector.transaction = tx
            reservation = self.reservations.pop(tx.reservation_id or -1, None)
            if reservation is not None and connector.reservation is reservation:
                connector.reservation = None
        tx.transaction_id = response["transactionId"]
        tx.id_tag_status = response["idTagInfo"]["status"]
        self._try_fire(connector, ConnectorEvent.TRANSACTION_STARTED)
        if tx.id_tag_status != "Accepted" and self.configuration.boolean(
            "StopTransactionOnInvalidId"
        ):
            self._queue_stop(tx, "DeAuthorized")

    def _transaction_stopped(self, request: Payload, response: Payload) -> None:
        """Section 4.10: the transaction ends, its TxProfiles go (section 3.13.4), the
        connector is Available again and a ChangeAvailability scheduled for it happens."""
        tx = self._open_transaction(request["transactionId"])
        if tx is None:
            return
        connector = self.connectors[tx.connector_id]
        tx.meter_stop = request["meterStop"]
        tx.stopped_at = parse_timestamp(request["timestamp"])
        tx.stop_reason = request.get("reason", tx.stop_reason or "Local")
        connector.transaction = None
        self.transactions.append(tx)
        self.charging_profiles.clear(
            {"connectorId": connector.connector_id, "chargingProfilePurpose": "TxProfile"}
        )
        self._try_fire(connector, ConnectorEvent.TRANSACTION_STOPPED)
        if connector.scheduled_operative is not None:
            self._set_operative(connector, connector.scheduled_operative)

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

import itertools
import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ocpptk.rpc.errors import LocalProtocolError, NotSupported, OcppError
from ocpptk.sim.charging import ProfileStore
from ocpptk.sim.clock import Clock, format_timestamp, parse_timestamp, utc_now
from ocpptk.sim.config import Configuration, default_keys
from ocpptk.sim.connector import (
    Connector,
    ConnectorEvent,
    ConnectorStatus,
    IllegalTransition,
    Reservation,
    Transaction,
    reachable,
)
from ocpptk.sim.data_transfer import DataTransferHandler, VendorRegistry
from ocpptk.sim.dialect import DIALECTS, ENERGY
from ocpptk.sim.dispatch import Payload, check_version, find_handler, payload_errors
from ocpptk.sim.effects import Download, Effect, Reboot, Upload
from ocpptk.sim.session import ChargingSession, Hardware, SessionError, Sessions
from ocpptk.sim.timers import Timers
from ocpptk.sim.transaction_queue import (
    TRANSACTION_ACTIONS,
    QueueStore,
    StateError,
    TransactionQueue,
)
from ocpptk.spec import v16
from ocpptk.spec.catalog import Role, Version

__all__ = ["ChargePointSim"]

logger = logging.getLogger(__name__)

_RESET_TYPES = ("Hard", "Soft")
_INSTALL_SECONDS = 3  # how long Installing lasts
_TX_RETRY = "transaction retry"  # the timer a CALLERROR'd transaction message waits for
_BUSY_RECHECK_SECONDS = 10  # a firmware waiting for transactions to end looks again after this
_AVAILABILITY = {"Operative": True, "Inoperative": False}
_UPDATE_TYPES = ("Full", "Differential")
_ERROR_CODES = v16.ChargePointErrorCode.values
_RATE_UNITS = {"A": "Current", "W": "Power"}  # ChargingRateUnit -> ChargingScheduleAllowed...


def firmware_name(location: str) -> str | None:
    """The firmware version a download location names: its file name without the extension
    (``https://x/fw/ocpptk-2.1.0.bin`` -> ``ocpptk-2.1.0``), at most 50 characters."""
    name = location.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return stem[:50] or None


def _one_of(value: str, allowed: Mapping[str, object] | tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


@dataclass
class _Job:
    """A diagnostics upload or firmware download: where, and how many tries are left."""

    location: str
    retries: int
    retry_interval: int
    file_name: str = ""


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
        lifecycle: bool = False,
        store: QueueStore | None = None,
        hardware: Hardware | None = None,
        rng: random.Random | None = None,
    ) -> None:
        """``vendor`` / ``model`` go into BootNotification (at most 20 characters each);
        ``id_tag`` is the tag default requests use; ``config`` overrides or adds
        configuration keys, readonly ones included (``{"SupportedFeatureProfiles": "Core"}``).

        ``lifecycle``: behave on its own like a charger that was switched on: BootNotification
        when connected (again after Pending / Rejected), heartbeats, StatusNotification of every
        connector once accepted, and a reboot after Reset or a firmware update. Without it the
        charge point sends nothing unasked but what its commands and sessions cause.
        ``store`` keeps the transaction queue (and open transactions) across restarts.
        ``hardware`` says what each connector delivers (default: 22 kW AC each); ``rng``
        drives the meters' noise."""
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
        self.reset_requested: str | None = None  # "Hard" / "Soft" until the reboot
        self.diagnostics_status = "Idle"
        self.firmware_status = "Idle"
        self.diagnostics_requests: list[Payload] = []
        self.firmware_updates: list[Payload] = []
        self._outbox: list[tuple[int, str, Payload]] = []  # (when made, action, payload)
        self._made = itertools.count()
        self._made_at: dict[int, int] = {}  # transaction queue seq -> when made

        self.lifecycle = lifecycle
        self.online = True  # the driver says otherwise with disconnected()
        self.main = Connector(0)  # StatusNotification connectorId 0: the charge point itself
        self.timers = Timers()
        self.boots = 0  # BootNotifications sent by the lifecycle
        self.reboot_delay = {"Hard": 3.0, "Soft": 1.0, "Firmware": 3.0}  # seconds offline
        self._effects: list[Effect] = []
        self._boot_in_flight = False
        self._answered_start: Transaction | None = None  # the queued StartTransaction answered
        self._upload: _Job | None = None
        self._download: _Job | None = None
        self.sessions = Sessions(self, hardware or Hardware.default(connectors), rng)
        if set(self.sessions.hardware.connectors) != set(self.connectors):
            raise ValueError(f"the hardware must describe connectors 1 to {connectors}")
        self.tx_queue = TransactionQueue(store, extra=self._journal_extra)
        try:
            self._recover()
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StateError(f"the saved transactions cannot be used: {exc!r}") from None

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
        self.sessions.advance()  # the meters count up to now under the limits until now
        with payload_errors(action):
            return self.speech.fit(action, handler(payload), request=False)

    def on_result(self, action: str, request: Payload, response: Payload) -> None:
        """Learn from the CALLRESULT of a CALL this charge point sent: BootNotification
        (registration, heartbeat interval), StartTransaction (the transaction id, then a
        StatusNotification Charging), StopTransaction (closes the transaction), Authorize.
        A queued transaction message that was answered leaves the queue."""
        if self.tx_queue.matches(action, request):
            message = self.tx_queue.delivered()
            if action == "StopTransaction" and message.tx_ref is not None:
                self.tx_queue.forget(message.tx_ref)  # nothing of it waits any more
            if action == "StartTransaction" and message.tx_ref is not None:
                self._answered_start = self._transaction_by_ref(message.tx_ref)
                tx_id = response.get("transactionId")
                if isinstance(tx_id, int):
                    self.tx_queue.learn_id(message.tx_ref, tx_id)
                if self._answered_start is None:  # from before a restart: already stopped
                    return
        if action == "BootNotification":
            self._boot_in_flight = False
        learn = self._results.get(action)
        if learn is not None:
            with payload_errors(action):
                learn(request, response)

    def on_error(
        self,
        action: str,
        request: Payload,
        error: OcppError | None,
        *,
        link_closed: bool = False,
    ) -> None:
        """A CALL this charge point sent failed: ``error`` is the CALLERROR, or None when no
        answer came (``link_closed``: the connection went first).

        A queued transaction message is sent again: after reconnecting if the link closed,
        else after TransactionMessageRetryInterval times the attempts so far, until
        TransactionMessageAttempts CALLERRORs (section 3.6). A StartTransaction typed by hand
        that was never answered frees its connector."""
        logger.info("%s: %s failed: %r", self.charge_point_id, action, error)
        if action == "Authorize" and isinstance(request.get("idTag"), str):
            self.sessions.authorization_failed(request["idTag"])
        if action == "StatusNotification" and isinstance(request.get("connectorId"), int):
            lost = self._connector(request["connectorId"])
            if lost is not None:
                lost.reported = None  # said again when the link is back
        if action == "BootNotification":
            self._boot_in_flight = False
            if self.lifecycle and not link_closed:
                self._schedule_boot(self.boot_retry_interval or 30)
        if self.tx_queue.matches(action, request):
            if error is None:
                self.tx_queue.unsent()
                if not link_closed:
                    self._pause_transactions(self._retry_interval(1))
            else:
                message = self.tx_queue.in_flight
                attempts = self.configuration.integer("TransactionMessageAttempts", 3)
                if message is not None and self.tx_queue.rejected(attempts):
                    self._pause_transactions(self._retry_interval(message.attempts))
            return
        connector = self.connectors.get(request.get("connectorId", -1))
        if action == "StartTransaction" and connector is not None:
            tx = connector.transaction
            if tx is not None and tx.transaction_id is None and tx.ref == 0:
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
        """Drain the CALLs to send, as (action, payload), oldest first, and the head of the
        transaction queue when it may go. Send them after the CALLRESULT of the CALL that
        caused them, one at a time, and report each answer to ``on_result`` / ``on_error``."""
        drained, self._outbox = self._outbox, []
        if self._may_send() and _TX_RETRY not in self.timers:  # no retry wait running
            head = self.tx_queue.release()
            if head is not None:  # in the order things happened: after what came before it
                drained.append((self._made_at.pop(head.seq, -1), head.action, head.payload))
                drained.sort(key=lambda item: item[0])
        return [(action, payload) for _, action, payload in drained]

    def has_work(self) -> bool:
        """Effects or messages wait to be drained (a driver's cheap check before waking)."""
        return bool(self._effects or self._outbox)

    def effects(self) -> list[Effect]:
        """Drain what the charge point asks of the world (``ocpptk.sim.effects``)."""
        drained, self._effects = self._effects, []
        return drained

    # ----------------------------------------------------------------- the driver's API

    def next_deadline(self) -> datetime | None:
        """When ``tick`` should run next (None: only when something else happens)."""
        return self.timers.next_deadline()

    def tick(self) -> None:
        """Run what is due now: heartbeats, meter samples, session steps, retries, expiries."""
        self.timers.run_due(self.now())

    def connected(self) -> None:
        """The link is up. With the lifecycle on, a charge point not yet accepted boots; one
        that was (a reconnect) tells the central system the statuses it missed."""
        self.online = True
        if self.lifecycle:
            if self.registration_status == "Accepted":
                self._report_statuses(changed_only=True)
                self._schedule_heartbeat()
                self.sessions.retry_authorizations()
            elif "boot" not in self.timers:
                self._send_boot()

    def disconnected(self) -> None:
        """The link is down: messages wait in the transaction queue, others are not sent."""
        self.online = False
        self._boot_in_flight = False
        self.tx_queue.unsent()
        self.timers.cancel("heartbeat")
        self.timers.cancel("boot")

    def rebooted(self) -> None:
        """The charge point restarted (after a ``Reboot`` effect): it forgets its registration
        and its running sessions; configuration, availability, the local list, charging
        profiles and the transaction queue survive, as in a real charger's memory."""
        self.online = False
        self.registration_status = None
        self.reset_requested = None
        self._boot_in_flight = False
        self.timers.cancel_where(lambda key: not str(key).startswith("reservation"))
        self._outbox.clear()
        for connector in self.connectors.values():
            self._power_off(connector)
        self.main.reported = None

    # ----------------------------------------------------------------- at the charger

    def charge(
        self,
        connector_id: int,
        id_tag: str | None = None,
        *,
        duration_s: float | None = None,
        power_w: float | None = None,
        interval_s: int | None = None,
        soc_start: float | None = None,
        soc_end: float | None = None,
        battery_wh: float | None = None,
    ) -> ChargingSession:
        """A driver plugs in at ``connector_id`` and charges (``ocpptk.sim.session``);
        ``SessionError`` (one line) if the connector cannot."""
        return self.sessions.start(
            connector_id,
            id_tag or self.id_tag,
            duration_s=duration_s,
            power_w=power_w,
            interval_s=interval_s,
            soc_start=soc_start,
            soc_end=soc_end,
            battery_wh=battery_wh,
        )

    def stop_charge(self, connector_id: int, reason: str = "Local") -> None:
        """The driver ends the session at ``connector_id``."""
        self.sessions.stop(connector_id, reason)

    def plug_in(self, connector_id: int) -> None:
        self.sessions.plug_in(connector_id)

    def unplug(self, connector_id: int) -> None:
        self.sessions.unplug(connector_id)

    def suspend_ev(self, connector_id: int) -> None:
        self.sessions.suspend_ev(connector_id)

    def suspend_evse(self, connector_id: int) -> None:
        self.sessions.suspend_evse(connector_id)

    def resume(self, connector_id: int) -> None:
        self.sessions.resume(connector_id)

    def fault(self, connector_id: int, error_code: str = "OtherError") -> None:
        """Connector ``connector_id`` (0: the whole charge point) fails with ``error_code``
        (ChargePointErrorCode): Faulted, and its transaction stops (reason Other)."""
        if error_code not in _ERROR_CODES or error_code == "NoError":
            raise SessionError(
                f"{error_code!r} is not a ChargePointErrorCode (one of: "
                f"{', '.join(c for c in _ERROR_CODES if c != 'NoError')})"
            )
        targets = [self._connector_or_fail(connector_id)]
        if connector_id == 0:
            targets += list(self.connectors.values())
        self.sessions.advance()
        for connector in targets:
            if connector.status is ConnectorStatus.FAULTED:
                continue
            connector.error_code = error_code
            self.fire(connector, ConnectorEvent.FAULT)
            if connector.transaction is not None:
                self._close_transaction(connector.transaction, "Other", connector, report=False)

    def clear_fault(self, connector_id: int) -> None:
        """The fault on ``connector_id`` (0: the charge point and every connector) is gone."""
        targets = [self._connector_or_fail(connector_id)]
        if connector_id == 0:
            targets += list(self.connectors.values())
        if all(c.status is not ConnectorStatus.FAULTED for c in targets):
            raise SessionError(f"connector {connector_id} is not Faulted")
        for connector in targets:
            if connector.status is ConnectorStatus.FAULTED:
                connector.error_code = "NoError"
                connector.plugged = False  # the faulted session's driver has gone
                self.timers.cancel(("unplug", connector.connector_id))
                self.fire(connector, ConnectorEvent.FAULT_CLEARED)

    def set_status(self, connector_id: int, status: str, error_code: str = "NoError") -> None:
        """Put a connector in ``status`` by hand, if the transition table allows it from
        where it is (``IllegalTransition`` says why not); StatusNotification follows."""
        connector = self._connector_or_fail(connector_id)
        try:
            wanted = ConnectorStatus(status)
        except ValueError:
            names = ", ".join(s.value for s in ConnectorStatus)
            raise SessionError(f"{status!r} is not a connector status ({names})") from None
        if error_code not in _ERROR_CODES:
            raise SessionError(f"{error_code!r} is not a ChargePointErrorCode")
        if wanted is connector.status:
            connector.error_code = error_code
            self._queue("StatusNotification", self._status_notification(connector_id))
            return
        event = reachable(connector.status).get(wanted)
        if event is None:
            allowed = ", ".join(s.value for s in reachable(connector.status)) or "nothing"
            raise IllegalTransition(
                f"connector {connector_id} cannot go from {connector.status.value} to "
                f"{wanted.value} (from {connector.status.value}: {allowed})"
            )
        connector.error_code = error_code
        self.fire(connector, event)

    def power_loss(self) -> None:
        """The power goes: transactions stop (reason PowerLoss, delivered after the restart)
        and the charge point reboots (a ``Reboot`` effect), with the lifecycle on or off."""
        self.sessions.advance()
        self.disconnected()  # dark at once: the stops wait for the restart
        for connector in self.connectors.values():
            if connector.transaction is not None:
                self._close_transaction(connector.transaction, "PowerLoss", connector, report=False)
        self._effects.append(Reboot("PowerLoss", self.reboot_delay["Hard"]))

    def local_authorization(self, id_tag: str) -> str | None:
        """What the local list (if LocalAuthListEnabled), else the authorization cache (if
        AuthorizationCacheEnabled) says of ``id_tag``: an AuthorizationStatus, Expired past
        its expiryDate, or None if neither knows the tag (section 3.5)."""
        key = id_tag.casefold()
        info: Payload | None = None
        if self.configuration.boolean("LocalAuthListEnabled") and key in self.local_list:
            info = self.local_list[key].get("idTagInfo")
        elif self.configuration.boolean("AuthorizationCacheEnabled") and key in self.auth_cache:
            info = self.auth_cache[key]
        if info is None:
            return None
        expiry = info.get("expiryDate")
        if isinstance(expiry, str) and parse_timestamp(expiry) <= self.now():
            return "Expired"
        return str(info.get("status"))

    # -- what sessions ask of the charge point -------------------------------------------------

    def request_authorization(self, id_tag: str) -> None:
        self._queue("Authorize", {"idTag": id_tag})

    def queue_meter_values(self, connector: Connector) -> None:
        payload = self._meter_values(connector.connector_id, "Sample.Periodic")
        self._queue("MeterValues", payload, connector.transaction)

    def _connector_or_fail(self, connector_id: int) -> Connector:
        connector = self._connector(connector_id)
        if connector is None:
            numbers = ", ".join(map(str, [0, *self.connectors]))
            raise SessionError(f"no connector {connector_id} (it has {numbers})")
        return connector

    # ----------------------------------------------------------------- diagnostics, firmware

    def upload_finished(self, error: str | None) -> None:
        """The driver's report on the last ``Upload``: None, or why it failed."""
        job = self._upload
        if job is None:
            return
        if error is None:
            self._diagnostics("Uploaded")
        elif self._retry(job, "diagnostics", self._start_upload):
            return
        else:
            logger.info("%s: diagnostics upload failed: %s", self.charge_point_id, error)
            self._diagnostics("UploadFailed")
        self._upload = None
        self.diagnostics_status = "Idle"

    def download_finished(self, size: int, error: str | None) -> None:
        """The driver's report on the last ``Download``: its size, or why it failed."""
        job = self._download
        if job is None:
            return
        if error is not None:
            if self._retry(job, "firmware", self._start_download):
                return
            logger.info("%s: firmware download failed: %s", self.charge_point_id, error)
            self._firmware("DownloadFailed")
            self._download = None
            self.firmware_status = "Idle"
            return
        logger.info("%s: downloaded %d bytes of firmware", self.charge_point_id, size)
        self._firmware("Downloaded")
        self.timers.set("firmware", self.now(), self._install)

    def _retry(self, job: _Job, timer: str, again: Callable[[], None]) -> bool:
        """Try ``job`` again after its retry interval if it has tries left; True if so."""
        if job.retries <= 0:
            return False
        job.retries -= 1
        self.timers.set(timer, self.now() + timedelta(seconds=job.retry_interval), again)
        return True

    def _diagnostics(self, status: str) -> None:
        self.diagnostics_status = status
        self._queue("DiagnosticsStatusNotification", self._diagnostics_status_notification())

    def _firmware(self, status: str) -> None:
        self.firmware_status = status
        self._queue("FirmwareStatusNotification", self._firmware_status_notification())

    def _start_upload(self) -> None:
        job = self._upload
        if job is None:
            return
        self._diagnostics("Uploading")
        content = self.diagnostics_report().encode()
        self._effects.append(Upload(job.location, job.file_name, content))

    def diagnostics_report(self) -> str:
        """The diagnostics file: state, configuration and recent history, as text."""
        lines = [f"ocpptk diagnostics of {self.charge_point_id} at {format_timestamp(self.now())}"]
        lines += self.describe().splitlines()
        lines.append("configuration:")
        lines += [f"  {key.key} = {key.value}" for key in self.configuration]
        lines.append("connector history:")
        for connector in self.connectors.values():
            for old, event, new in connector.history[-50:]:
                lines.append(
                    f"  {connector.connector_id}: {old.value} --{event.value}--> {new.value}"
                )
        lines.append("transactions:")
        for tx in self.transactions[-50:]:
            lines.append(
                f"  {tx.transaction_id} on {tx.connector_id} for {tx.id_tag}: "
                f"{tx.meter_start} -> {tx.meter_stop} Wh ({tx.stop_reason})"
            )
        return "\n".join(lines) + "\n"

    def _start_download(self) -> None:
        job = self._download
        if job is None:
            return
        self._firmware("Downloading")
        self._effects.append(Download(job.location))

    def _install(self) -> None:
        """Install the downloaded firmware once no transaction runs, then reboot into it."""
        job = self._download
        if job is None:
            return
        if self.open_transactions():
            later = self.now() + timedelta(seconds=_BUSY_RECHECK_SECONDS)
            self.timers.set("firmware", later, self._install)
            return
        self._firmware("Installing")

        def installed() -> None:
            self._download = None
            self._firmware("Installed")
            self.firmware_status = "Idle"
            self.firmware_version = firmware_name(job.location) or self.firmware_version
            if self.lifecycle:
                self._effects.append(Reboot("Firmware", self.reboot_delay["Firmware"]))

        self.timers.set("firmware", self.now() + timedelta(seconds=_INSTALL_SECONDS), installed)

    def _reboot(self, kind: str, deadline: datetime) -> None:
        """Reboot once the stops of a soft reset are delivered, or when ``deadline`` passes."""
        if kind == "Soft" and len(self.tx_queue) and self.online and self.now() < deadline:
            self.timers.set(
                "reboot", self.now() + timedelta(seconds=1), lambda: self._reboot(kind, deadline)
            )
            return
        self._effects.append(Reboot(kind, self.reboot_delay[kind]))

    def _power_off(self, connector: Connector) -> None:
        """What a restart does to ``connector``: sessions end, the cable is out, and it is
        Available or Unavailable as its availability says (it survives restarts)."""
        if connector.transaction is not None:
            self._close_transaction(connector.transaction, "Reboot", connector, report=False)
        self.sessions.end(connector)
        self.timers.cancel(("unplug", connector.connector_id))
        connector.plugged = False
        connector.error_code = "NoError"
        connector.status = (
            ConnectorStatus.AVAILABLE if connector.operative else ConnectorStatus.UNAVAILABLE
        )
        if connector.reservation is not None and connector.operative:
            connector.status = ConnectorStatus.RESERVED
        connector.reported = None

    # ----------------------------------------------------------------- lifecycle

    def _send_boot(self) -> None:
        self.timers.cancel("boot")
        if not self.online or self._boot_in_flight:
            return
        self._boot_in_flight = True
        self.boots += 1
        self._queue("BootNotification", self._boot_notification())

    def _schedule_boot(self, seconds: int) -> None:
        self.timers.set("boot", self.now() + timedelta(seconds=max(seconds, 1)), self._send_boot)

    def _schedule_heartbeat(self) -> None:
        """(Re)start the heartbeat: every HeartbeatInterval seconds while accepted and online."""
        interval = self.heartbeat_interval
        if not (self._may_send() and self.lifecycle) or interval <= 0:
            self.timers.cancel("heartbeat")
            return
        self.timers.set("heartbeat", self.now() + timedelta(seconds=interval), self._heartbeat)

    def _heartbeat(self) -> None:
        self._queue("Heartbeat", {})
        self._schedule_heartbeat()

    def _report_statuses(self, changed_only: bool) -> None:
        """StatusNotification of connector 0 and every connector (only those whose status the
        central system has not heard of, with ``changed_only``)."""
        for connector in (self.main, *self.connectors.values()):
            if not changed_only or connector.reported is not connector.status:
                self._queue("StatusNotification", self._status_notification(connector.connector_id))

    def _retry_interval(self, attempts: int) -> int:
        return self.configuration.integer("TransactionMessageRetryInterval", 60) * attempts

    def _pause_transactions(self, seconds: int) -> None:
        """Hold the transaction queue for ``seconds`` before its head is tried again: while
        this timer is set, ``outbox`` releases nothing from the queue."""
        self.timers.set(_TX_RETRY, self.now() + timedelta(seconds=seconds), lambda: None)

    def _journal_extra(self) -> dict[str, Any]:
        """What the transaction queue saves besides itself: the open transactions and the
        energy registers, so that a restart can close the one and go on counting the other."""
        return {
            "meters": {str(n): c.meter_wh for n, c in self.connectors.items()},
            "open": [
                {
                    "ref": tx.ref,
                    "connectorId": tx.connector_id,
                    "idTag": tx.id_tag,
                    "meterStart": tx.meter_start,
                    "startedAt": format_timestamp(tx.started_at),
                    "transactionId": tx.transaction_id,
                }
                for tx in self.open_transactions()
                if tx.ref
            ],
        }

    def _recover(self) -> None:
        """After a restart: the registers go on from where they were, and the transactions that
        were running when the power went are stopped (reason PowerLoss), after their
        queued messages."""
        saved = self.tx_queue.restored
        for number, wh in saved.get("meters", {}).items():
            connector = self.connectors.get(int(number))
            if connector is not None:
                connector.meter_wh = int(wh)
        for item in saved.get("open", []):
            connector = self.connectors.get(item["connectorId"])
            if connector is None:
                continue
            tx = Transaction(
                connector.connector_id,
                item["idTag"],
                item["meterStart"],
                parse_timestamp(item["startedAt"]),
                transaction_id=item.get("transactionId"),
                ref=item["ref"],
            )
            self._close_transaction(tx, "PowerLoss", connector, report=False)
        if saved.get("open"):
            logger.info("%s: stopped the transactions a restart interrupted", self.charge_point_id)

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

    def _reservation_timer(self) -> None:
        self.expire_reservations()

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

    def _queue(
        self,
        action: str,
        payload: Payload,
        tx: Transaction | None = None,
        *,
        triggered: bool = False,
    ) -> None:
        """Send ``action`` when the outbox is drained; a message of transaction ``tx`` goes
        through the transaction queue instead (kept offline, in order, persisted). Other
        messages are dropped while they may not be sent (offline, or not yet accepted)."""
        payload = self.speech.fit(action, payload)
        if tx is not None and action in TRANSACTION_ACTIONS:
            if tx.ref == 0:
                tx.ref = self.tx_queue.new_ref()
            message = self.tx_queue.put(action, payload, tx.ref)
            self._made_at[message.seq] = next(self._made)
            logger.debug("%s: queued %s %s", self.charge_point_id, action, payload)
            return
        triggered_while_pending = (
            triggered and self.online and self.registration_status == "Pending"
        )  # section 4.2: a Pending charge point sends what TriggerMessage asks for
        if action != "BootNotification" and not self._may_send() and not triggered_while_pending:
            logger.debug("%s: not sent (offline or not accepted): %s", self.charge_point_id, action)
            return
        logger.debug("%s: queued %s %s", self.charge_point_id, action, payload)
        if action == "StatusNotification":
            connector = self._connector(payload["connectorId"])
            if connector is not None:
                connector.reported = connector.status
        self._outbox.append((next(self._made), action, payload))

    def _may_send(self) -> bool:
        """Online, and (with the lifecycle on) accepted by the central system (section 4.2:
        nothing but BootNotification before that)."""
        return self.online and (not self.lifecycle or self.registration_status == "Accepted")

    def _connector(self, connector_id: int) -> Connector | None:
        """Connector ``connector_id``, 0 being the charge point itself."""
        return self.main if connector_id == 0 else self.connectors.get(connector_id)

    def fire(self, connector: Connector, event: ConnectorEvent) -> None:
        """Apply ``event`` (IllegalTransition if not allowed) and report the new status."""
        connector.fire(event)
        self._queue("StatusNotification", self._status_notification(connector.connector_id))

    def try_fire(self, connector: Connector, event: ConnectorEvent) -> None:
        """``fire`` for what the CS told us: a transition the table lacks is logged, not raised."""
        if connector.can(event):
            self.fire(connector, event)
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

    def _transaction_by_ref(self, ref: int) -> Transaction | None:
        """The transaction with local reference ``ref``, open or finished here."""
        every = [*self.open_transactions(), *reversed(self.transactions)]
        return next((tx for tx in every if tx.ref == ref), None)

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
            self.try_fire(connector, ConnectorEvent.RESERVATION_ENDED)

    def _set_operative(self, connector: Connector, operative: bool) -> None:
        connector.operative = operative
        connector.scheduled_operative = None
        if not operative and connector.reservation is not None:  # cannot be honoured now
            self.reservations.pop(connector.reservation.reservation_id, None)
            connector.reservation = None
        event = ConnectorEvent.MAKE_OPERATIVE if operative else ConnectorEvent.MAKE_INOPERATIVE
        if connector.can(event):
            self.fire(connector, event)

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
        connector = self._connector(connector_id)
        if connector is None:
            raise KeyError(f"no connector {connector_id}")
        word = self.speech.word
        return {
            "connectorId": connector_id,
            "errorCode": word("ChargePointErrorCode", connector.error_code),
            "status": word("ChargePointStatus", connector.status.value),
            "timestamp": format_timestamp(self.now()),
        }

    def _meter_values(self, connector_id: int, context: str) -> Payload:
        """MeterValues of ``connector_id`` now: the MeterValuesSampledData measurands (the
        register at least), with the transaction id while one runs."""
        connector = self.connectors[connector_id]
        payload: Payload = {"connectorId": connector_id}
        tx = connector.transaction
        if tx is not None:
            payload["transactionId"] = tx.transaction_id or 0  # a queued one is filled in later
        measurands = self.configuration.items("MeterValuesSampledData") or [ENERGY]
        payload[self.speech.meter_value] = [self._reading(connector, measurands, context)]
        return payload

    def _reading(self, connector: Connector, measurands: list[str], context: str) -> Payload:
        """One reading of ``connector``'s meter, in the version's form."""
        samples = self.sessions.samples(connector, measurands, context)
        return self.speech.reading(format_timestamp(self.now()), connector.meter_wh, samples)

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
        connector = self.connectors[tx.connector_id]
        payload: Payload = {
            "transactionId": tx.transaction_id or 0,
            "idTag": tx.id_tag,
            "meterStop": connector.meter_wh,
            "timestamp": format_timestamp(self.now()),
            "reason": reason,
        }
        if tx.begin_reading is not None:  # section 4.10: the transaction's data, begin and end
            measurands = self.configuration.items("StopTxnSampledData") or [ENERGY]
            end = self._reading(connector, measurands, "Transaction.End")
            payload["transactionData"] = self.speech.transaction_data([tx.begin_reading, end])
        return payload

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

    def begin_transaction(self, connector: Connector, id_tag: str) -> Transaction:
        """Open a transaction (its id comes later), queue its StartTransaction and let the
        energy flow: the connector goes Charging now, not when the answer comes, because a
        charger that authorized the driver does not wait for the central system (section 4.8)."""
        payload = self._start_payload(connector.connector_id, id_tag)
        tx = Transaction(
            connector.connector_id,
            id_tag,
            payload["meterStart"],
            self.now(),
            reservation_id=payload.get("reservationId"),
        )
        measurands = self.configuration.items("StopTxnSampledData") or [ENERGY]
        tx.begin_reading = self._reading(connector, measurands, "Transaction.Begin")
        connector.transaction = tx
        if connector.reservation is not None and "reservationId" in payload:
            self.reservations.pop(connector.reservation.reservation_id, None)  # used up
            self.timers.cancel(f"reservation {connector.reservation.reservation_id}")
            connector.reservation = None
        self._queue("StartTransaction", payload, tx)
        self.try_fire(connector, ConnectorEvent.TRANSACTION_STARTED)
        return tx

    def stop_transaction(self, tx: Transaction, reason: str) -> None:
        """Stop ``tx`` (once): queue its StopTransaction and free the connector."""
        if tx.stop_reason is None:
            self._close_transaction(tx, reason, self.connectors[tx.connector_id])

    def _close_transaction(
        self, tx: Transaction, reason: str, connector: Connector, *, report: bool = True
    ) -> None:
        """End ``tx`` here and now: its StopTransaction is queued, its TxProfiles go (section
        3.13.4), the connector goes Finishing (cable in) or Available, and a ChangeAvailability
        scheduled for it happens. ``report``: the connector's status changes (not after a
        restart, when the connector starts afresh)."""
        self.sessions.advance()
        stop = self._stop_payload(tx, reason)  # before the session ends: the car's SoC is known
        tx.stop_reason = reason
        tx.meter_stop = stop["meterStop"]
        tx.stopped_at = self.now()
        self._queue("StopTransaction", stop, tx)
        self._transaction_over(tx, connector, report)

    def _transaction_over(self, tx: Transaction, connector: Connector, report: bool) -> None:
        """What the end of ``tx`` does here: the session ends, the connector is free, the
        transaction's TxProfiles go (section 3.13.4), the status says so (``report``), and a
        ChangeAvailability scheduled for the connector happens."""
        self.sessions.end(connector)
        if connector.transaction is tx:
            connector.transaction = None
        self.transactions.append(tx)
        self.charging_profiles.clear(
            {"connectorId": connector.connector_id, "chargingProfilePurpose": "TxProfile"}
        )
        if report:
            event = (
                ConnectorEvent.TRANSACTION_STOPPED if connector.plugged else ConnectorEvent.UNPLUG
            )
            self.try_fire(connector, event)
        if connector.scheduled_operative is not None:
            self._set_operative(connector, connector.scheduled_operative)

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
        if connector_id == 0 and self.main.operative != operative:  # the charge point itself
            self._set_operative(self.main, operative)
        for connector in (self.connectors[n] for n in targets):
            if connector.transaction is not None and connector.operative != operative:
                connector.scheduled_operative = operative
                scheduled = True
            else:
                self._set_operative(connector, operative)
        return {"status": "Scheduled" if scheduled else "Accepted"}

    def _change_configuration(self, request: Payload) -> Payload:
        """Section 5.3: unknown key NotSupported, readonly or invalid value Rejected. A new
        HeartbeatInterval or MeterValueSampleInterval takes effect at once."""
        status = self.configuration.change(request["key"], request["value"])
        if status == "Accepted":
            key = request["key"].casefold()
            if key == "heartbeatinterval":
                self._schedule_heartbeat()
            elif key == "metervaluesampleinterval":
                self.sessions.limits_changed()
        return {"status": self.speech.word("ConfigurationStatus", status)}

    def _clear_cache(self, request: Payload) -> Payload:
        self.auth_cache.clear()
        return {"status": "Accepted"}

    def _clear_charging_profile(self, request: Payload) -> Payload:
        """Section 5.5: Accepted if at least one profile matched, else Unknown."""
        if not self.supports("SmartCharging") or not self.charging_profiles.clear(request):
            return {"status": "Unknown"}
        self.sessions.limits_changed()
        return {"status": "Accepted"}

    def _get_composite_schedule(self, request: Payload) -> Payload:
        """Section 5.7: every profile that applies in the next ``duration`` seconds merged
        into one schedule (``ProfileStore.composite_schedule``); Rejected with none."""
        connector_id, duration = request["connectorId"], request["duration"]
        if not self.supports("SmartCharging") or (
            connector_id != 0 and connector_id not in self.connectors
        ):
            return {"status": "Rejected"}
        now = self.now()
        tx = self.connectors[connector_id].transaction if connector_id else None
        hardware = self.sessions.hardware.connectors.get(connector_id or 1)
        assert hardware is not None
        composite = self.charging_profiles.composite_schedule(
            connector_id,
            now,
            duration,
            request.get("chargingRateUnit"),
            transaction_start=tx.started_at if tx is not None else None,
            transaction_id=tx.transaction_id if tx is not None else None,
            electrical=hardware.electrical(),
        )
        if composite is None:
            return {"status": "Rejected"}
        return {
            "status": "Accepted",
            "connectorId": connector_id,
            "scheduleStart": format_timestamp(now),
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
        """Section 5.9: the name of the file, uploaded to ``location`` at ``startTime`` (now if
        absent): Uploading, then Uploaded or, after ``retries`` more tries ``retryInterval``
        apart, UploadFailed (DiagnosticsStatusNotification each)."""
        if not self.supports("FirmwareManagement"):
            raise NotSupported("the FirmwareManagement profile is not supported")
        self.diagnostics_requests.append(request)
        stamp = format_timestamp(self.now()).replace("-", "").replace(":", "")
        name = f"diagnostics-{self.charge_point_id}-{stamp}.log"[-255:]
        start = parse_timestamp(request["startTime"]) if "startTime" in request else self.now()
        self._upload = _Job(
            request["location"], request.get("retries", 0), request.get("retryInterval", 60), name
        )
        self.timers.set("diagnostics", max(start, self.now()), self._start_upload)
        return {"fileName": name}

    def _get_local_list_version(self, request: Payload) -> Payload:
        """Section 5.10: -1 without the profile, 0 for an empty list."""
        if not self.supports("LocalAuthListManagement"):
            return {"listVersion": -1}
        return {"listVersion": self.local_list_version if self.local_list else 0}

    def _remote_start_transaction(self, request: Payload) -> Payload:
        """Section 5.11: Accepted if the connector (with none given: the one reserved for idTag,
        else the first free one) can start a transaction for idTag; then a session starts there
        as if the driver plugged in (Authorize first if AuthorizeRemoteTxRequests). A
        chargingProfile must be a TxProfile (section 5.11) and is installed on that connector."""
        id_tag = request["idTag"]
        profile = request.get("chargingProfile")
        if profile is not None and profile["chargingProfilePurpose"] != "TxProfile":
            return {"status": "Rejected"}
        connector_id = request.get("connectorId")
        if connector_id is None:
            connector_id = self._connector_for(id_tag)
        connector = self.connectors.get(connector_id) if connector_id is not None else None
        if (
            connector is None
            or not connector.accepts(id_tag)
            or connector.connector_id in self.sessions.running
        ):
            return {"status": "Rejected"}
        if profile is not None and self.supports("SmartCharging"):
            self.charging_profiles.install(connector.connector_id, profile)
        self.sessions.start(connector.connector_id, id_tag, remote=True)
        return {"status": "Accepted"}

    def _remote_stop_transaction(self, request: Payload) -> Payload:
        """Section 5.12: Accepted for an open transaction (a StopTransaction is queued)."""
        tx = self._open_transaction(request["transactionId"])
        if tx is None:
            return {"status": "Rejected"}
        self.stop_transaction(tx, "Remote")
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
        self.timers.set(
            f"reservation {reservation.reservation_id}",
            reservation.expiry,
            self._reservation_timer,
        )
        if reservation.connector_id != 0:
            connector = self.connectors[reservation.connector_id]
            connector.reservation = reservation
            self.fire(connector, ConnectorEvent.RESERVE)
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
        """Section 5.14: transactions stop (reason HardReset / SoftReset); with the lifecycle
        on, the charge point then reboots: at once for Hard, after its stops were delivered
        (at most 10 s) for Soft."""
        kind = _one_of(request["type"], _RESET_TYPES, "type")
        self.reset_requested = kind
        for tx in self.open_transactions():
            self.stop_transaction(tx, f"{kind}Reset")
        if self.lifecycle:
            deadline = self.now() + timedelta(seconds=10)
            self.timers.set(
                "reboot", self.now() + timedelta(seconds=1), lambda: self._reboot(kind, deadline)
            )
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
        self.sessions.limits_changed()
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
            self._queue(request["requestedMessage"], payload, triggered=True)
        return {"status": "Accepted"}

    def _unlock_connector(self, request: Payload) -> Payload:
        """Section 5.18: a transaction on the connector is stopped first (reason UnlockCommand)."""
        connector = self.connectors.get(request["connectorId"])
        if connector is None:
            return {"status": self.speech.word("UnlockStatus", "NotSupported")}
        tx = connector.transaction
        if tx is not None and tx.transaction_id is not None:
            self.stop_transaction(tx, "UnlockCommand")
        return {"status": self.speech.word("UnlockStatus", "Unlocked")}

    def _update_firmware(self, request: Payload) -> Payload:
        """Section 5.19: at ``retrieveDate`` the firmware is downloaded from ``location``
        (Downloading, Downloaded or DownloadFailed after ``retries``), installed once no
        transaction runs (Installing, Installed) and, with the lifecycle on, the charge point
        reboots into it: BootNotification then carries the new firmwareVersion."""
        if not self.supports("FirmwareManagement"):
            raise NotSupported("the FirmwareManagement profile is not supported")
        start = parse_timestamp(request["retrieveDate"])
        self.firmware_updates.append(request)
        self._download = _Job(
            request["location"], request.get("retries", 0), request.get("retryInterval", 60)
        )
        self.timers.set("firmware", max(start, self.now()), self._start_download)
        return {}

    # ----------------------------------------------------------------- CS results

    def _authorized(self, request: Payload, response: Payload) -> None:
        id_tag = request.get("idTag")
        # A custom Authorize sent unvalidated may carry anything; only a tag can be cached.
        if not isinstance(id_tag, str):
            return
        if self.configuration.boolean("AuthorizationCacheEnabled"):
            self.auth_cache[id_tag.casefold()] = response["idTagInfo"]
        self.sessions.authorized(id_tag, response["idTagInfo"]["status"])

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
            if self.lifecycle:  # section 4.2: now it may say how it is
                self._report_statuses(changed_only=False)
                self._schedule_heartbeat()
                self.sessions.retry_authorizations()
        else:
            self.boot_retry_interval = interval
            if self.lifecycle:
                self._schedule_boot(interval if interval else 30)

    def _heartbeat_answered(self, request: Payload, response: Payload) -> None:
        self.central_system_time = parse_timestamp(response["currentTime"])

    def _transaction_started(self, request: Payload, response: Payload) -> None:
        """Section 4.8: the transaction gets its id. One typed by hand (not queued) opens here
        and the connector goes Charging. If the CS did not accept the idTag and
        StopTransactionOnInvalidId is true, the transaction is stopped (reason DeAuthorized)."""
        connector = self.connectors.get(request["connectorId"])
        if connector is None:
            logger.warning(
                "%s: StartTransaction for unknown connector %s",
                self.charge_point_id,
                request["connectorId"],
            )
            return
        tx = self._answered_start
        self._answered_start = None
        if tx is None:  # sent by hand
            tx = Transaction(
                connector.connector_id,
                request["idTag"],
                request["meterStart"],
                parse_timestamp(request["timestamp"]),
                reservation_id=request.get("reservationId"),
            )
            if connector.transaction is None or connector.transaction.transaction_id is not None:
                connector.transaction = tx
            reservation = self.reservations.pop(tx.reservation_id or -1, None)
            if reservation is not None and connector.reservation is reservation:
                connector.reservation = None
            if connector.status is ConnectorStatus.RESERVED:  # G2: the reserved driver is here
                self.try_fire(connector, ConnectorEvent.PLUG_IN)
            self.try_fire(connector, ConnectorEvent.TRANSACTION_STARTED)
        tx.transaction_id = response["transactionId"]
        tx.id_tag_status = response["idTagInfo"]["status"]
        if tx.id_tag_status != "Accepted" and self.configuration.boolean(
            "StopTransactionOnInvalidId"
        ):
            self.stop_transaction(tx, "DeAuthorized")

    def _transaction_stopped(self, request: Payload, response: Payload) -> None:
        """Section 4.10: a StopTransaction typed by hand ends its transaction here (a queued
        one ended when it was made)."""
        tx = self._open_transaction(request["transactionId"])
        if tx is not None and tx.stop_reason is None:
            tx.meter_stop = request["meterStop"]
            tx.stopped_at = parse_timestamp(request["timestamp"])
            tx.stop_reason = request.get("reason", "Local")
            self._transaction_over(tx, self.connectors[tx.connector_id], report=True)

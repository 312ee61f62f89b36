"""Automated charging sessions: a driver plugs in, authorizes, charges, stops and unplugs.

``Sessions`` belongs to one ``ChargePointSim`` and runs a session per connector, each with its
own meter (``ocpptk.sim.meter.MeterModel``), so several connectors charge at once without
sharing state. A session goes:

1. plug in: Preparing;
2. authorize: the local list or the authorization cache when they may answer (section 3.5),
   else an Authorize.req; offline an unknown tag starts only if AllowOfflineTxForUnknownId;
3. StartTransaction (queued) and Charging; a MeterValues every sample interval;
4. the end: its duration is over, the battery reached the SoC asked for (SuspendedEV first),
   ``stop`` or a RemoteStopTransaction: StopTransaction with the reason and transaction data,
   Finishing; the driver unplugs a few seconds later: Available.

Power is the least of the connector's rating, the charger's rating shared between the
connectors that charge, the power asked for and the charging profiles' limit; it is integrated
exactly across the moments where a profile changes its limit. A limit of 0 is SuspendedEVSE.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ocpptk.sim.charging import Electrical
from ocpptk.sim.connector import Connector, ConnectorEvent, ConnectorStatus
from ocpptk.sim.dispatch import Payload
from ocpptk.sim.meter import MODELLED_MEASURANDS, EvBattery, MeterModel

if TYPE_CHECKING:
    from ocpptk.sim.charge_point import ChargePointSim

__all__ = ["ChargingSession", "ConnectorHardware", "Hardware", "SessionError", "Sessions"]

logger = logging.getLogger(__name__)

ENERGY = "Energy.Active.Import.Register"
UNPLUG_DELAY_S = 5.0  # from the end of a transaction to the cable being out
DEFAULT_BATTERY_WH = 60_000.0  # a car that says nothing of its battery (RemoteStart on DC)
DEFAULT_SOC = 20.0


class SessionError(ValueError):
    """A session that cannot start or stop; the message is one line."""


@dataclass(frozen=True)
class ConnectorHardware:
    """What one connector can deliver."""

    current: str = "AC"  # AC or DC
    max_power_w: float = 22_000.0
    phases: int | None = None  # AC: 1 or 3 (default 3); DC: none
    voltage_v: float | None = None  # AC: per phase (230); DC: the nominal pack voltage (400)

    def electrical(self) -> Electrical:
        """How this connector converts amperes and watts for charging profiles."""
        if self.current == "DC":
            volts = self.voltage_v or 400.0
            return Electrical(
                voltage_v=volts, phases=1, dc=True, rated_current_a=self.max_power_w / volts
            )
        phases = self.phases or 3
        volts = self.voltage_v or 230.0
        return Electrical(volts, phases, rated_current_a=self.max_power_w / (volts * phases))


@dataclass(frozen=True)
class Hardware:
    """The charger: its total rating and its connectors (id -> hardware)."""

    max_power_w: float
    connectors: Mapping[int, ConnectorHardware]
    noise: float = 0.0  # relative noise on instantaneous readings

    @classmethod
    def default(cls, connectors: int) -> Hardware:
        """An AC charger with ``connectors`` 22 kW three-phase outlets."""
        each = ConnectorHardware()
        return cls(each.max_power_w * connectors, {n: each for n in range(1, connectors + 1)})


@dataclass
class ChargingSession:
    """One driver's visit at one connector."""

    connector_id: int
    id_tag: str
    remote: bool = False  # started by RemoteStartTransaction
    duration_s: float | None = None  # None: until stopped or the battery is full
    power_w: float | None = None  # what the driver's car asks at most; None: all it can
    interval_s: int | None = None  # None: MeterValueSampleInterval
    soc_end: float | None = None
    stage: str = "authorizing"  # authorizing, charging, ended
    held_by_limit: bool = False  # SuspendedEVSE because a charging profile allows 0 W
    started_at: datetime | None = None
    last_sample: datetime | None = None
    history: list[str] = field(default_factory=list)


class Sessions:
    """The sessions and meters of one charge point."""

    def __init__(
        self, sim: ChargePointSim, hardware: Hardware, rng: random.Random | None = None
    ) -> None:
        self.sim = sim
        self.hardware = hardware
        self.unplug_delay_s = UNPLUG_DELAY_S
        self.rng = rng or random.Random()
        self.meters: dict[int, MeterModel] = {}
        for number, spec in hardware.connectors.items():
            self.meters[number] = MeterModel(
                spec.current,
                max_power_w=spec.max_power_w,
                phases=spec.phases if spec.current == "AC" else None,
                voltage_v=spec.voltage_v,
                noise=hardware.noise,
                rng=self.rng if hardware.noise else None,
            )
        self.running: dict[int, ChargingSession] = {}
        self._updated: datetime | None = None  # the meters are integrated up to here

    # -- readings --------------------------------------------------------------------------

    def samples(self, connector: Connector, measurands: list[str], context: str) -> list[Payload]:
        """1.6 sampled values of ``connector``'s meter for ``measurands`` (the register at
        least; those the model cannot measure are left out)."""
        self.advance()
        meter = self.meters.get(connector.connector_id)
        if meter is None:
            return [
                {
                    "value": str(connector.meter_wh),
                    "context": context,
                    "measurand": ENERGY,
                    "unit": "Wh",
                }
            ]
        meter.register_wh = max(meter.register_wh, float(connector.meter_wh))
        wanted = [name for name in measurands if name in MODELLED_MEASURANDS] or [ENERGY]
        found = meter.sample(wanted, context)
        for sample in found:
            if sample.get("measurand", ENERGY) == ENERGY:
                sample["value"] = str(connector.meter_wh)  # one register, whoever last set it
        return [dict(sample) for sample in found]

    # -- time --------------------------------------------------------------------------------

    def advance(self) -> None:
        """Integrate every meter up to now, piece by piece where a limit changes."""
        now = self.sim.now()
        since = self._updated
        self._updated = now
        if since is None or now <= since:
            return
        for number, meter in self.meters.items():
            if not meter.in_session:
                meter.advance((now - since).total_seconds(), 0.0)  # cools down
                continue
            moment = since
            for change in [*self._limit_changes(number, since, now), now]:
                if change > moment:
                    meter.advance((change - moment).total_seconds(), self.limit_w(number, moment))
                    moment = change
            connector = self.sim.connectors[number]
            connector.meter_wh = max(connector.meter_wh, int(meter.register_wh))

    def limit_w(self, number: int, moment: datetime | None = None) -> float:
        """The power connector ``number`` may deliver at ``moment`` (default now)."""
        at = moment or self.sim.now()
        spec = self.hardware.connectors[number]
        # The charger's rating, and a ChargePointMaxProfile, are shared by the connectors
        # that draw power now (equal shares).
        charging = max(1, sum(1 for n in self.running if self._drawing(n) or n == number))
        limits = [spec.max_power_w, self.hardware.max_power_w / charging]
        cap = self.sim.charging_profiles.charge_point_cap(at, electrical=spec.electrical())
        if cap is not None:
            limits.append(cap / charging)
        session = self.running.get(number)
        if session is not None and session.power_w is not None:
            limits.append(session.power_w)
        tx = self.sim.connectors[number].transaction
        profile = self.sim.charging_profiles.limit_at(
            number,
            at,
            transaction_start=tx.started_at if tx is not None else None,
            transaction_id=tx.transaction_id if tx is not None else None,
            electrical=spec.electrical(),
        )
        if profile is not None:
            limits.append(profile)
        return max(0.0, min(limits))

    def _drawing(self, number: int) -> bool:
        """Connector ``number`` is Charging: its meter draws power."""
        return self.sim.connectors[number].status is ConnectorStatus.CHARGING

    def _limit_changes(self, number: int, since: datetime, until: datetime) -> list[datetime]:
        tx = self.sim.connectors[number].transaction
        return self.sim.charging_profiles.changes(
            number,
            since,
            until,
            transaction_start=tx.started_at if tx is not None else None,
        )

    # -- sessions ------------------------------------------------------------------------------

    def start(
        self,
        connector_id: int,
        id_tag: str,
        *,
        duration_s: float | None = None,
        power_w: float | None = None,
        interval_s: int | None = None,
        soc_start: float | None = None,
        soc_end: float | None = None,
        battery_wh: float | None = None,
        remote: bool = False,
    ) -> ChargingSession:
        """Begin a session (see the module docstring); ``SessionError`` if it cannot."""
        sim = self.sim
        connector = sim.connectors.get(connector_id)
        if connector is None:
            numbers = ", ".join(map(str, sim.connectors))
            raise SessionError(f"no connector {connector_id} (it has {numbers})")
        if connector_id in self.running or connector.transaction is not None:
            raise SessionError(f"connector {connector_id} is busy ({connector.status.value})")
        if not connector.accepts(id_tag):
            reason = "inoperative" if not connector.operative else connector.status.value
            raise SessionError(f"connector {connector_id} cannot charge now ({reason})")
        for name, value in (("duration", duration_s), ("power", power_w), ("interval", interval_s)):
            if value is not None and value <= 0:
                raise SessionError(f"{name} must be positive, not {value}")
        battery = self._battery(connector_id, soc_start, soc_end, battery_wh)
        session = ChargingSession(
            connector_id, id_tag, remote, duration_s, power_w, interval_s, soc_end
        )
        self.advance()
        self.running[connector_id] = session
        self.meters[connector_id].start_session(battery)
        self.meters[connector_id].suspend()  # nothing flows before the transaction
        self._plug_in(connector)
        verdict = sim.local_authorization(id_tag)
        skip = remote and not sim.configuration.boolean("AuthorizeRemoteTxRequests")
        local_ok = verdict == "Accepted" and (
            sim.configuration.boolean("LocalAuthorizeOffline")
            if not sim.online
            else sim.configuration.boolean("LocalPreAuthorize")
        )
        if skip or local_ok:
            self._begin(session)
        elif sim.online:
            sim.request_authorization(id_tag)
        elif verdict is None and sim.configuration.boolean("AllowOfflineTxForUnknownId"):
            self._begin(session)
        else:
            self._refuse(session, f"{id_tag} cannot be authorized offline")
        return session

    def authorized(self, id_tag: str, status: str) -> None:
        """Authorize.conf for ``id_tag``: the sessions waiting for it begin, or end."""
        for session in list(self.running.values()):
            if session.stage == "authorizing" and session.id_tag.casefold() == id_tag.casefold():
                if status == "Accepted":
                    self._begin(session)
                else:
                    self._refuse(session, f"{id_tag} is {status}")

    def retry_authorizations(self) -> None:
        """Ask again for the tags of sessions still waiting (their Authorize could not be sent
        before the charge point was accepted, or was lost with the connection)."""
        for tag in {s.id_tag for s in self.running.values() if s.stage == "authorizing"}:
            self.sim.request_authorization(tag)

    def authorization_failed(self, id_tag: str) -> None:
        """Authorize.req got no answer: offline rules decide (section 3.5)."""
        verdict = self.sim.local_authorization(id_tag)
        config = self.sim.configuration
        allow_unknown = config.boolean("AllowOfflineTxForUnknownId")
        known_ok = verdict == "Accepted" and config.boolean("LocalAuthorizeOffline")
        ok = known_ok or (verdict is None and allow_unknown)
        self.authorized(id_tag, "Accepted" if ok else "Invalid")

    def stop(self, connector_id: int, reason: str = "Local") -> None:
        """End the session or transaction on ``connector_id`` (StopTransaction ``reason``)."""
        connector = self.sim.connectors.get(connector_id)
        if connector is None:
            raise SessionError(f"no connector {connector_id}")
        session = self.running.get(connector_id)
        tx = connector.transaction
        if tx is not None:
            self.sim.stop_transaction(tx, reason)
        elif session is not None:
            self._refuse(session, "stopped before it started")
        else:
            raise SessionError(f"nothing is charging on connector {connector_id}")

    def end(self, connector: Connector) -> None:
        """The transaction on ``connector`` is over: the meter stops; the driver unplugs a
        little later if a session had the cable in."""
        self.advance()
        number = connector.connector_id
        session = self.running.pop(number, None)
        self.meters[number].end_session()
        self.sim.timers.cancel(("sample", number))
        self.sim.timers.cancel(("session end", number))
        self.sim.timers.cancel(("limit", number))
        if session is not None:
            session.stage = "ended"
            at = self.sim.now() + timedelta(seconds=self.unplug_delay_s)
            self.sim.timers.set(("unplug", number), at, lambda: self._driver_unplugs(number))
        self._reschedule_all()

    def plug_in(self, connector_id: int) -> None:
        connector = self._connector(connector_id)
        if connector.plugged:
            raise SessionError(f"connector {connector_id} has a cable in already")
        self._plug_in(connector)

    def unplug(self, connector_id: int) -> None:
        """The cable comes out: a transaction stops (EVDisconnected) if
        StopTransactionOnEVSideDisconnect, the connector goes Available."""
        connector = self._connector(connector_id)
        self.sim.timers.cancel(("unplug", connector_id))
        if not connector.plugged:
            raise SessionError(f"connector {connector_id} has no cable in")
        tx = connector.transaction
        if tx is not None:
            connector.plugged = False
            if self.sim.configuration.boolean("StopTransactionOnEVSideDisconnect", True):
                self.sim.stop_transaction(tx, "EVDisconnected")
            else:  # the transaction goes on without energy until the cable is back
                self.advance()
                self.meters[connector_id].suspend()
                if connector.can(ConnectorEvent.SUSPEND_EV):
                    self.sim.fire(connector, ConnectorEvent.SUSPEND_EV)
            return
        session = self.running.get(connector_id)
        if session is not None and tx is None:
            self.running.pop(connector_id)
            self.meters[connector_id].end_session()
        connector.plugged = False
        event = (
            ConnectorEvent.PREPARATION_ENDED
            if connector.status is ConnectorStatus.PREPARING
            else ConnectorEvent.UNPLUG
        )
        self.sim.try_fire(connector, event)

    def _driver_unplugs(self, number: int) -> None:
        """The driver leaves, if the cable is still in (a fault or a hand may have been first)."""
        if self.sim.connectors[number].plugged:
            self.unplug(number)

    def suspend_ev(self, connector_id: int) -> None:
        """The car stops taking energy (SuspendedEV) until ``resume``."""
        connector, meter = self._charging(connector_id)
        self.advance()
        meter.suspend()
        self.sim.fire(connector, ConnectorEvent.SUSPEND_EV)

    def suspend_evse(self, connector_id: int) -> None:
        """The charger stops offering energy (SuspendedEVSE) until ``resume``."""
        connector, meter = self._charging(connector_id)
        self.advance()
        meter.suspend()
        self.sim.fire(connector, ConnectorEvent.SUSPEND_EVSE)

    def resume(self, connector_id: int) -> None:
        connector, meter = self._charging(connector_id)
        if connector.status is ConnectorStatus.CHARGING:
            raise SessionError(f"connector {connector_id} is charging already")
        self.advance()
        meter.resume()
        self.sim.fire(connector, ConnectorEvent.RESUME)
        self._reschedule(connector_id)

    def limits_changed(self) -> None:
        """Charging profiles changed: integrate up to now, then plan with the new limits (a
        limit of 0 starting now suspends at once)."""
        self.advance()
        self._reschedule_all()

    # -- inside ------------------------------------------------------------------------------

    def _connector(self, connector_id: int) -> Connector:
        connector = self.sim.connectors.get(connector_id)
        if connector is None:
            raise SessionError(f"no connector {connector_id}")
        return connector

    def _charging(self, connector_id: int) -> tuple[Connector, MeterModel]:
        connector = self._connector(connector_id)
        if connector.transaction is None:
            raise SessionError(f"nothing is charging on connector {connector_id}")
        return connector, self.meters[connector_id]

    def _battery(
        self,
        connector_id: int,
        soc_start: float | None,
        soc_end: float | None,
        battery_wh: float | None,
    ) -> EvBattery | None:
        spec = self.hardware.connectors[connector_id]
        for name, value in (("soc-start", soc_start), ("soc-end", soc_end)):
            if value is not None and not 0 <= value <= 100:
                raise SessionError(f"{name} must be a percentage, not {value}")
        if soc_start is not None and soc_end is not None and soc_end <= soc_start:
            raise SessionError(f"soc-end {soc_end} is not above soc-start {soc_start}")
        if battery_wh is not None and battery_wh <= 0:
            raise SessionError(f"battery must be positive, not {battery_wh}")
        knows_soc = soc_start is not None or soc_end is not None or battery_wh is not None
        if not knows_soc and spec.current != "DC":
            return None  # an AC wallbox does not learn the car's SoC
        start = DEFAULT_SOC if soc_start is None else soc_start
        capacity = battery_wh or DEFAULT_BATTERY_WH
        return EvBattery(capacity, start, max(spec.max_power_w, 1.0))

    def _plug_in(self, connector: Connector) -> None:
        if connector.status is ConnectorStatus.FINISHING:  # the cable stays: a new session
            self.sim.timers.cancel(("unplug", connector.connector_id))
            self.sim.fire(connector, ConnectorEvent.AUTHORIZED)
        if connector.transaction is not None and not connector.plugged:  # back in: resume
            connector.plugged = True
            self.advance()
            self.meters[connector.connector_id].resume()
            if connector.can(ConnectorEvent.RESUME):
                self.sim.fire(connector, ConnectorEvent.RESUME)
            return
        if not connector.plugged:
            connector.plugged = True
            if connector.can(ConnectorEvent.PLUG_IN):
                self.sim.fire(connector, ConnectorEvent.PLUG_IN)

    def _begin(self, session: ChargingSession) -> None:
        number = session.connector_id
        connector = self.sim.connectors[number]
        session.stage = "charging"
        session.started_at = session.last_sample = self.sim.now()
        self.advance()
        self.meters[number].resume()
        self.sim.begin_transaction(connector, session.id_tag)
        self._reschedule_all()

    def _refuse(self, session: ChargingSession, why: str) -> None:
        """The session ends before a transaction: the driver takes the cable out."""
        logger.info("%s: connector %d: %s", self.sim.charge_point_id, session.connector_id, why)
        session.history.append(why)
        session.stage = "ended"
        self.running.pop(session.connector_id, None)
        self.meters[session.connector_id].end_session()
        connector = self.sim.connectors[session.connector_id]
        connector.plugged = False
        self.sim.try_fire(connector, ConnectorEvent.PREPARATION_ENDED)

    def _interval(self, session: ChargingSession) -> int:
        configured = self.sim.configuration.integer("MeterValueSampleInterval", 60)
        return session.interval_s or configured

    def _reschedule_all(self) -> None:
        for number in list(self.running):
            self._reschedule(number)

    def _reschedule(self, number: int) -> None:
        """Plan the next sample, the session's end and the next change of limit."""
        session = self.running.get(number)
        if session is None or session.stage != "charging" or session.started_at is None:
            return
        self._sync_status(session)
        timers, now = self.sim.timers, self.sim.now()
        interval = self._interval(session)
        if interval > 0 and ("sample", number) not in timers:
            assert session.last_sample is not None
            at = max(now, session.last_sample + timedelta(seconds=interval))
            timers.set(("sample", number), at, lambda: self._sample(number))
        end = self._predicted_end(session)
        if end is not None:
            timers.set(("session end", number), max(end, now), lambda: self._check_end(number))
        changes = self._limit_changes(
            number, now + timedelta(microseconds=1), now + timedelta(days=1)
        )
        if changes:
            timers.set(("limit", number), min(changes), lambda: self._limit_moved(number))
        else:
            timers.cancel(("limit", number))

    def _predicted_end(self, session: ChargingSession) -> datetime | None:
        assert session.started_at is not None
        ends = []
        if session.duration_s is not None:
            ends.append(session.started_at + timedelta(seconds=session.duration_s))
        meter = self.meters[session.connector_id]
        target = (
            session.soc_end if session.soc_end is not None else (100.0 if meter.battery else None)
        )
        if target is not None and meter.battery is not None:
            seconds = meter.time_to_soc(target, self.limit_w(session.connector_id))
            if seconds is not None:
                # Re-checked at least every minute: the estimate assumes a steady limit.
                ends.append(self.sim.now() + timedelta(seconds=min(seconds + 1, 60)))
        return min(ends, default=None)

    def _sample(self, number: int) -> None:
        session = self.running.get(number)
        connector = self.sim.connectors[number]
        if session is None or connector.transaction is None:
            return
        self.advance()
        session.last_sample = self.sim.now()
        self.sim.queue_meter_values(connector)
        self._check_end(number)
        self._reschedule(number)

    def _limit_moved(self, number: int) -> None:
        """A charging profile's limit changes now."""
        self.advance()
        self._reschedule(number)

    def _sync_status(self, session: ChargingSession) -> None:
        """SuspendedEVSE while the limit is 0, Charging again when it rises (a suspension by
        hand, ``suspend_evse``, stays until ``resume``)."""
        connector = self.sim.connectors[session.connector_id]
        if connector.transaction is None:
            return
        limit = self.limit_w(session.connector_id)
        if limit <= 0 and connector.status is ConnectorStatus.CHARGING:
            session.held_by_limit = True
            self.sim.fire(connector, ConnectorEvent.SUSPEND_EVSE)
        elif limit > 0 and session.held_by_limit:
            session.held_by_limit = False
            if connector.status is ConnectorStatus.SUSPENDED_EVSE:
                self.sim.fire(connector, ConnectorEvent.RESUME)

    def _check_end(self, number: int) -> None:
        """End the session if its time is up or the battery reached its target."""
        self.advance()
        session = self.running.get(number)
        connector = self.sim.connectors[number]
        tx = connector.transaction
        if session is None or session.started_at is None or tx is None:
            return
        meter = self.meters[number]
        elapsed = (self.sim.now() - session.started_at).total_seconds()
        soc = meter.soc
        reached = soc is not None and (
            meter.full or (session.soc_end is not None and soc >= session.soc_end)
        )
        if reached:
            meter.suspend()
            if connector.can(ConnectorEvent.SUSPEND_EV):
                self.sim.fire(connector, ConnectorEvent.SUSPEND_EV)
            self.sim.stop_transaction(tx, "Local")
        elif session.duration_s is not None and elapsed >= session.duration_s:
            self.sim.stop_transaction(tx, "Local")
        else:
            self._reschedule(number)

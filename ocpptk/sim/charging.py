"""Charging profiles and the power limits they set (OCPP 1.6 section 3.13, Smart Charging).

A charge point keeps the ``csChargingProfiles`` it is sent as received: a new profile replaces
one with the same id or the same (connector, purpose, stack level) (section 5.16.2), and
ClearChargingProfile removes those matching its criteria (section 5.5). From them
``ProfileStore.limit_at`` answers "what may this connector draw at that moment?",
``ProfileStore.changes`` "when may that answer change?", and
``ProfileStore.composite_schedule`` gives the limits over a window as GetCompositeSchedule.conf
wants them (sections 5.7 and 7.13): every moment where some profile may change is found, the
limit is evaluated from each, and a period begins wherever it differs. Sans-I/O: the caller
passes every moment in (timezone-aware, as ``ocpptk.sim.clock`` gives them); nothing here reads
a clock.

The rules, at one moment:

- A profile counts only from ``validFrom`` up to, not including, ``validTo`` (section 7.8).
- Its schedule (section 7.13) starts at ``startSchedule`` (Absolute), at the start of the
  transaction (Relative; with no transaction, at the moment asked about, as if charging began
  then), or at ``startSchedule`` and again every day or week after it (Recurring). Before the
  first period's ``startPeriod`` and from ``duration`` on, the schedule sets no limit.
- For a connector the candidates are, in this order: TxProfiles on it (only during a transaction,
  and only for that transaction if the profile names one), TxDefaultProfiles on it,
  TxDefaultProfiles on connector 0; within each, the highest ``stackLevel`` first. The first
  whose schedule sets a limit governs; where one sets none, the next takes over (section 3.13.2).
- The ChargePointMaxProfile (connector 0) caps the charge point: a connector gets the lower of
  the limit above and the ChargePointMaxProfile's (section 3.13.3). Connector 0 itself (a
  GetCompositeSchedule for the whole charge point, section 5.7) gets the lower of the
  ChargePointMaxProfile and the TxDefaultProfile on connector 0: what it draws with one car
  charging, since the store does not know how many connectors there are.
- Limits are compared in watts. ``Electrical`` converts amperes: W = A * V * phases for AC, where
  phases is the period's ``numberPhases`` (3 when absent, section 7.14) capped by the charger's
  own; W = A * V for DC.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ocpptk.sim.clock import format_timestamp, parse_timestamp
from ocpptk.sim.dispatch import Payload

__all__ = ["Electrical", "ProfileStore", "StoredProfile"]

_DEFAULT_PHASES = 3  # numberPhases of a period that leaves it out (section 7.14)
_RECURRENCE: dict[str, timedelta] = {"Daily": timedelta(days=1), "Weekly": timedelta(weeks=1)}

# Which profiles govern a connector, most specific first (section 3.13.2, "Stacking"):
# a TxProfile overrides a TxDefaultProfile; a TxDefaultProfile on connector 0 applies to all.
_PRECEDENCE_CONNECTOR: tuple[tuple[str, bool], ...] = (
    ("TxProfile", False),  # (purpose, on connector 0)
    ("TxDefaultProfile", False),
    ("TxDefaultProfile", True),
)
_CHARGE_POINT_CAP: tuple[tuple[str, bool], ...] = (("ChargePointMaxProfile", True),)
_WHOLE_DEFAULT: tuple[tuple[str, bool], ...] = (("TxDefaultProfile", True),)


@dataclass(frozen=True)
class Electrical:
    """How amperes and watts convert on one connector (a limit is in either, section 7.12).

    AC: W = A * ``voltage_v`` * phases, phases being a period's ``numberPhases`` (3 if absent)
    capped by the charger's ``phases``. DC: W = A * ``voltage_v``. ``rated_current_a`` is what
    the connector draws when no profile limits it; a composite schedule reports it there.
    """

    voltage_v: float = 230.0
    phases: int = 3
    dc: bool = False
    rated_current_a: float = 32.0

    def phases_of(self, period: Payload) -> int | None:
        """The phases a schedule period charges on; None for DC, which has none."""
        if self.dc:
            return None
        return min(int(period.get("numberPhases", _DEFAULT_PHASES)), self.phases)

    def watts(self, amperes: float, phases: int | None) -> float:
        return amperes * self.voltage_v * (phases or 1)  # DC (no phases): W = A * V

    def amperes(self, watts: float, phases: int | None) -> float:
        return watts / (self.voltage_v * (phases or 1))


@dataclass(frozen=True)
class _Limit:
    watts: float
    phases: int | None  # None: DC
    unit: str | None  # the chargingRateUnit it was given in; None: the connector's rating


@dataclass(frozen=True)
class _Situation:
    """What, besides the moment, decides which profiles apply and how."""

    relative_start: datetime  # where Relative schedules begin
    in_transaction: bool
    transaction_id: int | None
    electrical: Electrical

    def admits(self, stored: StoredProfile) -> bool:
        """A TxProfile counts only during a transaction, and only its own if it names one."""
        if stored.purpose != "TxProfile":
            return True
        wanted = stored.profile.get("transactionId")
        return self.in_transaction and (wanted is None or wanted == self.transaction_id)


def _rated(electrical: Electrical) -> _Limit:
    """What the connector draws when no profile limits it."""
    phases = electrical.phases_of({})
    return _Limit(electrical.watts(electrical.rated_current_a, phases), phases, unit=None)


def _situation(
    moment: datetime,
    transaction_start: datetime | None,
    transaction_id: int | None,
    electrical: Electrical,
) -> _Situation:
    if transaction_id is not None and transaction_start is None:
        raise ValueError("transaction_id given without transaction_start")
    return _Situation(
        relative_start=moment if transaction_start is None else transaction_start,
        in_transaction=transaction_start is not None,
        transaction_id=transaction_id,
        electrical=electrical,
    )


@dataclass(eq=False)  # identity: two installs of the same payload are two profiles
class StoredProfile:
    connector_id: int
    profile: Payload  # csChargingProfiles, as received

    @property
    def profile_id(self) -> int:
        return int(self.profile["chargingProfileId"])

    @property
    def purpose(self) -> str:
        return str(self.profile["chargingProfilePurpose"])

    @property
    def stack_level(self) -> int:
        return int(self.profile["stackLevel"])

    def matches(self, criteria: Payload) -> bool:
        """ClearChargingProfile (section 5.5): ``id`` alone, else every criterion given."""
        if criteria.get("id") is not None:
            return bool(self.profile_id == criteria["id"])
        wanted: dict[str, Any] = {
            "connectorId": self.connector_id,
            "chargingProfilePurpose": self.purpose,
            "stackLevel": self.stack_level,
        }
        return all(
            bool(criteria[name] == value) for name, value in wanted.items() if name in criteria
        )


def _is_valid(profile: Payload, moment: datetime) -> bool:
    valid_from, valid_to = profile.get("validFrom"), profile.get("validTo")
    return (valid_from is None or parse_timestamp(valid_from) <= moment) and (
        valid_to is None or moment < parse_timestamp(valid_to)
    )


def _first_start(profile: Payload, relative_start: datetime | None) -> datetime | None:
    """Where the schedule first begins. Without a startSchedule (which only Relative should
    lack, section 7.13) it begins where a Relative one would: at ``relative_start``, None if
    that is not one fixed moment."""
    start = profile["chargingSchedule"].get("startSchedule")
    if profile["chargingProfileKind"] == "Relative" or start is None:
        return relative_start
    return parse_timestamp(start)


def _recurrence(profile: Payload) -> timedelta | None:
    """How often the schedule restarts; None if it runs once (a Recurring profile without a
    known recurrencyKind runs once, like an Absolute one)."""
    if profile["chargingProfileKind"] != "Recurring":
        return None
    return _RECURRENCE.get(profile.get("recurrencyKind", ""))


def _run_containing(first: datetime, every: timedelta | None, moment: datetime) -> datetime:
    """The start of the run of a schedule that ``moment`` (not before ``first``) falls in."""
    return first if every is None else first + every * ((moment - first) // every)


def _period_at(profile: Payload, moment: datetime, relative_start: datetime) -> Payload | None:
    """The schedule period in force at ``moment``; None where the profile sets no limit."""
    first = _first_start(profile, relative_start)
    if first is None or not _is_valid(profile, moment) or moment < first:
        return None
    run = _run_containing(first, _recurrence(profile), moment)
    offset = (moment - run).total_seconds()
    schedule = profile["chargingSchedule"]
    if offset >= schedule.get("duration", math.inf):
        return None
    begun = [p for p in schedule["chargingSchedulePeriod"] if p["startPeriod"] <= offset]
    return max(begun, key=lambda period: period["startPeriod"], default=None)


def _changes(
    profile: Payload, relative_start: datetime | None, since: datetime, until: datetime
) -> Iterator[datetime]:
    """Every moment in or around [since, until) where ``profile`` may start, stop or change
    its limit: validity bounds, and for each run of the schedule its start (which ends the run
    before it), its period starts and its end. A schedule that begins at each moment asked
    about (Relative, ``relative_start`` None) never changes."""
    for bound in ("validFrom", "validTo"):
        if bound in profile:
            yield parse_timestamp(profile[bound])
    schedule = profile["chargingSchedule"]
    offsets = [period["startPeriod"] for period in schedule["chargingSchedulePeriod"]]
    if "duration" in schedule:
        offsets.append(schedule["duration"])
    first, every = _first_start(profile, relative_start), _recurrence(profile)
    if first is None:
        return
    run = _run_containing(first, every, max(since, first))
    while run < until:
        yield run
        yield from (run + timedelta(seconds=offset) for offset in offsets)
        if every is None:
            return
        run += every


def _round_down(value: float) -> float:
    """One decimal, as the schema allows (multipleOf 0.1), never above the real limit. The
    inner round drops float noise of an A -> W -> A round trip (1.7 A at 208 V must stay 1.7)."""
    return math.floor(round(value * 10, 6)) / 10


class ProfileStore:
    """The charging profiles installed on a charge point."""

    def __init__(self) -> None:
        self._profiles: list[StoredProfile] = []

    def __iter__(self) -> Iterator[StoredProfile]:
        return iter(self._profiles)

    def __len__(self) -> int:
        return len(self._profiles)

    def replaced_by(self, connector_id: int, profile: Payload) -> list[StoredProfile]:
        """The profiles that installing ``profile`` replaces: same id, or same connector,
        purpose and stack level (section 5.16.2)."""
        new = StoredProfile(connector_id, profile)
        return [
            old
            for old in self._profiles
            if old.profile_id == new.profile_id
            or (old.connector_id, old.purpose, old.stack_level)
            == (new.connector_id, new.purpose, new.stack_level)
        ]

    def install(self, connector_id: int, profile: Payload) -> None:
        for old in self.replaced_by(connector_id, profile):
            self._profiles.remove(old)
        self._profiles.append(StoredProfile(connector_id, profile))

    def clear(self, criteria: Payload) -> list[StoredProfile]:
        """Remove the profiles matching ClearChargingProfile ``criteria``; the removed ones."""
        kept: list[StoredProfile] = []
        removed: list[StoredProfile] = []
        for stored in self._profiles:
            (removed if stored.matches(criteria) else kept).append(stored)
        self._profiles = kept
        return removed

    def limit_at(
        self,
        connector_id: int,
        moment: datetime,
        *,
        transaction_start: datetime | None = None,
        transaction_id: int | None = None,
        electrical: Electrical = Electrical(),
    ) -> float | None:
        """The limit in W on ``connector_id`` (0: the whole charge point) at ``moment``; None
        if no profile sets one. A transaction runs on the connector if ``transaction_start``
        is given; ``transaction_id`` is its id, matched against TxProfiles that name one."""
        situation = _situation(moment, transaction_start, transaction_id, electrical)
        limit = self._limit(connector_id, moment, situation)
        return None if limit is None else limit.watts

    def composite_schedule(
        self,
        connector_id: int,
        start: datetime,
        duration: int,
        unit: str | None = None,
        *,
        transaction_start: datetime | None = None,
        transaction_id: int | None = None,
        electrical: Electrical = Electrical(),
    ) -> Payload | None:
        """The ``chargingSchedule`` of GetCompositeSchedule.conf for [start, start+duration)
        (sections 5.7, 7.13); None if no profile sets a limit anywhere in it.

        In ``unit`` if given, else in the unit of the profiles that govern, W if they differ.
        A new period begins wherever the limit changes; where no profile sets one, the
        connector's rating (``Electrical.rated_current_a``) is reported. Relative schedules
        begin at ``transaction_start``, or without a transaction at ``start``.
        """
        situation = _situation(start, transaction_start, transaction_id, electrical)
        end = start + timedelta(seconds=duration)
        moments = [start, *self._changes(connector_id, situation.relative_start, start, end)]
        limits = [(moment, self._limit(connector_id, moment, situation)) for moment in moments]
        units = {limit.unit for _, limit in limits if limit is not None and limit.unit is not None}
        if not units:
            return None
        chosen = unit or (units.pop() if len(units) == 1 else "W")
        periods: list[Payload] = []
        for moment, limit in limits:
            period = _composite_period(
                int((moment - start).total_seconds()),
                limit or _rated(electrical),
                chosen,
                electrical,
            )
            if periods and periods[-1]["startPeriod"] == period["startPeriod"]:
                periods.pop()  # two changes within one second: the later one stands
            if not periods or _without_start(periods[-1]) != _without_start(period):
                periods.append(period)
        return {
            "duration": duration,
            "startSchedule": format_timestamp(start),
            "chargingRateUnit": chosen,
            "chargingSchedulePeriod": periods,
        }

    def charge_point_cap(
        self, moment: datetime, *, electrical: Electrical = Electrical()
    ) -> float | None:
        """The ChargePointMaxProfile's limit in W at ``moment`` (None: none sets one): what
        all connectors together may draw (section 3.13.1)."""
        situation = _situation(moment, None, None, electrical)
        limit = self._first_limit(0, _CHARGE_POINT_CAP, moment, situation)
        return None if limit is None else limit.watts

    def changes(
        self,
        connector_id: int,
        since: datetime,
        until: datetime,
        *,
        transaction_start: datetime | None = None,
    ) -> list[datetime]:
        """The moments in (since, until), in order, where ``limit_at(connector_id, ...)`` may
        change: where a simulated meter must split its integral, and when a connector's status
        may change (a limit of 0). Without a transaction, Relative schedules add none, since
        ``limit_at`` then starts them at every moment it is asked about."""
        return self._changes(connector_id, transaction_start, since, until)

    def _changes(
        self, connector_id: int, relative_start: datetime | None, since: datetime, until: datetime
    ) -> list[datetime]:
        """The moments in (since, until) where a profile that may govern ``connector_id``
        (one on it or on connector 0) starts, stops or changes its limit, in order."""
        return sorted(
            {
                moment
                for stored in self._profiles
                if stored.connector_id in (0, connector_id)
                for moment in _changes(stored.profile, relative_start, since, until)
                if since < moment < until
            }
        )

    def _limit(self, connector_id: int, moment: datetime, situation: _Situation) -> _Limit | None:
        """The lower of the transaction-level limit and the charge point cap (section 3.13.3)."""
        # Connector 0 is the whole charge point: its cap, and the default every transaction
        # would get there (what it draws with one car; the store does not know the others).
        orders = (
            (_CHARGE_POINT_CAP, _WHOLE_DEFAULT)
            if connector_id == 0
            else (_PRECEDENCE_CONNECTOR, _CHARGE_POINT_CAP)
        )
        found = [
            limit
            for order in orders
            if (limit := self._first_limit(connector_id, order, moment, situation)) is not None
        ]
        return min(found, key=lambda limit: limit.watts, default=None)

    def _first_limit(
        self,
        connector_id: int,
        order: tuple[tuple[str, bool], ...],
        moment: datetime,
        situation: _Situation,
    ) -> _Limit | None:
        """The limit of the first candidate in ``order`` whose schedule sets one at ``moment``."""
        for stored in self._candidates(connector_id, order, situation):
            period = _period_at(stored.profile, moment, situation.relative_start)
            if period is not None:
                unit = str(stored.profile["chargingSchedule"]["chargingRateUnit"])
                phases = situation.electrical.phases_of(period)
                value = float(period["limit"])
                watts = value if unit == "W" else situation.electrical.watts(value, phases)
                return _Limit(watts, phases, unit)
        return None

    def _candidates(
        self, connector_id: int, order: tuple[tuple[str, bool], ...], situation: _Situation
    ) -> list[StoredProfile]:
        """The profiles ``order`` names for ``connector_id``: by purpose and connector as
        listed, then highest stack level first (section 3.13.2)."""
        found: list[StoredProfile] = []
        for purpose, whole in order:
            where = 0 if whole else connector_id
            tier = [
                stored
                for stored in self._profiles
                if stored.purpose == purpose
                and stored.connector_id == where
                and situation.admits(stored)
            ]
            found += sorted(tier, key=lambda stored: stored.stack_level, reverse=True)
        return found


def _composite_period(
    start_period: int, limit: _Limit, unit: str, electrical: Electrical
) -> Payload:
    value = limit.watts if unit == "W" else electrical.amperes(limit.watts, limit.phases)
    period: Payload = {"startPeriod": start_period, "limit": _round_down(value)}
    if limit.phases is not None:
        period["numberPhases"] = limit.phases
    return period


def _without_start(period: Payload) -> Payload:
    return {name: value for name, value in period.items() if name != "startPeriod"}

"""What a simulated charge point's meter measures while a car charges, for OCPP 1.6 MeterValues
(section 7.31 Measurand), sans I/O: it never reads the clock, the caller advances it.

The physics, in short:

- Power is what both sides allow: ``min(offered, car acceptance)``. ``offered`` is the least of
  the connector's rating and the limit the caller passes (charger, charging profile); the car's
  acceptance is its maximum power times its charging curve at the present SoC (``CURVES``),
  times a short ramp at the start of charging (the car asks for more as it ramps up; the
  offer caps what it asks).
- Energy is the integral of that power, in sub-steps of at most ``MAX_STEP_S`` with the midpoint
  rule, so a SoC crossing a bend of the curve within one ``advance`` stays right. SoC is the
  starting SoC plus the energy delivered over the capacity (no losses); at 100 % the car takes
  nothing more. The register only ever grows.
- AC: P = V * I summed over the phases, unity power factor, 230 V and 50 Hz nominal. DC: P = V * I,
  the pack voltage rising with SoC (``PACK_VOLTAGE``).
- The body temperature relaxes exponentially towards ambient plus a rise growing with the square
  of the load (resistive heating).
- Noise, if any, is a bounded relative error on each measured voltage, current and temperature;
  power is the product of the noisy voltages and currents, as a meter computes it. The register,
  SoC and offered values are never noisy.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from ocpptk.spec import v16

__all__ = [
    "CURVES",
    "MAX_STEP_S",
    "MEASURANDS",
    "MODELLED_MEASURANDS",
    "PACK_VOLTAGE",
    "ChargingCurve",
    "CurrentType",
    "EvBattery",
    "MeterModel",
]

MAX_STEP_S = 1.0  # longest integration sub-step: the curve barely moves in a second

# OCPP 1.6 section 7.31 (Measurand), 7.30 (ReadingContext), 7.29 (Location), from the model.
MEASURANDS: tuple[str, ...] = v16.Measurand.values
READING_CONTEXTS = frozenset(v16.ReadingContext.values)
LOCATIONS = frozenset(v16.Location.values)


class CurrentType(StrEnum):
    AC = "AC"
    DC = "DC"


@dataclass(frozen=True)
class ChargingCurve:
    """How much of its maximum power a car accepts: ``points`` (SoC %, share of the maximum)
    interpolated linearly, times a ramp from ``ramp_from`` to 1 over the first ``ramp_s``
    seconds of charging."""

    points: tuple[tuple[float, float], ...]
    ramp_s: float = 0.0
    ramp_from: float = 1.0

    def share(self, soc: float) -> float:
        return _interpolate(self.points, soc)

    def ramp(self, elapsed_s: float) -> float:
        if elapsed_s >= self.ramp_s:
            return 1.0
        return self.ramp_from + (1.0 - self.ramp_from) * elapsed_s / self.ramp_s


# DC: constant current to 80 %, then the constant-voltage taper, roughly exponential, to 7 % of
# the maximum at 100 %; the car takes 30 s to ramp up from 10 %. AC: the onboard charger holds
# its power to 95 %, then tapers briefly.
CURVES: Mapping[CurrentType, ChargingCurve] = {
    CurrentType.DC: ChargingCurve(
        points=((0.0, 1.0), (80.0, 1.0), (85.0, 0.70), (90.0, 0.45), (95.0, 0.25), (100.0, 0.07)),
        ramp_s=30.0,
        ramp_from=0.10,
    ),
    CurrentType.AC: ChargingCurve(points=((0.0, 1.0), (95.0, 1.0), (100.0, 0.30))),
}

# A DC pack's voltage as a share of its nominal voltage, by SoC (%).
PACK_VOLTAGE: tuple[tuple[float, float], ...] = ((0.0, 0.90), (100.0, 1.05))

NOMINAL_VOLTAGE: Mapping[CurrentType, float] = {CurrentType.AC: 230.0, CurrentType.DC: 400.0}
FREQUENCY_HZ: Mapping[CurrentType, float | None] = {CurrentType.AC: 50.0, CurrentType.DC: None}
DEFAULT_PHASES: Mapping[CurrentType, int] = {CurrentType.AC: 3, CurrentType.DC: 1}

# Phase labels of (Current.Import, Voltage) per supply; a DC reading has none. A supply
# missing here (DC with 3 phases, AC with 2) is refused.
_PHASE_LABELS: Mapping[
    tuple[CurrentType, int], tuple[tuple[str | None, ...], tuple[str | None, ...]]
] = {
    (CurrentType.AC, 1): (("L1",), ("L1-N",)),
    (CurrentType.AC, 3): (("L1", "L2", "L3"), ("L1-N", "L2-N", "L3-N")),
    (CurrentType.DC, 1): ((None,), (None,)),
}

TEMPERATURE_RISE_C = 30.0  # above ambient, at the connector's full power, once settled
TEMPERATURE_TAU_S = 900.0  # time constant of heating and cooling
_SOC_STEP = 0.1  # % per step of time_to_soc's estimate


def _interpolate(points: tuple[tuple[float, float], ...], x: float) -> float:
    """``points`` (x ascending) joined by straight lines, flat beyond both ends."""
    i = bisect_right([px for px, _ in points], x)
    if i == 0:
        return points[0][1]
    if i == len(points):
        return points[-1][1]
    (x0, y0), (x1, y1) = points[i - 1], points[i]
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


@dataclass
class EvBattery:
    """The car's battery as the charger sees it. The meter charges it: ``soc`` rises."""

    capacity_wh: float
    soc: float  # percent
    max_power_w: float  # the most the car accepts
    curve: ChargingCurve | None = None  # None: the usual curve for the supply (CURVES)

    def __post_init__(self) -> None:
        if self.capacity_wh <= 0 or self.max_power_w <= 0:
            raise ValueError("a battery needs a positive capacity and maximum power")
        if not 0.0 <= self.soc <= 100.0:
            raise ValueError(f"SoC {self.soc} is not a percentage")

    @property
    def full(self) -> bool:
        return self.soc >= 100.0


@dataclass(frozen=True)
class _Reading:
    """One instant's values, noise drawn once, so every measurand of a sample agrees."""

    register_wh: float
    volts: tuple[float, ...]  # per phase
    amps: tuple[float, ...]  # per phase
    offered_w: float
    offered_a: float  # per phase
    soc: float | None
    temperature_c: float
    frequency_hz: float | None
    amp_phases: tuple[str | None, ...]
    volt_phases: tuple[str | None, ...]

    @property
    def power_w(self) -> float:
        return sum(v * a for v, a in zip(self.volts, self.amps, strict=True))


_Values = list[tuple[str | None, str]]  # (phase, value) pairs


@dataclass(frozen=True)
class _Measurand:
    unit: str | None  # 1.6's UnitOfMeasure has no Hz: Frequency goes without
    location: str  # the default; ``sample(location=...)`` overrides an Outlet
    read: Callable[[_Reading], _Values]


def _one(value: str) -> _Values:
    return [(None, value)]


def _each(phases: tuple[str | None, ...], values: tuple[float, ...], digits: int) -> _Values:
    return [(phase, f"{value:.{digits}f}") for phase, value in zip(phases, values, strict=True)]


# What the meter reports, in what unit and where. Every other 1.6 measurand (exports, reactive
# energy and power, intervals, Power.Factor, RPM) is skipped: nothing here models them.
_MODELLED: Mapping[str, _Measurand] = {
    "Energy.Active.Import.Register": _Measurand(
        "Wh", "Outlet", lambda r: _one(str(math.floor(r.register_wh)))
    ),
    "Power.Active.Import": _Measurand("W", "Outlet", lambda r: _one(f"{r.power_w:.1f}")),
    "Power.Offered": _Measurand("W", "Outlet", lambda r: _one(f"{r.offered_w:.1f}")),
    "Current.Import": _Measurand("A", "Outlet", lambda r: _each(r.amp_phases, r.amps, 2)),
    "Current.Offered": _Measurand("A", "Outlet", lambda r: _one(f"{r.offered_a:.2f}")),
    "Voltage": _Measurand("V", "Outlet", lambda r: _each(r.volt_phases, r.volts, 1)),
    "SoC": _Measurand(
        "Percent", "EV", lambda r: [] if r.soc is None else _one(str(math.floor(r.soc)))
    ),
    "Temperature": _Measurand("Celsius", "Body", lambda r: _one(f"{r.temperature_c:.1f}")),
    "Frequency": _Measurand(
        None, "Outlet", lambda r: [] if r.frequency_hz is None else _one(f"{r.frequency_hz:.1f}")
    ),
}
MODELLED_MEASURANDS = tuple(_MODELLED)


class MeterModel:
    """One connector's meter. Idle until ``start_session``; ``advance`` moves time on."""

    def __init__(
        self,
        current: CurrentType | str,
        *,
        max_power_w: float,
        phases: int | None = None,
        voltage_v: float | None = None,
        register_wh: float = 0.0,
        ambient_c: float = 25.0,
        noise: float = 0.0,
        rng: random.Random | None = None,
    ) -> None:
        self.current = CurrentType(current)
        self.phases = DEFAULT_PHASES[self.current] if phases is None else phases
        if (self.current, self.phases) not in _PHASE_LABELS:
            raise ValueError(f"{self.current} with {self.phases} phases is not a supply")
        if max_power_w <= 0 or register_wh < 0:
            raise ValueError("a meter needs a positive maximum power and a register >= 0")
        if not 0.0 <= noise < 0.5:
            raise ValueError(f"noise {noise} is not a fraction below 0.5")
        if noise and rng is None:
            raise ValueError("noise needs an rng")
        self.max_power_w = float(max_power_w)
        self.voltage_v = NOMINAL_VOLTAGE[self.current] if voltage_v is None else voltage_v
        self.noise = noise
        self.register_wh = float(register_wh)  # Energy.Active.Import.Register
        self.ambient_c = ambient_c
        self.temperature_c = ambient_c
        self.power_w = 0.0  # right now
        self.battery: EvBattery | None = None
        self.in_session = False
        self.suspended = False  # by the EVSE
        self.session_wh = 0.0  # delivered since start_session
        self._rng = rng
        self._limit_w = self.max_power_w
        self._soc0 = 0.0
        self._charging_s = 0.0  # since the session started or resumed: drives the ramp

    # -- state the caller reports --------------------------------------------------------------

    @property
    def soc(self) -> float | None:
        """The battery's SoC (%); None without a battery that reports it."""
        return None if self.battery is None else self.battery.soc

    @property
    def full(self) -> bool:
        return self.battery is not None and self.battery.full

    @property
    def offered_w(self) -> float:
        """Power.Offered: what the EV may draw; 0 outside a session or while suspended."""
        return self._limit_w if self.in_session and not self.suspended else 0.0

    @property
    def ev_suspended(self) -> bool:
        """Power is offered but the car takes none (it is full): report SuspendedEV."""
        return self.full and self.offered_w > 0

    @property
    def evse_suspended(self) -> bool:
        """In a session with no power offered (a pause, a limit of 0): report SuspendedEVSE."""
        return self.in_session and self.offered_w == 0

    @property
    def line_voltage_v(self) -> float:
        """Per phase for AC (the supply); the pack's voltage for DC, 0 with no car on the cable."""
        if self.current is CurrentType.AC:
            return self.voltage_v
        if not self.in_session:
            return 0.0
        if self.battery is None:
            return self.voltage_v
        return self.voltage_v * _interpolate(PACK_VOLTAGE, self.battery.soc)

    # -- what happens to the connector ---------------------------------------------------------

    def start_session(self, battery: EvBattery | None = None) -> None:
        """A car starts charging. Without ``battery`` (an AC wallbox that does not know the
        car) no SoC is reported and power is simply the offered limit until the caller stops."""
        if self.in_session:
            raise RuntimeError("a session is already running on this meter")
        self.in_session, self.suspended, self.battery = True, False, battery
        self.session_wh, self._charging_s = 0.0, 0.0
        self._soc0 = 0.0 if battery is None else battery.soc
        self._refresh()

    def end_session(self) -> None:
        self.in_session, self.suspended, self.battery = False, False, None
        self._refresh()

    def suspend(self) -> None:
        """The EVSE pauses: no power until ``resume``."""
        self.suspended = True
        self._refresh()

    def resume(self) -> None:
        """The EVSE offers power again; the car ramps up anew."""
        if self.suspended:
            self.suspended, self._charging_s = False, 0.0
        self._refresh()

    def advance(self, seconds: float, limit_w: float | None = None) -> None:
        """Let ``seconds`` pass with the EV allowed ``limit_w`` (the least of the charger's and
        the charging profile's limits; None: the connector's maximum), kept until the next call."""
        if seconds < 0:
            raise ValueError(f"time does not run backwards ({seconds} s)")
        if limit_w is not None and limit_w < 0:
            raise ValueError(f"limit {limit_w} W is negative")
        self._limit_w = self.max_power_w if limit_w is None else min(limit_w, self.max_power_w)
        steps = math.ceil(seconds / MAX_STEP_S)
        for _ in range(steps):
            self._step(seconds / steps)
        self._refresh()

    def time_to_soc(self, target: float, limit_w: float | None = None) -> float | None:
        """An estimate of the seconds until the battery reaches ``target`` % at ``limit_w``
        (None: the connector's maximum), if charging goes on without a pause. None: no battery,
        or no power to get there."""
        if not 0.0 <= target <= 100.0:
            raise ValueError(f"SoC {target} is not a percentage")
        battery = self.battery
        if battery is None:
            return None
        offered = self.max_power_w if limit_w is None else min(limit_w, self.max_power_w)
        curve = self._curve(battery)
        seconds, soc = 0.0, battery.soc
        while soc < target:
            step = min(_SOC_STEP, target - soc)
            power = min(offered, battery.max_power_w * curve.share(soc + step / 2))
            if power <= 0:
                return None
            seconds += step / 100 * battery.capacity_wh / power * 3600
            soc += step
        if seconds == 0:
            return 0.0
        # What the rest of the ramp costs, taking the power as steady meanwhile.
        left = max(0.0, curve.ramp_s - self._charging_s)
        return seconds + left * (1.0 - curve.ramp(self._charging_s)) / 2

    # -- readings ------------------------------------------------------------------------------

    def sample(
        self,
        measurands: Iterable[str],
        context: str = "Sample.Periodic",
        *,
        location: str | None = None,
    ) -> list[dict[str, str]]:
        """OCPP 1.6 SampledValues for ``measurands`` (1.6 names; repeats once), in that order,
        all from one instant. ``location`` replaces Outlet for the electrical ones.

        ================================ ======= ======== =========================================
        measurand                        unit    location value
        ================================ ======= ======== =========================================
        Energy.Active.Import.Register    Wh      Outlet   the register, whole Wh
        Power.Active.Import              W       Outlet   sum of V * I over the phases
        Power.Offered                    W       Outlet   the limit; 0 when suspended or idle
        Current.Import                   A       Outlet   per phase (L1, L2, L3) for AC
        Current.Offered                  A       Outlet   the limit per phase
        Voltage                          V       Outlet   per phase (L1-N...) for AC
        SoC                              Percent EV       whole %; none without a battery
        Temperature                      Celsius Body
        Frequency                        (none)  Outlet   50 Hz, AC only; 1.6 has no Hz unit
        ================================ ======= ======== =========================================

        The other 1.6 measurands (exports, reactive, intervals, Power.Factor, RPM) give nothing;
        a name 1.6 does not have raises ValueError.
        """
        wanted = list(dict.fromkeys(measurands))
        unknown = [name for name in wanted if name not in MEASURANDS]
        if unknown:
            raise ValueError(f"not OCPP 1.6 measurands: {', '.join(unknown)}")
        if context not in READING_CONTEXTS:
            raise ValueError(f"{context!r} is not a ReadingContext")
        if location is not None and location not in LOCATIONS:
            raise ValueError(f"{location!r} is not a Location")
        outlet = location or "Outlet"
        reading = self._read()
        samples = []
        for name in wanted:
            measurand = _MODELLED.get(name)
            if measurand is None:
                continue
            where = outlet if measurand.location == "Outlet" else measurand.location
            for phase, value in measurand.read(reading):
                sample = {"value": value, "context": context, "format": "Raw", "measurand": name}
                if phase is not None:
                    sample["phase"] = phase
                sample["location"] = where
                if measurand.unit is not None:
                    sample["unit"] = measurand.unit
                samples.append(sample)
        return samples

    # -- the model -----------------------------------------------------------------------------

    def _curve(self, battery: EvBattery) -> ChargingCurve:
        return battery.curve or CURVES[self.current]

    def _power(self, charging_s: float, soc: float) -> float:
        """What flows after ``charging_s`` of charging at ``soc``. Only a battery already full
        takes nothing: a midpoint estimate past 100 % still gets the curve's last share, and
        ``_step`` stops the energy at 100 % (or a step near the end would deliver nothing)."""
        battery = self.battery
        if battery is None:
            return self.offered_w
        if battery.full:
            return 0.0
        curve = self._curve(battery)
        # The car ramps up what it asks for; the charger's offer caps it at every moment.
        asked = curve.ramp(charging_s) * battery.max_power_w * curve.share(soc)
        return min(self.offered_w, asked)

    def _soc_with(self, extra_wh: float) -> float:
        """The SoC once ``extra_wh`` more has gone in (0 without a battery: unused then)."""
        if self.battery is None:
            return 0.0
        return self._soc0 + (self.session_wh + extra_wh) * 100.0 / self.battery.capacity_wh

    def _step(self, dt: float) -> None:
        """One midpoint-rule sub-step of ``dt`` seconds."""
        start_w = self._power(self._charging_s, self._soc_with(0.0))
        mid_w = self._power(self._charging_s + dt / 2, self._soc_with(start_w * dt / 2 / 3600))
        battery = self.battery
        room_wh = math.inf if battery is None else (100.0 - battery.soc) * battery.capacity_wh / 100
        wh = min(mid_w * dt / 3600, room_wh)
        self.register_wh += wh
        self.session_wh += wh
        if battery is not None:  # exactly 100 once full, whatever the rounding
            battery.soc = 100.0 if wh >= room_wh else min(self._soc_with(0.0), 100.0)
        self._charging_s += dt
        settled = self.ambient_c + TEMPERATURE_RISE_C * (wh * 3600 / dt / self.max_power_w) ** 2
        self.temperature_c += (settled - self.temperature_c) * -math.expm1(-dt / TEMPERATURE_TAU_S)

    def _refresh(self) -> None:
        self.power_w = self._power(self._charging_s, self._soc_with(0.0))

    def _jitter(self) -> float:
        if not self.noise or self._rng is None:
            return 1.0
        return 1.0 + self._rng.uniform(-self.noise, self.noise)

    def _read(self) -> _Reading:
        """This instant as a meter sees it; draws the same count of random numbers each time,
        so a seeded run repeats whatever is asked."""
        volts = self.line_voltage_v
        watts_per_amp = volts * self.phases  # each phase carries the same current
        amps = self.power_w / watts_per_amp if watts_per_amp else 0.0
        amp_phases, volt_phases = _PHASE_LABELS[self.current, self.phases]
        return _Reading(
            register_wh=self.register_wh,
            volts=tuple(volts * self._jitter() for _ in range(self.phases)),
            amps=tuple(amps * self._jitter() for _ in range(self.phases)),
            offered_w=self.offered_w,
            offered_a=self.offered_w / watts_per_amp if watts_per_amp else 0.0,
            soc=self.soc,
            temperature_c=self.temperature_c * self._jitter(),
            frequency_hz=FREQUENCY_HZ[self.current],
            amp_phases=amp_phases,
            volt_phases=volt_phases,
        )

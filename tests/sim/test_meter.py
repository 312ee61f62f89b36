"""The meter model: energy is the integral of power, readings agree with each other and with
the OCPP 1.6 schema, and nothing depends on a clock or an unseeded random source."""

from __future__ import annotations

import itertools
import json
import math
import random

import pytest

from ocpptk.sim.meter import (
    CURVES,
    MEASURANDS,
    MODELLED_MEASURANDS,
    ChargingCurve,
    CurrentType,
    EvBattery,
    MeterModel,
)
from tests.sim.helpers import SCHEMA_DIR, START, needs_schemas, schema_errors, stamp

KW = 1000.0
ELECTRICAL = ("Power.Active.Import", "Current.Import", "Voltage")

# The supplies the consistency tests run on: (current, phases, voltage, connector maximum W).
SUPPLIES = [
    pytest.param(CurrentType.AC, 3, 230.0, 11 * KW, id="AC-3"),
    pytest.param(CurrentType.AC, 1, 230.0, 7.4 * KW, id="AC-1"),
    pytest.param(CurrentType.DC, 1, 450.0, 150 * KW, id="DC"),
]


def dc_meter(
    soc: float = 20.0, *, noise: float = 0.0, rng: random.Random | None = None
) -> MeterModel:
    """A 150 kW DC charger charging a 50 kWh car that takes 50 kW at most."""
    meter = MeterModel("DC", max_power_w=150 * KW, voltage_v=400.0, noise=noise, rng=rng)
    meter.start_session(EvBattery(capacity_wh=50 * KW, soc=soc, max_power_w=50 * KW))
    return meter


def values(samples: list[dict[str, str]], measurand: str) -> list[float]:
    return [float(s["value"]) for s in samples if s["measurand"] == measurand]


def interpolate(points: tuple[tuple[float, float], ...], x: float) -> float:
    """Linear interpolation written again here, so the reference below shares no code with
    the model."""
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x0 <= x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1]


# -- energy is the integral of power --------------------------------------------------------


def test_energy_at_constant_power_is_power_times_time() -> None:
    meter = MeterModel("AC", max_power_w=11 * KW, register_wh=1234.0)
    meter.start_session()  # no battery: power is the offered limit
    meter.advance(3600)
    assert meter.register_wh == pytest.approx(1234.0 + 11 * KW, abs=1e-6)
    meter.advance(1234.5, limit_w=4 * KW)
    assert meter.session_wh == pytest.approx(11 * KW + 4 * KW * 1234.5 / 3600, abs=1e-6)
    assert meter.power_w == 4 * KW


def test_taper_energy_matches_the_analytic_solution() -> None:
    # Share 1 - b * (soc - 80) above 80 %: d(soc)/dt = k * (1 - b * x), an exponential approach.
    curve = ChargingCurve(points=((0.0, 1.0), (80.0, 1.0), (100.0, 0.1)))
    meter = MeterModel("DC", max_power_w=150 * KW)
    meter.start_session(EvBattery(capacity_wh=50 * KW, soc=80.0, max_power_w=50 * KW, curve=curve))
    meter.advance(600)
    b = 0.9 / 20  # share lost per % above 80
    k = 50 * KW * 100 / (50 * KW * 3600)  # % per second at full power
    x = (1 / b) * (1 - math.exp(-b * k * 600))
    assert meter.soc == pytest.approx(80.0 + x, abs=1e-4)
    assert meter.register_wh == pytest.approx(x * 50 * KW / 100, abs=0.05)
    assert meter.power_w == pytest.approx(50 * KW * (1 - b * x), rel=1e-6)


def test_one_long_advance_equals_many_short_ones_across_the_bends() -> None:
    one, many = dc_meter(78.0), dc_meter(78.0)
    one.advance(30)  # past the ramp, which the reference below leaves out
    many.advance(30)
    start_soc, start_wh = one.soc, one.register_wh
    one.advance(600)
    for _ in range(600):
        many.advance(1)
    assert one.soc is not None and one.soc > 85.0  # crossed the 80 % and 85 % bends
    assert one.register_wh == pytest.approx(many.register_wh, abs=1e-6)
    assert one.soc == pytest.approx(many.soc, abs=1e-9)
    # A fine explicit Euler integral of the curve table, computed independently.
    assert start_soc is not None
    soc, wh, dt = start_soc, start_wh, 0.01
    for _ in range(60_000):
        power = min(150 * KW, 50 * KW * interpolate(CURVES[CurrentType.DC].points, soc))
        wh += power * dt / 3600
        soc += power * dt / 3600 * 100 / (50 * KW)
    assert one.register_wh == pytest.approx(wh, abs=0.5)
    assert one.soc == pytest.approx(soc, abs=1e-3)


def test_20_to_80_percent_at_50_kw_takes_about_36_minutes() -> None:
    meter = dc_meter(20.0)
    estimate = meter.time_to_soc(80.0)
    seconds = 0
    while meter.soc is not None and meter.soc < 80.0:
        meter.advance(1)
        seconds += 1
    # 30 kWh at 50 kW is 2160 s; the 30 s ramp from 10 % costs 13.5 s more.
    assert 2160 <= seconds <= 2180
    assert estimate == pytest.approx(2173.5, abs=2)
    assert meter.session_wh == pytest.approx(30 * KW, abs=20)


def test_dc_power_ramps_up_over_the_first_30_seconds() -> None:
    meter = dc_meter(30.0)
    assert meter.power_w == pytest.approx(0.10 * 50 * KW)
    meter.advance(15, limit_w=40 * KW)  # the car ramps what it asks; the limit caps that
    assert meter.power_w == pytest.approx(0.55 * 50 * KW)
    meter.advance(15, limit_w=40 * KW)
    assert meter.power_w == pytest.approx(40 * KW)
    # Energy is the integral: the ask rises from 5 to 27.5 kW in 15 s, reaches the 40 kW cap
    # at 23 1/3 s, then stays there.
    kws = 16.25 * 15 + 33.75 * (70 / 3 - 15) + 40 * (30 - 70 / 3)
    assert meter.session_wh == pytest.approx(kws * KW / 3600, rel=1e-3)


def test_dc_voltage_follows_the_pack() -> None:
    meter = dc_meter(0.0)
    low = meter.line_voltage_v
    meter.advance(3600)
    samples = meter.sample(ELECTRICAL)
    (voltage,) = values(samples, "Voltage")
    (current,) = values(samples, "Current.Import")
    assert low == pytest.approx(0.90 * 400.0)
    assert low < voltage < 1.05 * 400.0
    assert current == pytest.approx(meter.power_w / voltage, rel=1e-3)


def test_taper_reduces_power_above_80_percent() -> None:
    meter = dc_meter(75.0)
    powers: dict[int, float] = {}
    while not meter.full:
        meter.advance(10)
        assert meter.soc is not None
        powers.setdefault(math.floor(meter.soc), meter.power_w)
    assert powers[79] == pytest.approx(50 * KW)
    above = [powers[soc] for soc in range(80, 100)]
    assert all(a > b for a, b in itertools.pairwise(above))
    assert powers[90] == pytest.approx(0.45 * 50 * KW, rel=0.03)
    assert powers[99] < 0.15 * 50 * KW


def test_charging_stops_at_100_percent_and_reports_full() -> None:
    meter = dc_meter(98.0)
    meter.advance(3600)
    assert meter.full and meter.soc == 100.0
    assert meter.ev_suspended and not meter.evse_suspended
    assert meter.power_w == 0.0
    assert meter.register_wh == pytest.approx(2 / 100 * 50 * KW, abs=1e-6)
    before = meter.register_wh
    meter.advance(600)
    assert meter.register_wh == before
    samples = meter.sample(["SoC", "Power.Active.Import"])
    assert values(samples, "SoC") == [100.0]
    assert values(samples, "Power.Active.Import") == [0.0]


@pytest.mark.parametrize("step_s", [1.0, 7.0, 10.0, 60.0])
@pytest.mark.parametrize("current", [CurrentType.AC, CurrentType.DC])
def test_the_last_percent_fills_whatever_the_step(current: CurrentType, step_s: float) -> None:
    meter = MeterModel(current, max_power_w=11 * KW)
    meter.start_session(EvBattery(capacity_wh=50 * KW, soc=95.0, max_power_w=11 * KW))
    elapsed = 0.0
    while not meter.full and elapsed < 4 * 3600:  # 2.5 kWh at no less than 0.77 kW: < 4 h
        meter.advance(step_s)
        elapsed += step_s
    assert meter.full
    assert meter.session_wh == pytest.approx(5 / 100 * 50 * KW, abs=1e-6)


def test_halving_the_limit_halves_the_energy_rate() -> None:
    full, half = dc_meter(50.0), dc_meter(50.0)
    full.advance(60)  # past the ramp
    half.advance(60)
    before_full, before_half = full.register_wh, half.register_wh
    full.advance(600, limit_w=40 * KW)
    half.advance(600, limit_w=20 * KW)
    assert half.register_wh - before_half == pytest.approx((full.register_wh - before_full) / 2)
    assert half.power_w == pytest.approx(20 * KW)


# -- readings agree with each other --------------------------------------------------------


@pytest.mark.parametrize("noise", [0.0, 0.01])
@pytest.mark.parametrize(("current", "phases", "volts", "max_w"), SUPPLIES)
def test_power_is_voltage_times_current(
    current: CurrentType, phases: int, volts: float, max_w: float, noise: float
) -> None:
    meter = MeterModel(
        current,
        max_power_w=max_w,
        phases=phases,
        voltage_v=volts,
        noise=noise,
        rng=random.Random(3),
    )
    meter.start_session(EvBattery(capacity_wh=60 * KW, soc=40.0, max_power_w=max_w * 0.8))
    meter.advance(120)
    samples = meter.sample(ELECTRICAL)
    voltages, currents = values(samples, "Voltage"), values(samples, "Current.Import")
    (power,) = values(samples, "Power.Active.Import")
    assert len(voltages) == len(currents) == phases
    product = sum(v * i for v, i in zip(voltages, currents, strict=True))
    assert product == pytest.approx(power, rel=1e-3)
    assert power == pytest.approx(max_w * 0.8, rel=2.5 * noise + 1e-6)
    if current is CurrentType.AC:
        assert voltages == pytest.approx([230.0] * phases, rel=noise + 1e-6)
        lines = [f"L{k}" for k in range(1, phases + 1)]
        labels = [s.get("phase") for s in samples if s["measurand"] != "Power.Active.Import"]
        assert labels == lines + [f"{line}-N" for line in lines]  # currents, then voltages
    else:
        assert all("phase" not in s for s in samples)


@pytest.mark.parametrize(("current", "phases", "volts", "max_w"), SUPPLIES)
def test_offered_current_matches_offered_power(
    current: CurrentType, phases: int, volts: float, max_w: float
) -> None:
    meter = MeterModel(current, max_power_w=max_w, phases=phases, voltage_v=volts)
    meter.start_session(EvBattery(capacity_wh=60 * KW, soc=50.0, max_power_w=max_w))
    meter.advance(60, limit_w=max_w / 2)
    samples = meter.sample(["Power.Offered", "Current.Offered", "Voltage"])
    (offered_w,) = values(samples, "Power.Offered")
    (offered_a,) = values(samples, "Current.Offered")
    voltage = values(samples, "Voltage")[0]
    assert offered_w == max_w / 2
    assert offered_a * voltage * phases == pytest.approx(offered_w, rel=1e-3)


def test_noise_is_bounded_seeded_and_leaves_the_register_alone() -> None:
    quiet = dc_meter(30.0)
    noisy = dc_meter(30.0, noise=0.01, rng=random.Random(7))
    again = dc_meter(30.0, noise=0.01, rng=random.Random(7))
    other = dc_meter(30.0, noise=0.01, rng=random.Random(8))
    runs: list[list[list[dict[str, str]]]] = [[], [], []]
    for _ in range(200):
        for meter in (quiet, noisy, again, other):
            meter.advance(5)
        for run, meter in zip(runs, (noisy, again, other), strict=True):
            run.append(meter.sample(MODELLED_MEASURANDS))
        true_power = quiet.power_w
        (power,) = values(runs[0][-1], "Power.Active.Import")
        assert 0.98 * true_power - 0.05 <= power <= 1.0201 * true_power + 0.05
        (voltage,) = values(runs[0][-1], "Voltage")
        assert voltage == pytest.approx(quiet.line_voltage_v, rel=0.01 + 1e-4)
        assert noisy.register_wh == quiet.register_wh
        assert noisy.soc == quiet.soc
        assert values(runs[0][-1], "Energy.Active.Import.Register") == [
            math.floor(quiet.register_wh)
        ]
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    powers = {values(samples, "Power.Active.Import")[0] for samples in runs[0][-20:]}
    assert len(powers) > 1  # the noise is really there


def test_noise_never_makes_a_reading_negative() -> None:
    meter = MeterModel("AC", max_power_w=22 * KW, noise=0.4, rng=random.Random(1), ambient_c=0.5)
    meter.start_session()
    meter.advance(60, limit_w=0.0)  # nothing offered: currents and power are exactly 0
    for _ in range(100):
        for sample in meter.sample(MODELLED_MEASURANDS):
            assert float(sample["value"]) >= 0, sample


def test_register_never_decreases() -> None:
    scenario = random.Random(42)
    meter = dc_meter(10.0)
    last_wh, last_reading = meter.register_wh, 0
    for _ in range(500):
        action = scenario.choice(["advance", "advance", "limit", "suspend", "resume"])
        if action == "advance":
            meter.advance(scenario.uniform(0, 120))
        elif action == "limit":
            meter.advance(scenario.uniform(0, 60), limit_w=scenario.uniform(0, 200 * KW))
        else:
            getattr(meter, action)()
        (reading,) = values(
            meter.sample(["Energy.Active.Import.Register"]), "Energy.Active.Import.Register"
        )
        assert meter.register_wh >= last_wh
        assert reading >= last_reading
        last_wh, last_reading = meter.register_wh, int(reading)
    assert meter.full  # the scenario did charge


def test_suspend_stops_power_and_energy_until_resume() -> None:
    meter = dc_meter(40.0)
    meter.advance(60)
    meter.suspend()
    assert meter.power_w == 0.0 and meter.offered_w == 0.0
    assert meter.evse_suspended and not meter.ev_suspended
    before = meter.register_wh
    meter.advance(600)
    assert meter.register_wh == before
    assert values(meter.sample(["Current.Import"]), "Current.Import") == [0.0]
    meter.resume()
    assert 0 < meter.power_w < 0.2 * 50 * KW  # ramping up again
    meter.advance(60)
    assert meter.power_w == pytest.approx(50 * KW)
    assert meter.register_wh > before


def test_a_limit_of_zero_suspends_from_the_evse_side() -> None:
    meter = dc_meter(40.0)
    meter.advance(60, limit_w=0.0)
    assert meter.evse_suspended and meter.power_w == 0.0 and meter.session_wh == 0.0


def test_temperature_rises_under_load_and_falls_idle() -> None:
    meter = MeterModel("DC", max_power_w=50 * KW, ambient_c=20.0)
    meter.start_session(EvBattery(capacity_wh=100 * KW, soc=10.0, max_power_w=50 * KW))
    meter.advance(60)
    warm_after_a_minute = meter.temperature_c
    assert 20.0 < warm_after_a_minute < 23.0  # slowly
    meter.advance(3600)
    hot = meter.temperature_c
    assert 40.0 < hot <= 50.0
    meter.end_session()
    meter.advance(1800)
    assert 20.0 < meter.temperature_c < hot - 10
    meter.advance(36000)
    assert meter.temperature_c == pytest.approx(20.0, abs=0.01)


def test_no_session_means_no_power_and_no_dc_voltage() -> None:
    dc = MeterModel("DC", max_power_w=50 * KW)
    dc.advance(600)
    assert dc.register_wh == 0.0 and dc.power_w == 0.0 and dc.line_voltage_v == 0.0
    ac = MeterModel("AC", max_power_w=11 * KW)
    ac.advance(600)
    assert values(ac.sample(["Voltage"]), "Voltage") == [230.0] * 3
    assert values(ac.sample(["Power.Offered"]), "Power.Offered") == [0.0]


def test_time_to_soc_needs_a_battery() -> None:
    meter = MeterModel("AC", max_power_w=11 * KW)
    meter.start_session()
    assert meter.time_to_soc(80.0) is None
    charging = dc_meter(50.0)
    assert charging.time_to_soc(40.0) == 0.0
    assert charging.time_to_soc(60.0, limit_w=0.0) is None


# -- samples ---------------------------------------------------------------------------------


def test_sample_returns_only_what_was_asked() -> None:
    meter = dc_meter(55.0)
    meter.advance(60)
    samples = meter.sample(["SoC", "Voltage", "SoC"], "Trigger")
    assert [s["measurand"] for s in samples] == ["SoC", "Voltage"]
    soc, voltage = samples
    assert soc == {
        "value": "56",
        "context": "Trigger",
        "format": "Raw",
        "measurand": "SoC",
        "location": "EV",
        "unit": "Percent",
    }
    assert voltage["unit"] == "V" and voltage["location"] == "Outlet"
    assert meter.sample(["RPM", "Power.Factor", "Frequency"]) == []  # not modelled; DC
    assert meter.sample([]) == []


def test_sample_location_applies_to_the_electrical_measurands() -> None:
    meter = dc_meter(55.0)
    samples = meter.sample(["Voltage", "SoC", "Temperature"], location="Inlet")
    assert [s["location"] for s in samples] == ["Inlet", "EV", "Body"]


def test_sample_without_a_battery_reports_no_soc() -> None:
    meter = MeterModel("AC", max_power_w=11 * KW, phases=1)
    meter.start_session()
    meter.advance(60)
    samples = meter.sample(["SoC", "Frequency"])
    assert samples == [
        {
            "value": "50.0",
            "context": "Sample.Periodic",
            "format": "Raw",
            "measurand": "Frequency",
            "location": "Outlet",
        }
    ]


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((["Energy.Active.Import.Register"], "Sample.Periodic"), {"location": "Roof"}),
        ((["Energy.Active.Import.Register"], "Sometimes"), {}),
        ((["Energy"],), {}),
    ],
)
def test_sample_refuses_what_ocpp_16_lacks(
    args: tuple[object, ...], kwargs: dict[str, str]
) -> None:
    with pytest.raises(ValueError):
        dc_meter().sample(*args, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"current": "DC", "max_power_w": 50 * KW, "phases": 3},
        {"current": "AC", "max_power_w": 11 * KW, "phases": 2},
        {"current": "AC", "max_power_w": 0.0},
        {"current": "AC", "max_power_w": 11 * KW, "noise": 0.01},  # noise without an rng
    ],
)
def test_meter_refuses_impossible_supplies(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        MeterModel(**kwargs)  # type: ignore[arg-type]


@needs_schemas
@pytest.mark.parametrize(("current", "phases", "volts", "max_w"), SUPPLIES)
def test_a_full_meter_values_request_is_valid(
    current: CurrentType, phases: int, volts: float, max_w: float
) -> None:
    schema = json.loads((SCHEMA_DIR / "MeterValues.json").read_text(encoding="utf-8-sig"))
    sampled = schema["properties"]["meterValue"]["items"]["properties"]["sampledValue"]
    units = set(sampled["items"]["properties"]["unit"]["enum"])
    meter = MeterModel(
        current, max_power_w=max_w, phases=phases, voltage_v=volts, noise=0.01, rng=random.Random(5)
    )
    meter.start_session(EvBattery(capacity_wh=60 * KW, soc=30.0, max_power_w=max_w))
    meter.advance(300)
    samples = meter.sample(MEASURANDS, "Sample.Periodic")
    assert {s["measurand"] for s in samples} == set(MODELLED_MEASURANDS) - (
        {"Frequency"} if current is CurrentType.DC else set()
    )
    assert {s["unit"] for s in samples if "unit" in s} <= units
    request = {
        "connectorId": 1,
        "transactionId": 7,
        "meterValue": [{"timestamp": stamp(START), "sampledValue": samples}],
    }
    assert schema_errors("MeterValues", request, request=True) == []

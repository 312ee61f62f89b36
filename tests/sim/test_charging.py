"""Smart Charging limits and composite schedules (OCPP 1.6 section 3.13), at fixed moments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ocpptk.sim.charging import Electrical, ProfileStore
from ocpptk.sim.clock import format_timestamp

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday
AC3 = 230 * 3  # watts per ampere on the default 230 V, 3-phase connector


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def profile(
    purpose: str = "TxDefaultProfile",
    profile_id: int = 1,
    stack_level: int = 0,
    periods: Sequence[tuple[int, float]] = ((0, 16.0),),
    *,
    unit: str = "A",
    kind: str = "Absolute",
    start: datetime | None = T0,
    duration: int | None = None,
    number_phases: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A csChargingProfiles payload; ``extra`` adds profile fields (validFrom, ...)."""
    schedule: dict[str, Any] = {
        "chargingRateUnit": unit,
        "chargingSchedulePeriod": [
            {"startPeriod": start_period, "limit": limit}
            | ({} if number_phases is None else {"numberPhases": number_phases})
            for start_period, limit in periods
        ],
    }
    if start is not None and kind != "Relative":
        schedule["startSchedule"] = format_timestamp(start)
    if duration is not None:
        schedule["duration"] = duration
    return {
        "chargingProfileId": profile_id,
        "stackLevel": stack_level,
        "chargingProfilePurpose": purpose,
        "chargingProfileKind": kind,
        "chargingSchedule": schedule,
        **extra,
    }


def store(*installs: tuple[int, dict[str, Any]]) -> ProfileStore:
    profiles = ProfileStore()
    for connector_id, payload in installs:
        profiles.install(connector_id, payload)
    return profiles


# --- limit_at: which profile governs -------------------------------------------------------


def test_an_empty_store_limits_nothing() -> None:
    assert ProfileStore().limit_at(1, T0) is None
    assert ProfileStore().limit_at(0, T0) is None


def test_the_highest_stack_level_wins() -> None:
    profiles = store(
        (1, profile(profile_id=1, stack_level=0, periods=[(0, 16.0)])),
        (1, profile(profile_id=2, stack_level=2, periods=[(0, 10.0)])),
        (1, profile(profile_id=3, stack_level=1, periods=[(0, 6.0)])),
    )
    assert profiles.limit_at(1, T0) == 10 * AC3


def test_a_higher_stack_level_gives_way_when_its_duration_ends() -> None:
    profiles = store(
        (1, profile(profile_id=1, stack_level=0, periods=[(0, 16.0)])),
        (1, profile(profile_id=2, stack_level=1, periods=[(0, 10.0)], duration=600)),
    )
    assert profiles.limit_at(1, at(599)) == 10 * AC3
    assert profiles.limit_at(1, at(600)) == 16 * AC3


def test_a_schedule_sets_nothing_before_its_first_period_or_after_its_duration() -> None:
    profiles = store((1, profile(periods=[(60, 10.0)], duration=600)))
    assert profiles.limit_at(1, at(-1)) is None  # before startSchedule
    assert profiles.limit_at(1, at(59)) is None  # before the first startPeriod
    assert profiles.limit_at(1, at(60)) == 10 * AC3
    assert profiles.limit_at(1, at(600)) is None


def test_a_tx_profile_counts_only_during_a_transaction() -> None:
    profiles = store(
        (1, profile("TxDefaultProfile", profile_id=1, periods=[(0, 16.0)])),
        (1, profile("TxProfile", profile_id=2, periods=[(0, 10.0)])),
    )
    assert profiles.limit_at(1, T0) == 16 * AC3
    assert profiles.limit_at(1, T0, transaction_start=T0) == 10 * AC3


def test_a_tx_profile_naming_a_transaction_counts_only_for_that_one() -> None:
    profiles = store(
        (1, profile("TxDefaultProfile", profile_id=1, periods=[(0, 16.0)])),
        (1, profile("TxProfile", profile_id=2, periods=[(0, 10.0)], transactionId=7)),
    )
    assert profiles.limit_at(1, T0, transaction_start=T0, transaction_id=7) == 10 * AC3
    assert profiles.limit_at(1, T0, transaction_start=T0, transaction_id=8) == 16 * AC3
    assert profiles.limit_at(1, T0, transaction_start=T0) == 16 * AC3


def test_a_transaction_id_needs_its_start() -> None:
    with pytest.raises(ValueError, match="transaction_start"):
        ProfileStore().limit_at(1, T0, transaction_id=7)


def test_a_connector_tx_default_overrides_the_one_on_connector_zero() -> None:
    profiles = store(
        (0, profile(profile_id=1, stack_level=5, periods=[(0, 16.0)])),
        (1, profile(profile_id=2, stack_level=0, periods=[(0, 10.0)])),
    )
    assert profiles.limit_at(1, T0) == 10 * AC3
    assert profiles.limit_at(2, T0) == 16 * AC3  # no profile of its own: connector 0's


def test_charge_point_max_caps_every_connector() -> None:
    profiles = store(
        (0, profile("TxDefaultProfile", profile_id=1, periods=[(0, 16.0)])),
        (0, profile("ChargePointMaxProfile", profile_id=2, periods=[(0, 10.0)])),
    )
    assert profiles.limit_at(1, T0) == 10 * AC3
    profiles.install(0, profile("ChargePointMaxProfile", profile_id=2, periods=[(0, 32.0)]))
    assert profiles.limit_at(1, T0) == 16 * AC3


def test_connector_zero_takes_the_lower_of_its_default_and_the_charge_point_max() -> None:
    profiles = store((0, profile("TxDefaultProfile", profile_id=1, periods=[(0, 16.0)])))
    assert profiles.limit_at(0, T0) == 16 * AC3
    profiles.install(0, profile("ChargePointMaxProfile", profile_id=2, periods=[(0, 10.0)]))
    assert profiles.limit_at(0, T0) == 10 * AC3
    profiles.clear({"id": 1})
    assert profiles.limit_at(0, T0) == 10 * AC3
    profiles.clear({"id": 2})
    assert profiles.limit_at(0, T0) is None


def test_a_profile_counts_only_from_valid_from_until_valid_to() -> None:
    window: dict[str, Any] = {
        "validFrom": format_timestamp(at(3600)),
        "validTo": format_timestamp(at(7200)),
    }
    profiles = store(
        (1, profile(profile_id=1, stack_level=0, periods=[(0, 16.0)])),
        (1, profile(profile_id=2, stack_level=1, periods=[(0, 10.0)], **window)),
    )
    assert profiles.limit_at(1, at(3599)) == 16 * AC3
    assert profiles.limit_at(1, at(3600)) == 10 * AC3
    assert profiles.limit_at(1, at(7199)) == 10 * AC3
    assert profiles.limit_at(1, at(7200)) == 16 * AC3


# --- limit_at: when a schedule runs ---------------------------------------------------------


def test_a_relative_schedule_starts_with_the_transaction() -> None:
    profiles = store((1, profile(kind="Relative", periods=[(0, 10.0), (600, 16.0)])))
    started = at(-300)
    assert profiles.limit_at(1, at(299), transaction_start=started) == 10 * AC3
    assert profiles.limit_at(1, at(300), transaction_start=started) == 16 * AC3


def test_without_a_transaction_a_relative_schedule_starts_at_the_moment_asked_about() -> None:
    profiles = store((1, profile(kind="Relative", periods=[(0, 10.0), (600, 16.0)])))
    assert profiles.limit_at(1, at(7200)) == 10 * AC3


def test_a_daily_schedule_repeats_across_midnight() -> None:
    evening = profile(
        kind="Recurring",
        recurrencyKind="Daily",
        start=utc("2026-03-02T22:00"),
        periods=[(0, 6.0), (7200, 16.0)],  # 16 A from midnight
        duration=10 * 3600,  # until 08:00
    )
    profiles = store((1, evening))
    assert profiles.limit_at(1, utc("2026-03-02T21:59")) is None  # before the first run
    assert profiles.limit_at(1, utc("2026-03-02T23:00")) == 6 * AC3
    assert profiles.limit_at(1, utc("2026-03-03T01:00")) == 16 * AC3
    assert profiles.limit_at(1, utc("2026-03-03T09:00")) is None  # this run is over
    assert profiles.limit_at(1, utc("2026-03-05T23:30")) == 6 * AC3
    assert profiles.limit_at(1, utc("2026-03-06T00:30")) == 16 * AC3


def test_a_weekly_schedule_repeats_every_seven_days() -> None:
    mondays = profile(
        kind="Recurring",
        recurrencyKind="Weekly",
        start=utc("2026-03-02T00:00"),
        periods=[(0, 8.0)],
        duration=86400,
    )
    profiles = store((1, mondays))
    assert profiles.limit_at(1, utc("2026-03-02T12:00")) == 8 * AC3
    assert profiles.limit_at(1, utc("2026-03-03T12:00")) is None  # Tuesday
    assert profiles.limit_at(1, utc("2026-03-08T23:59")) is None  # Sunday
    assert profiles.limit_at(1, utc("2026-03-09T06:00")) == 8 * AC3  # the next Monday


# --- limit_at: amperes and watts ------------------------------------------------------------


def test_amperes_become_watts_on_three_phases() -> None:
    assert store((1, profile(periods=[(0, 16.0)]))).limit_at(1, T0) == 11040.0
    in_watts = store((1, profile(periods=[(0, 11000.0)], unit="W")))
    assert in_watts.limit_at(1, T0) == 11000.0
    at_240v = store((1, profile(periods=[(0, 16.0)])))
    assert at_240v.limit_at(1, T0, electrical=Electrical(voltage_v=240)) == 16 * 240 * 3


def test_number_phases_sets_the_phases_capped_by_the_charger() -> None:
    one_phase = store((1, profile(periods=[(0, 16.0)], number_phases=1)))
    assert one_phase.limit_at(1, T0) == 16 * 230
    two_phases = store((1, profile(periods=[(0, 16.0)], number_phases=2)))
    assert two_phases.limit_at(1, T0) == 16 * 230 * 2
    on_a_single_phase_charger = store((1, profile(periods=[(0, 16.0)], number_phases=3)))
    assert on_a_single_phase_charger.limit_at(1, T0, electrical=Electrical(phases=1)) == 16 * 230


def test_dc_watts_are_amperes_times_volts() -> None:
    profiles = store((1, profile(periods=[(0, 100.0)], number_phases=3)))
    assert profiles.limit_at(1, T0, electrical=Electrical(voltage_v=400, dc=True)) == 40000.0


# --- composite_schedule ---------------------------------------------------------------------


def overlapping() -> ProfileStore:
    """Two TxDefaultProfiles stacked (the pattern of the OCA test case TC_072_CS)."""
    return store(
        (
            1,
            profile(
                profile_id=1, stack_level=0, periods=[(0, 6), (100, 8), (200, 10)], duration=400
            ),
        ),
        (1, profile(profile_id=2, stack_level=1, periods=[(0, 7), (100, 9)], duration=150)),
    )


def test_the_composite_of_two_stacked_profiles() -> None:
    assert overlapping().composite_schedule(1, T0, 500) == {
        "duration": 500,
        "startSchedule": "2026-03-02T08:00:00Z",
        "chargingRateUnit": "A",
        "chargingSchedulePeriod": [
            {"startPeriod": 0, "limit": 7.0, "numberPhases": 3},
            {"startPeriod": 100, "limit": 9.0, "numberPhases": 3},
            {"startPeriod": 150, "limit": 8.0, "numberPhases": 3},
            {"startPeriod": 200, "limit": 10.0, "numberPhases": 3},
            {"startPeriod": 400, "limit": 32.0, "numberPhases": 3},  # no profile: the rating
        ],
    }


def test_composite_periods_count_from_the_start_asked_for() -> None:
    composite = overlapping().composite_schedule(1, at(120), 200)
    assert composite is not None
    assert composite["startSchedule"] == "2026-03-02T08:02:00Z"
    assert composite["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 9.0, "numberPhases": 3},
        {"startPeriod": 30, "limit": 8.0, "numberPhases": 3},
        {"startPeriod": 80, "limit": 10.0, "numberPhases": 3},
    ]


def capped() -> ProfileStore:
    """A TxDefaultProfile in A under a ChargePointMaxProfile in W; each governs in turn."""
    return store(
        (1, profile("TxDefaultProfile", profile_id=1, periods=[(0, 10), (200, 20)])),
        (
            0,
            profile(
                "ChargePointMaxProfile", profile_id=2, periods=[(0, 11040), (300, 6900)], unit="W"
            ),
        ),
    )


def test_a_composite_governed_by_profiles_in_both_units_is_in_watts() -> None:
    composite = capped().composite_schedule(1, T0, 600)
    assert composite is not None
    assert composite["chargingRateUnit"] == "W"
    assert composite["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 6900.0, "numberPhases": 3},
        {"startPeriod": 200, "limit": 11040.0, "numberPhases": 3},
        {"startPeriod": 300, "limit": 6900.0, "numberPhases": 3},
    ]


def test_a_composite_is_in_the_unit_asked_for() -> None:
    composite = capped().composite_schedule(1, T0, 600, "A")
    assert composite is not None
    assert composite["chargingRateUnit"] == "A"
    assert composite["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 10.0, "numberPhases": 3},
        {"startPeriod": 200, "limit": 16.0, "numberPhases": 3},
        {"startPeriod": 300, "limit": 10.0, "numberPhases": 3},
    ]


def test_a_composite_starts_a_period_only_where_the_limit_changes() -> None:
    profiles = store(
        (1, profile("TxDefaultProfile", profile_id=1, periods=[(0, 10)])),
        (0, profile("ChargePointMaxProfile", profile_id=2, periods=[(0, 32), (300, 16)])),
    )
    composite = profiles.composite_schedule(1, T0, 600)
    assert composite is not None
    assert composite["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 10.0, "numberPhases": 3}
    ]


def test_a_composite_changes_where_a_profile_becomes_valid_and_stops_being_valid() -> None:
    window: dict[str, Any] = {
        "validFrom": format_timestamp(at(100)),
        "validTo": format_timestamp(at(200)),
    }
    profiles = store(
        (1, profile(profile_id=1, stack_level=0, periods=[(0, 16.0)])),
        (1, profile(profile_id=2, stack_level=1, periods=[(0, 10.0)], **window)),
    )
    composite = profiles.composite_schedule(1, T0, 300)
    assert composite is not None
    assert composite["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 16.0, "numberPhases": 3},
        {"startPeriod": 100, "limit": 10.0, "numberPhases": 3},
        {"startPeriod": 200, "limit": 16.0, "numberPhases": 3},
    ]


def test_of_two_changes_within_one_second_the_later_one_stands() -> None:
    profiles = store((1, profile(periods=[(0, 10.0)])))  # from T0
    composite = profiles.composite_schedule(1, at(-0.5), 60)
    assert composite is not None
    assert composite["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 10.0, "numberPhases": 3}
    ]


def test_composite_limits_are_rounded_down_to_one_decimal() -> None:
    in_watts = store((1, profile(periods=[(0, 11000.0)], unit="W")))
    composite = in_watts.composite_schedule(1, T0, 60, "A")
    assert composite is not None
    assert composite["chargingSchedulePeriod"][0]["limit"] == 15.9  # 15.94... A
    in_amperes = store((1, profile(periods=[(0, 1.7)])))
    composite = in_amperes.composite_schedule(1, T0, 60, electrical=Electrical(208, phases=1))
    assert composite is not None
    assert composite["chargingSchedulePeriod"][0]["limit"] == 1.7  # not 1.6 after A -> W -> A


def test_a_composite_reports_the_phases_of_each_period() -> None:
    profiles = store((1, profile(periods=[(0, 16.0), (60, 16.0)], number_phases=1)))
    profiles.install(1, profile(profile_id=2, stack_level=1, periods=[(0, 10.0)], duration=60))
    composite = profiles.composite_schedule(1, T0, 120, "W")
    assert composite is not None
    assert composite["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 10 * AC3, "numberPhases": 3},
        {"startPeriod": 60, "limit": 16 * 230, "numberPhases": 1},
    ]


def test_a_dc_composite_has_no_phases() -> None:
    profiles = store((1, profile(periods=[(0, 100.0)])))
    composite = profiles.composite_schedule(1, T0, 60, "W", electrical=Electrical(400, dc=True))
    assert composite is not None
    assert composite["chargingSchedulePeriod"] == [{"startPeriod": 0, "limit": 40000.0}]


def test_a_composite_follows_a_daily_schedule_across_midnight() -> None:
    evening = profile(
        kind="Recurring",
        recurrencyKind="Daily",
        start=utc("2026-03-01T22:00"),
        periods=[(0, 6.0), (7200, 16.0)],
        duration=10 * 3600,
    )
    composite = store((1, evening)).composite_schedule(1, utc("2026-03-02T21:00"), 4 * 3600)
    assert composite is not None
    assert composite["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 32.0, "numberPhases": 3},  # yesterday's run ended at 08:00
        {"startPeriod": 3600, "limit": 6.0, "numberPhases": 3},
        {"startPeriod": 3 * 3600, "limit": 16.0, "numberPhases": 3},
    ]


def test_a_composite_ends_the_last_period_of_a_run_where_the_next_run_begins() -> None:
    late = profile(
        kind="Recurring",
        recurrencyKind="Daily",
        start=utc("2026-03-01T00:00"),
        periods=[(3600, 10)],
    )
    composite = store((1, late)).composite_schedule(1, utc("2026-03-02T23:00"), 3 * 3600)
    assert composite is not None
    assert composite["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 10.0, "numberPhases": 3},
        {"startPeriod": 3600, "limit": 32.0, "numberPhases": 3},  # 00:00, before 01:00
        {"startPeriod": 2 * 3600, "limit": 10.0, "numberPhases": 3},
    ]


def test_a_composite_starts_relative_schedules_with_the_transaction_else_at_its_start() -> None:
    profiles = store((1, profile(kind="Relative", periods=[(0, 10.0), (600, 16.0)])))
    idle = profiles.composite_schedule(1, T0, 1200)
    charging = profiles.composite_schedule(1, T0, 1200, transaction_start=at(-300))
    assert idle is not None
    assert charging is not None
    assert [p["startPeriod"] for p in idle["chargingSchedulePeriod"]] == [0, 600]
    assert [p["startPeriod"] for p in charging["chargingSchedulePeriod"]] == [0, 300]


def test_no_composite_where_no_profile_applies() -> None:
    assert ProfileStore().composite_schedule(1, T0, 3600) is None
    expired = store((1, profile(validTo=format_timestamp(T0))))
    assert expired.composite_schedule(1, T0, 3600) is None
    elsewhere = store((2, profile()))
    assert elsewhere.composite_schedule(1, T0, 3600) is None
    tx_only = store((1, profile("TxProfile")))
    assert tx_only.composite_schedule(1, T0, 3600) is None  # no transaction


# --- changes ------------------------------------------------------------------------------


def test_changes_are_where_a_profile_on_the_connector_or_connector_zero_may_move() -> None:
    profiles = store(
        (1, profile(profile_id=1, periods=[(0, 10.0), (600, 16.0)], duration=1200)),
        (0, profile("ChargePointMaxProfile", profile_id=2, validTo=format_timestamp(at(900)))),
        (2, profile(profile_id=3, periods=[(0, 10.0), (300, 16.0)])),  # another connector
    )
    assert profiles.changes(1, at(-1), at(2000)) == [T0, at(600), at(900), at(1200)]
    assert profiles.changes(1, T0, at(900)) == [at(600)]  # both ends left out


def test_without_a_transaction_a_relative_schedule_never_changes() -> None:
    profiles = store((1, profile(kind="Relative", periods=[(0, 10.0), (600, 16.0)])))
    assert profiles.changes(1, T0, at(3600)) == []
    assert profiles.changes(1, T0, at(3600), transaction_start=at(-300)) == [at(300)]


# --- the store itself -----------------------------------------------------------------------


def test_install_replaces_by_id_or_by_connector_purpose_and_stack_level() -> None:
    profiles = store(
        (1, profile(profile_id=1, stack_level=0)),
        (1, profile(profile_id=2, stack_level=1)),
        (2, profile(profile_id=3, stack_level=1)),  # another connector: kept
    )
    profiles.install(1, profile(profile_id=1, stack_level=5))  # same id
    profiles.install(1, profile(profile_id=4, stack_level=1))  # same connector, purpose, level
    assert sorted((p.profile_id, p.stack_level) for p in profiles) == [(1, 5), (3, 1), (4, 1)]
    assert len(profiles) == 3


def test_clear_removes_by_id_else_by_every_criterion_given() -> None:
    profiles = store(
        (1, profile("TxDefaultProfile", profile_id=1, stack_level=0)),
        (1, profile("TxProfile", profile_id=2, stack_level=0)),
        (2, profile("TxProfile", profile_id=3, stack_level=0)),
        (0, profile("ChargePointMaxProfile", profile_id=4, stack_level=0)),
    )
    assert [p.profile_id for p in profiles.clear({"id": 4, "connectorId": 1})] == [4]
    removed = profiles.clear({"connectorId": 1, "chargingProfilePurpose": "TxProfile"})
    assert [p.profile_id for p in removed] == [2]
    assert profiles.clear({"stackLevel": 3}) == []
    assert [p.profile_id for p in profiles] == [1, 3]

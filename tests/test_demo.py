"""``ocpptk demo`` runs what its docstring promises, every frame valid but the broken one."""

from __future__ import annotations

from typing import Any

from ocpptk.demo import run_demo


async def test_the_demo_boots_charges_obeys_a_profile_and_is_refused_once(
    captured_log: Any,
) -> None:
    log = captured_log("demo")
    await run_demo(log.log, "DEMO1")
    calls = [frame[2] for frame in log.frames() if frame[0] == 2]
    # Each CALL appears twice: as sent and as received (one log for both sides).
    sent = calls[::2]
    assert sent[:3] == ["BootNotification", "StatusNotification", "StatusNotification"]
    for before, after in [
        ("Authorize", "StartTransaction"),
        ("StartTransaction", "SetChargingProfile"),
        ("SetChargingProfile", "StopTransaction"),
    ]:
        assert sent.index(before) < sent.index(after)
    assert sent.count("MeterValues") >= 2
    stop = next(f[3] for f in log.frames() if f[0] == 2 and f[2] == "StopTransaction")
    # 4 s at 11 kW after the profile (it arrives right after the start): about 12 Wh.
    assert 9 <= stop["meterStop"] <= 16
    [refused] = [f for f in log.frames() if f[0] == 4]
    assert refused[2] == "TypeConstraintViolation"

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
    # 4 s at 11 kW once the profile is in (right after the start): about 12 Wh; at the full
    # 22 kW it would be 24 Wh, so anything below shows the profile was obeyed.
    assert 9 <= stop["meterStop"] < 24
    refused = {(f[1], f[2]) for f in log.frames() if f[0] == 4}  # sent and received: one id
    assert [code for _, code in refused] == ["TypeConstraintViolation"]

"""The payloads and frames every library sends, so that all of them carry the same bytes."""

from __future__ import annotations

import json
from typing import Any

__all__ = [
    "CHARGE_POINT_PREFIX",
    "HEARTBEAT_FRAME",
    "METER_VALUES",
    "METER_VALUES_FRAME",
    "frame_for",
]

CHARGE_POINT_PREFIX = "BENCH"

# A MeterValues.req as a 1.6 charge point sends it during a transaction (section 4.7): one
# MeterValue with four sampled values, the measurands of the default MeterValuesSampledData set
# plus the ones most installations add.
METER_VALUES: dict[str, Any] = {
    "connectorId": 1,
    "transactionId": 1,
    "meterValue": [
        {
            "timestamp": "2026-11-21T14:54:54Z",
            "sampledValue": [
                {
                    "value": "12345.6",
                    "context": "Sample.Periodic",
                    "format": "Raw",
                    "measurand": "Energy.Active.Import.Register",
                    "location": "Outlet",
                    "unit": "Wh",
                },
                {
                    "value": "7360.0",
                    "context": "Sample.Periodic",
                    "format": "Raw",
                    "measurand": "Power.Active.Import",
                    "location": "Outlet",
                    "unit": "W",
                },
                {
                    "value": "32.0",
                    "context": "Sample.Periodic",
                    "format": "Raw",
                    "measurand": "Current.Import",
                    "phase": "L1",
                    "location": "Outlet",
                    "unit": "A",
                },
                {
                    "value": "230.0",
                    "context": "Sample.Periodic",
                    "format": "Raw",
                    "measurand": "Voltage",
                    "phase": "L1-N",
                    "location": "Outlet",
                    "unit": "V",
                },
            ],
        }
    ],
}

# What a raw-websockets client sends: a CALL frame with the same id length (a uuid4) as the
# libraries' frames, so that the floor moves the same number of bytes.
_SAMPLE_ID = "6f1c2a9e-3b7d-4e58-9a0f-1d2c3b4a5e6f"


def frame_for(action: str, payload: dict[str, Any], unique_id: str = _SAMPLE_ID) -> str:
    return json.dumps([2, unique_id, action, payload], separators=(",", ":"))


HEARTBEAT_FRAME = frame_for("Heartbeat", {})
METER_VALUES_FRAME = frame_for("MeterValues", METER_VALUES)

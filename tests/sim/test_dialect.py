"""The per-version tables of the simulators (``ocpptk.sim.dialect``) checked against the models."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

from ocpptk.sim.dialect import DIALECTS, ENERGY, dialect
from ocpptk.spec import v12, v15, v16
from ocpptk.spec.catalog import Role, Version, actions
from ocpptk.spec.model import Array, Enum, Object

MODELS: dict[Version, ModuleType] = {Version.V12: v12, Version.V15: v15, Version.V16: v16}
VERSIONS = list(DIALECTS)
T = "2026-11-21T14:54:54Z"


def test_the_simulators_speak_1_2_1_5_and_1_6() -> None:
    assert VERSIONS == [Version.V12, Version.V15, Version.V16]
    for version in VERSIONS:
        assert dialect(version).version is version
    with pytest.raises(ValueError, match=r"not 2\.0\.1"):
        dialect(Version.V201)


@pytest.mark.parametrize("version", VERSIONS)
def test_the_action_lists_are_the_models(version: Version) -> None:
    speech = DIALECTS[version]
    model = actions(version).values()
    assert set(speech.cp_to_cs) == {a.name for a in model if Role.CHARGE_POINT.may_send(a)}
    assert set(speech.cs_to_cp) == {a.name for a in model if Role.CENTRAL_SYSTEM.may_send(a)}
    assert len(speech.cp_to_cs) == len(set(speech.cp_to_cs))
    assert len(speech.cs_to_cp) == len(set(speech.cs_to_cp))
    assert speech.known == set(actions(version))
    assert len(speech.known) == {Version.V12: 18, Version.V15: 24, Version.V16: 28}[version]


def _field_type(version: Version, action: str, path: str, request: bool = True) -> object:
    """The model's type of a dotted field path (arrays stepped through)."""
    message = actions(version)[action]
    found: object = message.request if request else message.response
    for name in path.split("."):
        while isinstance(found, Array):
            found = found.items
        assert isinstance(found, Object), (action, path)
        fields = {f.name: f.type for f in found.fields}
        assert name in fields, f"OCPP {version.value} {action} has no field {path!r}"
        found = fields[name]
    return found


@pytest.mark.parametrize("version", VERSIONS)
def test_the_field_names_are_the_models(version: Version) -> None:
    speech = DIALECTS[version]
    _field_type(version, "BootNotification", speech.boot_interval, request=False)
    _field_type(version, "MeterValues", speech.meter_value)
    if speech.sampled_value is None:
        _field_type(version, "MeterValues", f"{speech.meter_value}.value")
    else:
        _field_type(version, "MeterValues", f"{speech.meter_value}.{speech.sampled_value}.value")
    if "SendLocalList" in speech.known:
        assert speech.local_list is not None
        _field_type(version, "SendLocalList", f"{speech.local_list}.idTag")
    else:
        assert speech.local_list is None
    if speech.transaction_data_group is not None:
        _field_type(version, "StopTransaction", f"transactionData.{speech.transaction_data_group}")


@pytest.mark.parametrize("version", VERSIONS)
def test_every_1_6_word_has_a_spelling_the_version_knows(version: Version) -> None:
    speech, model = DIALECTS[version], MODELS[version]
    checked = {
        "ChargePointErrorCode",
        "ChargePointStatus",
        "ConfigurationStatus",
        "DiagnosticsStatus",
        "FirmwareStatus",
        "RegistrationStatus",
        "UnlockStatus",
    }
    if version is not Version.V12:  # 1.2 readings have no context
        checked.add("ReadingContext")
    assert set(speech.words) <= checked
    for name in sorted(checked):
        ours, theirs = getattr(v16, name), getattr(model, name)
        assert isinstance(ours, Enum) and isinstance(theirs, Enum)
        for value in ours.values:
            assert speech.word(name, value) in theirs.values, (name, value)
        for value in set(ours.values) & set(theirs.values):
            assert speech.word(name, value) == value, "a shared word is never translated"


def test_the_words_of_1_5() -> None:
    speech = DIALECTS[Version.V15]
    for busy in ("Preparing", "Charging", "SuspendedEV", "SuspendedEVSE", "Finishing"):
        assert speech.word("ChargePointStatus", busy) == "Occupied"
    assert speech.word("ChargePointStatus", "Reserved") == "Reserved"
    assert speech.word("ChargePointErrorCode", "EVCommunicationError") == "Mode3Error"
    assert speech.word("ChargePointErrorCode", "OverVoltage") == "OtherError"
    assert speech.word("RegistrationStatus", "Pending") == "Rejected"
    assert speech.word("UnlockStatus", "Unlocked") == "Accepted"
    assert speech.word("UnlockStatus", "NotSupported") == "Rejected"
    assert speech.word("SomethingElse", "Value") == "Value"
    assert DIALECTS[Version.V12].word("ChargePointStatus", "Reserved") == "Occupied"
    assert DIALECTS[Version.V16].words == {}


def test_profiles_follow_the_actions() -> None:
    assert DIALECTS[Version.V12].profiles == {"Core", "FirmwareManagement"}
    assert DIALECTS[Version.V15].profiles == {
        "Core",
        "FirmwareManagement",
        "LocalAuthListManagement",
        "Reservation",
    }
    assert "SmartCharging" in DIALECTS[Version.V16].profiles


def test_fit_drops_the_fields_a_version_lacks() -> None:
    stop = {"transactionId": 1, "meterStop": 5, "timestamp": T, "reason": "Local"}
    assert DIALECTS[Version.V15].fit("StopTransaction", stop) == {
        "transactionId": 1,
        "meterStop": 5,
        "timestamp": T,
    }
    assert DIALECTS[Version.V16].fit("StopTransaction", stop) == stop
    status = {"connectorId": 1, "errorCode": "NoError", "status": "Available", "timestamp": T}
    assert "timestamp" not in DIALECTS[Version.V12].fit("StatusNotification", status)
    assert DIALECTS[Version.V12].fit("MakeCoffee", {"sugar": 2}) == {"sugar": 2}
    boot = {"status": "Accepted", "interval": 300}
    assert DIALECTS[Version.V15].fit("BootNotification", boot, request=False) == {
        "status": "Accepted"
    }


def register(context: str) -> list[dict[str, Any]]:
    """The energy register as the one sampled value of a reading, in 1.6 terms."""
    return [{"value": "1250", "context": context, "measurand": ENERGY, "unit": "Wh"}]


def test_meter_readings_per_version() -> None:
    v12_reading = DIALECTS[Version.V12].reading(T, 1250, register("Sample.Periodic"))
    assert v12_reading == {"timestamp": T, "value": 1250}
    v15_reading = DIALECTS[Version.V15].reading(T, 1250, register("Trigger"))
    assert v15_reading == {
        "timestamp": T,
        "values": [
            {"value": "1250", "context": "Sample.Periodic", "measurand": ENERGY, "unit": "Wh"}
        ],
    }
    v16_reading = DIALECTS[Version.V16].reading(T, 1250, register("Trigger"))
    assert v16_reading["sampledValue"][0]["context"] == "Trigger"
    assert DIALECTS[Version.V12].samples(v12_reading) == [{"value": 1250}]
    assert DIALECTS[Version.V15].samples(v15_reading) == v15_reading["values"]


def test_stop_readings_per_version() -> None:
    reading = {"timestamp": T, "values": [{"value": "10"}]}
    v15_stop = {"transactionData": [{"values": [reading, reading]}, {}]}
    assert DIALECTS[Version.V15].stop_readings(v15_stop) == [reading, reading]
    v16_stop = {"transactionData": [reading]}
    assert DIALECTS[Version.V16].stop_readings(v16_stop) == [reading]
    assert DIALECTS[Version.V12].stop_readings({"transactionId": 1}) == []

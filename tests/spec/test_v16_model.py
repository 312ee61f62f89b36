"""The OCPP 1.6 model: the actions, who sends them, their profiles, the shared named types."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ocpptk.spec import v16
from ocpptk.spec.catalog import Role, Version, action, actions
from ocpptk.spec.model import (
    Action,
    Array,
    Boolean,
    DataType,
    Direction,
    Enum,
    Field,
    Integer,
    Number,
    Object,
    String,
)

PROFILES = {
    "Core": {
        "Authorize", "BootNotification", "ChangeAvailability", "ChangeConfiguration",
        "ClearCache", "DataTransfer", "GetConfiguration", "Heartbeat", "MeterValues",
        "RemoteStartTransaction", "RemoteStopTransaction", "Reset", "StartTransaction",
        "StatusNotification", "StopTransaction", "UnlockConnector",
    },
    "FirmwareManagement": {
        "DiagnosticsStatusNotification", "FirmwareStatusNotification", "GetDiagnostics",
        "UpdateFirmware",
    },
    "LocalAuthListManagement": {"GetLocalListVersion", "SendLocalList"},
    "Reservation": {"CancelReservation", "ReserveNow"},
    "SmartCharging": {"ClearChargingProfile", "GetCompositeSchedule", "SetChargingProfile"},
    "RemoteTrigger": {"TriggerMessage"},
}  # fmt: skip
SENT_BY_CHARGE_POINT = {
    "Authorize", "BootNotification", "DiagnosticsStatusNotification",
    "FirmwareStatusNotification", "Heartbeat", "MeterValues", "StartTransaction",
    "StatusNotification", "StopTransaction",
}  # fmt: skip
ALL_NAMES = set().union(*PROFILES.values())
V16 = actions(Version.V16)


def walk(data_type: DataType) -> Iterator[DataType]:
    """Every type reachable from ``data_type``, itself included."""
    yield data_type
    if isinstance(data_type, Array):
        yield from walk(data_type.items)
    if isinstance(data_type, Object):
        for f in data_type.fields:
            yield from walk(f.type)


def all_fields(obj: Object) -> Iterator[tuple[str, Field]]:
    for f in obj.fields:
        yield f"{obj.name}.{f.name}", f
        inner: DataType = f.type
        while isinstance(inner, Array):
            inner = inner.items
        if isinstance(inner, Object):
            yield from all_fields(inner)


def every_type() -> Iterator[DataType]:
    for act in v16.ACTIONS:
        yield from walk(act.request)
        yield from walk(act.response)


def test_28_actions_in_alphabetical_order() -> None:
    names = [act.name for act in v16.ACTIONS]
    assert len(names) == 28
    assert names == sorted(names)
    assert set(names) == ALL_NAMES


def test_catalog_serves_the_model() -> None:
    assert list(actions(Version.V16)) == [act.name for act in v16.ACTIONS]
    assert action(Version.V16, "Heartbeat") is v16.ACTIONS[14]


@pytest.mark.parametrize("act", v16.ACTIONS, ids=lambda act: act.name)
def test_direction_and_profile(act: Action) -> None:
    if act.name == "DataTransfer":
        assert act.direction is Direction.BOTH
    elif act.name in SENT_BY_CHARGE_POINT:
        assert act.direction is Direction.CP_TO_CS
    else:
        assert act.direction is Direction.CS_TO_CP
    assert act.name in PROFILES[act.profile]
    assert act.doc


def test_roles_may_send_what_the_directions_say() -> None:
    by_cp = {act.name for act in v16.ACTIONS if Role.CHARGE_POINT.may_send(act)}
    by_cs = {act.name for act in v16.ACTIONS if Role.CENTRAL_SYSTEM.may_send(act)}
    assert by_cp == SENT_BY_CHARGE_POINT | {"DataTransfer"}
    assert by_cs == ALL_NAMES - SENT_BY_CHARGE_POINT


@pytest.mark.parametrize("act", v16.ACTIONS, ids=lambda act: act.name)
def test_payload_objects_are_named_after_the_action(act: Action) -> None:
    assert act.request.name == act.name + "Request"
    assert act.response.name == act.name + "Response"


def test_every_object_is_closed_and_no_array_is_bounded() -> None:
    """The OCA 1.6 schemas close every object and set no minItems/maxItems anywhere."""
    for data_type in every_type():
        if isinstance(data_type, Object):
            assert data_type.closed, data_type.name
        if isinstance(data_type, Array):
            assert (data_type.min_items, data_type.max_items) == (None, None)


def test_the_model_is_hashable() -> None:
    """Frozen and hashable, so it can key caches (validators, WSDL types)."""
    assert len({hash(act) for act in v16.ACTIONS}) == 28


def test_one_definition_per_type_name() -> None:
    """XML schema declares a named type once, so a name must not mean two things."""
    seen: dict[str, DataType] = {}
    for data_type in every_type():
        name = getattr(data_type, "name", None)
        if name is not None:
            assert seen.setdefault(name, data_type) == data_type, name


def test_named_types_are_exported_and_shared() -> None:
    exported = {getattr(v16, name) for name in v16.__all__ if name != "ACTIONS"}
    for data_type in every_type():
        if isinstance(data_type, Enum | Object) and not data_type.name.endswith(
            ("Request", "Response")
        ):
            assert data_type in exported, data_type.name
    assert V16["Authorize"].response.field("idTagInfo").type is v16.IdTagInfo
    profile = V16["SetChargingProfile"].request.field("csChargingProfiles")
    assert profile.type is v16.ChargingProfile
    remote = V16["RemoteStartTransaction"].request.field("chargingProfile")
    assert remote.type is v16.ChargingProfile
    meter = V16["MeterValues"].request.field("meterValue").type
    assert meter == Array(v16.MeterValue)
    assert v16.ChargingProfile.field("chargingSchedule").type is v16.ChargingSchedule


@pytest.mark.parametrize(
    ("enum", "name"),
    [
        (v16.RegistrationStatus, "RegistrationStatus"),
        (v16.ChargePointStatus, "ChargePointStatus"),
        (v16.ChargePointErrorCode, "ChargePointErrorCode"),
        (v16.AuthorizationStatus, "AuthorizationStatus"),
        (v16.Measurand, "Measurand"),
        (v16.ReadingContext, "ReadingContext"),
    ],
)
def test_enumerations_carry_ocpp_names(enum: Enum, name: str) -> None:
    assert enum.name == name
    assert len(set(enum.values)) == len(enum.values)


def test_unit_of_measure_quirk() -> None:
    """MeterValues has both spellings of Celsius; StopTransaction's copy only the typo."""
    assert {"Celcius", "Celsius"} <= set(v16.UnitOfMeasure.values)
    assert "Celcius" in v16.TransactionDataUnitOfMeasure.values
    assert "Celsius" not in v16.TransactionDataUnitOfMeasure.values
    assert v16.SampledValue.field("unit").type is v16.UnitOfMeasure
    stop = V16["StopTransaction"].request.field("transactionData").type
    assert stop == Array(v16.TransactionDataMeterValue)


def _valid_example(data_type: DataType, value: Any) -> bool:
    if isinstance(data_type, Enum):
        return value in data_type.values
    if isinstance(data_type, String):
        return isinstance(value, str) and len(value) <= (data_type.max_length or len(value))
    if isinstance(data_type, Boolean):
        return isinstance(value, bool)
    if isinstance(data_type, Integer):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(data_type, Number):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(data_type, Array):
        return isinstance(value, tuple) and all(_valid_example(data_type.items, v) for v in value)
    return False  # objects are built from their fields, never given whole


@pytest.mark.parametrize("act", v16.ACTIONS, ids=lambda act: act.name)
def test_examples_fit_their_types(act: Action) -> None:
    for obj in (act.request, act.response):
        for where, f in all_fields(obj):
            inner: DataType = f.type
            while isinstance(inner, Array):
                inner = inner.items
            if f.required and not isinstance(inner, Object):
                assert f.example is not None, f"{where} is required but has no example"
            if f.example is not None:
                assert _valid_example(f.type, f.example), where


def test_example_conventions() -> None:
    boot = V16["BootNotification"].request
    assert boot.field("chargePointVendor").example == "ocpptk"
    assert boot.field("chargePointModel").example == "Simulator"
    status = V16["StatusNotification"].request
    assert (status.field("status").example, status.field("errorCode").example) == (
        "Available",
        "NoError",
    )
    start = V16["StartTransaction"].request
    assert start.field("idTag").example == "TAG0001"
    assert start.field("connectorId").example == 1
    assert start.field("meterStart").example == 0
    assert start.field("timestamp").example == v16.EXAMPLE_TIME == "2026-01-01T00:00:00Z"

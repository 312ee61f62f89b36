"""The OCPP 1.6 model: the actions, who sends them, their profiles, the shared named types.

The first tests check what every version's model must be, parametrised by version; the helpers
here serve ``test_v12_model`` and ``test_v15_model`` too, which check the facts of their version.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from ocpptk.spec import v12, v15, v16
from ocpptk.spec.catalog import Role, Version, action, actions
from ocpptk.spec.examples import example_payload
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

MODELS: dict[Version, ModuleType] = {Version.V12: v12, Version.V15: v15, Version.V16: v16}
EVERY_ACTION = [
    pytest.param(version, act, id=f"{version.value}-{act.name}")
    for version, model in MODELS.items()
    for act in model.ACTIONS
]


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


def every_type(model: ModuleType) -> list[DataType]:
    """Every type the payloads of a model module's actions reach, repeats included."""
    return [t for act in model.ACTIONS for obj in (act.request, act.response) for t in walk(obj)]


def assert_direction(act: Action, sent_by_cp: set[str], sent_by_cs: set[str]) -> None:
    """``act`` goes the way its version's lists of senders say, and each role may send it so."""
    by_cp, by_cs = act.name in sent_by_cp, act.name in sent_by_cs
    if by_cp and by_cs:
        assert act.direction is Direction.BOTH
    elif by_cp:
        assert act.direction is Direction.CP_TO_CS
    else:
        assert act.direction is Direction.CS_TO_CP
    assert Role.CHARGE_POINT.may_send(act) is by_cp
    assert Role.CENTRAL_SYSTEM.may_send(act) is by_cs


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


# -- What every version's model must be ------------------------------------------------------


@pytest.mark.parametrize(("version", "act"), EVERY_ACTION)
def test_actions_are_documented_and_name_their_payloads(version: Version, act: Action) -> None:
    assert act.doc
    assert act.request.name == act.name + "Request"
    assert act.response.name == act.name + "Response"


@pytest.mark.parametrize(("version", "act"), EVERY_ACTION)
def test_examples_fit_their_types(version: Version, act: Action) -> None:
    for obj in (act.request, act.response):
        for where, f in all_fields(obj):
            inner: DataType = f.type
            while isinstance(inner, Array):
                inner = inner.items
            if f.required and not isinstance(inner, Object):
                assert f.example is not None, f"{where} is required but has no example"
            if f.example is not None:
                assert _valid_example(f.type, f.example), where


@pytest.mark.parametrize(("version", "act"), EVERY_ACTION)
def test_example_payloads_build(version: Version, act: Action) -> None:
    for request in (True, False):
        for optional in (False, True):
            payload = example_payload(version, act.name, request, include_optional=optional)
            assert isinstance(payload, dict)


@pytest.mark.parametrize("version", MODELS)
def test_the_model_is_hashable(version: Version) -> None:
    """Frozen and hashable, so it can key caches (validators, WSDL types)."""
    model = MODELS[version]
    assert len({hash(act) for act in model.ACTIONS}) == len(model.ACTIONS)


@pytest.mark.parametrize("version", MODELS)
def test_one_definition_per_type_name(version: Version) -> None:
    """XML schema declares a named type once, so a name must not mean two things."""
    seen: dict[str, DataType] = {}
    for data_type in every_type(MODELS[version]):
        name = getattr(data_type, "name", None)
        if name is not None:
            assert seen.setdefault(name, data_type) == data_type, name


@pytest.mark.parametrize("version", MODELS)
def test_named_types_are_exported(version: Version) -> None:
    model = MODELS[version]
    exported = {getattr(model, name) for name in model.__all__ if name != "ACTIONS"}
    for data_type in every_type(model):
        if isinstance(data_type, Enum | Object) and not data_type.name.endswith(
            ("Request", "Response")
        ):
            assert data_type in exported, data_type.name


@pytest.mark.parametrize("version", [Version.V12, Version.V16])
def test_every_object_is_closed_and_no_array_is_bounded(version: Version) -> None:
    """The OCA 1.6 schemas close every object and set no minItems/maxItems anywhere; nor does the
    1.2 WSDL bound a repeated element (1.5's meter values have minItems 1: ``test_v15_model``)."""
    for data_type in every_type(MODELS[version]):
        if isinstance(data_type, Object):
            assert data_type.closed, data_type.name
        if isinstance(data_type, Array):
            assert (data_type.min_items, data_type.max_items) == (None, None)


# -- 1.6 -------------------------------------------------------------------------------------


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
    assert_direction(act, SENT_BY_CHARGE_POINT | {"DataTransfer"}, ALL_NAMES - SENT_BY_CHARGE_POINT)
    assert act.name in PROFILES[act.profile]


def test_named_types_are_shared() -> None:
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

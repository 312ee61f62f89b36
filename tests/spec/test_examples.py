"""Default payloads and completion paths built from the model."""

from __future__ import annotations

import jsonschema
import pytest

from ocpptk.spec import v16
from ocpptk.spec.catalog import Version, actions
from ocpptk.spec.examples import example_payload, example_value, field_paths
from ocpptk.spec.jsonschema_gen import action_schema
from ocpptk.spec.model import Array, Field, Integer, Object

V16 = Version.V16
CASES = [(name, request) for name in actions(V16) for request in (True, False)]
IDS = [name + ("" if request else "Response") for name, request in CASES]


@pytest.mark.parametrize("include_optional", [False, True], ids=["required", "optional"])
@pytest.mark.parametrize(("name", "request_"), CASES, ids=IDS)
def test_example_is_valid_under_our_schema(
    name: str, request_: bool, include_optional: bool
) -> None:
    """The OCA oracle checks the same; this one runs without ``shared/``."""
    payload = example_payload(V16, name, request_, include_optional=include_optional)
    schema = action_schema(V16, actions(V16)[name], request_)
    jsonschema.Draft4Validator(schema).validate(payload)


def test_required_fields_only() -> None:
    assert example_payload(V16, "BootNotification") == {
        "chargePointVendor": "ocpptk",
        "chargePointModel": "Simulator",
    }
    assert example_payload(V16, "StatusNotification") == {
        "connectorId": 1,
        "errorCode": "NoError",
        "status": "Available",
    }
    assert example_payload(V16, "Heartbeat") == {}
    assert example_payload(V16, "Heartbeat", request=False) == {
        "currentTime": "2026-01-01T00:00:00Z"
    }


def test_nested_objects_and_arrays_get_one_element() -> None:
    assert example_payload(V16, "MeterValues") == {
        "connectorId": 1,
        "meterValue": [{"timestamp": v16.EXAMPLE_TIME, "sampledValue": [{"value": "0"}]}],
    }
    assert example_payload(V16, "Authorize", request=False) == {"idTagInfo": {"status": "Accepted"}}
    profile = example_payload(V16, "SetChargingProfile")["csChargingProfiles"]
    assert profile["chargingSchedule"]["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 16.0}
    ]


def test_include_optional_adds_fields_with_examples() -> None:
    full = example_payload(V16, "MeterValues", include_optional=True)
    assert full["transactionId"] == 1
    sampled = full["meterValue"][0]["sampledValue"][0]
    assert sampled["measurand"] == "Energy.Active.Import.Register"
    assert "phase" not in sampled  # no example: left out rather than guessed
    config = example_payload(V16, "GetConfiguration", include_optional=True)
    assert config == {"key": ["HeartbeatInterval"]}  # a list, though the model keeps a tuple
    assert "chargingProfile" in example_payload(
        V16, "RemoteStartTransaction", include_optional=True
    )


def test_callers_get_their_own_copy() -> None:
    first = example_payload(V16, "MeterValues")
    first["meterValue"][0]["sampledValue"].append({"value": "1"})
    first["connectorId"] = 2
    assert example_payload(V16, "MeterValues") == {
        "connectorId": 1,
        "meterValue": [{"timestamp": v16.EXAMPLE_TIME, "sampledValue": [{"value": "0"}]}],
    }
    config = example_payload(V16, "GetConfiguration", include_optional=True)
    config["key"].append("x")
    assert example_payload(V16, "GetConfiguration", include_optional=True)["key"] == [
        "HeartbeatInterval"
    ]


def test_unknown_action_or_version() -> None:
    with pytest.raises(KeyError, match="NoSuchAction"):
        example_payload(V16, "NoSuchAction")
    with pytest.raises(KeyError):
        example_payload(Version.V201, "Heartbeat")
    with pytest.raises(KeyError):
        field_paths(V16, "NoSuchAction")


def test_example_value() -> None:
    assert example_value(v16.IdTagInfo) == {"status": "Accepted"}
    assert example_value(v16.IdTagInfo, include_optional=True) == {
        "expiryDate": v16.EXAMPLE_TIME,
        "status": "Accepted",
    }
    assert example_value(Array(v16.KeyValue)) == [{"key": "HeartbeatInterval", "readonly": False}]
    assert example_value(Integer()) is None


def test_a_required_field_without_example_is_a_model_error() -> None:
    with pytest.raises(ValueError, match=r"Broken\.n is required"):
        example_value(Object("Broken", (Field("n", Integer(), required=True),)))


def test_field_paths() -> None:
    paths = field_paths(V16, "Authorize", request=False)
    assert paths == [
        ("idTagInfo", v16.IdTagInfo),
        ("idTagInfo.expiryDate", v16.DateTime),
        ("idTagInfo.parentIdTag", v16.IdToken),
        ("idTagInfo.status", v16.AuthorizationStatus),
    ]
    meter = dict(field_paths(V16, "MeterValues"))
    assert meter["meterValue"] == Array(v16.MeterValue)
    assert meter["meterValue.sampledValue.measurand"] is v16.Measurand
    assert list(meter)[:3] == ["connectorId", "transactionId", "meterValue"]
    assert field_paths(V16, "Heartbeat") == []


def test_field_paths_cover_every_field_and_are_fresh() -> None:
    for name in actions(V16):
        for request in (True, False):
            paths = field_paths(V16, name, request)
            assert len({path for path, _ in paths}) == len(paths)
            paths.clear()  # the caller's list; the next call is unaffected
            assert field_paths(V16, name, request) == field_paths(V16, name, request)
    assert len(field_paths(V16, "StopTransaction")) == 15

"""The OCPP 1.5 model: the 24 actions of the two SOAP services, and the facts particular to 1.5.

Whether every type matches the OCA WSDL is ``test_wsdl_oracle``'s job, and the JSON mapping
``test_wsdl_json``'s; this module checks the model as data. What every version's model must be
(documented, hashable, one definition per type name, examples that fit) ``test_v16_model`` checks.
"""

from __future__ import annotations

import pytest

from ocpptk.spec import v15
from ocpptk.spec.catalog import Version, action, actions
from ocpptk.spec.examples import example_payload, field_paths
from ocpptk.spec.model import Action, Array, Enum, Object
from tests.spec.test_v16_model import assert_direction, every_type

CENTRAL_SYSTEM_OPS = {
    "Authorize", "StartTransaction", "StopTransaction", "Heartbeat", "MeterValues",
    "BootNotification", "StatusNotification", "FirmwareStatusNotification",
    "DiagnosticsStatusNotification", "DataTransfer",
}  # fmt: skip
CHARGE_POINT_OPS = {
    "UnlockConnector", "Reset", "ChangeAvailability", "GetDiagnostics", "ClearCache",
    "UpdateFirmware", "ChangeConfiguration", "RemoteStartTransaction", "RemoteStopTransaction",
    "CancelReservation", "DataTransfer", "GetConfiguration", "GetLocalListVersion", "ReserveNow",
    "SendLocalList",
}  # fmt: skip
V15 = actions(Version.V15)


def test_24_actions_in_alphabetical_order() -> None:
    names = [act.name for act in v15.ACTIONS]
    assert len(names) == 24
    assert names == sorted(names)
    assert set(names) == CENTRAL_SYSTEM_OPS | CHARGE_POINT_OPS
    assert len(CENTRAL_SYSTEM_OPS) == 10 and len(CHARGE_POINT_OPS) == 15


def test_catalog_serves_the_model() -> None:
    assert list(V15) == [act.name for act in v15.ACTIONS]
    assert action(Version.V15, "ReserveNow") is V15["ReserveNow"]
    assert action(Version.V15, "TriggerMessage") is None  # 1.6 added it
    assert Version.from_subprotocol("ocpp1.5") is Version.V15


@pytest.mark.parametrize("act", v15.ACTIONS, ids=lambda act: act.name)
def test_direction(act: Action) -> None:
    assert_direction(act, CENTRAL_SYSTEM_OPS, CHARGE_POINT_OPS)


def test_named_types_are_shared() -> None:
    assert V15["Authorize"].response.field("idTagInfo").type is v15.IdTagInfo
    local_list = V15["SendLocalList"].request.field("localAuthorisationList")
    assert local_list.type == Array(v15.AuthorisationData)
    assert v15.AuthorisationData.field("idTagInfo").type is v15.IdTagInfo
    assert set(v15.WSDL_SHARED_TYPES) == {v15.IdToken, v15.AuthorizationStatus, v15.IdTagInfo}


def test_the_meter_value_with_attributes() -> None:
    """XML ``<value unit="Wh">1250</value>`` (repeated) is JSON ``"values": [{"value": ...}]``."""
    values = v15.MeterValue.field("values")
    assert values.xml_name == "value" and values.required
    assert values.type == Array(v15.MeterValueValue, min_items=1)
    sample = v15.MeterValueValue
    assert sample.xml_anonymous
    assert [(f.name, f.xml_node) for f in sample.fields] == [
        ("value", "text"),
        ("context", "attribute"),
        ("format", "attribute"),
        ("measurand", "attribute"),
        ("location", "attribute"),
        ("unit", "attribute"),
    ]
    assert [f.required for f in sample.fields] == [True] + [False] * 5
    stop = V15["StopTransaction"].request.field("transactionData")
    assert stop.type == Array(v15.TransactionData)
    assert v15.TransactionData.field("values").type == Array(v15.MeterValue)


def test_only_the_meter_value_needs_xml_overlays() -> None:
    """1.5's JSON order and enumerations are the WSDL's: no xml_order, xml_values, xml_type."""
    for data_type in every_type(v15):
        if isinstance(data_type, Object):
            assert data_type.xml_order is None
            assert data_type.xml_anonymous is (data_type is v15.MeterValueValue)
            for f in data_type.fields:
                assert f.xml_type is None and f.xml_min_occurs is None
        if isinstance(data_type, Enum):
            assert data_type.xml_values is None


def test_1_5_particulars() -> None:
    assert v15.UnitOfMeasure.values[-3:] == ("Amp", "Volt", "Celsius")
    assert v15.IdToken.max_length == 20
    boot = V15["BootNotification"].request
    assert [
        (getattr(f.type, "name", None), getattr(f.type, "max_length", None)) for f in boot.fields
    ] == [
        ("ChargePointVendor", 20),
        ("ChargePointModel", 20),
        ("ChargePointSerialNumber", 25),
        ("ChargeBoxSerialNumber", 25),
        ("FirmwareVersion", 50),
        ("IccidString", 20),
        ("ImsiString", 20),
        ("MeterType", 25),
        ("MeterSerialNumber", 25),
    ]
    response = V15["BootNotification"].response
    assert [f.name for f in response.fields if f.required] == [
        "status",
        "currentTime",
        "heartbeatInterval",
    ]
    assert "HashError" in v15.UpdateStatus.values
    assert [f.name for f in V15["SendLocalList"].request.fields] == [
        "updateType",
        "listVersion",
        "localAuthorisationList",
        "hash",
    ]


def test_example_payloads() -> None:
    assert example_payload(Version.V15, "BootNotification") == {
        "chargePointVendor": "ocpptk",
        "chargePointModel": "Simulator",
    }
    assert example_payload(Version.V15, "MeterValues", include_optional=True) == {
        "connectorId": 1,
        "transactionId": 1,
        "values": [
            {
                "timestamp": v15.EXAMPLE_TIME,
                "values": [
                    {
                        "value": "0",
                        "context": "Sample.Periodic",
                        "format": "Raw",
                        "measurand": "Energy.Active.Import.Register",
                        "location": "Outlet",
                        "unit": "Wh",
                    }
                ],
            }
        ],
    }
    paths = [path for path, _ in field_paths(Version.V15, "MeterValues")]
    assert "values.values.unit" in paths

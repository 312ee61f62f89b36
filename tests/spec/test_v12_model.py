"""The OCPP 1.2 model: the 18 operations of the two SOAP services, and the facts particular to 1.2.

Whether every type matches the OCA WSDL is ``test_wsdl_oracle``'s job; this module checks the
model as data: who sends what, names, examples. That the model is usable the way the 1.6 one is
(documented, hashable, one definition per type name, examples that fit) ``test_v16_model``
checks for every version.
"""

from __future__ import annotations

import pytest

from ocpptk.spec import v12
from ocpptk.spec.catalog import Version, action, actions
from ocpptk.spec.examples import example_payload
from ocpptk.spec.model import Action, Array, Enum, Integer, Object, String
from tests.spec.test_v16_model import assert_direction, every_type

CENTRAL_SYSTEM_OPS = {
    "Authorize", "StartTransaction", "StopTransaction", "Heartbeat", "MeterValues",
    "BootNotification", "StatusNotification", "FirmwareStatusNotification",
    "DiagnosticsStatusNotification",
}  # fmt: skip
CHARGE_POINT_OPS = {
    "UnlockConnector", "Reset", "ChangeAvailability", "GetDiagnostics", "ClearCache",
    "UpdateFirmware", "ChangeConfiguration", "RemoteStartTransaction", "RemoteStopTransaction",
}  # fmt: skip
V12 = actions(Version.V12)


def test_18_actions_in_alphabetical_order() -> None:
    names = [act.name for act in v12.ACTIONS]
    assert len(names) == 18
    assert names == sorted(names)
    assert set(names) == CENTRAL_SYSTEM_OPS | CHARGE_POINT_OPS


def test_catalog_serves_the_model() -> None:
    assert list(V12) == [act.name for act in v12.ACTIONS]
    assert action(Version.V12, "Heartbeat") is v12.ACTIONS[8]
    assert action(Version.V12, "DataTransfer") is None  # 1.5 added it
    assert Version.V12.subprotocol == "ocpp1.2"


@pytest.mark.parametrize("act", v12.ACTIONS, ids=lambda act: act.name)
def test_direction(act: Action) -> None:
    assert_direction(act, CENTRAL_SYSTEM_OPS, CHARGE_POINT_OPS)


def test_no_length_limits_and_no_xml_overlays() -> None:
    """1.2 types every string as plain ``xs:string``, and its JSON order is the WSDL's."""
    for data_type in every_type(v12):
        if isinstance(data_type, String):
            assert data_type.max_length is None and data_type.name is None
        if isinstance(data_type, Object):
            assert data_type.xml_order is None and not data_type.xml_anonymous
            for f in data_type.fields:
                assert (f.xml_name, f.xml_node, f.xml_type, f.xml_min_occurs) == (
                    None,
                    "element",
                    None,
                    None,
                )
        if isinstance(data_type, Enum):
            assert data_type.xml_values is None


def test_1_2_particulars() -> None:
    meter = V12["MeterValues"].request.field("values")
    assert meter.type == Array(v12.MeterValue) and not meter.required
    assert v12.MeterValue.field("value").type == Integer()  # one integer reading, no attributes
    boot = V12["BootNotification"].response
    assert [f.name for f in boot.fields] == ["status", "currentTime", "heartbeatInterval"]
    assert [f.required for f in boot.fields] == [True, False, False]
    assert v12.ChargePointStatus.values == ("Available", "Occupied", "Faulted", "Unavailable")
    assert "Mode3Error" in v12.ChargePointErrorCode.values
    assert v12.RegistrationStatus.values == ("Accepted", "Rejected")  # no Pending before 1.6
    assert v12.UnlockStatus.values == ("Accepted", "Rejected")


def test_example_payloads() -> None:
    full = example_payload(Version.V12, "MeterValues", include_optional=True)
    assert full == {"connectorId": 1, "values": [{"timestamp": v12.EXAMPLE_TIME, "value": 0}]}

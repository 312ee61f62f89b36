"""The SOAP codec without I/O: every operation's payloads through envelopes and back, valid
under the OCA's own schema; values, element order, attributes; faults; the XML schema check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from lxml import etree

from ocpptk.rpc.errors import (
    FormatViolation,
    GenericError,
    InternalError,
    NotImplementedError_,
    OccurrenceConstraintViolation,
    PropertyConstraintViolation,
    ProtocolError,
    TypeConstraintViolation,
)
from ocpptk.soap.codec import codec, element_action, fault_bytes
from ocpptk.soap.envelope import Addressing, parse_envelope
from ocpptk.soap.faults import IdentityMismatch, fault_for
from ocpptk.soap.values import format_datetime
from ocpptk.soap.xml import NS_SOAP12, NS_WSA, SoapVersion
from ocpptk.spec import wsdl_gen
from ocpptk.spec.catalog import Role, Version
from ocpptk.spec.examples import example_payload
from tests.soap.oracle import assert_valid, oca_schema, operation_params

IDENTITY = "CP0001"


def _envelope(version: Version, role: Role, action: str, payload: dict[str, Any], request: bool):  # type: ignore[no-untyped-def]
    service = codec(version, role)
    body = service.build_body(action, payload, request)
    if request:
        return service.request_envelope(
            body,
            action,
            charge_point_id=IDENTITY,
            addressing=Addressing(
                message_id="urn:uuid:1",
                to="http://cs.example/",
                from_address="http://cp.example/",
                reply_to=NS_WSA + "/anonymous",
            ),
        )
    return service.response_envelope(
        body, action, addressing=Addressing(message_id="urn:uuid:2", relates_to="urn:uuid:1")
    )


@pytest.mark.parametrize(
    ("version", "role", "action", "request_", "full"),
    operation_params(both_directions=True, optional=True),
)
def test_payload_envelope_payload_is_identity_and_oca_valid(
    version: Version, role: Role, action: str, request_: bool, full: bool
) -> None:
    payload = example_payload(version, action, request_, include_optional=full)
    data = _envelope(version, role, action, payload, request_)
    envelope = parse_envelope(data)
    service = codec(version, role)
    assert envelope.soap_version is SoapVersion.SOAP12
    assert envelope.body is not None
    assert envelope.body.tag == service.tag(action, request_)
    assert service.read_body(envelope.body) == (action, request_, payload, True)
    assert service.check_body(envelope.body) is None
    if request_:
        (identity,) = envelope.headers
        assert identity.tag == f"{{{service.namespace}}}chargeBoxIdentity"
        assert identity.text == IDENTITY
        assert envelope.addressing == Addressing(
            action=f"/{action}",
            message_id="urn:uuid:1",
            to="http://cs.example/",
            from_address="http://cp.example/",
            reply_to=NS_WSA + "/anonymous",
        )
    else:
        assert envelope.headers == []  # no identity on a response, as in the WSDL
        assert envelope.addressing.action == f"/{action}Response"
        assert envelope.addressing.relates_to == "urn:uuid:1"
    # the oracle last: the checks above run even where the OCA files are absent
    schema = oca_schema(version, role)
    assert_valid(schema, envelope.body)
    for header in envelope.headers:
        assert_valid(schema, header)


def test_1_6_elements_are_in_the_wsdl_order_not_the_json_one() -> None:
    payload = example_payload(Version.V16, "StatusNotification", include_optional=True)
    assert list(payload)[:3] == ["connectorId", "errorCode", "status"]  # JSON order
    body = codec(Version.V16, Role.CENTRAL_SYSTEM).build_body("StatusNotification", payload, True)
    names = [etree.QName(child).localname for child in body]
    assert names[:3] == ["connectorId", "status", "errorCode"]
    info = codec(Version.V16, Role.CENTRAL_SYSTEM).build_body(
        "Authorize", {"idTag": "T"}, True
    )  # and a nested type: IdTagInfo's status comes first in XML
    assert [etree.QName(c).localname for c in info] == ["idTag"]
    response = codec(Version.V16, Role.CENTRAL_SYSTEM).build_body(
        "Authorize",
        {"idTagInfo": {"expiryDate": "2026-01-01T00:00:00Z", "status": "Accepted"}},
        False,
    )
    assert [etree.QName(c).localname for c in response[0]] == ["status", "expiryDate"]


def test_the_1_5_meter_value_is_text_with_attributes() -> None:
    service = codec(Version.V15, Role.CENTRAL_SYSTEM)
    payload = {
        "connectorId": 1,
        "values": [
            {
                "timestamp": "2026-01-01T10:00:00Z",
                "values": [
                    {"value": "1250", "unit": "Wh", "measurand": "Energy.Active.Import.Register"},
                    {"value": "16", "unit": "Amp", "measurand": "Current.Import"},
                ],
            }
        ],
    }
    body = service.build_body("MeterValues", payload, True)
    ns = service.namespace
    values = body.findall(f"{{{ns}}}values/{{{ns}}}value")
    assert [(v.text, dict(v.attrib)) for v in values] == [
        ("1250", {"measurand": "Energy.Active.Import.Register", "unit": "Wh"}),
        ("16", {"measurand": "Current.Import", "unit": "Amp"}),
    ]
    assert service.read_body(body)[2] == payload


def test_dates_decimals_and_booleans() -> None:
    service = codec(Version.V16, Role.CHARGE_POINT)
    ns = service.namespace
    # xs:dateTime with an offset, without a zone, with milliseconds: read as UTC "...Z"
    for text, expected in [
        ("2026-03-01T12:00:00+02:00", "2026-03-01T10:00:00Z"),
        ("2026-03-01T12:00:00", "2026-03-01T12:00:00Z"),
        ("2026-03-01T12:00:00.250Z", "2026-03-01T12:00:00.250Z"),
    ]:
        body = etree.fromstring(
            f'<reserveNowRequest xmlns="{ns}"><connectorId>1</connectorId>'
            f"<expiryDate>{text}</expiryDate><idTag>T</idTag><reservationId>7</reservationId>"
            "</reserveNowRequest>"
        )
        assert service.read_body(body)[2]["expiryDate"] == expected
    profile = example_payload(Version.V16, "SetChargingProfile", include_optional=True)
    schedule = profile["csChargingProfiles"]["chargingSchedule"]
    schedule["chargingSchedulePeriod"][0]["limit"] = 0.00001 * 10000  # 0.1 as a float
    schedule["minChargingRate"] = 6
    body = service.build_body("SetChargingProfile", profile, True)
    assert [n.text for n in body.iter(f"{{{ns}}}limit")] == ["0.1"]
    assert [n.text for n in body.iter(f"{{{ns}}}minChargingRate")] == ["6"]
    back = service.read_body(body)[2]["csChargingProfiles"]["chargingSchedule"]
    assert back["chargingSchedulePeriod"][0]["limit"] == 0.1
    assert back["minChargingRate"] == 6.0
    config = codec(Version.V16, Role.CHARGE_POINT).build_body(
        "GetConfiguration",
        {"configurationKey": [{"key": "K", "readonly": True}], "unknownKey": ["A", "B"]},
        False,
    )
    assert [n.text for n in config.iter(f"{{{ns}}}readonly")] == ["true"]
    assert [n.text for n in config.iter(f"{{{ns}}}unknownKey")] == ["A", "B"]


def test_format_datetime() -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=1)))
    assert format_datetime(moment) == "2026-01-02T02:04:05Z"
    assert format_datetime(moment.replace(microsecond=120000)) == "2026-01-02T02:04:05.120Z"
    assert format_datetime(datetime(2026, 1, 1, microsecond=5, tzinfo=UTC)).endswith(".000005Z")


def test_celsius_is_spelled_as_each_side_wants() -> None:
    """1.6: JSON has the OCA typo "Celcius" (StopTransaction's copy has only it), XML only
    "Celsius"."""
    service = codec(Version.V16, Role.CENTRAL_SYSTEM)
    reading = {"value": "21", "unit": "Celcius"}
    stop = example_payload(Version.V16, "StopTransaction")
    stop["transactionData"] = [{"timestamp": "2026-01-01T00:00:00Z", "sampledValue": [reading]}]
    body = service.build_body("StopTransaction", stop, True)
    assert [n.text for n in body.iter(f"{{{service.namespace}}}unit")] == ["Celsius"]
    assert service.check_body(body) is None
    assert service.read_body(body)[2] == stop  # back to the only spelling JSON allows there
    meter = {"connectorId": 1, "meterValue": [stop["transactionData"][0]]}
    meter["meterValue"][0]["sampledValue"] = [{"value": "21", "unit": "Celsius"}]
    body = service.build_body("MeterValues", meter, True)
    assert service.read_body(body)[2] == meter  # "Celsius" is valid JSON in MeterValues


def test_a_required_list_absent_in_xml_is_empty_in_json() -> None:
    service = codec(Version.V16, Role.CENTRAL_SYSTEM)
    body = etree.fromstring(
        f'<meterValuesRequest xmlns="{service.namespace}"><connectorId>1</connectorId>'
        "</meterValuesRequest>"
    )
    assert service.check_body(body) is None  # minOccurs="0" in the WSDL
    assert service.read_body(body)[2] == {"connectorId": 1, "meterValue": []}


BROKEN = [
    ("<connectorId>x</connectorId><status>Available</status><errorCode>NoError</errorCode>",
     TypeConstraintViolation),
    ("<connectorId>1</connectorId><status>Sleeping</status><errorCode>NoError</errorCode>",
     PropertyConstraintViolation),
    ("<connectorId>1</connectorId><status>Available</status>", OccurrenceConstraintViolation),
    ("<connectorId>1</connectorId><errorCode>NoError</errorCode><status>Available</status>",
     FormatViolation),
    ("<connectorId>1</connectorId><status>Available</status><errorCode>NoError</errorCode>"
     f"<info>{'i' * 51}</info>", TypeConstraintViolation),
]  # fmt: skip


@pytest.mark.parametrize(("inner", "error_class"), BROKEN)
def test_the_xml_schema_check_names_the_ocpp_error(inner: str, error_class: type) -> None:
    service = codec(Version.V16, Role.CENTRAL_SYSTEM)
    tag = "statusNotificationRequest"
    body = etree.fromstring(f'<{tag} xmlns="{service.namespace}">{inner}</{tag}>')
    error = service.check_body(body)
    assert type(error) is error_class
    assert error.description.startswith("statusNotificationRequest: ")
    assert "{urn" not in error.description  # namespaces are left out of the message


def test_what_zeep_cannot_write_is_refused_or_written_as_given() -> None:
    service = codec(Version.V16, Role.CENTRAL_SYSTEM)
    with pytest.raises(FormatViolation):
        service.build_body("Heartbeat", {"extra": 1}, True)
    body = service.build_body("Heartbeat", {"extra": 1}, True, exact=False)
    assert etree.tostring(body) == (
        b'<o:heartbeatRequest xmlns:o="urn://Ocpp/Cs/2015/10/"><o:extra>1</o:extra>'
        b"</o:heartbeatRequest>"
    )
    custom = service.build_body("FooBar", {"a": [1, 2], "b": {"c": True}}, True)
    assert service.read_body(custom) == (
        "FooBar",
        True,
        {"a": ["1", "2"], "b": {"c": "true"}},
        False,
    )


def test_element_action() -> None:
    assert element_action("bootNotificationRequest") == ("BootNotification", True)
    assert element_action("heartbeatResponse") == ("Heartbeat", False)
    assert element_action("Request") is None
    assert element_action("somethingElse") is None


@pytest.mark.parametrize("soap_version", list(SoapVersion))
@pytest.mark.parametrize(
    ("error", "code", "subcode", "back"),
    [
        (IdentityMismatch("who are you"), "Sender", "IdentityMismatch", IdentityMismatch),
        (NotImplementedError_("no such op"), "Sender", "NotImplemented", NotImplementedError_),
        (OccurrenceConstraintViolation("x"), "Sender", "OccurenceConstraintViolation",
         OccurrenceConstraintViolation),
        (FormatViolation("x"), "Sender", "FormationViolation", FormatViolation),
        (InternalError("oops"), "Receiver", "InternalError", InternalError),
        (ProtocolError("bad"), "Sender", "ProtocolError", ProtocolError),
    ],
)  # fmt: skip
def test_faults_carry_the_ocpp_error_both_ways(
    soap_version: SoapVersion, error: Any, code: str, subcode: str, back: type
) -> None:
    error.details["path"] = "a.b"
    fault = fault_for(error, Version.V16)
    assert (fault.code, fault.subcode) == (code, subcode)
    envelope = parse_envelope(fault_bytes(fault, soap_version, "urn:uuid:9"))
    assert envelope.soap_version is soap_version
    assert envelope.fault == fault
    assert envelope.addressing.relates_to == "urn:uuid:9"
    received = envelope.fault.error(Version.V16)
    assert type(received) is back
    assert received.received_code == subcode
    assert received.description == error.description
    assert received.details == {"path": "a.b"}


def test_a_fault_from_another_stack() -> None:
    data = f"""<e:Envelope xmlns:e="{NS_SOAP12}"><e:Body><e:Fault>
      <e:Code><e:Value>e:Receiver</e:Value>
        <e:Subcode><e:Value xmlns:x="urn:x">x:SomethingOdd</e:Value></e:Subcode></e:Code>
      <e:Reason><e:Text xml:lang="en">it broke</e:Text></e:Reason>
    </e:Fault></e:Body></e:Envelope>""".encode()
    fault = parse_envelope(data).fault
    assert fault is not None
    error = fault.error()
    assert type(error) is GenericError
    assert (error.received_code, error.description) == ("SomethingOdd", "it broke")
    plain = data.replace(
        b'<e:Subcode><e:Value xmlns:x="urn:x">x:SomethingOdd</e:Value></e:Subcode>', b""
    )
    error = parse_envelope(plain).fault.error()  # type: ignore[union-attr]
    assert (type(error), error.received_code) == (GenericError, "Receiver")


def test_the_service_address_in_the_wsdl_is_a_placeholder() -> None:
    text = codec(Version.V16, Role.CHARGE_POINT).wsdl_text
    assert wsdl_gen.service_address(Role.CHARGE_POINT) in text

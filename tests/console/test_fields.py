from __future__ import annotations

from typing import Any

import pytest

from ocpptk.console.fields import (
    FieldError,
    check_names,
    coerce,
    describe_type,
    field_names,
    parse_assignment,
    parse_assignments,
    payload_of,
    value_choices,
)
from ocpptk.spec.catalog import Version

V16 = Version.V16


@pytest.mark.parametrize(
    ("word", "name", "value"),
    [
        ("connectorId=1", "connectorId", 1),
        ("meterStart=1.5", "meterStart", 1.5),
        ("flag=true", "flag", True),
        ("x=null", "x", None),
        ("chargePointVendor=DBT", "chargePointVendor", "DBT"),
        ('chargePointVendor="DBT"', "chargePointVendor", "DBT"),
        ('idTag="12345"', "idTag", "12345"),
        ('vendor="ACME Corp"', "vendor", "ACME Corp"),
        ("vendor='ACME Corp'", "vendor", "ACME Corp"),
        ('data="say \\"hi\\""', "data", 'say "hi"'),
        ("idTag=", "idTag", ""),
        ("idTag=''", "idTag", ""),
        ("a=b=c", "a", "b=c"),
        ("idTagInfo.status=Blocked", "idTagInfo.status", "Blocked"),
        ('idTagInfo={"status": "Accepted"}', "idTagInfo", {"status": "Accepted"}),
        (
            """meterValue='[{"timestamp": "t", "sampledValue": [{"value": "12"}]}]'""",
            "meterValue",
            [{"timestamp": "t", "sampledValue": [{"value": "12"}]}],
        ),
        ("list=[1,2]", "list", [1, 2]),
        ("broken={x", "broken", "{x"),
    ],
)
def test_parse_assignment(word: str, name: str, value: Any) -> None:
    assignment = parse_assignment(word)
    assert (assignment.name, assignment.value) == (name, value)


@pytest.mark.parametrize(
    ("word", "message"),
    [
        ("heartbeat", "'heartbeat' is not field=value"),
        ("=1", "field name before '=' is missing"),
        ("1abc=2", "'1abc' is not a field name"),
        ("a..b=2", "'a..b' is not a field name"),
        ("a-b=2", "'a-b' is not a field name"),
        ('a="x"y', "text after the closing quote"),
        ("a='x'y", "text after the closing quote"),
        ('a="\\q"', "not a JSON string"),
    ],
)
def test_parse_assignment_errors_name_the_word(word: str, message: str) -> None:
    with pytest.raises(FieldError) as caught:
        parse_assignment(word)
    assert message in str(caught.value)
    assert repr(word) in str(caught.value) or word.split("=")[0] in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_field_twice_is_an_error() -> None:
    with pytest.raises(FieldError, match="given twice"):
        parse_assignments(["idTag=A", "idTag=B"])


def test_coerce_keeps_what_was_typed_for_string_fields() -> None:
    assignments = parse_assignments(
        ["idTag=12345", "connectorId=1", 'meterStart="5"', "timestamp=null"]
    )
    fields = payload_of(coerce(V16, "StartTransaction", assignments))
    assert fields == {"idTag": "12345", "connectorId": 1, "meterStart": "5", "timestamp": "null"}


def test_coerce_reaches_nested_fields_and_enums() -> None:
    fields = payload_of(coerce(V16, "Authorize", parse_assignments(["idTag=true"])))
    assert fields == {"idTag": "true"}


def test_check_names_warns_about_unknown_fields() -> None:
    warnings = check_names(V16, "BootNotification", parse_assignments(["foo=1", "vendor=x"]))
    assert len(warnings) == 2
    assert "'foo'" in warnings[0]
    assert not check_names(V16, "BootNotification", parse_assignments(["chargePointModel=x"]))


def test_check_names_suggests_the_right_case() -> None:
    (warning,) = check_names(V16, "Authorize", parse_assignments(["idtag=x"]))
    assert "did you mean idTag" in warning


def test_check_names_nested() -> None:
    assert not check_names(
        V16, "StartTransaction", parse_assignments(["connectorId=1"]), request=True
    )
    (warning,) = check_names(V16, "StartTransaction", parse_assignments(["idTagInfo.status=X"]))
    assert "idTagInfo" in warning


def test_a_path_through_an_array_is_an_error() -> None:
    with pytest.raises(FieldError, match="meterValue is a list"):
        check_names(V16, "MeterValues", parse_assignments(["meterValue.timestamp=x"]))


def test_field_names_stop_at_arrays() -> None:
    names = [name for name, _ in field_names(V16, "MeterValues")]
    assert names == ["connectorId", "transactionId", "meterValue"]
    nested = [name for name, _ in field_names(V16, "SetChargingProfile")]
    assert "csChargingProfiles.chargingProfilePurpose" in nested


def test_value_choices() -> None:
    assert "Available" in value_choices(V16, "StatusNotification", "status")
    assert value_choices(V16, "StatusNotification", "connectorId") == []
    assert value_choices(V16, "Reset", "type") == ["Hard", "Soft"]


def test_describe_type() -> None:
    types = dict(field_names(V16, "BootNotification"))
    assert describe_type(types["chargePointVendor"]) == "CiString20Type"
    metervalues = dict(field_names(V16, "MeterValues"))
    assert describe_type(metervalues["meterValue"]).startswith("list of ")

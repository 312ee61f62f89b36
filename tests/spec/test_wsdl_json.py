"""The OCPP-J schemas of 1.2 and 1.5 against the OCA WSDLs they come from.

No OCA JSON schema exists for these versions; the JSON form is the WSDL mapped by the convention
of the early OCPP-J drafts (the ``ocppjs`` simulator), as ``ocpptk.spec.v15`` documents it. This
module implements that mapping a second time, independently of the model: it reads the OCA WSDL
(through ``test_wsdl_oracle``'s normal form) and derives a JSON schema from it; the schemas that
``ocpptk.spec.generate`` writes must be the same, keyword for keyword. Then: every example payload
is valid, payloads that break the WSDL's rules are refused, and the files on disk are current.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ocpptk.spec import generate, wsdl_gen
from ocpptk.spec.catalog import Role, Version, actions
from ocpptk.spec.examples import example_payload
from ocpptk.spec.jsonschema_gen import action_schema, schema_name
from ocpptk.spec.schemas import load_schema
from tests.spec.test_schemas_oracle import format_checker
from tests.spec.test_wsdl_oracle import oca_path, wsdl_facts

XS = "http://www.w3.org/2001/XMLSchema"
JSON_VERSIONS = (Version.V12, Version.V15)
CASES = [
    pytest.param(
        version, name, request, id=f"{version.value}-{name}{'' if request else 'Response'}"
    )
    for version in JSON_VERSIONS
    for name in actions(version)
    for request in (True, False)
]


def validator(schema: dict[str, Any]) -> jsonschema.Draft4Validator:
    return jsonschema.Draft4Validator(schema, format_checker=format_checker())


# -- The mapping, written again from the WSDL side --------------------------------------------

_BUILTINS: dict[str, dict[str, Any]] = {
    "int": {"type": "integer"},
    "string": {"type": "string"},
    "dateTime": {"type": "string", "format": "date-time"},
    "anyURI": {"type": "string", "format": "uri"},
    "boolean": {"type": "boolean"},
}


def _type(facts: dict[str, Any], qname: Any) -> dict[str, Any]:
    namespace, local = qname
    if namespace == XS:
        return dict(_BUILTINS[local])
    if local in facts["simpleTypes"]:
        _, base, facets = facts["simpleTypes"][local]
        assert base == (XS, "string")
        out: dict[str, Any] = {"type": "string"}
        for facet, value in facets:
            if facet == "maxLength":
                out["maxLength"] = int(value)
        enum = [value for facet, value in facets if facet == "enumeration"]
        if enum:
            out["enum"] = enum
        return out
    return _complex(facts, facts["complexTypes"][local])


def _complex(facts: dict[str, Any], complex_type: Any) -> dict[str, Any]:
    kind = complex_type[0]
    properties: dict[str, Any] = {}
    required: list[str] = []
    if kind == "simpleContent":  # text plus attributes: {"value": text, <attribute>: ...}
        _, base, attributes = complex_type
        properties["value"] = _type(facts, base)
        required.append("value")
    else:
        _, elements, attributes = complex_type
        for name, type_, min_occurs, max_occurs in elements:
            if isinstance(type_, tuple) and type_ and isinstance(type_[0], tuple):
                (inline,) = type_  # an anonymous complex type
                schema = _complex(facts, inline)
                if inline[0] == "simpleContent":
                    name += "s"  # ocppjs: the repeated <value> is the array "values"
            else:
                schema = _type(facts, type_)
            if max_occurs != "1":
                assert max_occurs == "unbounded"
                schema = {"type": "array", "items": schema}
                if int(min_occurs) > 0:
                    schema["minItems"] = int(min_occurs)
            properties[name] = schema
            if int(min_occurs) >= 1:
                required.append(name)
    for name, type_, use in attributes:
        properties[name] = _type(facts, type_)
        if use == "required":
            required.append(name)
    out: dict[str, Any] = {"type": "object", "properties": properties}
    out["additionalProperties"] = False
    if required:
        out["required"] = required
    return out


def wsdl_json_schema(version: Version, name: str, request: bool) -> dict[str, Any]:
    """The JSON schema of ``name``'s payload, derived from the OCA WSDL(s) that define it."""
    derived = []
    for role in (Role.CENTRAL_SYSTEM, Role.CHARGE_POINT):
        path = oca_path(version, role)
        if not path.is_file():
            pytest.skip(f"OCA WSDL (the test oracle) not found at {path}")
        facts = wsdl_facts(path)
        type_name = name + ("Request" if request else "Response")
        if name in facts["portTypes"][wsdl_gen.service_name(role)]:
            derived.append(_complex(facts, facts["complexTypes"][type_name]))
    assert derived and all(schema == derived[0] for schema in derived)  # DataTransfer: twice
    return derived[0]


def _semantic(schema: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in schema.items() if key not in ("$schema", "id", "title")}


@pytest.mark.parametrize(("version", "name", "request_"), CASES)
def test_same_as_the_wsdl_mapped_to_json(version: Version, name: str, request_: bool) -> None:
    ours = action_schema(version, actions(version)[name], request_)
    assert ours["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert ours["title"] == name + ("Request" if request_ else "Response")
    assert ours["id"] == f"urn:ocpptk:{version.value}:{ours['title']}"
    assert _semantic(ours) == wsdl_json_schema(version, name, request_)


def test_the_mapping_sees_a_changed_enumeration() -> None:
    ours = action_schema(Version.V15, actions(Version.V15)["Reset"], True)
    broken = copy.deepcopy(ours)
    broken["properties"]["type"]["enum"].reverse()
    assert _semantic(broken) != wsdl_json_schema(Version.V15, "Reset", True)


@pytest.mark.parametrize("version", JSON_VERSIONS, ids=lambda v: v.value)
def test_every_operation_of_both_wsdls_has_a_schema_pair(version: Version) -> None:
    names: set[str] = set()
    for role in (Role.CENTRAL_SYSTEM, Role.CHARGE_POINT):
        path = oca_path(version, role)
        if not path.is_file():
            pytest.skip(f"OCA WSDL (the test oracle) not found at {path}")
        names |= set(wsdl_facts(path)["portTypes"][wsdl_gen.service_name(role)])
    assert names == set(actions(version))
    files = generate.expected_files()
    for name in names:
        for request in (True, False):
            assert f"{version.value}/{schema_name(actions(version)[name], request)}.json" in files


# -- The files and loading them -------------------------------------------------------------


def test_files_on_disk_equal_generator_output() -> None:
    assert generate.check(generate.default_root()) == []


@pytest.mark.parametrize(("version", "name", "request_"), CASES)
def test_load_schema_reads_the_generated_files(version: Version, name: str, request_: bool) -> None:
    assert load_schema(version, name, request_) == action_schema(
        version, actions(version)[name], request_
    )


# -- Payloads ---------------------------------------------------------------------------------


@pytest.mark.parametrize("include_optional", [False, True], ids=["required", "optional"])
@pytest.mark.parametrize(("version", "name", "request_"), CASES)
def test_example_payload_is_valid(
    version: Version, name: str, request_: bool, include_optional: bool
) -> None:
    payload = example_payload(version, name, request_, include_optional=include_optional)
    schema = action_schema(version, actions(version)[name], request_)
    assert [e.message for e in validator(schema).iter_errors(payload)] == []


def test_boot_notification_example() -> None:
    assert example_payload(Version.V15, "BootNotification") == {
        "chargePointVendor": "ocpptk",
        "chargePointModel": "Simulator",
    }
    assert example_payload(Version.V12, "BootNotification", request=False) == {"status": "Accepted"}


T = "2026-01-01T00:00:00Z"
METER = {"timestamp": T, "values": [{"value": "1250", "unit": "Wh"}]}
V12, V15 = Version.V12, Version.V15


def meter_values(*values: Any, **more: Any) -> dict[str, Any]:
    return {"connectorId": 1, "values": list(values), **more}


def stop(*data: Any) -> dict[str, Any]:
    return {"transactionId": 1, "timestamp": T, "meterStop": 0, "transactionData": list(data)}


def status(state: str, error: str = "NoError") -> dict[str, Any]:
    return {"connectorId": 1, "status": state, "errorCode": error}


def boot(vendor: str, **more: Any) -> dict[str, Any]:
    return {"chargePointVendor": vendor, "chargePointModel": "m", **more}


INVALID: list[tuple[Version, str, dict[str, Any]]] = [
    (V15, "MeterValues", meter_values({**METER, "values": []})),  # minItems 1
    (V15, "MeterValues", meter_values({"timestamp": T})),  # values required
    (V15, "MeterValues", meter_values({**METER, "values": [{"unit": "Wh"}]})),  # value required
    (V15, "MeterValues", meter_values({**METER, "values": [{"value": "1", "unit": "kW h"}]})),
    (V15, "MeterValues", meter_values({**METER, "value": ["1250"], "@value": [{}]})),  # old form
    (V15, "MeterValues", {"connectorId": "1"}),
    (V15, "BootNotification", boot("v" * 21)),
    (V15, "BootNotification", boot("v", unexpected=1)),
    (V15, "StatusNotification", status("Charging")),  # a 1.6 status
    (V15, "GetConfiguration", {"key": "HeartbeatInterval"}),  # an array
    (V15, "StopTransaction", stop(METER)),  # transactionData items are {"values": [...]}
    (V12, "MeterValues", meter_values({"timestamp": T, "value": "1250"})),  # xs:int
    (V12, "MeterValues", meter_values({"timestamp": T, "value": 1.5})),
    (V12, "StatusNotification", status("Reserved")),  # 1.5 added Reserved
    (V12, "Heartbeat", {"currentTime": T}),
]
VALID: list[tuple[Version, str, dict[str, Any]]] = [
    (V15, "MeterValues", meter_values(METER)),
    (V15, "MeterValues", meter_values(METER, METER, transactionId=7)),
    (V15, "StopTransaction", stop({"values": [METER]}, {"values": []})),
    (V15, "GetConfiguration", {"key": ["HeartbeatInterval", "MeterValueSampleInterval"]}),
    (V15, "StatusNotification", status("Reserved", "Mode3Error")),
    (V12, "MeterValues", meter_values({"timestamp": T, "value": 1250})),
    (V12, "BootNotification", boot("v" * 50)),  # 1.2 has no length limits
]


@pytest.mark.parametrize(
    ("version", "name", "payload"), INVALID, ids=[f"{v.value}-{n}" for v, n, _ in INVALID]
)
def test_invalid_payloads_are_refused(version: Version, name: str, payload: dict[str, Any]) -> None:
    assert not validator(action_schema(version, actions(version)[name], True)).is_valid(payload)


@pytest.mark.parametrize(
    ("version", "name", "payload"), VALID, ids=[f"{v.value}-{n}" for v, n, _ in VALID]
)
def test_valid_payloads_are_accepted(version: Version, name: str, payload: dict[str, Any]) -> None:
    schema = action_schema(version, actions(version)[name], True)
    assert [e.message for e in validator(schema).iter_errors(payload)] == []


def test_schema_files_sit_next_to_the_1_6_ones() -> None:
    root = generate.default_root()
    for version in JSON_VERSIONS:
        names = {path.name for path in (root / version.value).glob("*.json")}
        assert len(names) == 2 * len(actions(version))
        assert "MeterValues.json" in names and "MeterValuesResponse.json" in names
    assert Path(root / "1.5" / "DataTransfer.json").is_file()
    assert not Path(root / "1.2" / "DataTransfer.json").exists()

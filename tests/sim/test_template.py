"""Charger templates: the shipped ones load and build a simulator; broken ones fail in one line."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ocpptk.sim.config import MEASURANDS
from ocpptk.sim.template import TemplateError, load_template, template_schema
from ocpptk.spec.catalog import Version

REPO = Path(__file__).resolve().parents[2]
SHIPPED = sorted((REPO / "templates").glob("*.json"))

GOOD: dict[str, Any] = {
    "identity": {"vendor": "ACME", "model": "Box", "serialNumber": "S1", "firmwareVersion": "1"},
    "connection": {"chargePointId": "CP9", "url": "ws://127.0.0.1:9000/"},
    "capabilities": {"maxPowerW": 11000, "phases": 3, "voltageV": 230, "maxCurrentA": 16},
    "connectors": [{"id": 1, "type": "Type2", "current": "AC", "maxPowerW": 11000}],
    "meterValues": {"sampleIntervalS": 10, "measurands": ["Voltage", "SoC"]},
    "configuration": {"HeartbeatInterval": {"value": "30"}, "Vendor": {"value": "x"}},
}


def write(tmp_path: Path, data: Any, name: str = "t.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2))
    return path


def test_the_schema_is_valid_and_lists_the_16_measurands() -> None:
    schema = template_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    items = schema["properties"]["meterValues"]["properties"]["measurands"]["items"]
    assert set(items["enum"]) == MEASURANDS


def test_three_templates_ship() -> None:
    assert [path.name for path in SHIPPED] == ["ac-7kw.json", "dc-150kw.json", "dc-50kw.json"]


@pytest.mark.parametrize("path", SHIPPED, ids=[path.stem for path in SHIPPED])
def test_shipped_templates_build_a_charge_point(path: Path) -> None:
    raw = json.loads(path.read_text())
    jsonschema.Draft202012Validator(template_schema()).validate(raw)
    template = load_template(path)
    sim = template.charge_point_sim()
    assert sim.charge_point_id == raw["connection"]["chargePointId"]
    assert template.connection.environment().url == "ws://127.0.0.1:9000/"
    boot = sim.default_request("BootNotification")
    assert boot["chargePointVendor"] == raw["identity"]["vendor"]
    assert boot["chargePointModel"] == raw["identity"]["model"]
    assert boot["chargePointSerialNumber"] == raw["identity"]["serialNumber"]
    assert boot["firmwareVersion"] == raw["identity"]["firmwareVersion"]
    assert len(sim.connectors) == len(raw["connectors"])
    keys = [*raw["configuration"], "NumberOfConnectors", "MeterValueSampleInterval"]
    answer = sim.handle_call("GetConfiguration", {"key": [*keys, "MeterValuesSampledData"]})
    got = {item["key"]: item for item in answer["configurationKey"]}
    assert "unknownKey" not in answer
    for key, item in raw["configuration"].items():
        assert got[key]["value"] == item["value"]
        assert got[key]["readonly"] is item.get("readonly", False)
    assert got["NumberOfConnectors"]["value"] == str(len(raw["connectors"]))
    meter = raw["meterValues"]
    assert got["MeterValueSampleInterval"]["value"] == str(meter["sampleIntervalS"])
    assert got["MeterValuesSampledData"]["value"] == ",".join(meter["measurands"])


def test_the_dc_templates_keep_their_capabilities_and_connectors() -> None:
    dc50 = load_template(REPO / "templates/dc-50kw.json")
    assert dc50.capabilities.max_power_w == 50000
    assert [(c.id, c.type, c.current) for c in dc50.connectors] == [(1, "CCS", "DC")]
    assert "SoC" in (dc50.meter.measurands or ())
    dc150 = load_template(REPO / "templates/dc-150kw.json")
    assert [c.type for c in dc150.connectors] == ["CCS", "CHAdeMO"]
    assert dc150.connection.environment("soap").url == "http://127.0.0.1:9001/"
    ac = load_template(REPO / "templates/ac-7kw.json")
    assert (ac.capabilities.phases, ac.capabilities.max_current_a) == (1, 32)
    assert ac.connectors[0].max_power_w == 7400


def test_environments_credentials_and_tls_paths(tmp_path: Path) -> None:
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "ca.pem").write_text("x")
    data = copy.deepcopy(GOOD)
    data["connection"] = {
        "chargePointId": "CP9",
        "environments": {
            "local": {"url": "ws://127.0.0.1:9000/"},
            "staging": {
                "url": "wss://staging.example/ocpp/",
                "basicAuth": {"password": "s3cret"},
                "tls": {"ca": "certs/ca.pem"},
            },
        },
        "default": "local",
        "protocol": "ocpp1.5",
        "basicAuth": {"user": "u", "password": "p"},
    }
    template = load_template(write(tmp_path, data))
    assert template.version is Version.V15
    local = template.connection.environment()
    assert local.basic_auth is not None and local.basic_auth.pair("CP9") == ("u", "p")
    staging = template.connection.environment("staging")
    assert staging.basic_auth is not None and staging.basic_auth.pair("CP9") == ("CP9", "s3cret")
    assert staging.tls is not None and staging.tls.ca == (tmp_path / "certs/ca.pem").resolve()
    with pytest.raises(KeyError, match="no environment 'prod'"):
        template.connection.environment("prod")
    sim = template.charge_point_sim(charge_point_id="OTHER", version=Version.V16)
    assert (sim.charge_point_id, sim.version) == ("OTHER", Version.V16)
    assert sim.configuration["Vendor"] == "x"


def _with(path: str, value: Any) -> dict[str, Any]:
    """GOOD with the value at ``a.b.0.c`` replaced (``...`` deletes it)."""
    data = copy.deepcopy(GOOD)
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    key: Any = int(last) if isinstance(node, list) else last
    if value is ...:
        del node[key]
    else:
        node[key] = value
    return data


BROKEN: list[tuple[str, Any, str]] = [
    ("not-json", '{"identity": {\n  "vendor": "x",\n}', "invalid JSON at line 3 column 1"),
    ("unknown-top", _with("colour", "red"), "$: unknown key 'colour'"),
    ("unknown-nested", _with("identity.vendr", "x"), "$.identity: unknown key 'vendr'"),
    ("missing", _with("identity.vendor", ...), "$.identity: missing required key 'vendor'"),
    ("type", _with("capabilities.maxPowerW", "7kW"), "$.capabilities.maxPowerW: must be a number"),
    ("too-long", _with("identity.vendor", "V" * 21), "is longer than 20 characters"),
    ("serial", _with("identity.serialNumber", "S" * 26), "longer than 25 characters"),
    ("connector-type", _with("connectors.0.type", "Type9"), '$.connectors[0].type: "Type9"'),
    ("measurand", _with("meterValues.measurands", ["Bogus"]), "$.meterValues.measurands[0]:"),
    ("protocol", _with("connection.protocol", "ocpp2.0.1"), "$.connection.protocol:"),
    ("transport", _with("connection.transport", "pigeon"), "$.connection.transport:"),
    (
        "scheme",
        _with("connection.transport", "soap"),
        "$.connection.url: SOAP needs an http:// or https:// URL",
    ),
    ("no-url", _with("connection.url", ...), "$.connection: give either url or environments"),
    (
        "dup-connector",
        _with("connectors", [GOOD["connectors"][0], GOOD["connectors"][0]]),
        "$.connectors[1].id: connector 1 appears twice",
    ),
    (
        "gap",
        _with("connectors.0.id", 2),
        "$.connectors: connector ids must be 1 to 1, not [2]",
    ),
    ("zero-id", _with("connectors.0.id", 0), "$.connectors[0].id: 0 is less than the minimum"),
    ("power", _with("connectors.0.maxPowerW", 22000), "more than the charger's maxPowerW"),
    ("config-shape", _with("configuration.HeartbeatInterval", "30"), "must be an object"),
    (
        "config-value",
        _with("configuration.HeartbeatInterval", {"value": "soon"}),
        "$.configuration[\"HeartbeatInterval\"].value: 'soon' is not a valid integer",
    ),
    (
        "config-meter",
        _with("configuration.MeterValueSampleInterval", {"value": "5"}),
        "set in meterValues already",
    ),
    ("no-connectors", _with("connectors", []), "$.connectors:"),
    ("not-object", [1, 2], "$: must be an object"),
]


@pytest.mark.parametrize(("name", "data", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_template_fails_in_one_line(
    tmp_path: Path, name: str, data: Any, message: str
) -> None:
    path = write(tmp_path, data, f"{name}.json")
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith(f"{path}: ")
    assert message in text


def test_environment_default_and_missing_files(tmp_path: Path) -> None:
    data = _with("connection.url", ...)
    data["connection"]["environments"] = {"a": {"url": "ws://x/"}}
    data["connection"]["default"] = "b"
    with pytest.raises(TemplateError, match=r"\$\.connection\.default: no environment 'b'"):
        load_template(write(tmp_path, data))
    data = _with("connection.tls", {"ca": "nowhere.pem"})
    with pytest.raises(TemplateError, match=r"\$\.connection\.tls\.ca: no file"):
        load_template(write(tmp_path, data))
    with pytest.raises(TemplateError, match="cannot read"):
        load_template(tmp_path / "absent.json")


def test_a_shipped_template_is_found_by_its_name_alone(tmp_path: Path, monkeypatch: Any) -> None:
    from ocpptk.sim.template import find_template, shipped_templates

    monkeypatch.chdir(tmp_path)  # no templates/ folder here
    assert find_template("dc-50kw") == shipped_templates() / "dc-50kw.json"
    assert find_template("dc-50kw.json") == shipped_templates() / "dc-50kw.json"
    assert load_template("ac-7kw").identity.vendor
    missing = find_template("no-such-charger")
    assert missing == Path("no-such-charger")  # reported as missing by load_template
    with pytest.raises(TemplateError, match="no-such-charger"):
        load_template("no-such-charger")


AC_7KW_TOML = """
description = "AC wallbox, 7.4 kW, one Type 2 socket"

[identity]
vendor = "ocpptk"
model = "Wallbox 7"

[connection]
chargePointId = "AC7-0001"
url = "ws://127.0.0.1:9000/"
protocol = "ocpp1.6"

[capabilities]
maxPowerW = 7400
phases = 1
voltageV = 230
maxCurrentA = 32

[[connectors]]
id = 1
type = "Type2"
current = "AC"
maxPowerW = 7400

[meterValues]
sampleIntervalS = 60
measurands = ["Energy.Active.Import.Register", "Power.Active.Import"]

[configuration.HeartbeatInterval]
value = "120"
readonly = true
"""


def test_a_toml_template_reads_as_its_json_would(tmp_path: Path) -> None:
    toml = tmp_path / "ac.toml"
    toml.write_text(AC_7KW_TOML, encoding="utf-8")
    template = load_template(toml)
    assert (template.charge_point_id, template.identity.model) == ("AC7-0001", "Wallbox 7")
    assert template.hardware().connectors[1].phases == 1
    sim = template.charge_point_sim()
    heartbeat = sim.configuration.get("HeartbeatInterval")
    assert heartbeat is not None and (heartbeat.value, heartbeat.readonly) == ("120", True)
    assert sim.configuration.items("MeterValuesSampledData") == [
        "Energy.Active.Import.Register",
        "Power.Active.Import",
    ]


def test_a_broken_toml_template_fails_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[identity]\nvendor = "x\n', encoding="utf-8")
    with pytest.raises(TemplateError) as raised:
        load_template(bad)
    assert str(raised.value).startswith(f"{bad}: invalid TOML: ")
    assert "\n" not in str(raised.value)
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(AC_7KW_TOML.replace('current = "AC"', 'current = "XX"'), encoding="utf-8")
    with pytest.raises(TemplateError, match=r"\$\.connectors\[0\]\.current"):
        load_template(wrong)

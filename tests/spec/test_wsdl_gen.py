"""The XML schema and WSDL generators on their own, and the WSDL half of the drift check."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from ocpptk.spec import generate, v15, v16, wsdl_gen, xsd_gen
from ocpptk.spec.catalog import Role, Version, actions
from ocpptk.spec.model import Array, Boolean, Enum, Field, Integer, Number, Object, String
from ocpptk.spec.schemas import wsdl_path, wsdl_root
from ocpptk.spec.xsd_gen import Node, SchemaBuilder, render


def schema_text(*types: Object) -> str:
    builder = SchemaBuilder("urn:test")
    for data_type in types:
        builder.ref(data_type)
    return render(builder.schema())


def test_render_escapes_and_indents() -> None:
    node = Node("a", {"x": 'say "<hi>" & go'})
    node.add("b").text = "1 < 2 & 3"
    node.add("c", y="1")
    text = render(node, level=1)
    assert text.splitlines()[1:] == [
        "    <b>1 &lt; 2 &amp; 3</b>",
        '    <c y="1"/>',
        "  </a>",
    ]
    parsed = etree.fromstring(text)
    assert parsed.get("x") == 'say "<hi>" & go'
    assert parsed[0].text == "1 < 2 & 3"


def test_occurrences_follow_required_min_items_and_overrides() -> None:
    assert (
        xsd_gen.min_occurs(Field("a", Integer())),
        xsd_gen.max_occurs(Field("a", Integer())),
    ) == (
        0,
        1,
    )
    assert xsd_gen.min_occurs(Field("a", Integer(), required=True)) == 1
    assert xsd_gen.min_occurs(Field("a", Array(Integer()), required=True)) == 1
    assert xsd_gen.min_occurs(Field("a", Array(Integer(), min_items=2))) == 2
    assert xsd_gen.max_occurs(Field("a", Array(Integer()))) is None  # unbounded
    assert xsd_gen.max_occurs(Field("a", Array(Integer(), max_items=3))) == 3
    meter = actions(Version.V16)["MeterValues"].request.field("meterValue")
    assert (meter.required, xsd_gen.min_occurs(meter)) == (True, 0)  # the OCA WSDL's quirk
    assert xsd_gen.xml_name(v15.MeterValue.field("values")) == "value"


def test_xml_order_and_values_come_from_the_overlays() -> None:
    assert [f.name for f in xsd_gen.element_fields(v16.IdTagInfo)] == [
        "status",
        "expiryDate",
        "parentIdTag",
    ]
    assert [f.name for f in v16.IdTagInfo.fields] == ["expiryDate", "parentIdTag", "status"]
    assert xsd_gen.enum_values(v16.ChargingRateUnitType) == ("W", "A")
    assert v16.ChargingRateUnitType.values == ("A", "W")
    assert xsd_gen.enum_values(v16.RegistrationStatus) == v16.RegistrationStatus.values


def test_the_1_6_enumerations_keep_their_values_in_xml() -> None:
    """xml_values reorders; only UnitOfMeasure also changes the set (the Celsius quirk)."""
    for name in v16.__all__:
        data_type = getattr(v16, name)
        if isinstance(data_type, Enum) and data_type.xml_values is not None:
            if data_type is v16.UnitOfMeasure:
                assert set(data_type.values) - set(data_type.xml_values) == {"Celcius"}
                assert set(data_type.xml_values) == set(data_type.values) - {"Celcius"}
            else:
                assert sorted(data_type.xml_values) == sorted(data_type.values), name


def test_types_map_to_xml_schema() -> None:
    obj = Object(
        "T",
        (
            Field("i", Integer(), required=True),
            Field("b", Boolean()),
            Field("d", Number()),
            Field("one", Number(multiple_of=0.1, name="DecimalOne")),
            Field("at", String(format="date-time")),
            Field("uri", String(format="uri")),
            Field("s", String()),
            Field("short", String(5, name="Short")),
            Field("e", Enum("E", ("b", "a"), xml_values=("a", "b"))),
            Field("many", Array(String())),
        ),
    )
    text = schema_text(obj)
    for expected in (
        '<s:element name="i" type="s:int" minOccurs="1" maxOccurs="1"/>',
        '<s:element name="b" type="s:boolean" minOccurs="0" maxOccurs="1"/>',
        '<s:element name="d" type="s:decimal" minOccurs="0" maxOccurs="1"/>',
        '<s:element name="at" type="s:dateTime" minOccurs="0" maxOccurs="1"/>',
        '<s:element name="uri" type="s:anyURI" minOccurs="0" maxOccurs="1"/>',
        '<s:element name="many" type="s:string" minOccurs="0" maxOccurs="unbounded"/>',
        '<s:fractionDigits value="1"/>',
        '<s:maxLength value="5"/>',
    ):
        assert expected in text
    assert text.index('<s:enumeration value="a"/>') < text.index('<s:enumeration value="b"/>')
    etree.XMLSchema(
        etree.fromstring(
            text.replace("<s:schema", f'<s:schema xmlns:s="{xsd_gen.XS}" xmlns:tns="urn:test"', 1)
        )
    )


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (Object("T", (Field("x", String(5)),)), "needs a type name"),
        (Object("T", (Field("x", Number(multiple_of=0.1)),)), "needs a type name"),
        (Object("T", (Field("x", Number(multiple_of=0.25, name="Q")),)), "no fractionDigits"),
        (Object("T", (Field("x", String(format="uri", name="U")),)), "cannot have a format"),
        (Object("T", (Field("x", Array(Array(Integer()))),)), "not a type"),
        (Object("T", (Field("x", Integer()),), xml_order=("y",)), "does not list"),
        (Object("T", (Field("x", Object("I", ())),)), None),  # fine: a nested complex type
        (
            Object("T", (Field("x", Integer(), xml_node="text"), Field("y", Integer()))),
            "text content and child elements",
        ),
        (Object("T", (Field("x", Object("I", ()), xml_node="attribute"),)), "must be simple"),
        (
            Object(
                "T",
                (Field("x", Integer(), xml_node="text"), Field("y", Integer(), xml_node="text")),
            ),
            "more than one text",
        ),
        (
            Object("T", (Field("x", Enum("E", ("a",))), Field("y", Enum("E", ("b",))))),
            "two different definitions",
        ),
    ],
)
def test_what_xml_schema_cannot_say_is_refused(bad: Object, message: str | None) -> None:
    if message is None:
        schema_text(bad)
        return
    with pytest.raises(ValueError, match=message):
        schema_text(bad)


def test_anonymous_simple_content_with_attributes() -> None:
    text = schema_text(v15.MeterValue)
    assert '<s:element name="value" minOccurs="1" maxOccurs="unbounded">' in text
    assert '<s:extension base="s:string">' in text
    assert '<s:attribute name="unit" type="tns:UnitOfMeasure" use="optional"/>' in text
    assert 'name="MeterValueValue"' not in text


# -- Services ----------------------------------------------------------------------------------


def test_service_facts() -> None:
    counts = {
        (version, role): len(wsdl_gen.service_actions(version, role))
        for version in wsdl_gen.SOAP_VERSIONS
        for role in Role
    }
    assert counts == {
        (Version.V12, Role.CENTRAL_SYSTEM): 9,
        (Version.V12, Role.CHARGE_POINT): 9,
        (Version.V15, Role.CENTRAL_SYSTEM): 10,
        (Version.V15, Role.CHARGE_POINT): 15,
        (Version.V16, Role.CENTRAL_SYSTEM): 10,
        (Version.V16, Role.CHARGE_POINT): 19,
    }
    assert wsdl_gen.target_namespace(Version.V12, Role.CHARGE_POINT) == "urn://Ocpp/Cp/2010/08/"
    assert wsdl_gen.target_namespace(Version.V15, Role.CENTRAL_SYSTEM) == "urn://Ocpp/Cs/2012/06/"
    assert wsdl_gen.target_namespace(Version.V16, Role.CHARGE_POINT) == "urn://Ocpp/Cp/2015/10/"
    boot = actions(Version.V16)["BootNotification"]
    assert wsdl_gen.element_name(boot, True) == "bootNotificationRequest"
    assert wsdl_gen.element_name(boot, False) == "bootNotificationResponse"
    assert wsdl_gen.soap_action(boot) == "/BootNotification"
    assert wsdl_gen.output_action(Version.V16, boot) == "/BootNotificationResponse"
    assert wsdl_gen.output_action(Version.V12, actions(Version.V12)["BootNotification"]) is None
    assert (
        wsdl_gen.service_address(Role.CHARGE_POINT) == "http://localhost/Ocpp/ChargePointService/"
    )
    assert wsdl_gen.port_name(Role.CENTRAL_SYSTEM) == "CentralSystemServiceSoap12"
    with pytest.raises(ValueError, match="no SOAP"):
        wsdl_gen.wsdl_text(Version.V201, Role.CHARGE_POINT)


def test_wsdl_path_names_the_service() -> None:
    assert wsdl_path(Version.V16, Role.CENTRAL_SYSTEM) == (
        wsdl_root() / "1.6" / "CentralSystemService.wsdl"
    )
    assert wsdl_path(Version.V12, Role.CHARGE_POINT).name == "ChargePointService.wsdl"
    assert wsdl_root() == Path(__file__).resolve().parents[2] / "wsdl"


# -- The drift check for WSDLs -------------------------------------------------------------------


def test_write_then_check_wsdl(tmp_path: Path) -> None:
    assert len(generate.check_wsdl(tmp_path)) == 6  # all missing
    assert len(generate.write_wsdl(tmp_path)) == 6
    assert generate.check_wsdl(tmp_path) == []
    assert generate.write_wsdl(tmp_path) == []
    raw = (tmp_path / "1.6" / "ChargePointService.wsdl").read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<!--') and b"\r" not in raw


def test_wsdl_drift_is_listed_and_repaired(tmp_path: Path) -> None:
    generate.write_wsdl(tmp_path)
    (tmp_path / "1.5" / "CentralSystemService.wsdl").write_text("<x/>\n", encoding="utf-8")
    (tmp_path / "1.2" / "ChargePointService.wsdl").unlink()
    (tmp_path / "1.6" / "Old.wsdl").write_text("<x/>\n", encoding="utf-8")
    assert generate.check_wsdl(tmp_path) == [
        "1.2/ChargePointService.wsdl: missing",
        "1.5/CentralSystemService.wsdl: differs",
        "1.6/Old.wsdl: not generated",
    ]
    assert sorted(generate.write_wsdl(tmp_path)) == [
        "1.2/ChargePointService.wsdl: written",
        "1.5/CentralSystemService.wsdl: written",
        "1.6/Old.wsdl: removed",
    ]


def test_main_with_a_wsdl_root_only_touches_wsdls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wsdl_dir = tmp_path / "wsdl"
    assert generate.main(["--check", "--wsdl-root", str(wsdl_dir)]) == 1
    assert "1.6/CentralSystemService.wsdl: missing" in capsys.readouterr().out
    assert generate.main(["--wsdl-root", str(wsdl_dir)]) == 0
    assert generate.main(["--check", "--wsdl-root", str(wsdl_dir)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wsdl"]  # no schemas written


def test_main_with_both_roots(tmp_path: Path) -> None:
    roots = ["--root", str(tmp_path / "schemas"), "--wsdl-root", str(tmp_path / "wsdl")]
    assert generate.main(["--check", *roots]) == 1
    assert generate.main(roots) == 0
    assert generate.main(["--check", *roots]) == 0
    assert len(list((tmp_path / "schemas").rglob("*.json"))) == len(generate.expected_files())
    assert len(list((tmp_path / "wsdl").rglob("*.wsdl"))) == 6


def test_repository_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    assert generate.main(["--check"]) == 0
    assert capsys.readouterr().out == ""

"""Model -> JSON schema, and the generator that writes and checks ``schemas/``."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from ocpptk.spec import generate
from ocpptk.spec.catalog import Version, actions
from ocpptk.spec.jsonschema_gen import (
    DRAFT_04,
    action_schema,
    schema_id,
    schema_name,
    type_schema,
)
from ocpptk.spec.model import (
    Action,
    Array,
    Boolean,
    Direction,
    Enum,
    Field,
    Integer,
    Number,
    Object,
    String,
)

V16 = actions(Version.V16)


@pytest.mark.parametrize(
    ("data_type", "expected"),
    [
        (String(), {"type": "string"}),
        (String(20, name="CiString20Type"), {"type": "string", "maxLength": 20}),
        (String(format="date-time"), {"type": "string", "format": "date-time"}),
        (Enum("ResetType", ("Hard", "Soft")), {"type": "string", "enum": ["Hard", "Soft"]}),
        (Integer(), {"type": "integer"}),
        (Number(), {"type": "number"}),
        (Number(multiple_of=0.1), {"type": "number", "multipleOf": 0.1}),
        (Boolean(), {"type": "boolean"}),
        (Array(Integer()), {"type": "array", "items": {"type": "integer"}}),
        (
            Array(Boolean(), min_items=1, max_items=3),
            {"type": "array", "items": {"type": "boolean"}, "minItems": 1, "maxItems": 3},
        ),
        (
            Object("Empty"),
            {"type": "object", "properties": {}, "additionalProperties": False},
        ),
        (
            Object("Open", (Field("a", Integer(), required=True),), closed=False),
            {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
        ),
    ],
)
def test_type_schema(data_type: object, expected: dict[str, object]) -> None:
    assert type_schema(data_type) == expected  # type: ignore[arg-type]


def test_properties_and_required_keep_model_order() -> None:
    obj = Object(
        "Ordered",
        (
            Field("z", Integer(), required=True, example=1),
            Field("a", Integer()),
            Field("m", Integer(), required=True, example=1),
        ),
    )
    schema = type_schema(obj)
    assert list(schema) == ["type", "properties", "additionalProperties", "required"]
    assert list(schema["properties"]) == ["z", "a", "m"]
    assert schema["required"] == ["z", "m"]


def test_action_schema_document() -> None:
    act = Action(
        "Ping",
        Direction.BOTH,
        Object("PingRequest", (Field("n", Integer(), required=True, example=1),)),
        Object("PingResponse"),
    )
    request = action_schema(Version.V16, act, True)
    assert list(request) == [
        "$schema",
        "id",
        "title",
        "type",
        "properties",
        "additionalProperties",
        "required",
    ]
    assert request["$schema"] == DRAFT_04
    assert request["id"] == "urn:ocpptk:1.6:PingRequest" == schema_id(Version.V16, act, True)
    assert request["title"] == "PingRequest"
    response = action_schema(Version.V16, act, False)
    assert response["id"] == "urn:ocpptk:1.6:PingResponse"
    assert "required" not in response  # draft-04 forbids an empty list
    assert (schema_name(act, True), schema_name(act, False)) == ("Ping", "PingResponse")


@pytest.mark.parametrize("name", list(V16))
def test_every_generated_schema_is_valid_draft_04(name: str) -> None:
    for request in (True, False):
        jsonschema.Draft4Validator.check_schema(action_schema(Version.V16, V16[name], request))


def test_render_is_stable_text() -> None:
    text = generate.render({"b": 1, "a": ["é"]})
    assert text == '{\n  "b": 1,\n  "a": [\n    "é"\n  ]\n}\n'


def test_expected_files_cover_both_directions_of_every_action() -> None:
    files = generate.expected_files()
    assert len(files) == 140  # 1.2: 2 x 18, 1.5: 2 x 24, 1.6: 2 x 28
    assert "1.6/BootNotification.json" in files
    assert "1.6/BootNotificationResponse.json" in files
    assert json.loads(files["1.6/Heartbeat.json"])["title"] == "HeartbeatRequest"


def test_write_then_check(tmp_path: Path) -> None:
    assert len(generate.check(tmp_path)) == 140  # all missing
    written = generate.write(tmp_path)
    assert len(written) == 140
    assert generate.check(tmp_path) == []
    assert generate.write(tmp_path) == []  # nothing to do the second time
    raw = (tmp_path / "1.6" / "Reset.json").read_bytes()
    assert raw.endswith(b"}\n") and b"\r" not in raw and raw.startswith(b'{\n  "$schema"')


def test_check_lists_drift_and_write_repairs_it(tmp_path: Path) -> None:
    generate.write(tmp_path)
    (tmp_path / "1.6" / "Reset.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "1.6" / "Heartbeat.json").unlink()
    (tmp_path / "1.6" / "Obsolete.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "1.6" / "README.txt").write_text("not a schema\n", encoding="utf-8")
    assert generate.check(tmp_path) == [
        "1.6/Heartbeat.json: missing",
        "1.6/Reset.json: differs",
        "1.6/Obsolete.json: not generated",
    ]
    assert sorted(generate.write(tmp_path)) == [
        "1.6/Heartbeat.json: written",
        "1.6/Obsolete.json: removed",
        "1.6/Reset.json: written",
    ]
    assert generate.check(tmp_path) == []
    assert (tmp_path / "1.6" / "README.txt").exists()


def test_crlf_checkout_is_not_drift(tmp_path: Path) -> None:
    generate.write(tmp_path)
    path = tmp_path / "1.6" / "Reset.json"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert generate.check(tmp_path) == []


def test_main_check_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert generate.main(["--check", "--root", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "1.6/Authorize.json: missing" in captured.out
    assert "out of date" in captured.err
    assert generate.main(["--root", str(tmp_path)]) == 0
    assert generate.main(["--check", "--root", str(tmp_path)]) == 0

"""Our generated 1.6 schemas against the OCA originals, and the schema files on disk.

The OCA files in ``<repo>/../shared/ocpp-spec`` are the oracle and are only read here. Two
checks: the schemas are structurally the same (every keyword that affects validation), and a
corpus of payloads (examples plus mutations derived from both schemas) gets the same verdict
from both. jsonschema checks ``date-time`` and ``uri`` only when optional packages are
installed, so the tests register their own checkers: otherwise every format case would pass
under both schemas and prove nothing.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import ocpptk
from ocpptk.spec import generate, schemas
from ocpptk.spec.catalog import Version, actions
from ocpptk.spec.examples import example_payload
from ocpptk.spec.jsonschema_gen import action_schema, schema_name
from ocpptk.spec.schemas import load_schema, schema_root

REPO = Path(__file__).resolve().parents[2]
OCA_DIR = REPO.parent / "shared" / "ocpp-spec" / "json" / "1.6"
needs_oca = pytest.mark.skipif(
    not OCA_DIR.is_dir(), reason=f"OCA 1.6 schemas (the test oracle) not found at {OCA_DIR}"
)

V16 = Version.V16
CASES = [(act.name, request) for act in actions(V16).values() for request in (True, False)]
CASE_IDS = [schema_name(actions(V16)[name], request) for name, request in CASES]

# -- Format checking -------------------------------------------------------------------------

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$")


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        return False
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or bool(_URI.match(value))


def format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker()
    checker.checks("date-time")(_is_date_time)
    checker.checks("uri")(_is_uri)
    return checker


def validator(schema: dict[str, Any]) -> jsonschema.Draft4Validator:
    return jsonschema.Draft4Validator(schema, format_checker=format_checker())


def oca_schema(file_stem: str) -> dict[str, Any]:
    with (OCA_DIR / f"{file_stem}.json").open(encoding="utf-8-sig") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


def our_schema(name: str, request: bool) -> dict[str, Any]:
    return action_schema(V16, actions(V16)[name], request)


# -- Structure ---------------------------------------------------------------------------------

_KEYWORDS = ("type", "enum", "maxLength", "minItems", "maxItems", "multipleOf", "format")


def _keywords(node: dict[str, Any]) -> set[str]:
    keys = set(node) - {"$schema", "id", "title"}
    if node.get("type") != "object":
        keys.discard("additionalProperties")  # OCA puts it on enums, where it does nothing
    return keys


def structural_differences(ours: Any, oca: Any, where: str = "") -> list[str]:
    """Every difference that can change a validation verdict, with the path where it is."""
    at = where or "(root)"
    if _keywords(ours) != _keywords(oca):
        return [f"{at}: keywords {sorted(_keywords(ours))} != {sorted(_keywords(oca))}"]
    out = []
    for keyword in _KEYWORDS:
        if ours.get(keyword) != oca.get(keyword):
            out.append(f"{at}: {keyword} {ours.get(keyword)!r} != {oca.get(keyword)!r}")
    if ours.get("type") == "object":
        if ours.get("additionalProperties") != oca.get("additionalProperties"):
            out.append(f"{at}: additionalProperties differs")
        if set(ours.get("required", [])) != set(oca.get("required", [])):
            out.append(f"{at}: required {ours.get('required')} != {oca.get('required')}")
        if list(ours["properties"]) != list(oca["properties"]):
            out.append(f"{at}: properties {list(ours['properties'])} != {list(oca['properties'])}")
        for key in ours["properties"].keys() & oca["properties"].keys():
            prefix = f"{where}.{key}" if where else key
            out += structural_differences(ours["properties"][key], oca["properties"][key], prefix)
    if ours.get("type") == "array":
        out += structural_differences(ours["items"], oca["items"], f"{at}[]")
    return out


@needs_oca
def test_same_56_files_as_oca() -> None:
    oca_names = {path.stem for path in OCA_DIR.glob("*.json")}
    assert len(oca_names) == 56
    assert set(CASE_IDS) == oca_names


@needs_oca
@pytest.mark.parametrize(("name", "request_"), CASES, ids=CASE_IDS)
def test_same_structure_as_oca(name: str, request_: bool) -> None:
    ours = our_schema(name, request_)
    oca = oca_schema(schema_name(actions(V16)[name], request_))
    assert ours["$schema"] == oca["$schema"]
    assert ours["title"] == oca["title"]
    assert ours["id"] != oca["id"]  # our own id, never theirs
    assert structural_differences(ours, oca) == []


def test_structural_comparison_sees_a_changed_enum() -> None:
    """The comparison itself must not be vacuous."""
    ours = our_schema("BootNotification", False)
    broken = copy.deepcopy(ours)
    broken["properties"]["status"]["enum"].reverse()
    assert structural_differences(broken, ours) != []
    broken = copy.deepcopy(ours)
    broken["properties"]["status"]["additionalProperties"] = False  # the OCA no-op
    assert structural_differences(broken, ours) == []


# -- Payload corpus ----------------------------------------------------------------------------

_WRONG_TYPES: list[Any] = [None, "x", 7, 7.5, True, [], {}]
_DATE_TIMES = [
    "2026-01-01T00:00:00Z",
    "2026-06-30T23:59:59.123+02:00",
    "not-a-date",
    "2026-01-01",
    "2026-01-01T00:00:00",
    "2026-13-01T00:00:00Z",
    "2026-01-01 00:00:00Z",
]
_URIS = ["https://example.com/fw.bin", "ftp://host/dir/", "not a uri", "relative/path", ""]


def _enum_values(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        yield from node.get("enum", [])
        for value in node.values():
            yield from _enum_values(value)


@functools.cache
def every_enum_value() -> tuple[str, ...]:
    """Every enumeration value of every schema, ours and OCA's: an enum property is tried with
    all of them, so that a value one side lacks (StopTransaction's "Celsius") is exercised."""
    found = [v for name, request in CASES for v in _enum_values(our_schema(name, request))]
    if OCA_DIR.is_dir():
        found += [v for path in OCA_DIR.glob("*.json") for v in _enum_values(oca_schema(path.stem))]
    return tuple(dict.fromkeys(found))


def candidates(schema: dict[str, Any], current: Any) -> list[Any]:
    """Values to try for a property: wrong types, edges, every enum value, bad formats."""
    values = list(_WRONG_TYPES)
    kind = schema.get("type")
    if kind == "string":
        values += ["", "a", "a" * 1000]
        if "maxLength" in schema:
            values += ["a" * schema["maxLength"], "a" * (schema["maxLength"] + 1)]
        if "enum" in schema:
            enum = schema["enum"]
            values += [*every_enum_value(), "NotInEnum", enum[0].lower(), enum[0] + " "]
        if schema.get("format") == "date-time":
            values += _DATE_TIMES
        if schema.get("format") == "uri":
            values += _URIS
    elif kind == "integer":
        values += [0, -1, 2**31, 1.0, 1.5, "1"]
    elif kind == "number":
        values += [0, 16, 16.0, 16.1, 16.05, 0.3, -0.1, 1e20, "16"]
    elif kind == "boolean":
        values += [False, 0, "true"]
    elif kind == "array":
        items = schema["items"]
        values += [[], ["x"], [None]]
        if isinstance(current, list) and current:
            values += [current * 2, [*current, "x"]]
        if items.get("type") != "object":
            values += [[value] for value in candidates(items, None)]
        else:
            values += [[{}], [{"unexpectedProperty": 1}]]
    elif kind == "object":
        values += [{"unexpectedProperty": 1}]
    return values


def _set(payload: Any, path: list[Any], key: str, value: Any) -> Any:
    out = copy.deepcopy(payload)
    node = out
    for step in path:
        node = node[step]
    node[key] = copy.deepcopy(value)
    return out


def _drop(payload: Any, path: list[Any], key: str) -> Any:
    out = copy.deepcopy(payload)
    node = out
    for step in path:
        node = node[step]
    del node[key]
    return out


def mutations(schema: dict[str, Any], payload: Any, path: list[Any] | None = None) -> Iterator[Any]:
    """Payloads one change away from ``payload``, at every object node the payload reaches."""
    path = path or []
    node = payload
    for step in path:
        node = node[step]
    yield _set(payload, path, "unexpectedProperty", 1)
    for key in schema.get("required", []):
        if key in node:
            yield _drop(payload, path, key)
    for key, sub in schema["properties"].items():
        for value in candidates(sub, node.get(key)):
            yield _set(payload, path, key, value)
        if key not in node:
            continue
        if sub.get("type") == "object" and isinstance(node[key], dict):
            yield from mutations(sub, payload, [*path, key])
        if (
            sub.get("type") == "array"
            and sub["items"].get("type") == "object"
            and isinstance(node[key], list)
            and node[key]
        ):
            yield from mutations(sub["items"], payload, [*path, key, 0])


def corpus(name: str, request: bool, oca: dict[str, Any]) -> list[Any]:
    ours = our_schema(name, request)
    bases = [
        example_payload(V16, name, request),
        example_payload(V16, name, request, include_optional=True),
    ]
    seen: dict[str, Any] = {json.dumps(value): value for value in _WRONG_TYPES if value != {}}
    for base in bases:
        for payload in [base, *mutations(ours, base), *mutations(oca, base)]:
            seen.setdefault(json.dumps(payload, sort_keys=True), payload)
    return list(seen.values())


@needs_oca
@pytest.mark.parametrize(("name", "request_"), CASES, ids=CASE_IDS)
def test_same_verdicts_as_oca(name: str, request_: bool) -> None:
    oca = oca_schema(schema_name(actions(V16)[name], request_))
    ours_v, oca_v = validator(our_schema(name, request_)), validator(oca)
    payloads = corpus(name, request_, oca)
    verdicts = [(ours_v.is_valid(p), oca_v.is_valid(p)) for p in payloads]
    disagreements = [
        f"ours={o} oca={c}: {json.dumps(p)}"
        for p, (o, c) in zip(payloads, verdicts, strict=True)
        if o != c
    ]
    assert disagreements == [], "\n".join(disagreements[:20])
    assert any(valid for valid, _ in verdicts)
    assert sum(not valid for valid, _ in verdicts) >= 5  # the corpus really probes the schema


@needs_oca
@pytest.mark.parametrize("include_optional", [False, True], ids=["required", "optional"])
@pytest.mark.parametrize(("name", "request_"), CASES, ids=CASE_IDS)
def test_example_payload_is_valid_under_oca(
    name: str, request_: bool, include_optional: bool
) -> None:
    oca = oca_schema(schema_name(actions(V16)[name], request_))
    payload = example_payload(V16, name, request_, include_optional=include_optional)
    errors = [e.message for e in validator(oca).iter_errors(payload)]
    assert errors == []


@needs_oca
def test_corpus_reaches_the_stop_transaction_unit_quirk() -> None:
    """OCA's StopTransaction units lack the "Celsius" MeterValues has; the corpus must try it."""
    oca = oca_schema("StopTransaction")

    def unit(payload: Any) -> Any:
        try:
            return payload["transactionData"][0]["sampledValue"][0]["unit"]
        except (KeyError, IndexError, TypeError):
            return None

    celsius = [p for p in corpus("StopTransaction", True, oca) if unit(p) == "Celsius"]
    assert celsius
    assert not any(validator(oca).is_valid(p) for p in celsius)


def test_format_checkers_are_not_vacuous() -> None:
    schema = our_schema("Heartbeat", False)
    check = validator(schema)
    assert check.is_valid({"currentTime": "2026-01-01T00:00:00Z"})
    for bad in ("not-a-date", "2026-01-01T00:00:00", "2026-02-30T00:00:00Z"):
        assert not check.is_valid({"currentTime": bad})
    firmware = validator(our_schema("UpdateFirmware", True))
    good = example_payload(V16, "UpdateFirmware")
    assert firmware.is_valid(good)
    assert not firmware.is_valid({**good, "location": "not a uri"})


# -- The files on disk, and loading them ------------------------------------------------------


def test_files_on_disk_equal_generator_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert generate.check(generate.default_root()) == []
    assert generate.main(["--check"]) == 0
    assert capsys.readouterr().out == ""


def test_schema_root_is_the_repository_copy_in_a_checkout() -> None:
    assert schema_root() == REPO / "schemas"


def test_schema_root_prefers_the_installed_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed = tmp_path / "ocpptk" / "_data" / "schemas"
    installed.mkdir(parents=True)
    monkeypatch.setattr(ocpptk, "__file__", str(tmp_path / "ocpptk" / "__init__.py"))
    assert schema_root() == installed


@pytest.mark.parametrize(("name", "request_"), CASES, ids=CASE_IDS)
def test_load_schema_reads_the_generated_files(name: str, request_: bool) -> None:
    assert load_schema(V16, name, request_) == our_schema(name, request_)


def test_load_schema_caches_and_refuses_what_is_not_there() -> None:
    assert load_schema(V16, "Heartbeat", True) is load_schema(V16, "Heartbeat", True)
    assert load_schema(V16, "NoSuchAction", True) is None
    assert load_schema(V16, "../1.6/Heartbeat", True) is None
    assert load_schema(V16, "HeartbeatResponse", True) is None  # a response is no request
    assert load_schema(Version.V201, "Heartbeat", True) is None


def test_load_schema_reads_a_byte_order_mark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "1.6").mkdir()
    (tmp_path / "1.6" / "Heartbeat.json").write_bytes(b"\xef\xbb\xbf" + b'{"title": "bom"}')
    monkeypatch.setattr(schemas, "schema_root", lambda: tmp_path)
    schemas._available.cache_clear()
    schemas._read.cache_clear()
    try:
        assert load_schema(V16, "Heartbeat", True) == {"title": "bom"}
    finally:
        schemas._available.cache_clear()
        schemas._read.cache_clear()

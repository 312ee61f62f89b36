"""``ocpptk doc``: what it prints is real. The JSON frames parse as OCPP-J and their payloads
pass the version's schemas; the SOAP envelopes parse, carry the headers, and decode through the
codec to the example payloads; the output is the same on every run; errors are one line."""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cache

import pytest

from ocpptk import doc
from ocpptk.cli import SUBCOMMANDS
from ocpptk.cli import main as cli_main
from ocpptk.rpc.frames import Call, CallResult, parse
from ocpptk.rpc.validation import Validators
from ocpptk.soap.codec import codec
from ocpptk.soap.envelope import parse_envelope
from ocpptk.soap.xml import NS_SOAP12, WSA_ANONYMOUS, SoapVersion
from ocpptk.spec import wsdl_gen
from ocpptk.spec.catalog import Role, Version, actions
from ocpptk.spec.examples import example_payload
from ocpptk.spec.model import Direction
from ocpptk.spec.schemas import load_schema

VERSIONS = (Version.V12, Version.V15, Version.V16)
VALIDATORS = Validators(load_schema)


def run(*argv: str) -> tuple[int, str, str]:
    """``ocpptk.doc.main(argv)``: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = doc.main(list(argv))
    return code, out.getvalue(), err.getvalue()


# -- reading the output back -------------------------------------------------------------------


@dataclass
class Envelope:
    before: list[str]  # the lines between the previous block and this envelope
    text: str


@dataclass
class Section:
    heading: str
    lines: list[str] = field(default_factory=list)
    frames: list[str] = field(default_factory=list)
    envelopes: list[Envelope] = field(default_factory=list)


def sections(text: str) -> dict[str, Section]:
    """The printed actions by name, each with its JSON frames and XML envelopes as printed."""
    found: dict[str, Section] = {}
    current: Section | None = None
    block: list[str] | None = None
    kind = ""
    since: list[str] = []
    for line in text.splitlines():
        if block is not None:
            block.append(line)
            if kind == "json" and line.endswith("]") and not line.startswith(" "):
                assert current is not None
                current.frames.append("\n".join(block))
                block = None
            elif kind == "xml" and line == "</s:Envelope>":
                assert current is not None
                current.envelopes.append(Envelope(since, "\n".join(block)))
                block, since = None, []
            continue
        heading = re.fullmatch(r"== (\w+): (.*) ==", line)
        if heading:
            current = found[heading.group(1)] = Section(line)
            since = []
            continue
        if current is None:
            continue
        current.lines.append(line)
        if line.startswith("["):
            kind, block = "json", [line]
            if line.endswith("]"):
                current.frames.append(line)
                block = None
        elif line.startswith("<s:Envelope"):
            kind, block = "xml", [line]
        else:
            since.append(line)
    assert block is None, "a block was not closed"
    return found


@cache
def printed(version: Version, full: bool, *formats: str) -> dict[str, Section]:
    argv = ["--version", version.value, *(f"--{kind}" for kind in formats)]
    code, out, err = run(*argv, *(["--full"] if full else []))
    assert (code, err) == (0, "")
    return sections(out)


def cases(both_fills: bool = True) -> list[tuple[Version, str, bool]]:
    return [
        (version, name, full)
        for version in VERSIONS
        for name in actions(version)
        for full in ((False, True) if both_fills else (False,))
    ]


# -- JSON --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("version", "name", "full"), cases())
def test_json_frames_parse_and_their_payloads_validate(
    version: Version, name: str, full: bool
) -> None:
    section = printed(version, full, "json")[name]
    assert section.envelopes == []
    call_text, result_text = section.frames
    call, result = parse(call_text, version), parse(result_text, version)
    assert isinstance(call, Call)
    assert isinstance(result, CallResult)
    assert call.action == name
    assert call.unique_id == result.unique_id == doc.unique_id(version, actions(version)[name])
    assert VALIDATORS.check(version, name, True, call.payload) is None
    assert VALIDATORS.check(version, name, False, result.payload) is None
    assert call.payload == example_payload(version, name, True, include_optional=full)
    assert result.payload == example_payload(version, name, False, include_optional=full)
    assert f"OCPP-J ({version.subprotocol}) CALL" in "\n".join(section.lines)


@pytest.mark.parametrize("version", VERSIONS)
def test_unique_ids_are_short_readable_and_distinct(version: Version) -> None:
    ids = [doc.unique_id(version, act) for act in actions(version).values()]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"example-\d\d", unique) for unique in ids)


def test_a_frame_is_laid_out_but_stays_one_json_value() -> None:
    act = actions(Version.V16)["Heartbeat"]
    call, result = doc.json_frames(Version.V16, act)
    assert doc.format_frame(call) == '[2, "example-15", "Heartbeat", {}]'
    boot = actions(Version.V16)["BootNotification"]
    call, result = doc.json_frames(Version.V16, boot)
    assert doc.format_frame(call).splitlines() == [
        '[2, "example-02", "BootNotification", {',
        '  "chargePointVendor": "ocpptk",',
        '  "chargePointModel": "Simulator"',
        "}]",
    ]
    assert json.loads(doc.format_frame(result)) == result.to_json()


# -- SOAP --------------------------------------------------------------------------------------


def header_lines(envelope: Envelope) -> dict[str, str]:
    return {
        key: value
        for key, _, value in (line.partition(": ") for line in envelope.before)
        if key == "Content-Type"
    } | {"first": next(line for line in envelope.before if line.startswith(("POST", "HTTP")))}


@pytest.mark.parametrize(("version", "name", "full"), cases())
def test_soap_envelopes_parse_and_decode_to_the_examples(
    version: Version, name: str, full: bool
) -> None:
    act = actions(version)[name]
    section = printed(version, full, "soap")[name]
    assert section.frames == []
    senders = doc.senders(act)
    assert len(section.envelopes) == 2 * len(senders)
    request_payload = example_payload(version, name, True, include_optional=full)
    response_payload = example_payload(version, name, False, include_optional=full)
    for index, sender in enumerate(senders):
        request_text = section.envelopes[2 * index]
        response_text = section.envelopes[2 * index + 1]
        service = codec(version, sender.peer)

        request = parse_envelope(request_text.text.encode("utf-8"))
        assert request.soap_version is SoapVersion.SOAP12
        assert request.body is not None
        assert service.check_body(request.body) is None
        assert service.read_body(request.body) == (name, True, request_payload, True)
        assert service.identity(request) == doc.CHARGE_POINT_ID
        (identity,) = request.headers
        assert identity.tag == f"{{{service.namespace}}}chargeBoxIdentity"
        url = doc.CENTRAL_SYSTEM_URL if sender is Role.CHARGE_POINT else doc.CHARGE_POINT_URL
        addressing = request.addressing
        assert addressing.action == f"/{name}"
        assert addressing.message_id == doc.message_id(version, act, sender, True)
        assert addressing.to == url
        assert addressing.reply_to == WSA_ANONYMOUS
        assert addressing.from_address == (
            doc.CHARGE_POINT_URL if sender is Role.CHARGE_POINT else None
        )
        assert header_lines(request_text) == {
            "first": f"POST {url}",
            "Content-Type": f'application/soap+xml; charset=utf-8; action="/{name}"',
        }

        response = parse_envelope(response_text.text.encode("utf-8"))
        assert response.fault is None
        assert response.body is not None
        assert response.headers == []  # no chargeBoxIdentity on a response
        assert service.check_body(response.body) is None
        assert service.read_body(response.body) == (name, False, response_payload, True)
        assert response.addressing.relates_to == addressing.message_id
        assert response.addressing.message_id == doc.message_id(version, act, sender, False)
        assert response.addressing.action == f"/{name}Response"
        assert header_lines(response_text) == {
            "first": "HTTP 200",
            "Content-Type": f'application/soap+xml; charset=utf-8; action="/{name}Response"',
        }
        assert VALIDATORS.check(version, name, True, request_payload) is None
        assert VALIDATORS.check(version, name, False, response_payload) is None


def test_message_ids_are_uuids_and_distinct() -> None:
    for version in VERSIONS:
        ids = [
            doc.message_id(version, act, sender, request)
            for act in actions(version).values()
            for sender in Role
            for request in (True, False)
        ]
        assert len(set(ids)) == len(ids)
        uuid = r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}"
        assert all(re.fullmatch(uuid, one) for one in ids)


def test_data_transfer_goes_to_both_services() -> None:
    act = actions(Version.V15)["DataTransfer"]
    assert act.direction is Direction.BOTH
    section = printed(Version.V15, False, "soap")["DataTransfer"]
    namespaces = [
        parse_envelope(envelope.text.encode()).body.tag.partition("}")[0][1:]  # type: ignore[union-attr]
        for envelope in section.envelopes
    ]
    cs = wsdl_gen.target_namespace(Version.V15, Role.CENTRAL_SYSTEM)
    cp = wsdl_gen.target_namespace(Version.V15, Role.CHARGE_POINT)
    assert namespaces == [cs, cs, cp, cp]
    assert section.heading == (
        "== DataTransfer: both directions, CentralSystemService and ChargePointService =="
    )


# -- what is printed, and when -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "frames", "envelopes"),
    [(Version.V12, 2, 2), (Version.V15, 2, 2), (Version.V16, 2, 0)],
)
def test_default_formats(version: Version, frames: int, envelopes: int) -> None:
    code, out, _ = run("--version", version.value, "Authorize")
    assert code == 0
    section = sections(out)["Authorize"]
    assert (len(section.frames), len(section.envelopes)) == (frames, envelopes)


def test_both_flags_give_both_and_the_default_version_is_1_6() -> None:
    code, out, _ = run("Heartbeat", "--json", "--soap")
    assert code == 0
    section = sections(out)["Heartbeat"]
    assert (len(section.frames), len(section.envelopes)) == (2, 2)
    assert "ocpp1.6" in out
    assert wsdl_gen.target_namespace(Version.V16, Role.CENTRAL_SYSTEM) in out


def test_the_output_is_the_same_on_every_run() -> None:
    first = run("--version", "1.5", "--full")
    doc_module_render = doc.render(Version.V15, formats=["json", "soap"], full=True)
    assert first == run("--version", "1.5", "--full")
    assert first[1] == doc_module_render


def test_every_action_is_labelled_with_direction_and_service() -> None:
    for version in VERSIONS:
        found = printed(version, False, "json")
        assert list(found) == list(actions(version))
        for name, act in actions(version).items():
            direction = {
                Direction.CP_TO_CS: "charge point -> central system",
                Direction.CS_TO_CP: "central system -> charge point",
                Direction.BOTH: "both directions",
            }[act.direction]
            service = {
                Direction.CP_TO_CS: "CentralSystemService",
                Direction.CS_TO_CP: "ChargePointService",
                Direction.BOTH: "CentralSystemService and ChargePointService",
            }[act.direction]
            assert found[name].heading == f"== {name}: {direction}, {service} =="


def test_one_action_in_any_case() -> None:
    code, out, _ = run("--version", "ocpp1.6", "bootnotification")
    assert code == 0
    assert out.startswith("== BootNotification: charge point -> central system")
    assert list(sections(out)) == ["BootNotification"]
    assert out == run("--version", "16", "BOOTNOTIFICATION")[1]


def test_the_whole_version_starts_with_a_summary() -> None:
    code, out, _ = run("--version", "1.2")
    assert code == 0
    assert out.splitlines()[0] == (
        "OCPP 1.2: 18 actions, as OCPP-J frames (ocpp1.2) and SOAP 1.2 envelopes; "
        "required fields only (--full: all)."
    )


def test_full_adds_the_optional_fields() -> None:
    short = printed(Version.V16, False, "json")["BootNotification"].frames[0]
    full = printed(Version.V16, True, "json")["BootNotification"].frames[0]
    assert "chargePointSerialNumber" not in short
    assert "chargePointSerialNumber" in full


@pytest.mark.parametrize("version", VERSIONS)
def test_list(version: Version) -> None:
    code, out, err = run("--version", version.value, "--list")
    assert (code, err) == (0, "")
    head, *rows = out.splitlines()
    assert head.startswith(f"OCPP {version.value}: {len(actions(version))} actions (")
    assert [row.split()[0] for row in rows] == list(actions(version))
    boot = next(row for row in rows if row.startswith("BootNotification "))
    assert "charge point -> central system" in boot
    assert boot.endswith("CentralSystemService")
    assert ("Core" in boot) is (version is Version.V16)


# -- errors and exit codes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--version", "1.7"], "unknown OCPP version '1.7' (choose from 1.2, 1.5, 1.6)"),
        (["--version", "2.0.1"], "OCPP 2.0.1 has no actions in ocpptk (choose from 1.2, 1.5, 1.6)"),
        (["--version", "1.5", "Fly"], "OCPP 1.5 has no action 'Fly' (choose from Authorize, "),
        (["--version", "1.2", "reservenow"], "it is an action of OCPP 1.5, 1.6 (choose from "),
        (["--list", "Heartbeat"], "--list lists every action"),
        (["--bogus"], "unrecognized arguments: --bogus (see 'ocpptk doc --help')"),
        (["--version"], "argument --version: expected one argument"),
    ],
)
def test_a_bad_command_line_is_one_line_and_exit_2(argv: list[str], message: str) -> None:
    code, out, err = run(*argv)
    assert code == 2
    assert out == ""
    assert err.startswith("Error: ocpptk doc: ")
    assert err.endswith("\n")
    assert err.count("\n") == 1
    assert message in err


def test_the_choices_listed_are_the_versions_actions() -> None:
    _, _, err = run("--version", "1.2", "Fly")
    listed = err.rstrip().rpartition("(choose from ")[2].rstrip(")").split(", ")
    assert listed == list(actions(Version.V12))


def test_an_example_that_fails_its_checks_is_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doc, "example_payload", lambda *_, **__: {"idTag": 42})
    code, out, err = run("--version", "1.6", "Authorize")
    assert (code, out) == (1, "")
    assert err.startswith("Error: ocpptk doc: the example of Authorize is invalid: ")
    assert err.count("\n") == 1


def test_help_is_exit_0() -> None:
    code, out, _ = run("--help")
    assert code == 0
    assert "usage: ocpptk doc" in out


def test_through_the_ocpptk_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert "doc" in SUBCOMMANDS
    assert cli_main(["doc", "--version", "1.5", "Heartbeat", "--soap"]) == 0
    out = capsys.readouterr().out
    assert f'<s:Envelope xmlns:s="{NS_SOAP12}"' in out
    assert cli_main(["doc", "--version", "9"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert cli_main(["doc", "--help"]) == 0


def test_a_closed_pipe_is_no_error() -> None:
    """``ocpptk doc | head``: the reader goes away; no traceback, exit 0."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ocpptk.cli", "doc", "--version", "1.5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # before the child, still importing, writes anything
    error = process.stderr.read()
    assert process.wait(timeout=60) == 0
    assert error == b""

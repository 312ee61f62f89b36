"""The console end to end: a central system and a charge point on 127.0.0.1, both started by
the console's own commands, talking through real WebSockets."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from ocpptk.rpc.validation import ValidationMode
from ocpptk.spec.catalog import Role, Version, actions
from ocpptk.transport.link import OcppLink
from tests.console.conftest import Console


def result_of(out: str, action: str) -> dict[str, object]:
    found = re.search(rf"^{action} result(?: from \S+)?: (.*)$", out, re.MULTILINE)
    assert found, out
    payload: dict[str, object] = json.loads(found.group(1))
    return payload


def test_start_cs_prints_the_url_and_status_shows_the_link(linked: Console) -> None:
    out = linked.ok("status")
    assert "central system on 127.0.0.1:" in out
    assert "CP1: connected, ocpp1.6" in out
    assert re.search(r"charge point CP1: connected to ws://127\.0\.0\.1:\d+/CP1 \(ocpp1\.6\)", out)


def test_bootnotification_sends_the_fields_and_prints_the_answer(linked: Console) -> None:
    out = linked.ok('bootnotification chargePointVendor="DBT" chargePointModel=X')
    sent = re.search(r'cp#CP1: >>cs (\[2,.*"BootNotification".*\])', out)
    assert sent, out
    assert json.loads(sent.group(1))[3] == {"chargePointVendor": "DBT", "chargePointModel": "X"}
    assert result_of(out, "BootNotification")["status"] == "Accepted"
    # the frames came before the answer's line: the command waited for the exchange
    assert out.index("cs: >>cp#CP1 [3,") < out.index("BootNotification result")


def test_nested_and_json_fields(linked: Console) -> None:
    out = linked.ok(
        'metervalues connectorId=1 meterValue=\'[{"timestamp": "2026-01-01T00:00:00Z", '
        '"sampledValue": [{"value": "12"}]}]\''
    )
    found = re.search(r'cp#CP1: >>cs (\[2,"[^"]*","MeterValues",.*\])', out)
    assert found, out  # (the charge point's own StatusNotifications may come first)
    sent = json.loads(found.group(1))
    assert sent[3]["meterValue"][0]["sampledValue"] == [{"value": "12"}]
    assert result_of(out, "MeterValues") == {}


def test_remote_action_from_the_central_system(linked: Console) -> None:
    out = linked.ok("remote_reset type=Soft")
    assert "cs: >>cp#CP1 [2," in out and '"Reset",{"type":"Soft"}]' in out
    assert result_of(out, "Reset") == {"status": "Accepted"}
    assert "Reset result from CP1" in out


def test_remote_start_transaction_with_a_remote_id(linked: Console) -> None:
    out = linked.ok("remote_remotestarttransaction idTag=TAG42 --remote-id CP1")
    assert result_of(out, "RemoteStartTransaction")["status"] in ("Accepted", "Rejected")


def test_datatransfer_goes_both_ways(linked: Console) -> None:
    assert "status" in result_of(linked.ok("datatransfer vendorId=X data='a > b'"), "DataTransfer")
    assert "status" in result_of(linked.ok("remote_datatransfer vendorId=X"), "DataTransfer")


def test_send_a_custom_call_gets_not_implemented(linked: Console) -> None:
    out = linked.ok("send FooBar {}")
    assert '"FooBar",{}]' in out
    assert "FooBar error: NotImplemented:" in out


def test_send_an_invalid_payload_on_purpose(linked: Console) -> None:
    out = linked.ok('send Authorize {"idTag": 12} --id CP1')
    assert '"Authorize",{"idTag":12}]' in out
    assert "Authorize error: TypeConstraintViolation" in out


def test_remote_send(linked: Console) -> None:
    out = linked.ok('remote_send Reset \'{"type": "Sideways"}\'')
    assert "Reset error from CP1: PropertyConstraintViolation" in out


def test_send_raw_waits_for_the_answer_to_a_raw_call(linked: Console) -> None:
    out = linked.ok('send_raw [2,"raw-1","Heartbeat",{}]')
    assert 'cp#CP1: >>cs [2,"raw-1","Heartbeat",{}]' in out
    assert "answer to raw CALL raw-1: CALLRESULT" in out


def test_send_raw_quoted_and_broken_text(linked: Console) -> None:
    out = linked.ok('send_raw "[2, \\"raw-2\\", \\"Heartbeat\\", {}]"')
    assert 'cp#CP1: >>cs [2, "raw-2", "Heartbeat", {}]' in out
    assert "answer to raw CALL raw-2" in out
    linked.ok('send_raw \'[2, "x", "Heartbeat"\'')
    linked.wait_for(r'cs: >>cp#CP1 \[4,"-1","FormationViolation"')


def test_remote_send_raw(linked: Console) -> None:
    out = linked.ok('remote_send_raw [2,"raw-3","ClearCache",{}]')
    assert "answer from CP1 to raw CALL raw-3: CALLRESULT" in out


def test_pings_print_the_round_trip(linked: Console) -> None:
    assert re.search(
        r"pong from the central system to CP1 in [\d.]+ ms", linked.ok("websocket_ping_cp")
    )
    assert re.search(r"pong from CP1 in [\d.]+ ms", linked.ok("websocket_ping_cs --remote-id CP1"))


def test_set_cs_ping_interval_changes_the_link(linked: Console) -> None:
    out = linked.ok("set cs websocket_ping_interval=120")
    assert "websocket_ping_interval=120" in out
    cs = linked.app.central_system
    assert cs is not None
    link = cs.link("CP1")
    assert isinstance(link, OcppLink)
    assert link.ping_interval == 120
    assert cs.options.ping_interval == 120
    linked.ok("set cs websocket_ping_interval=0 --remote-id CP1")
    assert link.ping_interval == 0
    assert cs.options.ping_interval == 120


def test_set_cp_validation_per_direction(linked: Console) -> None:
    cp = linked.app.charge_points["CP1"]
    assert cp.link is not None
    linked.ok("set cp validation=warn")
    assert cp.link.connection.incoming is ValidationMode.WARN
    assert cp.link.connection.outgoing is ValidationMode.WARN
    linked.ok("set cp validation_out=off --id CP1")
    connection = cp.link.connection
    assert connection.outgoing.value == "off"
    assert cp.link.connection.incoming is ValidationMode.WARN
    out = linked.ok("set cp")
    assert "validation_in=warn validation_out=off" in out


def test_set_cs_validation_in(linked: Console) -> None:
    linked.ok("set cs validation_in=off")
    cs = linked.app.central_system
    assert cs is not None
    assert cs.server.links["CP1"].connection.incoming is ValidationMode.OFF
    assert cs.options.incoming is ValidationMode.OFF


def test_set_print_frames_false_silences_the_frames(linked: Console) -> None:
    linked.ok("set cp print_frames=false")
    out = linked.ok("heartbeat")
    assert "cp#CP1: >>cs" not in out
    assert "cs: <<cp#CP1" in out
    assert "Heartbeat result" in out


def test_set_errors_are_one_line(linked: Console) -> None:
    for line, message in [
        ("set cs nonsense=1", "nonsense is not a setting of set cs"),
        ("set cs websocket_ping_interval=-3", "websocket_ping_interval"),
        ("set cp validation=maybe", "strict, warn or off"),
        ("set cs print_frames=false --remote-id CP1", "drop --remote-id"),
        ("set cp websocket_ping_interval=1 --id CP9", "no charge point 'CP9'"),
        ("set cs websocket_ping_interval", "is not field=value"),
    ]:
        result = linked.run(line)
        assert result.failed, line
        assert message in result.err, (line, result.err)
        assert result.err.count("\n") == 1, result.err


def test_cmd2_set_still_works(console: Console) -> None:
    console.ok("set debug true")
    assert console.app.debug is True
    assert "debug" in console.ok("set")
    result = console.run("set nosuchthing 1")
    assert result.failed


def test_invalid_payload_is_not_sent_and_the_error_names_the_field(linked: Console) -> None:
    result = linked.run("bootnotification chargePointVendor=123456789012345678901234")
    assert result.failed
    assert "not sent" in result.err and "chargePointVendor" in result.err
    assert ">>cs" not in result.out
    assert result.err.count("\n") == 1


def test_unknown_field_warns_then_the_schema_refuses(linked: Console) -> None:
    result = linked.run("bootnotification foo=1")
    assert "Warning: bootnotification: BootNotification has no field 'foo'" in result.err
    assert "not sent: BootNotification: foo is not a field of payload" in result.err


def test_unknown_field_with_validation_off_reaches_the_peer(linked: Console) -> None:
    linked.ok("set cp validation_out=off")
    result = linked.run("bootnotification foo=1")
    assert not result.failed  # a CALLERROR is an answer, not a failure
    assert "BootNotification error: FormationViolation" in result.out


def test_bad_field_token_names_it(linked: Console) -> None:
    result = linked.run("heartbeat oops")
    assert result.failed
    assert result.err.strip() == (
        "Error: heartbeat: 'oops' is not field=value (for example chargePointVendor=ACME)"
    )


def test_several_charge_points_need_an_id(linked: Console) -> None:
    cs = linked.app.central_system
    assert cs is not None
    linked.ok(f"start_cp {cs.url} CP2")
    result = linked.run("heartbeat")
    assert result.failed and "say which with --id" in result.err
    assert "Heartbeat result" in linked.ok("heartbeat --id CP2")
    result = linked.run("remote_clearcache")
    assert result.failed and "--remote-id" in result.err
    assert "ClearCache result from CP2" in linked.ok("remote_clearcache --remote-id CP2")
    linked.ok("stop_cp --id CP2")
    linked.wait_for("cs: CP2 disconnected")
    assert "Heartbeat result" in linked.ok("heartbeat")


def test_wait_for_cp(linked: Console) -> None:
    assert "CP1 is connected (ocpp1.6)" in linked.ok("wait_for_cp CP1 --timeout 5")
    result = linked.run("wait_for_cp NOPE --timeout 0.05")
    assert result.failed and "charge point NOPE is not connected after 0.05 s" in result.err


def test_stop_cs_disconnects_the_charge_point(linked: Console) -> None:
    linked.ok("stop_cs")
    linked.wait_for(r"cp#CP1: disconnected from the central system \(code 1001")
    result = linked.run("heartbeat")
    assert result.failed and "not connected" in result.err
    assert "disconnected from" in linked.ok("status")
    result = linked.run("remote_reset type=Soft")
    assert result.failed and "no central system is running" in result.err


def test_start_cp_connection_failure_is_one_line(console: Console) -> None:
    result = console.run("start_cp ws://127.0.0.1:1/ CP1")
    assert result.failed
    assert result.err.startswith("Error: start_cp: cannot connect: ws://127.0.0.1:1/CP1")
    assert result.err.count("\n") == 1
    assert console.app.charge_points == {}


def test_other_protocols_are_refused_in_one_line(console: Console) -> None:
    for line in (
        "start_cs 0 -p ocpp1.6,ocpp2.0.1",
        "start_cp ws://127.0.0.1:9/ CP1 -p 2.0.1",
        "start_cp http://127.0.0.1:9/ CP1 -p ocpp2.0.1",
    ):
        result = console.run(line)
        assert result.failed
        assert "ocpp2.0.1 is not supported (supported: ocpp1.2, ocpp1.5, ocpp1.6)" in result.err
        assert result.err.count("\n") == 1
    result = console.run("start_cs 0 -p ocpp9")
    assert result.failed and "unknown protocol 'ocpp9'" in result.err


def test_basic_auth(console: Console) -> None:
    out = console.ok("start_cs 0 --host 127.0.0.1 --basic-auth CP1:secret CP2:other")
    url = re.search(r"start_cp (\S+) CP001", out).group(1)  # type: ignore[union-attr]
    result = console.run(f"start_cp {url} CP1 --basic-auth wrong")
    assert result.failed and "401" in result.err
    console.ok(f"start_cp {url} CP1 --basic-auth secret")
    console.ok(f"start_cp {url} CP2 --basic-auth CP2:other")


def test_log_file_gets_json_lines(console: Console, tmp_path: Path) -> None:
    log = tmp_path / "cs.jsonl"
    out = console.ok(f"start_cs 0 --host 127.0.0.1 --log {log}")
    url = re.search(r"start_cp (\S+) CP001", out).group(1)  # type: ignore[union-attr]
    console.ok(f"start_cp {url} CP1")
    console.ok("heartbeat")
    console.ok("stop_cs")
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert any(r.get("frame", "").startswith("[2,") and "Heartbeat" in r["frame"] for r in records)


def test_response_timeout_from_start_cp(console: Console) -> None:
    out = console.ok("start_cs 0 --host 127.0.0.1")
    url = re.search(r"start_cp (\S+) CP001", out).group(1)  # type: ignore[union-attr]
    console.ok(f"start_cp {url} CP1 --timeout 7 -i 0")
    cp = console.app.charge_points["CP1"]
    assert isinstance(cp.link, OcppLink)
    assert cp.link.response_timeout == 7
    assert cp.link.ping_interval == 0


def test_every_action_has_its_command(console: Console) -> None:
    commands = set(console.app.get_all_commands())
    for act in actions(Version.V16).values():
        if Role.CHARGE_POINT.may_send(act):
            assert act.name.lower() in commands
        if Role.CENTRAL_SYSTEM.may_send(act):
            assert "remote_" + act.name.lower() in commands
    assert {"remote_datatransfer", "datatransfer"} <= commands


def test_every_action_from_both_sides(linked: Console) -> None:
    """Each generated command sends a payload its peer accepts or answers with a CALLERROR:
    no command fails locally, none hangs."""
    linked.ok("bootnotification")
    for act in actions(Version.V16).values():
        if Role.CHARGE_POINT.may_send(act):
            out = linked.ok(act.name.lower())
            assert f"{act.name} result" in out or f"{act.name} error" in out, out
        if Role.CENTRAL_SYSTEM.may_send(act):
            out = linked.ok(f"remote_{act.name.lower()}")
            assert f"{act.name} result from CP1" in out or f"{act.name} error from CP1" in out


def test_help_lists_the_categories_and_documents_fields(console: Console) -> None:
    out = console.ok("help")
    for category in ("Central system", "Charge point", "Console"):
        assert category in out
    out = console.ok("help bootnotification")
    assert "Usage: bootnotification [FIELD=VALUE ...] [--id CP]" in out
    assert "chargePointVendor*" in out and "CiString20Type" in out
    out = console.ok("help remote_reset")
    assert "--remote-id CP" in out and "type*" in out
    assert "field=value" in console.ok("help fields")
    assert "set cs" in console.ok("help set")


def test_prompt_names_what_runs(linked: Console) -> None:
    linked.app.pre_prompt()
    assert re.fullmatch(r"ocpptk\(cs:\d+ cp:CP1\)> ", linked.app.prompt)


@pytest.mark.parametrize(
    "line",
    [
        "bootnotifcation",
        "start_cp",
        "start_cs notaport",
        "start_cs 0 --validation sometimes",
        "heartbeat x",
        "heartbeat --id",
        "heartbeat --timeout abc",
        'heartbeat x="open',
        "send",
        "send FooBar {not json",
        "send_raw",
        "remote_reset type=Soft",
        "remote_send FooBar {}",
        "websocket_ping_cs",
        "websocket_ping_cp --id nobody",
        "stop_cp",
        "stop_cs",
        "wait_for_cp",
        "wait abc",
        "set cs websocket_ping_interval=1",
        "set cp",
        "status extra",
        "help nosuchcommand",
    ],
)
def test_typos_give_one_line_and_no_traceback(console: Console, line: str) -> None:
    result = console.run(line)
    assert result.failed, line
    assert "Traceback" not in result.err + result.out
    assert result.err.count("\n") == 1, result.err


def test_an_unexpected_error_is_one_line_with_a_hint(
    console: Console, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(verbose: bool) -> str:
        raise RuntimeError("kaput")

    monkeypatch.setattr(console.app, "_status_text", broken)
    result = console.run("status")
    assert result.failed
    assert result.err.strip() == (
        "Error: status: unexpected RuntimeError: kaput (run 'set debug true' to see the traceback)"
    )
    console.ok("set debug true")
    result = console.run("status")
    assert "Traceback" in result.err


def test_run_lines_exit_codes(console: Console) -> None:
    assert console.app.run_lines(["# a comment", "", "status"], echo=False) == 0
    assert console.app.run_lines(["bogus", "status"], echo=False) == 1


def test_run_lines_stop_on_error(console: Console) -> None:
    console.app.stop_on_error = True
    assert console.app.run_lines(["bogus", "status"], echo=True) == 1
    out = console.output()
    assert "ocpptk> bogus" in out and "ocpptk> status" not in out


def test_quit_stops_a_script(console: Console) -> None:
    assert console.app.run_lines(["quit", "bogus"], echo=False) == 0


@pytest.fixture
def silent_url(console: Console) -> str:
    """A WebSocket server that accepts ocpp1.6 and never answers, on the console's loop."""
    from websockets.asyncio.server import ServerConnection, serve

    async def ignore(websocket: ServerConnection) -> None:
        async for _ in websocket:
            pass

    async def start() -> int:
        server = await serve(ignore, "127.0.0.1", 0, subprotocols=["ocpp1.6"])  # type: ignore[list-item]
        return int(next(iter(server.sockets)).getsockname()[1])

    return f"ws://127.0.0.1:{console.app.run(start())}/"


def test_no_answer_in_time_is_a_failure(console: Console, silent_url: str) -> None:
    console.ok(f"start_cp {silent_url} CPX --no-boot")  # the boot would wait for an answer too
    result = console.run("heartbeat --timeout 0.1")
    assert result.failed
    assert result.err.strip() == "Error: heartbeat: no answer to Heartbeat within 0.1 s"


def test_a_call_behind_another_says_it_waits(
    console: Console, silent_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ocpptk.console.exchange.QUEUE_NOTICE", 0.05)
    console.ok(f"start_cp {silent_url} CPX -i 0 --no-boot")
    console.ok("set cp response_timeout=1")
    cp = console.app.charge_points["CPX"]
    link = cp.link
    assert link is not None
    console.app.in_loop(lambda: console.app.loop.loop.create_task(link.call("Heartbeat", {})))
    deadline = time.monotonic() + 10
    while link.connection.in_flight is None:  # the task has put its CALL on the wire
        assert time.monotonic() < deadline
        time.sleep(0.005)
    result = console.run("authorize --timeout 0.1")
    assert "Warning: Authorize waits until an earlier CALL is answered" in result.err
    assert "Error: authorize: no answer to Authorize within 0.1 s" in result.err

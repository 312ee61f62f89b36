"""The console over SOAP and for OCPP 1.2 and 1.5: a SOAP central system and SOAP charge points
in one console, a JSON 1.5 charge point over WebSocket, one central system serving both
transports, and the one-line errors of what a transport or a version does not have. Everything
runs on 127.0.0.1 with ports picked by the system."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from ocpptk.console.central_system import _soap_port
from ocpptk.console.charge_point import _soap_plan
from ocpptk.console.parsers import start_cp_parser, start_cs_parser
from ocpptk.rpc.validation import ValidationMode
from ocpptk.spec.catalog import Role, Version, actions
from ocpptk.transport.soap import SoapLink
from tests.console.conftest import Console
from tests.console.processes import Server

VERSIONS = [Version.V12, Version.V15, Version.V16]
ENVELOPE = re.compile(
    r"^\s+<s:Envelope xmlns:s=\"http://www\.w3\.org/2003/05/soap-envelope\"", re.M
)


def result_of(out: str, action: str) -> dict[str, object]:
    found = re.search(rf"^{action} result(?: from \S+)?: (.*)$", out, re.MULTILINE)
    assert found, out
    payload: dict[str, object] = json.loads(found.group(1))
    return payload


def url_of(out: str, scheme: str) -> str:
    found = re.search(rf"start_cp ({scheme}://127\.0\.0\.1:\d+/) CP001", out)
    assert found, out
    return found.group(1)


def ids(version: Version) -> str:
    return "CP" + version.value.replace(".", "")


@pytest.fixture
def soap_cs(console: Console) -> str:
    """A SOAP central system accepting 1.2, 1.5 and 1.6; its service URL."""
    out = console.ok("start_cs 0 --host 127.0.0.1 -t soap -p ocpp1.2,ocpp1.5,ocpp1.6")
    assert "central system listening on 127.0.0.1:" in out and "(SOAP)" in out
    return url_of(out, "http")


@pytest.fixture(params=VERSIONS, ids=[f"ocpp{v.value}" for v in VERSIONS])
def soap_pair(request: pytest.FixtureRequest, console: Console, soap_cs: str) -> Console:
    """That central system and a SOAP charge point of each version, booted (the central
    system knows a SOAP charge point from its first request)."""
    version: Version = request.param
    cp_id = ids(version)
    out = console.ok(f"start_cp {soap_cs} {cp_id} -t soap -p ocpp{version.value}")
    assert f"charge point {cp_id} sends to {soap_cs} over SOAP (OCPP {version.value})" in out
    assert re.search(r"ChargePointService listens on http://127\.0\.0\.1:\d+/", out)
    assert re.search(r"wsa:From announces http://127\.0\.0\.1:\d+/", out)
    result_of(console.ok("bootnotification"), "BootNotification")
    console.wait_for(rf"cs: {cp_id} connected \(SOAP, OCPP {re.escape(version.value)}\)")
    return console


def test_both_ways_over_soap(soap_pair: Console) -> None:
    out = soap_pair.ok("bootnotification chargePointVendor=DBT chargePointModel=X")
    assert re.search(r"cp#CP\d+: >>cs BootNotification request urn:uuid:\S+ to http://", out)
    assert re.search(r"cs: <<cp#CP\d+ BootNotification request", out)
    assert result_of(out, "BootNotification")["status"] == "Accepted"
    out = soap_pair.ok("remote_reset type=Soft")
    assert re.search(r"cs: >>cp#CP\d+ Reset request urn:uuid:\S+ to http://127\.0\.0\.1", out)
    assert result_of(out, "Reset") == {"status": "Accepted"}
    assert "heartbeat" not in soap_pair.run("heartbeat").err


def test_every_action_both_ways_over_soap(soap_pair: Console) -> None:
    cp = next(iter(soap_pair.app.charge_points.values()))
    for act in actions(cp.version).values():
        commands = []
        if Role.CHARGE_POINT.may_send(act):
            commands.append(act.name.lower())
        if Role.CENTRAL_SYSTEM.may_send(act):
            commands.append(f"remote_{act.name.lower()}")
        for command in commands:
            out = soap_pair.ok(command)
            assert f"{act.name} result" in out, out
            assert "Fault" not in out and "(HTTP 4" not in out and "(HTTP 5" not in out, out


def test_send_a_custom_operation_in_a_valid_envelope(soap_pair: Console) -> None:
    out = soap_pair.ok("send FooBar {}")
    assert ">>cs FooBar request" in out
    assert re.search(r"^FooBar error: NotImplemented: FooBar is not an operation", out, re.M)
    out = soap_pair.ok("send Authorize {}")  # idTag is required
    assert "Authorize error:" in out  # an answer (a Fault), so not a failed command
    out = soap_pair.ok('remote_send Reset {"type": "Sideways"}')
    assert "Reset error from CP" in out


def test_send_raw_posts_any_text(soap_pair: Console) -> None:
    out = soap_pair.ok("send_raw '<not-an-envelope/>'")
    assert ">>cs raw request" in out and "<<cs raw response (HTTP 400)" in out
    assert "answer to the raw message: Fault ProtocolError: " in out
    out = soap_pair.ok("remote_send_raw 'just text'")
    assert re.search(r"answer from CP\d+ to the raw message: Fault ", out)


def test_send_raw_a_hand_written_envelope_from_a_file(
    console: Console, soap_cs: str, tmp_path: Path
) -> None:
    console.ok(f"start_cp {soap_cs} CP16 -t soap")
    envelope = tmp_path / "heartbeat.xml"
    envelope.write_text(
        '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:a="http://www.w3.org/2005/08/addressing" xmlns:cs="urn://Ocpp/Cs/2015/10/">'
        "<s:Header><cs:chargeBoxIdentity>CP16</cs:chargeBoxIdentity>"
        "<a:MessageID>urn:uuid:raw-1</a:MessageID><a:Action>/Heartbeat</a:Action></s:Header>"
        "<s:Body><cs:heartbeatRequest/></s:Body></s:Envelope>"
    )
    out = console.ok(f"send_raw --file {envelope}")
    found = re.search(r"^answer to the raw message: (.*)$", out, re.M)
    assert found, out
    assert "currentTime" in json.loads(found.group(1))
    result = console.run(f"send_raw --file {tmp_path / 'missing.xml'}")
    assert result.failed and "cannot read" in result.err and result.err.count("\n") == 1


def test_print_xml_shows_the_envelopes(soap_pair: Console) -> None:
    out = soap_pair.ok("heartbeat")
    assert not ENVELOPE.search(out)
    assert "print_xml=true" in soap_pair.ok("set cp print_xml=true")
    out = soap_pair.ok("heartbeat")
    assert len(ENVELOPE.findall(out)) == 2  # our request and the answer, each under its line
    assert "<s:Body>" in out and "Heartbeat" in out
    soap_pair.ok("set cp print_xml=false")
    soap_pair.ok("set cs print_xml=true")
    out = soap_pair.ok("remote_clearcache")
    assert len(ENVELOPE.findall(out)) == 2  # what the central system sent and got back
    soap_pair.ok("set cs print_xml=false")
    assert not ENVELOPE.search(soap_pair.ok("heartbeat"))


def test_headers_from_start_and_from_set(console: Console, soap_cs: str) -> None:
    console.ok(f"start_cp {soap_cs} CP1 -t soap -h")
    out = console.ok("heartbeat")
    assert re.search(r"^    content-type: application/soap\+xml; charset=utf-8", out, re.M)
    assert "    server: ocpptk" in out  # the answer's headers
    console.ok("set cp print_headers=false")
    assert "content-type:" not in console.ok("heartbeat")
    console.ok("set cs print_headers=true")
    assert "    content-type:" in console.ok("heartbeat")


def test_status_shows_the_transport_and_the_peer_url(soap_pair: Console) -> None:
    out = soap_pair.ok("status")
    assert re.search(r"central system on 127\.0\.0\.1:\d+: SOAP charge points send to http://", out)
    assert re.search(r"  CP\d+: SOAP, OCPP 1\.\d, called at http://127\.0\.0\.1:\d+/", out)
    assert re.search(
        r"charge point CP\d+: SOAP, OCPP 1\.\d, sends to http://127\.0\.0\.1:\d+/, "
        r"serves http://127\.0\.0\.1:\d+/ \(wsa:From http://127\.0\.0\.1:\d+/\)",
        out,
    )
    assert "ping" not in out


def test_pings_on_soap_are_one_line_errors(soap_pair: Console) -> None:
    for line in (
        "websocket_ping_cp",
        "websocket_ping_cs",
        "set cp websocket_ping_interval=10",
        "set cs websocket_ping_interval=10",
    ):
        result = soap_pair.run(line)
        assert result.failed, line
        assert "SOAP has no WebSocket pings" in result.err, result.err
        assert result.err.count("\n") == 1 and "Traceback" not in result.err


def test_strict_and_validation_reach_the_soap_services(soap_pair: Console) -> None:
    cs = soap_pair.app.central_system
    assert cs is not None and cs.soap_server is not None
    cp = next(iter(soap_pair.app.charge_points.values()))
    link = cs.link(cp.charge_point_id)
    assert isinstance(link, SoapLink)
    assert "strict=true" in soap_pair.ok("set cs strict=true")
    assert cs.soap_server.responder.strict and link.connection.strict
    assert "Heartbeat result" in soap_pair.ok("heartbeat")  # our envelopes pass strictness
    soap_pair.ok("set cp strict=true validation=warn")
    assert cp.soap_server is not None and cp.soap_server.responder.strict
    assert cp.soap_server.responder.incoming is ValidationMode.WARN
    assert cp.link is not None and cp.link.connection.outgoing is ValidationMode.WARN
    out = soap_pair.ok("set cs")
    assert "print_xml=false print_headers=false strict=true" in out
    assert "websocket_ping_interval" not in out
    result = soap_pair.run(f"set cs validation_in=warn --remote-id {cp.charge_point_id}")
    assert not result.failed and "checked by its service for every charge point" in result.err
    result = soap_pair.run(f"set cs strict=false --remote-id {cp.charge_point_id}")
    assert result.failed and "drop --remote-id" in result.err


def test_actions_a_version_lacks_are_one_line_errors(console: Console, soap_cs: str) -> None:
    console.ok(f"start_cp {soap_cs} CP12 -t soap -p ocpp1.2")
    console.ok(f"start_cp {soap_cs} CP15 -t soap -p ocpp1.5")
    console.ok("bootnotification --id CP12")
    console.ok("bootnotification --id CP15")
    for line, message in [
        (
            "remote_setchargingprofile --remote-id CP15",
            "charge point CP15 speaks OCPP 1.5, which has no SetChargingProfile (OCPP 1.6 has it)",
        ),
        (
            "remote_getconfiguration --remote-id CP12",
            "charge point CP12 speaks OCPP 1.2, which has no GetConfiguration "
            "(OCPP 1.5 and 1.6 have it)",
        ),
        ("datatransfer --id CP12", "OCPP 1.2, which has no DataTransfer"),
        ("remote_triggermessage --remote-id CP15", "which has no TriggerMessage"),
    ]:
        result = console.run(line)
        assert result.failed, line
        assert message in result.err, (line, result.err)
        assert result.err.count("\n") == 1
    assert "GetConfiguration result from CP15" in console.ok(
        "remote_getconfiguration --remote-id CP15"
    )


def test_payloads_follow_the_version(soap_pair: Console) -> None:
    cp = next(iter(soap_pair.app.charge_points.values()))
    soap_pair.ok("set cp print_xml=true")
    out = soap_pair.ok("metervalues connectorId=1")
    element = "meterValue" if cp.version is Version.V16 else "values"
    assert re.search(rf"<ns0:{element}>", out), out
    result = soap_pair.run("heartbeat nosuchfield=1")
    assert "Heartbeat has no field 'nosuchfield'" in result.err


def test_a_json_15_charge_point_over_websocket(console: Console) -> None:
    out = console.ok("start_cs 0 --host 127.0.0.1 -p ocpp1.5,ocpp1.6")
    out = console.ok(f"start_cp {url_of(out, 'ws')} J15 -p ocpp1.5")
    assert re.search(r"charge point J15 connected to ws://127\.0\.0\.1:\d+/J15 \(ocpp1\.5\)", out)
    console.wait_for(r"cs: J15 connected \(ocpp1\.5\)")
    out = console.ok("metervalues connectorId=1")
    sent = json.loads(re.search(r"cp#J15: >>cs (\[2,.*\])", out).group(1))  # type: ignore[union-attr]
    assert sent[2] == "MeterValues" and "values" in sent[3] and "meterValue" not in sent[3]
    assert "GetConfiguration result from J15" in console.ok("remote_getconfiguration")
    result = console.run("remote_clearchargingprofile")
    assert result.failed and "J15 speaks OCPP 1.5, which has no ClearChargingProfile" in result.err
    assert re.search(r"pong from J15 in [\d.]+ ms", console.ok("websocket_ping_cs"))
    assert "J15: connected, ocpp1.5 over WebSocket" in console.ok("status")


def test_one_central_system_for_both_transports(console: Console) -> None:
    out = console.ok("start_cs 0 --host 127.0.0.1 -t ws,soap -p ocpp1.2,ocpp1.5,ocpp1.6")
    assert re.search(
        r"listening on 127\.0\.0\.1:\d+ \(WebSocket\) and 127\.0\.0\.1:\d+ \(SOAP\)", out
    )
    ws, http = url_of(out, "ws"), url_of(out, "http")
    assert ws.split(":")[2] != http.split(":")[2]
    console.ok(f"start_cp {ws} JSON16")
    console.ok(f"start_cp {http} SOAP15 -p ocpp1.5")  # -t follows the URL's scheme
    console.wait_for(r"cs: JSON16 connected \(ocpp1\.6\)")
    console.ok("bootnotification --id SOAP15")
    assert "SOAP15 is connected (SOAP, OCPP 1.5)" in console.ok("wait_for_cp SOAP15")
    for cp_id in ("JSON16", "SOAP15"):
        assert "Heartbeat result" in console.ok(f"heartbeat --id {cp_id}")
        assert f"Reset result from {cp_id}" in console.ok(f"remote_reset --remote-id {cp_id}")
    out = console.ok("status")
    assert "WebSocket charge points connect to ws://" in out
    assert "SOAP charge points send to http://" in out
    assert "  JSON16: connected, ocpp1.6 over WebSocket, ping every" in out
    assert "  SOAP15: SOAP, OCPP 1.5, called at http://127.0.0.1:" in out
    out = console.ok("set cs websocket_ping_interval=60 print_xml=true")
    assert "websocket_ping_interval=60 print_xml=true" in out
    out = console.ok("set cp websocket_ping_interval=30")
    assert "charge point JSON16: websocket_ping_interval=30" in out
    assert "charge point SOAP15: unchanged: SOAP has no WebSocket pings" in out
    result = console.run("websocket_ping_cs --remote-id SOAP15")
    assert result.failed and "SOAP has no WebSocket pings (SOAP15 is on SOAP)" in result.err
    assert "pong from JSON16" in console.ok("websocket_ping_cs --remote-id JSON16")
    result = console.run("set cp print_xml=true --id JSON16")
    assert result.failed and "print_xml is for SOAP messages" in result.err


def test_from_address_with_a_path_and_a_listen_port(console: Console, soap_cs: str) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    own = f"http://127.0.0.1:{free}/ocpp/cp"
    out = console.ok(f"start_cp {soap_cs} CPF -f {own}")
    assert f"listens on http://127.0.0.1:{free}/ocpp/cp; wsa:From announces {own}" in out
    console.ok("bootnotification")
    assert "Reset result from CPF" in console.ok("remote_reset type=Soft")
    assert f"called at {own}" in console.ok("status")


def test_soap_port_and_listen_defaults() -> None:
    cs = start_cs_parser("start_cs")
    assert _soap_port(cs.parse_args(["9000", "-t", "ws,soap"])) == 9001
    assert _soap_port(cs.parse_args(["0", "-t", "soap,ws"])) == 0
    assert _soap_port(cs.parse_args(["9000", "-t", "ws,soap", "--soap-port", "7000"])) == 7000
    assert _soap_port(cs.parse_args(["9000", "-t", "soap"])) is None
    cp = start_cp_parser("start_cp")
    args = cp.parse_args(["http://127.0.0.1:9000/", "CP1"])
    assert _soap_plan(args, "127.0.0.1", 9000).listen_host == "127.0.0.1"
    args = cp.parse_args(["http://127.0.0.1:9000/", "CP1", "-f", "http://10.9.8.7:9100/cp"])
    plan = _soap_plan(args, "127.0.0.1", 9000)
    assert (plan.listen_host, plan.listen_port, plan.path) == ("0.0.0.0", 9100, "/cp")
    args = cp.parse_args(["http://cs/", "CP1", "-f", "http://10.9.8.7:9100/", "-r", "9200"])
    assert _soap_plan(args, "cs", 80).listen_port == 9200
    args = cp.parse_args(["http://10.9.8.7:9000/", "CP1"])
    plan = _soap_plan(args, "10.9.8.7", 9000)  # a remote central system: announce a route
    assert plan.listen_host == "0.0.0.0" and plan.from_url is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("start_cs 0 -t soap --soap-port 9", "--soap-port is for -t ws,soap"),
        ("start_cs 0 -t soap --basic-auth CP1:x", "--basic-auth checks WebSocket"),
        ("start_cs 0 -t carrier-pigeon", "unknown transport 'carrier-pigeon'"),
        ("start_cs 0 -h", "-h (--headers) prints SOAP messages' headers"),
        ("start_cp ws://127.0.0.1:9/ CP1 -h", "-h is for SOAP"),
        ("start_cp ws://127.0.0.1:9/ CP1 -f http://127.0.0.1:9/", "-f is for SOAP"),
        ("start_cp ws://127.0.0.1:9/ CP1 -t soap", "SOAP needs an http:// or https:// URL"),
        ("start_cp http://127.0.0.1:9/ CP1 -t ws", "WebSocket needs a ws:// or wss:// URL"),
        ("start_cp http://127.0.0.1:9/ CP1 --basic-auth pw", "--basic-auth is for WebSocket"),
        ("start_cp http://127.0.0.1:9/ CP1 -f ftp://x/", "is not an http:// or https:// URL"),
        ("start_cp ftp://127.0.0.1:9/ CP1", "is not a ws:// or wss:// (WebSocket) or http://"),
        ("start_cp http://127.0.0.1:9/ CP1 -p ocpp2.0.1", "ocpp2.0.1 is not supported"),
    ],
)
def test_start_errors_are_one_line(console: Console, line: str, message: str) -> None:
    result = console.run(line)
    assert result.failed, line
    assert message in result.err, result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err


def test_help_is_double_dash_and_help_command(console: Console) -> None:
    for line in ("help start_cp", "start_cp --help", "help start_cs", "start_cs --help"):
        out = console.ok(line)
        assert "-h, --headers" in out and "--help" in out, line
    assert "-t, --transport TRANSPORTS" in console.ok("help start_cs")
    assert "-f, --from URL" in console.ok("help start_cp")
    out = console.ok("help remote_setchargingprofile")
    assert "In OCPP 1.6 (not in 1.2, 1.5)." in out
    out = console.ok("help metervalues")
    assert "Fields of MeterValues in OCPP 1.6" in out and "Fields in OCPP 1.5:" in out
    assert "print_xml=true|false" in console.ok("help set")


def test_field_completion_follows_the_version(console: Console, soap_cs: str) -> None:
    from tests.console.test_completion import complete

    console.ok(f"start_cp {soap_cs} CP15 -t soap -p ocpp1.5")
    names = complete(console, "metervalues ")
    assert "values=" in names and "meterValue=" not in names
    console.ok(f"start_cp {soap_cs} CP16 -t soap")
    assert "meterValue=" in complete(console, "metervalues --id CP16 ")
    assert "values=" in complete(console, "metervalues --id CP15 ")
    assert "Blocked" not in " ".join(complete(console, "datatransfer "))  # no crash, 1.6 fields


@pytest.fixture
def soap_server() -> Iterator[Server]:
    server = Server("-t", "soap", "-p", "ocpp1.5,ocpp1.6")
    yield server
    if server.process.poll() is None:
        server.process.kill()
        server.process.wait()


def test_ocpptk_start_cs_soap_reads_a_script_on_stdin(
    soap_server: Server, console: Console
) -> None:
    console.ok(f"start_cp {soap_server.url} CP1 -p ocpp1.5")
    assert 'BootNotification result: {"status": "Accepted"' in console.ok("bootnotification")
    code, out, err = soap_server.finish(
        "set cs print_xml=true\nremote_reset type=Soft --remote-id CP1\nstatus\nbogus\n"
    )
    assert code == 1, err  # bogus failed
    assert "cs: CP1 connected (SOAP, OCPP 1.5)" in out
    assert 'Reset result from CP1: {"status": "Accepted"}' in out
    assert "<ns0:resetRequest" in out  # print_xml in the other process
    assert "  CP1: SOAP, OCPP 1.5, called at http://127.0.0.1:" in out
    assert err.strip() == "Error: bogus is not a command; 'help' lists the commands"


def test_a_soap_charge_point_gone_is_one_line(console: Console, soap_cs: str) -> None:
    console.ok(f"start_cp {soap_cs} CP1 -t soap")
    console.ok("bootnotification")
    assert "charge point CP1 stopped" in console.ok("stop_cp")
    result = console.run("remote_clearcache --remote-id CP1")
    assert result.failed
    assert result.err.startswith("Error: remote_clearcache: ClearCache did not reach CP1: http://")
    assert result.err.count("\n") == 1
    console.ok("stop_cs")
    result = console.run(f"start_cp {soap_cs} CP2 -t soap")
    assert not result.failed  # SOAP opens nothing: the first request finds out
    result = console.run("heartbeat")
    assert result.failed and "Heartbeat did not reach the central system" in result.err

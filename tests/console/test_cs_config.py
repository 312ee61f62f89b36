"""The central system's answers set from the console (cs_boot, cs_idtag, cs_idtags,
cs_idtag_default, cs_transaction_id, cs_reply, cs_reply_clear, cs_replies), end to end."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.console.conftest import Console


def result_of(out: str, action: str) -> dict[str, object]:
    found = re.search(rf"^{action} result(?: from \S+)?: (.*)$", out, re.MULTILINE)
    assert found, out
    payload: dict[str, object] = json.loads(found.group(1))
    return payload


def test_the_commands_are_in_help(console: Console) -> None:
    out = console.ok("help")
    for name in (
        "cs_boot",
        "cs_idtag",
        "cs_idtags",
        "cs_idtag_default",
        "cs_transaction_id",
        "cs_reply",
        "cs_reply_clear",
        "cs_replies",
    ):
        assert name in out


def test_they_need_a_central_system(console: Console) -> None:
    result = console.run("cs_idtag T1 Blocked")
    assert result.failed and "no central system is running here" in result.err


def test_boot_answer_per_charge_point(linked: Console) -> None:
    assert "BootNotification of CP1: Pending, interval 30 s" in linked.ok(
        "cs_boot status=Pending interval=30 --remote-id CP1"
    )
    out = linked.ok("bootnotification")
    assert result_of(out, "BootNotification")["status"] == "Pending"
    assert result_of(out, "BootNotification")["interval"] == 30
    linked.ok("cs_boot --clear")
    assert result_of(linked.ok("bootnotification"), "BootNotification")["status"] == "Accepted"


def test_id_tags_from_commands_and_files(linked: Console, tmp_path: Path) -> None:
    linked.ok("cs_idtag T1 Blocked")
    assert result_of(linked.ok("authorize idTag=T1"), "Authorize") == {
        "idTagInfo": {"status": "Blocked"}
    }
    linked.ok("cs_idtag_default Invalid")
    assert result_of(linked.ok("authorize idTag=NEW"), "Authorize") == {
        "idTagInfo": {"status": "Invalid"}
    }
    tags = tmp_path / "tags.csv"
    tags.write_text("tag,status\nC1,Expired\n", encoding="utf-8")
    assert "1 id tags read from" in linked.ok(f"cs_idtags {tags}")
    assert result_of(linked.ok("authorize idTag=C1"), "Authorize") == {
        "idTagInfo": {"status": "Expired"}
    }
    bad = tmp_path / "bad.json"
    bad.write_text('{"X": "Nope"}', encoding="utf-8")
    result = linked.run(f"cs_idtags {bad}")
    assert result.failed and result.err.count("\n") == 1
    assert "status 'Nope' is not one of" in result.err
    result = linked.run(f"cs_idtags {tmp_path / 'missing.json'}")
    assert result.failed and "cannot read" in result.err


def test_transaction_ids(linked: Console) -> None:
    assert "next transaction id: 1000" in linked.ok("cs_transaction_id start=1000")
    out = linked.ok("starttransaction connectorId=1 idTag=T1 meterStart=0")
    assert result_of(out, "StartTransaction")["transactionId"] == 1000
    result = linked.run("cs_transaction_id start=abc")
    assert result.failed and "not a whole number" in result.err


def test_reply_overrides_list_and_clear(linked: Console) -> None:
    out = linked.ok('cs_reply Heartbeat \'{"currentTime": "2000-01-01T00:00:00Z"}\'')
    assert 'reply * Heartbeat: merged with {"currentTime":"2000-01-01T00:00:00Z"}' in out
    assert result_of(linked.ok("heartbeat"), "Heartbeat") == {"currentTime": "2000-01-01T00:00:00Z"}
    linked.ok('cs_reply Authorize --error SecurityError "go away" --remote-id CP1')
    refused = linked.run("authorize idTag=T1")
    said = refused.out + refused.err
    assert "SecurityError" in said and "go away" in said
    listing = linked.ok("cs_replies")
    assert "reply CP1 Authorize: error SecurityError 'go away'" in listing
    assert "next transaction id: 1" in listing
    assert "1 reply override cleared" in linked.ok("cs_reply_clear Authorize")
    assert "1 reply override cleared" in linked.ok("cs_reply_clear")
    assert "reply " not in linked.ok("cs_replies")


def test_typos_are_one_line_errors(linked: Console) -> None:
    for line, message in (
        ("cs_reply Reboot {}", "'Reboot' is not an action a charge point sends"),
        ("cs_reply Heartbeat --error Oops", "unknown error code 'Oops'"),
        ("cs_reply Heartbeat '[1]'", "JSON must be an object"),
        ("cs_reply Heartbeat", "give JSON, --delay or --error"),
        ("cs_reply_clear Reboot", "'Reboot' is not an action"),
        ("cs_idtag T1 Stolen", "id tag status 'Stolen' is not one of"),
        ("cs_idtag_default Maybe", "id tag status 'Maybe'"),
        ("cs_boot status=Maybe", "registration status 'Maybe'"),
        ("cs_boot colour=red", "'colour=red' is not status=... or interval=..."),
        ("cs_boot interval=x", "interval 'x' is not a whole number"),
    ):
        result = linked.run(line)
        assert result.failed, line
        assert message in result.err, (line, result.err)
        assert result.err.count("\n") == 1, (line, result.err)


def test_status_verbose_shows_connectors_and_transactions(linked: Console) -> None:
    linked.ok("statusnotification connectorId=1 status=Charging errorCode=NoError")
    linked.ok("starttransaction connectorId=1 idTag=T1 meterStart=0")
    out = linked.ok("status -v")
    assert "connectors: 1 Charging" in out
    assert re.search(r"transaction 1 on connector 1, T1, since ", out), out

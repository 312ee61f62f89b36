"""CentralSystemSim's configurable replies: boot answer, id tags (also from JSON and CSV),
transaction numbering and reply overrides, per charge point or for all."""

from __future__ import annotations

import pytest

from ocpptk.rpc.errors import InternalError, NotImplementedError_, SecurityError
from ocpptk.sim import CentralSystemSim
from ocpptk.sim.replies import CP_TO_CS_ACTIONS, ReplyOverride, parse_id_tags
from ocpptk.spec.catalog import Version
from tests.sim.helpers import FakeClock
from tests.sim.test_central_system import REQUESTS, T

BOOT = REQUESTS["BootNotification"]


@pytest.fixture
def cs() -> CentralSystemSim:
    sim = CentralSystemSim(now=FakeClock())
    for cp_id in ("CP1", "CP2"):
        sim.connected(cp_id)
    return sim


def authorize(cs: CentralSystemSim, tag: str, cp_id: str = "CP1") -> str:
    status: str = cs.handle_call(cp_id, "Authorize", {"idTag": tag})["idTagInfo"]["status"]
    return status


# ------------------------------------------------------------------ boot


def test_boot_for_all_then_one_charge_point_wins() -> None:
    cs = CentralSystemSim(now=FakeClock())
    cs.set_boot("Pending", 30)
    reply = cs.handle_call("CP1", "BootNotification", BOOT)
    assert (reply["status"], reply["interval"]) == ("Pending", 30)
    cs.set_boot("Rejected", cp_id="CP2")
    reply = cs.handle_call("CP2", "BootNotification", BOOT)
    assert (reply["status"], reply["interval"]) == ("Rejected", 30)
    assert cs.handle_call("CP1", "BootNotification", BOOT)["status"] == "Pending"
    cs.set_boot(interval=5)  # the status for all stays
    assert cs.boot_reply("CP1") == ("Pending", 5)
    cs.clear_boot("CP2")
    assert cs.boot_reply("CP2") == ("Pending", 5)


def test_pending_boot_is_rejected_in_15() -> None:
    cs = CentralSystemSim(now=FakeClock())
    cs.connected("OLD", Version.V15)
    cs.set_boot("Pending", 7, cp_id="OLD")
    reply = cs.handle_call("OLD", "BootNotification", BOOT)
    assert (reply["status"], reply["heartbeatInterval"]) == ("Rejected", 7)


def test_bad_boot_settings_are_refused(cs: CentralSystemSim) -> None:
    with pytest.raises(ValueError, match="'Maybe' is not one of Accepted, Pending, Rejected"):
        cs.set_boot("Maybe")
    with pytest.raises(ValueError, match="negative"):
        cs.set_boot(interval=-1)
    assert cs.boot_reply("CP1") == ("Accepted", 300)


# ------------------------------------------------------------------ id tags


def test_id_tag_statuses_and_default(cs: CentralSystemSim) -> None:
    for status in ("Blocked", "Expired", "Invalid", "ConcurrentTx"):
        cs.set_id_tag_status(f"T-{status}", status)
        assert authorize(cs, f"t-{status}") == status  # tags compare case-insensitively
    assert authorize(cs, "UNKNOWN") == "Accepted"
    cs.set_default_id_tag_status("Invalid")
    assert authorize(cs, "UNKNOWN") == "Invalid"
    start = cs.handle_call(
        "CP1",
        "StartTransaction",
        {"connectorId": 1, "idTag": "T-Blocked", "meterStart": 0, "timestamp": T},
    )
    assert start["idTagInfo"] == {"status": "Blocked"}
    with pytest.raises(ValueError, match="id tag status 'Stolen'"):
        cs.set_default_id_tag_status("Stolen")


def test_id_tags_from_json_and_csv(cs: CentralSystemSim) -> None:
    assert cs.load_id_tags('\ufeff{"J1": "Blocked", "J2": "Expired"}') == 2
    assert cs.load_id_tags("tag,status\nC1, Invalid\n\nC2,ConcurrentTx\n") == 2
    assert [authorize(cs, t) for t in ("J1", "J2", "C1", "C2")] == [
        "Blocked",
        "Expired",
        "Invalid",
        "ConcurrentTx",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"A": "Bad"}', r"^tags\.json: 'A': status 'Bad' is not one of Accepted, "),
        ('{"A": 1}', r"^tags\.json: the status of 'A' is not a string$"),
        ("{oops", r"^tags\.json: not valid JSON: "),
        ("A,Accepted\nB\n", r"^tags\.json line 2: expected tag,status, got 'B'$"),
        ("A,Accepted\nB,Nope\n", r"^tags\.json line 2: status 'Nope' is not one of "),
    ],
)
def test_a_bad_id_tag_file_is_one_line_and_changes_nothing(
    cs: CentralSystemSim, text: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        cs.load_id_tags(text, "tags.json")
    assert "\n" not in str(caught.value)
    assert cs.id_tags == {}
    assert parse_id_tags("") == {}


# ------------------------------------------------------------------ transaction ids


def test_transaction_ids_start_where_told(cs: CentralSystemSim) -> None:
    cs.set_next_transaction_id(1000)
    request = {"connectorId": 1, "idTag": "X", "meterStart": 0, "timestamp": T}
    assert cs.handle_call("CP1", "StartTransaction", request)["transactionId"] == 1000
    assert cs.handle_call("CP2", "StartTransaction", request)["transactionId"] == 1001
    assert cs.next_transaction_id == 1002
    with pytest.raises(ValueError, match="positive"):
        cs.set_next_transaction_id(0)


# ------------------------------------------------------------------ reply overrides


def test_override_payload_merged_or_replacing(cs: CentralSystemSim) -> None:
    cs.set_reply("Heartbeat", {"currentTime": "2000-01-01T00:00:00Z"})
    assert cs.handle_call("CP1", "Heartbeat", {}) == {"currentTime": "2000-01-01T00:00:00Z"}
    cs.set_reply("BootNotification", {"interval": 1, "extra": True})
    reply = cs.handle_call("CP1", "BootNotification", BOOT)
    assert reply["status"] == "Accepted" and reply["interval"] == 1
    assert reply["extra"] is True  # not cut away: outgoing validation judges it
    cs.set_reply("BootNotification", {"status": "Pending"}, replace=True)
    assert cs.handle_call("CP1", "BootNotification", BOOT) == {"status": "Pending"}


def test_override_per_charge_point_wins_over_for_all(cs: CentralSystemSim) -> None:
    cs.set_reply("Authorize", {"idTagInfo": {"status": "Blocked"}})
    cs.set_reply("Authorize", {"idTagInfo": {"status": "Expired"}}, cp_id="CP2")
    assert authorize(cs, "A", "CP1") == "Blocked"
    assert authorize(cs, "A", "CP2") == "Expired"
    assert cs.clear_replies(cp_id="CP2") == 1
    assert authorize(cs, "A", "CP2") == "Blocked"
    assert cs.clear_replies("Authorize") == 1
    assert authorize(cs, "A", "CP2") == "Accepted"
    assert len(cs.replies) == 0


def test_override_error_and_delay(cs: CentralSystemSim) -> None:
    cs.set_reply("StatusNotification", error_code="SecurityError", error_description="no")
    with pytest.raises(SecurityError, match="no"):
        cs.handle_call("CP1", "StatusNotification", REQUESTS["StatusNotification"])
    assert cs.charge_points["CP1"].connectors == {}  # a failing CSMS learns nothing
    cs.set_reply("Heartbeat", delay=2.5, cp_id="CP1")
    assert cs.reply_delay("CP1", "Heartbeat") == 2.5
    assert cs.reply_delay("CP2", "Heartbeat") == 0
    assert "currentTime" in cs.handle_call("CP1", "Heartbeat", {})
    # the 1.6 spelling and the error key both name a code
    cs.set_reply("Heartbeat", error_code="FormationViolation")
    cs.set_reply("Heartbeat", error_code="InternalError")
    with pytest.raises(InternalError):
        cs.handle_call("CP2", "Heartbeat", {})


def test_overrides_do_not_make_actions_up(cs: CentralSystemSim) -> None:
    cs.set_reply("Heartbeat", {"x": 1})
    with pytest.raises(NotImplementedError_):
        cs.handle_call("CP1", "MakeCoffee", {})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"action": "Reset"}, r"'Reset' is not an action a charge point sends; one of Author"),
        ({"action": "Heartbeat", "error_code": "Oops"}, r"unknown error code 'Oops'; one of "),
        ({"action": "Heartbeat", "delay": -1}, "negative"),
        ({"action": "Heartbeat", "replace": True}, "replace needs a payload"),
        ({"action": "Heartbeat", "payload": {}, "error_code": "InternalError"}, "not both"),
    ],
)
def test_bad_overrides_are_refused(
    cs: CentralSystemSim, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        ReplyOverride(**kwargs)  # type: ignore[arg-type]
    assert "Heartbeat" in CP_TO_CS_ACTIONS and "Reset" not in CP_TO_CS_ACTIONS


def test_policies_and_summary_show_what_is_set(cs: CentralSystemSim) -> None:
    cs.set_boot("Pending", 60, cp_id="CP2")
    cs.set_reply("Authorize", error_code="InternalError", error_description="down", delay=2)
    cs.set_reply("Heartbeat", {"a": 1}, cp_id="CP1")
    lines = cs.policies()
    assert "boot: Accepted, interval 300 s" in lines
    assert "boot CP2: Pending, interval 60 s" in lines
    assert "reply * Authorize: error InternalError 'down', after 2 s" in lines
    assert 'reply CP1 Heartbeat: merged with {"a":1}' in lines
    cs.handle_call("CP1", "StatusNotification", REQUESTS["StatusNotification"])
    cs.handle_call(
        "CP1",
        "StartTransaction",
        {"connectorId": 1, "idTag": "TAG9", "meterStart": 5, "timestamp": T},
    )
    summary = cs.summary()
    assert "  connectors: 1 Charging" in summary
    assert f"  transaction 1 on connector 1, TAG9, since {T}" in summary

"""Tab completion through cmd2's own entry point, as the prompt calls it."""

from __future__ import annotations

from tests.console.conftest import Console


def complete(console: Console, line: str) -> list[str]:
    """What Tab offers at the end of ``line`` (the word being completed starts after the last
    space, quote or redirection character, as cmd2's prompt computes it)."""
    begidx = max(line.rfind(char) for char in " \t'\"|>") + 1
    completions = console.app.complete(line[begidx:], line, begidx, len(line))
    assert not completions.error, completions.error
    return list(completions.to_strings())


def test_command_names(console: Console) -> None:
    assert complete(console, "bootnot") == ["bootnotification"]
    assert "remote_remotestarttransaction" in complete(console, "remote_rem")
    assert {"start_cs", "start_cp", "status", "stop_cs", "stop_cp"} <= set(complete(console, "st"))


def test_field_names_with_their_equals_sign(console: Console) -> None:
    assert complete(console, "bootnotification chargePointV") == ["chargePointVendor="]
    names = complete(console, "bootnotification ")
    assert "chargePointModel=" in names and "firmwareVersion=" in names


def test_field_names_already_given_are_not_offered(console: Console) -> None:
    names = complete(console, "bootnotification chargePointVendor=X ")
    assert "chargePointVendor=" not in names and "chargePointModel=" in names


def test_field_completion_does_not_finalize() -> None:
    console = Console()
    try:
        completions = console.app.complete("chargePointV", "bootnotification chargePointV", 17, 29)
        assert not completions.allow_finalization
    finally:
        console.close()


def test_nested_field_names(console: Console) -> None:
    assert "csChargingProfiles.chargingProfileKind=" in complete(
        console, "remote_setchargingprofile csChargingProfiles.chargingProfileK"
    )


def test_enum_values_after_equals(console: Console) -> None:
    assert complete(console, "statusnotification status=Av") == ["status=Available"]
    assert complete(console, "remote_reset type=") == ["type=Hard", "type=Soft"]
    assert complete(console, "remote_changeavailability type=Ino") == ["type=Inoperative"]


def test_no_values_for_free_text(console: Console) -> None:
    assert complete(console, "authorize idTag=") == []


def test_options(console: Console) -> None:
    assert complete(console, "heartbeat --") == ["--id", "--timeout"]
    assert complete(console, "remote_reset --re") == ["--remote-id"]


def test_charge_point_ids(linked: Console) -> None:
    assert complete(linked, "heartbeat --id ") == ["CP1"]
    assert complete(linked, "remote_reset --remote-id C") == ["CP1"]
    assert complete(linked, "websocket_ping_cs --remote-id ") == ["CP1"]
    assert complete(linked, "stop_cp --id ") == ["CP1"]
    assert complete(linked, "send_raw --id ") == ["CP1"]
    assert complete(linked, "set cs --remote-id ") == ["CP1"]


def test_action_names_after_send(console: Console) -> None:
    names = complete(console, "send Boot")
    assert names == ["BootNotification"]
    assert "RemoteStartTransaction" in complete(console, "remote_send Remote")
    assert complete(console, "send Heartbeat ") == []


def test_set_completion(console: Console) -> None:
    assert {"cs", "cp", "debug"} <= set(complete(console, "set "))
    assert complete(console, "set cs websocket") == ["websocket_ping_interval="]
    assert complete(console, "set cp validation=w") == ["validation=warn"]
    assert complete(console, "set debug ") == ["false", "true"]


def test_start_cp_options(console: Console) -> None:
    assert "--validation" in complete(console, "start_cp ws://x CP1 --val")
    assert complete(console, "start_cs 0 --validation ") == ["off", "strict", "warn"]

"""JsonFileStore (ocpptk.transport.journal): a charge point's transaction queue on disk.

One JSON file, replaced whole through a temporary file; a file that is not a journal is
refused with a one-line JournalError and left as it is (it may hold undelivered transactions).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from ocpptk.sim.transaction_queue import StateError
from ocpptk.transport.charge_point import ChargePoint
from ocpptk.transport.journal import JournalError, JsonFileStore

STATE: dict[str, Any] = {
    "version": 1,
    "seq": 3,
    "ref": 1,
    "ids": {"1": 17},
    "queue": [
        {
            "seq": 3,
            "action": "MeterValues",
            "payload": {"connectorId": 1, "transactionId": 17, "meterValue": []},
            "tx_ref": 1,
            "attempts": 0,
        }
    ],
    "meters": {"1": 1234},
    "open": [{"ref": 1, "connectorId": 1, "idTag": "TAG-ÄÖ", "transactionId": 17}],
}


def one_line(error: pytest.ExceptionInfo[JournalError], path: Path) -> str:
    text = str(error.value)
    assert "\n" not in text
    assert text.startswith(str(path))
    return text


def test_a_missing_file_is_no_state_yet(tmp_path: Path) -> None:
    assert JsonFileStore(tmp_path / "j.json").load() is None
    assert list(tmp_path.iterdir()) == []  # loading creates nothing


def test_what_is_saved_is_loaded(tmp_path: Path) -> None:
    path = tmp_path / "j.json"
    JsonFileStore(path).save(STATE)
    assert JsonFileStore(path).load() == STATE  # another store on the same file, too
    changed = {**STATE, "seq": 4, "queue": []}
    JsonFileStore(path).save(changed)
    assert JsonFileStore(path).load() == changed


def test_save_replaces_the_file_whole_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "deeper" / "j.json"  # a missing directory is made
    store = JsonFileStore(path)
    store.save(STATE)
    first = os.stat(path).st_ino
    store.save({**STATE, "seq": 9})
    assert os.stat(path).st_ino != first  # a new file renamed over the old, not rewritten
    assert sorted(p.name for p in path.parent.iterdir()) == ["j.json"]
    assert not path.with_name("j.json.tmp").exists()
    assert store.load() == {**STATE, "seq": 9}


def test_a_save_that_fails_leaves_the_old_journal(tmp_path: Path) -> None:
    path = tmp_path / "j.json"
    store = JsonFileStore(path)
    store.save(STATE)
    with pytest.raises(TypeError):
        store.save({**STATE, "bad": object()})  # not JSON: fails half way through
    assert store.load() == STATE


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "invalid JSON"),
        ('{"version": 1, "queue": [', "invalid JSON"),
        ("\ufeff{}", "invalid JSON"),
        ("[]", "not an ocpptk journal"),
        ('"version 1"', "not an ocpptk journal"),
        ('{"queue": []}', "not an ocpptk journal"),
        ('{"version": 2, "queue": []}', "not an ocpptk journal"),
        ('{"version": "1"}', "not an ocpptk journal"),
    ],
)
def test_a_file_that_is_not_a_journal_is_refused_and_left_alone(
    tmp_path: Path, text: str, why: str
) -> None:
    path = tmp_path / "j.json"
    path.write_text(text, encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(JournalError) as caught:
        JsonFileStore(path).load()
    assert why in one_line(caught, path)
    assert isinstance(caught.value, ValueError)
    assert path.read_bytes() == before


def test_an_unreadable_journal_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j.json"
    path.mkdir()  # a directory where the file should be
    with pytest.raises(JournalError) as caught:
        JsonFileStore(path).load()
    assert "cannot read" in one_line(caught, path)


def test_a_binary_file_is_refused_as_not_a_journal(tmp_path: Path) -> None:
    path = tmp_path / "j.json"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(JournalError) as caught:
        JsonFileStore(path).load()
    assert "not a journal" in one_line(caught, path)


# -- through the charge point ----------------------------------------------------------------


async def test_a_charge_point_on_a_foreign_file_refuses_to_start(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("shopping list\n", encoding="utf-8")
    with pytest.raises(JournalError) as caught:
        ChargePoint("ws://127.0.0.1:9/", "CP001", journal=path)
    one_line(caught, path)
    assert path.read_text(encoding="utf-8") == "shopping list\n"


async def test_a_charge_point_writes_a_journal_the_next_one_carries_on_from(
    tmp_path: Path,
) -> None:
    path = tmp_path / "j.json"
    first = ChargePoint("ws://127.0.0.1:9/", "CP001", journal=path)
    first.sim.configuration.update({"AllowOfflineTxForUnknownId": "true"})
    first.sim.disconnected()  # never connected: it charges offline
    first.sim.charge(1, "TAG0042")

    saved = JsonFileStore(path).load()
    assert saved is not None and saved["version"] == 1
    [start] = saved["queue"]
    assert (start["action"], start["payload"]["idTag"]) == ("StartTransaction", "TAG0042")
    [running] = saved["open"]
    assert (running["connectorId"], running["transactionId"]) == (1, None)
    assert not path.with_name("j.json.tmp").exists()

    # The power goes; the next charge point on that journal sends the start, then stops it.
    again = ChargePoint("ws://127.0.0.1:9/", "CP001", journal=path)
    queued = [(m.action, m.payload.get("reason")) for m in again.sim.tx_queue]
    assert queued == [("StartTransaction", None), ("StopTransaction", "PowerLoss")]
    assert again.sim.open_transactions() == []
    resaved = JsonFileStore(path).load()  # the stop is on disk too, the transaction no more
    assert resaved is not None
    assert [m["action"] for m in resaved["queue"]] == ["StartTransaction", "StopTransaction"]
    assert resaved["open"] == []


@pytest.mark.parametrize(
    "text",
    [
        '{"version": 1, "queue": 5}',
        '{"version": 1, "queue": [{"what": "ever"}]}',
        '{"version": 1, "open": [{"connectorId": 1}]}',
        '{"version": 1, "seq": "three"}',
    ],
    ids=["queue-not-a-list", "message-of-other-fields", "open-without-tag", "seq-not-a-number"],
)
async def test_a_journal_of_the_wrong_shape_is_refused_in_one_line(
    tmp_path: Path, text: str
) -> None:
    # A version-1 file of the wrong form: the queue refuses its contents (StateError, a
    # ValueError; the console names the file), and the file stays as it is.
    path = tmp_path / "j.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StateError) as caught:
        ChargePoint("ws://127.0.0.1:9/", "CP001", journal=path)
    assert str(caught.value) and "\n" not in str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert path.read_text(encoding="utf-8") == text

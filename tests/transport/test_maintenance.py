"""GetDiagnostics and UpdateFirmware from our CentralSystem, carried out by our ChargePoint
against real FTP (pyftpdlib) and HTTP (the standard library) servers on 127.0.0.1.

The central system learns each step from DiagnosticsStatusNotification and
FirmwareStatusNotification; a firmware update ends in a reboot and a BootNotification that
carries the new firmwareVersion (the firmware file's name without its extension).
"""

from __future__ import annotations

from datetime import datetime

import pytest

from ocpptk.sim import charge_point as sim_charge_point
from ocpptk.sim.clock import format_timestamp, utc_now
from ocpptk.transport.charge_point import ChargePoint
from tests.conftest import wait_until
from tests.transport.loopback import Loopback, accepted
from tests.transport.servers import USER, Ftp, Web

FIRMWARE = b"\x7fELF new firmware\r\n" * 100
FIRMWARE_NAME = "ocpptk-2.1.0.bin"
NEW_VERSION = "ocpptk-2.1.0"


@pytest.fixture
def ftp(ftp: Ftp) -> Ftp:
    """The shared FTP server, with the firmware file in ``firmware/`` too."""
    (ftp.root / "firmware" / FIRMWARE_NAME).write_bytes(FIRMWARE)
    return ftp


@pytest.fixture
def web(web: Web) -> Web:
    """The shared HTTP server, serving the firmware file too."""
    web.files[FIRMWARE_NAME] = FIRMWARE
    return web


def diagnostics_statuses(lb: Loopback) -> list[str]:
    return [p["status"] for p in lb.received("DiagnosticsStatusNotification")]


def firmware_statuses(lb: Loopback) -> list[str]:
    return [p["status"] for p in lb.received("FirmwareStatusNotification")]


def assert_is_the_report(text: str) -> None:
    assert text.startswith("ocpptk diagnostics of CP001 at ")
    assert "configuration:\n" in text
    assert "  HeartbeatInterval = 300\n" in text
    assert "transactions:\n" in text


# -- GetDiagnostics ------------------------------------------------------------------------


async def test_diagnostics_are_uploaded_to_an_ftp_server(lb: Loopback, ftp: Ftp) -> None:
    cp = await lb.connect()
    answer = await lb.cs.call("CP001", "GetDiagnostics", location=ftp.url("diag/"))
    name = answer["fileName"]
    assert name.startswith("diagnostics-CP001-") and name.endswith(".log")

    await wait_until(lambda: diagnostics_statuses(lb)[-1:] == ["Uploaded"] and cp.idle)
    assert diagnostics_statuses(lb) == ["Uploading", "Uploaded"]
    assert_is_the_report((ftp.root / "diag" / name).read_text(encoding="utf-8"))
    assert lb.state().diagnostics_status == "Uploaded"
    assert cp.sim.diagnostics_status == "Idle"
    assert any(f"diagnostics uploaded to ftp://{USER}:***@" in n for n in lb.connection_notes())
    lb.assert_clean()


async def test_diagnostics_are_posted_to_an_http_server(lb: Loopback, web: Web) -> None:
    cp = await lb.connect()
    answer = await lb.cs.call("CP001", "GetDiagnostics", location=web.url("/upload"))

    await wait_until(lambda: diagnostics_statuses(lb)[-1:] == ["Uploaded"] and cp.idle)
    assert diagnostics_statuses(lb) == ["Uploading", "Uploaded"]
    assert list(web.uploads) == [answer["fileName"]]
    assert_is_the_report(web.uploads[answer["fileName"]].decode("utf-8"))
    lb.assert_clean()


@pytest.mark.parametrize("scheme", ["ftp", "http"])
async def test_an_unreachable_location_fails_after_its_retries(
    lb: Loopback, closed_port: int, scheme: str
) -> None:
    cp = await lb.connect()
    location = f"{scheme}://127.0.0.1:{closed_port}/diag/"
    await lb.cs.call("CP001", "GetDiagnostics", location=location, retries=1, retryInterval=0)

    await wait_until(lambda: diagnostics_statuses(lb)[-1:] == ["UploadFailed"] and cp.idle)
    failures = [n for n in lb.connection_notes() if n.startswith("diagnostics upload failed")]
    assert len(failures) == 2  # the first try and one retry
    assert all(f"127.0.0.1:{closed_port}" in n for n in failures)
    statuses = diagnostics_statuses(lb)
    assert set(statuses[:-1]) == {"Uploading"}
    assert lb.state().diagnostics_status == "UploadFailed"
    lb.assert_clean()


# -- UpdateFirmware ------------------------------------------------------------------------


def firmware_location(scheme: str, ftp: Ftp, web: Web) -> str:
    if scheme == "ftp":
        return ftp.url(f"firmware/{FIRMWARE_NAME}", login="")  # anonymous may read
    return web.url(f"/files/{FIRMWARE_NAME}")


async def update_firmware(lb: Loopback, location: str) -> ChargePoint:
    cp = await lb.connect(lifecycle=True, reboot_delay=0)
    await accepted(lb, cp)
    request = {"location": location, "retrieveDate": format_timestamp(utc_now())}
    assert await lb.cs.call("CP001", "UpdateFirmware", request) == {}
    return cp


@pytest.mark.parametrize("scheme", ["http", "ftp"])
async def test_a_firmware_update_installs_reboots_and_boots_with_the_new_version(
    lb: Loopback, ftp: Ftp, web: Web, monkeypatch: pytest.MonkeyPatch, scheme: str
) -> None:
    # Installing lasts 3 s in the simulator; at once here, so that Installing and Installed
    # are made together and wait behind whatever is in flight when the reboot comes.
    monkeypatch.setattr(sim_charge_point, "_INSTALL_SECONDS", 0)
    cp = await update_firmware(lb, firmware_location(scheme, ftp, web))
    old_link = lb.cs.link("CP001")

    await wait_until(lambda: len(lb.received("BootNotification")) == 2)
    await wait_until(lambda: cp.reconnects == 1 and cp.idle and len(lb.statuses(0)) == 2)

    assert firmware_statuses(lb) == ["Downloading", "Downloaded", "Installing", "Installed"]
    assert old_link.closed.is_set() and old_link.websocket.close_code == 1012
    first, second = lb.received("BootNotification")
    assert "firmwareVersion" not in first
    assert second["firmwareVersion"] == NEW_VERSION
    assert lb.state().boot is not None
    assert lb.state().boot.firmware_version == NEW_VERSION
    assert cp.sim.firmware_version == NEW_VERSION
    assert any(f"{len(FIRMWARE)} bytes" in n for n in lb.connection_notes())
    assert any("rebooting (Firmware)" in n for n in lb.connection_notes())
    # The reboot waited for the answers to what the charge point said last.
    answered = lb.times("FirmwareStatusNotification", outgoing=False, call=False)
    assert len(answered) == 4
    [closed_at] = [
        datetime.fromisoformat(r["time"])
        for r in lb.cp_log.records()
        if r.get("event") == "connection" and r["text"].startswith("disconnected")
    ]
    assert max(answered) <= closed_at
    lb.assert_clean()


async def test_firmware_is_installed_only_once_no_transaction_runs(
    lb: Loopback, web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sim_charge_point, "_INSTALL_SECONDS", 0)
    monkeypatch.setattr(sim_charge_point, "_BUSY_RECHECK_SECONDS", 0.2)  # 10 s in the sim
    cp = await lb.connect(lifecycle=True, reboot_delay=0)
    await accepted(lb, cp)
    cp.sim.charge(1)
    cp.poke()
    await wait_until(lambda: bool(lb.state().open_transactions) and cp.idle)
    request = {
        "location": web.url(f"/files/{FIRMWARE_NAME}"),
        "retrieveDate": format_timestamp(utc_now()),
    }
    assert await lb.cs.call("CP001", "UpdateFirmware", request) == {}

    await wait_until(lambda: firmware_statuses(lb) == ["Downloading", "Downloaded"])
    # It looks again every 0.2 s: once it has, a transaction still runs, so it waits on.
    checked = cp.sim.timers.due_at("firmware")
    assert checked is not None
    await wait_until(lambda: cp.sim.timers.due_at("firmware") != checked)
    assert firmware_statuses(lb) == ["Downloading", "Downloaded"]
    assert lb.state().open_transactions

    cp.sim.stop_charge(1)
    cp.poke()
    await wait_until(lambda: len(lb.received("BootNotification")) == 2)
    await wait_until(lambda: cp.reconnects == 1 and cp.idle)
    assert firmware_statuses(lb) == ["Downloading", "Downloaded", "Installing", "Installed"]
    calls = lb.received_calls()
    stop = next(i for i, (action, _) in enumerate(calls) if action == "StopTransaction")
    installing = calls.index(("FirmwareStatusNotification", {"status": "Installing"}))
    assert stop < installing
    assert lb.received("BootNotification")[1]["firmwareVersion"] == NEW_VERSION
    lb.assert_clean()


async def test_a_missing_firmware_file_is_download_failed(lb: Loopback, web: Web) -> None:
    cp = await update_firmware(lb, web.url("/files/nothing-here.bin"))

    await wait_until(lambda: firmware_statuses(lb)[-1:] == ["DownloadFailed"] and cp.idle)
    assert firmware_statuses(lb) == ["Downloading", "DownloadFailed"]
    assert any("HTTP 404" in n for n in lb.connection_notes())
    assert cp.reconnects == 0 and cp.connected
    assert cp.sim.firmware_version is None
    assert cp.sim.firmware_status == "Idle"
    assert lb.state().firmware_status == "DownloadFailed"
    lb.assert_clean()

"""The ``ocpptk`` command: subcommands, scripts on stdin and in files, exit codes."""

from __future__ import annotations

import signal
import sys
import types
from pathlib import Path

import pytest

from ocpptk import __version__
from ocpptk.cli import SUBCOMMANDS, main
from tests.console.processes import Server, ocpptk


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"ocpptk {__version__}"


def test_help_lists_the_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in SUBCOMMANDS:
        assert name in out
    assert {"start_cs", "start_cp", "demo"} <= set(SUBCOMMANDS)


def test_subcommand_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["start_cp", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--basic-auth" in out and "--script" in out and "--stop-on-error" in out


def test_unknown_subcommand_and_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nope"]) == 2
    assert main(["start_cs"]) == 2
    assert main(["start_cs", "70000"]) == 2
    assert main(["start_cs", "0", "-p", "ocpp2.0.1"]) == 2
    err = capsys.readouterr().err
    assert "'nope' is not a subcommand" in err
    assert "required: PORT" in err
    assert "ocpp2.0.1 is not supported (supported: ocpp1.2, ocpp1.5, ocpp1.6)" in err
    assert "Traceback" not in err


def test_demo_is_dispatched_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    fake = types.ModuleType("ocpptk.demo")

    def fake_main(argv: list[str]) -> int:
        seen.append(list(argv))
        return 7

    fake.main = fake_main  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ocpptk.demo", fake)
    assert main(["demo", "--fast", "x"]) == 7
    assert seen == [["--fast", "x"]]


def test_no_console_needs_something_to_serve(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--no-console"]) == 2
    assert "needs start_cs or start_cp" in capsys.readouterr().err


def test_start_cp_failure_is_one_line_and_exit_1() -> None:
    done = ocpptk("start_cp", "ws://127.0.0.1:1/", "CP1", stdin="heartbeat\n")
    assert done.returncode == 1
    assert done.stderr.startswith("Error: start_cp: cannot connect: ws://127.0.0.1:1/CP1")
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


def test_a_charge_point_scripted_on_stdin_against_a_central_system_on_stdin() -> None:
    server = Server()
    cp = ocpptk(
        "start_cp",
        server.url,
        "CP1",
        stdin="# boot first\nbootnotification chargePointVendor=DBT\nheartbeat\nsend FooBar {}\n",
    )
    assert cp.returncode == 0, cp.stderr
    assert "charge point CP1 connected to" in cp.stdout
    assert "ocpptk> bootnotification chargePointVendor=DBT" in cp.stdout
    assert 'BootNotification result: {"status": "Accepted"' in cp.stdout
    assert "Heartbeat result" in cp.stdout
    assert "FooBar error: NotImplemented" in cp.stdout
    assert "# boot first" not in cp.stdout
    assert cp.stderr == ""
    code, out, err = server.finish("status\nbogus\n")
    assert code == 1  # bogus failed
    assert "cs: CP1 connected (ocpp1.6)" in out
    assert '"BootNotification",{"chargePointVendor":"DBT"' in out
    assert "Error: bogus is not a command" in err
    assert "Traceback" not in err


def test_script_file_and_stop_on_error(tmp_path: Path) -> None:
    script = tmp_path / "commands.txt"
    script.write_text("# comment\nstart_cs 0 --host 127.0.0.1\nstatus\nbogus\nstatus\n")
    done = ocpptk("--script", str(script))
    assert done.returncode == 1
    assert done.stdout.count("ocpptk> status") == 2
    done = ocpptk("--script", str(script), "--stop-on-error", "--no-echo")
    assert done.returncode == 1
    assert "stopping at the first error" in done.stderr
    assert done.stdout.count("central system on 127.0.0.1") == 1
    assert "ocpptk>" not in done.stdout
    script.write_text("start_cs 0 --host 127.0.0.1\nstatus\n")
    assert ocpptk("--script", str(script)).returncode == 0
    assert ocpptk("--script", str(tmp_path / "missing.txt")).returncode == 2


def test_no_console_serves_until_sigterm() -> None:
    server = Server("--no-console")
    done = ocpptk("start_cp", server.url, "CP1", stdin="heartbeat\n")
    assert done.returncode == 0, done.stderr
    server.process.send_signal(signal.SIGTERM)
    code, out, err = server.finish("")
    assert code == 0, err
    assert "cs: CP1 connected" in out

"""start_cp --template: a charge point described by a template file."""

from __future__ import annotations

import re
from pathlib import Path

from tests.console.conftest import Console
from tests.console.processes import ocpptk

REPO = Path(__file__).resolve().parents[2]


def _start_cs(console: Console) -> str:
    out = console.ok("start_cs 0 --host 127.0.0.1 -p ocpp1.6,ocpp1.5")
    found = re.search(r"start_cp (ws://127\.0\.0\.1:\d+/) CP001", out)
    assert found, out
    return found.group(1)


def test_start_cp_from_a_template(console: Console) -> None:
    url = _start_cs(console)
    console.ok(f"start_cp --template {REPO / 'templates/dc-50kw.json'} {url} CP50")
    console.wait_for(r"cs: CP50 connected \(ocpp1\.6\)")
    out = console.ok("bootnotification")
    assert "Fast DC50" in console.output()
    assert "ocpptk" in out or "ocpptk" in console.output()
    cp = console.app.charge_points["CP50"]
    assert cp.sim.model == "Fast DC50"
    assert "SoC" in cp.sim.configuration.items("MeterValuesSampledData")


def test_the_id_alone_and_the_protocol_flag(console: Console) -> None:
    url = _start_cs(console)
    template = REPO / "templates/ac-7kw.json"
    console.ok(f"start_cp --template {template} {url}")
    console.wait_for(r"cs: AC7-0001 connected")
    console.ok(f"start_cp --template {template} {url} AC2 -p ocpp1.5")
    cp = console.app.charge_points["AC2"]
    assert cp.version.value == "1.5" and cp.sim.version.value == "1.5"


def test_template_errors_are_one_line(console: Console, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"identity": 1}')
    result = console.run(f"start_cp --template {bad}")
    assert result.failed
    assert f"{bad}: $: missing required key 'connection', 'capabilities'" in result.err
    assert result.err.strip().count("\n") == 0
    result = console.run(f"start_cp --template {REPO / 'templates/ac-7kw.json'} --env prod")
    assert result.failed and "no environment 'prod' (there are: local)" in result.err
    result = console.run("start_cp ws://127.0.0.1:1/")
    assert result.failed and "give URL and ID" in result.err


def test_a_bad_template_exits_non_zero_with_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    done = ocpptk("start_cp", "--template", str(missing), stdin="heartbeat\n")
    assert done.returncode == 1
    assert done.stderr.startswith(f"Error: start_cp: {missing}: cannot read")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{\n  nope\n}\n")
    done = ocpptk("start_cp", "--template", str(broken), stdin="heartbeat\n")
    assert done.returncode == 1
    assert f"{broken}: invalid JSON at line 2 column 3" in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr

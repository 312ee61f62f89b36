"""The simulators are sans-I/O: no event loop, sockets, threads or clock of their own."""

from __future__ import annotations

import pathlib
import re

import ocpptk.sim
from tests.purity import forbidden_imports

SIM_DIR = pathlib.Path(ocpptk.sim.__file__).parent
FORBIDDEN = {
    "asyncio",
    "socket",
    "websockets",
    "time",
    "threading",
    "select",
    "ssl",
    "ocpptk.transport",
    "ocpptk.console",
}


def _modules() -> list[pathlib.Path]:
    found = sorted(SIM_DIR.glob("*.py"))
    assert len(found) >= 8
    return found


def test_no_io_imports() -> None:
    assert forbidden_imports(_modules(), FORBIDDEN) == []


def test_only_the_default_clock_reads_the_time() -> None:
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        reads = len(re.findall(r"\b(?:datetime|date)\.(?:now|utcnow|today)\(", text))
        assert reads == (1 if path.name == "clock.py" else 0), path.name

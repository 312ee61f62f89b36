"""A console driven through ``onecmd_plus_hooks``, its output captured, no terminal needed.

``console.run("heartbeat")`` returns what the command printed on stdout and stderr and whether
it counted as failed. Frames come from the event loop thread: tests that look for one that may
arrive after the command returned wait for it with ``console.wait_for``.
"""

from __future__ import annotations

import contextlib
import io
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from ocpptk.console import OcppConsole

PATIENCE = 10.0  # seconds; a correct run never waits this long


class LockedBuffer(io.StringIO):
    """A StringIO written by two threads."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            return super().write(text)

    def text(self) -> str:
        with self._lock:
            return self.getvalue()


@dataclass
class Result:
    out: str
    err: str
    failed: bool


class Console:
    def __init__(self) -> None:
        self.buffer = LockedBuffer()
        self.app = OcppConsole(stdin=io.StringIO(), stdout=self.buffer)

    def run(self, line: str) -> Result:
        start = len(self.buffer.text())
        before = self.app.failures
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            self.app.onecmd_plus_hooks(line)
        return Result(self.buffer.text()[start:], err.getvalue(), self.app.failures > before)

    def ok(self, line: str) -> str:
        """Run ``line``, which must succeed; its stdout."""
        result = self.run(line)
        assert not result.failed, f"{line!r} failed: {result.err}"
        assert not result.err, result.err
        return result.out

    def output(self) -> str:
        return self.buffer.text()

    def wait_for(self, pattern: str, timeout: float = PATIENCE) -> re.Match[str]:
        """Wait until the whole output matches the regular expression ``pattern``."""
        deadline = time.monotonic() + timeout
        while True:
            found = re.search(pattern, self.output())
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"no {pattern!r} in:\n{self.output()}")
            time.sleep(0.005)

    def close(self) -> None:
        self.app.close()


@pytest.fixture
def console() -> Iterator[Console]:
    made = Console()
    yield made
    made.close()


@pytest.fixture
def linked(console: Console) -> Console:
    """A console running a central system on 127.0.0.1 and charge point CP1 connected to it,
    both started with the console's own commands."""
    out = console.ok("start_cs 0 --host 127.0.0.1")
    found = re.search(r"start_cp (ws://127\.0\.0\.1:\d+/) CP001", out)
    assert found, out
    console.ok(f"start_cp {found.group(1)} CP1")
    console.wait_for(r"cs: CP1 connected \(ocpp1\.6\)")
    return console

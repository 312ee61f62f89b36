"""``ocpptk`` run as a user runs it: in a subprocess, commands on its standard input."""

from __future__ import annotations

import os
import re
import subprocess
import sys

__all__ = ["ENV", "PATIENCE", "Server", "ocpptk"]

PATIENCE = 30.0
ENV = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}


def ocpptk(
    *args: str, stdin: str = "", timeout: float = PATIENCE
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ocpptk.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=ENV,
    )


class Server:
    """``ocpptk start_cs 0 ARGS`` in a subprocess whose commands we write as we go; ``url`` is
    what it tells charge points to use (``ws://`` or, with ``-t soap``, ``http://``)."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ocpptk.cli", "start_cs", "0", "--host", "127.0.0.1", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        assert self.process.stdout is not None
        self.lines: list[str] = []
        while True:  # the URL is printed as soon as the server listens
            line = self.process.stdout.readline()
            assert line, (
                f"start_cs exited: {self.process.stderr.read() if self.process.stderr else ''}"
            )
            self.lines.append(line)
            found = re.search(r"start_cp ((?:ws|http)://\S+) CP001", line)
            if found:
                self.url = found.group(1)
                break

    def finish(self, commands: str) -> tuple[int, str, str]:
        out, err = self.process.communicate(commands, timeout=PATIENCE)
        return self.process.returncode, "".join(self.lines) + out, err

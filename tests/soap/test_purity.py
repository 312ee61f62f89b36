"""ocpptk.soap is sans-I/O: no event loop, sockets, HTTP, threads or clock."""

from __future__ import annotations

import pathlib
import re

import ocpptk.soap
from tests.purity import forbidden_imports

SOAP_DIR = pathlib.Path(ocpptk.soap.__file__).parent
FORBIDDEN = {
    "asyncio",
    "socket",
    "h11",
    "requests",
    "websockets",
    "time",
    "threading",
    "select",
    "ssl",
    "ocpptk.transport",
    "ocpptk.console",
    "ocpptk.sim",
}


def test_no_io_imports() -> None:
    paths = sorted(SOAP_DIR.glob("*.py"))
    assert len(paths) >= 7
    assert forbidden_imports(paths, FORBIDDEN) == []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b(?:datetime|date)\.(?:now|utcnow|today)\(", text), path.name

"""ocpptk.soap is sans-I/O: no event loop, sockets, HTTP, threads or clock."""

from __future__ import annotations

import ast
import pathlib
import re

import ocpptk.soap

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
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN), (
                    f"{path.name} imports {name}"
                )
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b(?:datetime|date)\.(?:now|utcnow|today)\(", text), path.name

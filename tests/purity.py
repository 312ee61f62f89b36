"""What a package's modules import: the sans-I/O layers' tests check it against a list."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

__all__ = ["forbidden_imports"]


def forbidden_imports(modules: Iterable[Path], forbidden: Iterable[str]) -> list[str]:
    """``"<file> imports <module>"`` for each import of a forbidden module or of one inside it
    (``asyncio`` forbids ``asyncio.events`` too)."""
    banned = tuple(forbidden)
    found = []
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            else:
                continue
            found += [
                f"{path.name} imports {name}"
                for name in names
                if any(name == bad or name.startswith(bad + ".") for bad in banned)
            ]
    return found

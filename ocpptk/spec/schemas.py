"""Find and read the JSON schemas shipped with ocpptk.

A wheel carries them as ``ocpptk/_data/schemas`` (see ``pyproject.toml``); a checkout has them
in the top-level ``schemas/``. Action names reach this module from the wire, so a name is only
looked up in the list of files that exist, never joined into a path: a peer cannot make us read
``../anything.json``, nor grow the cache with made-up names.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import ocpptk
from ocpptk.spec.catalog import Version

__all__ = ["load_schema", "schema_root"]


def schema_root() -> Path:
    """The installed copy if there is one, else the repository's ``schemas/``."""
    package = Path(ocpptk.__file__).resolve().parent
    installed = package / "_data" / "schemas"
    if installed.is_dir():
        return installed
    return package.parent / "schemas"


@cache
def _available(version: Version) -> frozenset[str]:
    folder = schema_root() / version.value
    if not folder.is_dir():
        return frozenset()
    return frozenset(path.stem for path in folder.glob("*.json"))


@cache
def _read(version: Version, stem: str) -> dict[str, Any]:
    path = schema_root() / version.value / f"{stem}.json"
    # utf-8-sig: some published OCPP schemas start with a byte order mark.
    with path.open(encoding="utf-8-sig") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


def load_schema(version: Version, action: str, request: bool) -> dict[str, Any] | None:
    """The schema of ``action``'s request or response payload, None if ``version`` has none.

    The result is cached and shared between callers: treat it as read-only.
    """
    if request and action.endswith("Response"):
        return None  # that file is the response of another action, not a request schema
    stem = action if request else action + "Response"
    if stem not in _available(version):
        return None
    return _read(version, stem)

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
from ocpptk.spec.catalog import Role, Version

__all__ = ["load_schema", "schema_root", "wsdl_path", "wsdl_root"]


def _data_root(name: str) -> Path:
    package = Path(ocpptk.__file__).resolve().parent
    installed = package / "_data" / name
    if installed.is_dir():
        return installed
    return package.parent / name


def schema_root() -> Path:
    """The installed copy if there is one, else the repository's ``schemas/``."""
    return _data_root("schemas")


def wsdl_root() -> Path:
    """The installed copy of the WSDLs if there is one, else the repository's ``wsdl/``."""
    return _data_root("wsdl")


def wsdl_path(version: Version, role: Role) -> Path:
    """The WSDL of the SOAP service that ``role`` serves in ``version``.

    ``Role.CENTRAL_SYSTEM`` gives ``wsdl/<version>/CentralSystemService.wsdl`` (the operations
    a charge point calls), ``Role.CHARGE_POINT`` ``ChargePointService.wsdl``. The file exists
    for the SOAP versions 1.2, 1.5 and 1.6 only; the path is returned either way.
    """
    service = "CentralSystemService" if role is Role.CENTRAL_SYSTEM else "ChargePointService"
    return wsdl_root() / version.value / f"{service}.wsdl"


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

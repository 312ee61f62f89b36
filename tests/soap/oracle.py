"""The OCA WSDLs as a test oracle: their XML schemas, and the operations of every service.

The files are in ``<repo>/../shared/ocpp-spec/wsdl``; a check that needs one is skipped where
it is absent, and only there.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from ocpptk.spec import wsdl_gen
from ocpptk.spec.catalog import Role, Version
from tests.spec.test_wsdl_oracle import OCA_FILES, oca_path

__all__ = [
    "SERVICES",
    "SERVICE_IDS",
    "needs_oca",
    "oca_path",
    "oca_schema",
    "operation_params",
]

WSDL = "http://schemas.xmlsoap.org/wsdl/"
XS = "http://www.w3.org/2001/XMLSchema"
SERVICES = list(OCA_FILES)
SERVICE_IDS = [f"{v.value}-{wsdl_gen.service_name(r)}" for v, r in SERVICES]


def needs_oca(version: Version, role: Role) -> pytest.MarkDecorator:
    path = oca_path(version, role)
    return pytest.mark.skipif(not path.is_file(), reason=f"OCA WSDL not found at {path}")


@cache
def _schema(path: Path) -> Any:
    root = etree.parse(str(path)).getroot()
    (schema,) = root.iterfind(f"{{{WSDL}}}types/{{{XS}}}schema")
    standalone = etree.Element(schema.tag, attrib=dict(schema.attrib), nsmap=schema.nsmap)
    standalone.extend(copy.deepcopy(child) for child in schema)
    return etree.XMLSchema(standalone)


def oca_schema(version: Version, role: Role) -> Any:
    """The ``<wsdl:types>`` schema of the ORIGINAL OCA WSDL, as an lxml validator."""
    path = oca_path(version, role)
    if not path.is_file():
        pytest.skip(f"OCA WSDL (the test oracle) not found at {path}")
    return _schema(path)


def assert_valid(schema: Any, node: Any) -> None:
    ok = schema.validate(copy.deepcopy(node))
    assert ok, f"{etree.tostring(node).decode()}\n{schema.error_log}"


def operation_params(*, both_directions: bool = False, optional: bool = False) -> list[Any]:
    """One param per operation of every service: (version, service role, action name), then
    (is request) with ``both_directions`` and (with the optional fields) with ``optional``."""
    params = []
    directions: list[tuple[Any, ...]] = [(True,), (False,)] if both_directions else [()]
    fullness: list[tuple[Any, ...]] = [(True,), (False,)] if optional else [()]
    for (version, role), service_id in zip(SERVICES, SERVICE_IDS, strict=True):
        for act in wsdl_gen.service_actions(version, role):
            for direction in directions:
                for full in fullness:
                    name = f"{service_id}-{act.name}"
                    name += "".join("-req" if d else "-resp" for d in direction)
                    name += "".join("-full" if f else "-required" for f in full)
                    params.append(pytest.param(version, role, act.name, *direction, *full, id=name))
    return params

"""Test helpers for the simulators: a hand-driven clock and JSON schemas as an oracle.

For 1.6 the oracle is the OCA's schemas, which live outside the project
(``<repo>/../shared/ocpp-spec/json/1.6``); when they are absent the schema checks are skipped and
only the behavioural assertions run. For 1.2 and 1.5 no OCA JSON schema exists: the oracle is
ours (``schemas/1.2``, ``schemas/1.5``, read with ``load_schema``), checked with ``jsonschema``
rather than the fastjsonschema validators the transport uses.
"""

from __future__ import annotations

import json
import pathlib
import re
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import jsonschema
import pytest

from ocpptk.spec.catalog import Version
from ocpptk.spec.schemas import load_schema

SCHEMA_DIR = pathlib.Path(__file__).resolve().parents[2].parent / "shared/ocpp-spec/json/1.6"
HAVE_SCHEMAS = SCHEMA_DIR.is_dir()
WIRE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
START = datetime(2026, 11, 21, 14, 54, 54, tzinfo=UTC)

needs_schemas = pytest.mark.skipif(not HAVE_SCHEMAS, reason=f"no OCA schemas in {SCHEMA_DIR}")


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime = START) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker()
    if "date-time" not in checker.checkers:  # rfc3339-validator is not installed: check it here

        @checker.checks("date-time", raises=ValueError)
        def _date_time(value: object) -> bool:
            if isinstance(value, str):
                datetime.fromisoformat(value)
            return True

    return checker


@cache
def _validator(action: str, request: bool) -> jsonschema.Draft4Validator:
    name = action if request else f"{action}Response"
    schema = json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8-sig"))
    return jsonschema.Draft4Validator(schema, format_checker=_format_checker())


@cache
def _our_validator(version: Version, action: str, request: bool) -> jsonschema.Draft4Validator:
    schema = load_schema(version, action, request)
    assert schema is not None, f"OCPP {version.value} has no schema for {action}"
    return jsonschema.Draft4Validator(schema, format_checker=_format_checker())


def our_schema_errors(
    version: Version, action: str, payload: dict[str, Any], request: bool
) -> list[str]:
    """What our schema of ``action`` in ``version`` (``schemas/<version>/``) finds wrong with
    ``payload``; empty: valid."""
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in _our_validator(version, action, request).iter_errors(payload)
    ]


def assert_valid_in(version: Version, action: str, payload: dict[str, Any], request: bool) -> None:
    """``payload`` is valid against our schema of ``action`` in ``version``."""
    assert our_schema_errors(version, action, payload, request) == [], (
        version.value,
        action,
        payload,
    )


def schema_errors(action: str, payload: dict[str, Any], request: bool) -> list[str]:
    """What the OCA schema of ``action`` finds wrong with ``payload`` (empty: valid, or no
    schemas to check with)."""
    if not HAVE_SCHEMAS:
        return []
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in _validator(action, request).iter_errors(payload)
    ]


def assert_valid_request(action: str, payload: dict[str, Any]) -> None:
    assert schema_errors(action, payload, request=True) == [], (action, payload)


def assert_valid_response(action: str, payload: dict[str, Any]) -> None:
    assert schema_errors(action, payload, request=False) == [], (action, payload)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

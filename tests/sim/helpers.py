"""Test helpers for the simulators: a hand-driven clock and the OCA JSON schemas as an oracle.

The schemas live outside the project (``<repo>/../shared/ocpp-spec/json/1.6``); when they are
absent the schema checks are skipped and only the behavioural assertions run.
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


@cache
def _validator(action: str, request: bool) -> jsonschema.Draft4Validator:
    name = action if request else f"{action}Response"
    schema = json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8-sig"))
    checker = jsonschema.FormatChecker()
    if "date-time" not in checker.checkers:  # rfc3339-validator is not installed: check it here

        @checker.checks("date-time", raises=ValueError)
        def _date_time(value: object) -> bool:
            if isinstance(value, str):
                datetime.fromisoformat(value)
            return True

    return jsonschema.Draft4Validator(schema, format_checker=checker)


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

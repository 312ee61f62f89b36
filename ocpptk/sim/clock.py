"""Time for the simulators: an injected clock and the OCPP wire format of timestamps.

The simulators never read the system clock themselves; they call a ``Clock`` given to them,
so tests (and replays) decide what "now" is. OCPP 1.6 section 3.3 wants timestamps in UTC
("all time values exchanged between Central System and Charge Point SHALL be formatted as
defined in ISO 8601"); on the wire we write them as ``2026-11-21T14:54:54Z``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

__all__ = ["Clock", "FastClock", "format_timestamp", "parse_timestamp", "utc_now"]

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The default clock: the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class FastClock:
    """A clock that runs ``speed`` times faster than the real one from the moment it is made:
    a simulated hour of charging in a real minute at speed 60. Its ``speed`` tells a driver
    how to turn the simulator's seconds into real ones."""

    def __init__(self, speed: float, real: Clock = utc_now) -> None:
        if not speed > 0:
            raise ValueError(f"speed must be positive, not {speed}")
        self.speed = speed
        self._real = real
        self._origin = real()

    def __call__(self) -> datetime:
        return self._origin + (self._real() - self._origin) * self.speed


def format_timestamp(moment: datetime) -> str:
    """``moment`` in UTC as ISO 8601 with a ``Z`` and whole seconds; a naive time counts as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: str) -> datetime:
    """A wire timestamp (any ISO 8601 offset, ``Z`` included) as an aware UTC datetime.

    Raises ``ValueError`` if ``text`` is not an ISO 8601 date-time.
    """
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)

"""Timers for a sans-I/O simulator: deadlines it wants, run when its driver says the time has come.

A simulator never sleeps. It sets named timers (``timers.set("heartbeat", at, send_heartbeat)``);
its driver asks ``next_deadline()``, waits in whatever way it waits (an asyncio sleep, a test
moving a fake clock), then calls ``run_due(now)``. Setting a timer under a name that is already
set replaces it, so "reschedule the heartbeat" is one call, and a name is cancelled by name.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["Timers"]


@dataclass(order=True)
class _Timer:
    at: datetime
    order: int  # among timers due at the same moment, the one set first runs first
    key: Hashable = field(compare=False)
    action: Callable[[], None] = field(compare=False)


class Timers:
    """Named one-shot timers; an action may set new timers, even ones already due."""

    def __init__(self) -> None:
        self._timers: dict[Hashable, _Timer] = {}
        self._order = 0

    def set(self, key: Hashable, at: datetime, action: Callable[[], None]) -> None:
        """Run ``action`` at ``at``, replacing whatever timer ``key`` held."""
        self._order += 1
        self._timers[key] = _Timer(at, self._order, key, action)

    def cancel(self, key: Hashable) -> bool:
        """Forget timer ``key``; True if it was set."""
        return self._timers.pop(key, None) is not None

    def cancel_where(self, matches: Callable[[Hashable], bool]) -> int:
        """Forget every timer whose key ``matches``; how many there were."""
        doomed = [key for key in self._timers if matches(key)]
        for key in doomed:
            del self._timers[key]
        return len(doomed)

    def __contains__(self, key: object) -> bool:
        return key in self._timers

    def __len__(self) -> int:
        return len(self._timers)

    def due_at(self, key: Hashable) -> datetime | None:
        timer = self._timers.get(key)
        return timer.at if timer is not None else None

    def next_deadline(self) -> datetime | None:
        """When the earliest timer is due; None if no timer is set."""
        return min((timer.at for timer in self._timers.values()), default=None)

    def run_due(self, now: datetime) -> int:
        """Run every timer due at ``now`` (earliest first, and those the actions set that are
        due too); how many ran."""
        ran = 0
        while True:
            due = [timer for timer in self._timers.values() if timer.at <= now]
            if not due:
                return ran
            timer = min(due)
            del self._timers[timer.key]
            timer.action()
            ran += 1
